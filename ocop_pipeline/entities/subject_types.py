"""What kind of subject (chủ thể) a name is, and which of the six product groups a label means.

Both are lookups on accent-free keys. The product-group crosswalk (older 2019-2022 branches and
subgroup words -> the six current groups) is data in `data/product_groups.csv`, not code.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from importlib import resources

from ocop_pipeline.text.folding import fold_key

SUBJECT_TYPES = ("enterprise", "cooperative", "cooperative_group", "household", "other")

# Name prefixes, tried in order on the folded name; the first that matches decides. "ct" alone is a
# common abbreviation of Công ty in handwritten lists; "co so" (cơ sở sản xuất) registers as a household.
_PREFIXES: tuple[tuple[str, str], ...] = (
    (r"(?:lien hiep )?(?:htx|htxnn|hop tac xa)\b", "cooperative"),
    (r"(?:tht|to hop tac)\b", "cooperative_group"),
    (r"(?:cong ty|cty|ct|ctcp|tnhh|dntn|doanh nghiep|chi nhanh cong ty|chi nhanh cty)\b", "enterprise"),
    (r"(?:ho|hkd|cssx|co so|csxs|hgd|ho gia dinh|ca nhan|nha vuon|xuong)\b", "household"),
)
_PREFIX_RE = [(re.compile(p), t) for p, t in _PREFIXES]
# Anywhere in the name, when no prefix decided ("Chi nhánh Hợp tác xã ...", "Trang trại ... (Hộ KD)").
_CONTAINS = (
    (re.compile(r"\b(?:hop tac xa|htx)\b"), "cooperative"),
    (re.compile(r"\bto hop tac\b"), "cooperative_group"),
    (re.compile(r"\b(?:cong ty|tnhh|co phan|dntn|doanh nghiep tu nhan)\b"), "enterprise"),
    (re.compile(r"\b(?:ho kinh doanh|ho sxkd|ho san xuat)\b"), "household"),
)

# Common family names: a bare personal name in a subject column is a household producer (individuals
# are certified as household businesses). Covers the large majority of Vietnamese surnames.
_SURNAMES = frozenset(
    (
        "nguyen", "tran", "le", "pham", "hoang", "huynh", "phan", "vu", "vo", "dang", "bui", "do", "ho",
        "ngo", "duong", "ly", "dinh", "trinh", "luong", "mai", "cao", "ha", "luu", "dao", "ta", "trieu",
        "vuong", "lo", "quach", "kieu", "doan", "lam", "thai", "tong", "chu", "khuat", "vi", "nong", "hua",
    )
)  # fmt: skip


@lru_cache(maxsize=16384)
def subject_type_of(name: str | None) -> str | None:
    """enterprise | cooperative | cooperative_group | household | other, or None for no name."""
    key = fold_key(name)
    if not key:
        return None
    for pattern, kind in _PREFIX_RE:
        if pattern.match(key):
            return kind
    for pattern, kind in _CONTAINS:
        if pattern.search(key):
            return kind
    words = key.split()
    if 2 <= len(words) <= 5 and words[0] in _SURNAMES and name and name.strip()[:1].isupper():
        return "household"
    return "other"


@lru_cache(maxsize=1)
def _group_index() -> dict[str, str]:
    text = resources.files("ocop_pipeline").joinpath("data/product_groups.csv").read_text(encoding="utf-8")
    return {fold_key(r["variant"]): r["group"] for r in csv.DictReader(text.splitlines())}


def product_group_rows() -> list[dict[str, str | None]]:
    """The crosswalk as table rows: every label seen in lists -> one of the six current groups."""
    text = resources.files("ocop_pipeline").joinpath("data/product_groups.csv").read_text(encoding="utf-8")
    return [{"variant": r["variant"], "product_group": r["group"], "note": r["note"] or None}
            for r in csv.DictReader(text.splitlines())]


_GROUP_PREFIX = re.compile(
    r"^(?:[ivx]+|\d+|[a-h])?\s*(?:nhom|nganh|bo|phan nhom|nhom nganh)?\s*(?:san pham)?\s*"
)


@lru_cache(maxsize=4096)
def product_group_of(label: str | None) -> str | None:
    """One of the six current groups for a group label as written, or None when it names none of them.

    'Thảo dược' -> 'dược liệu và sản phẩm từ dược liệu'; 'Nhóm 1: Thực phẩm' -> 'thực phẩm'.
    """
    key = fold_key(label)
    if not key:
        return None
    index = _group_index()
    if key in index:
        return index[key]
    bare = _GROUP_PREFIX.sub("", key, count=1).strip()
    if bare in index:
        return index[bare]
    # Longest known label that starts the text ("Thực phẩm chế biến từ thịt" -> thực phẩm).
    best = None
    for variant, group in index.items():
        if (bare.startswith(variant + " ") or bare == variant) and (best is None or len(variant) > best[0]):
            best = (len(variant), group)
    return best[1] if best else None


def is_group_label(label: str | None) -> bool:
    """True when the whole text is a product-group name ('THỰC PHẨM', 'Nhóm đồ uống'), as in section rows."""
    key = fold_key(label)
    return bool(key) and (
        key in _group_index() or _GROUP_PREFIX.sub("", key, count=1).strip() in _group_index()
    )
