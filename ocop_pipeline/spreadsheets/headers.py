"""Headers of official OCOP lists: which column holds which field, and which row is the header.

Headers are matched on their accent-free key (fold_key), so 'HẠNG SAO', 'Hạng  sao' and 'Hang sao' are
one header. Rules are tried in order and the first match wins, so the specific ones come first:
'Mã số thuế' before 'Mã số', 'Nhóm sản phẩm' before 'Sản phẩm', 'Địa điểm' before 'Điểm', 'Năm xếp hạng'
before 'Xếp hạng', 'Số sản phẩm' (a count in summary sheets) before 'Sản phẩm'. `find_header` scores
the first rows of a sheet (one header row, or a parent row over its sub-headers) by how many fields
they name, and returns the best.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ocop_pipeline.spreadsheets.workbooks import Cell, cell_text
from ocop_pipeline.text.folding import fold_clean, fold_key

# (field, regex on the folded header). Fields starting with "_" are recognised but not read: they
# still count as header words when scoring a row, and keep a column from being mistaken for another.
HEADER_RULES: tuple[tuple[str, str], ...] = (
    ("_count", r"^(?:tong )?so (?:luong )?(?:san pham|sp|chu the)\b|^so luong\b|^tong so\b"),
    ("stt", r"^(?:stt|tt|so tt|so thu tu|thu tu|no|nr|number)$"),
    ("tax_code", r"\bma so thue\b|^mst$|\bma so doanh nghiep\b|^tax (?:code|id)\b"),
    ("phone", r"dien thoai|^sdt\b|^so dt\b|^dt\b|lien he|\bphone\b"),
    ("ocop_code", r"^ma (?:so )?(?:ocop|san pham|sp)\b|^ma so$|^ma$|^ma ocop\b|\bma so ocop\b"),
    (
        "year",
        r"^nam(?: (?:danh gia|xep hang|phan hang|cong nhan|chung nhan|dat))?$|^(?:rating |recognition )?year\b",
    ),
    ("decision_date", r"^ngay (?:quyet dinh|qd|cong nhan|ky|ban hanh)\b|^ngay$|^(?:decision )?date\b"),
    ("decision_no", r"quyet dinh|^so qd\b|^qd\b|^so hieu qd\b|^decision\b"),
    (
        "product_group",
        (
            r"^(?:nhom|phan nhom|nganh|bo|bo san pham|nhom nganh|phan loai|nganh hang|loai san pham)\b"
            r"|^(?:product )?(?:group|category|sector)\b"
        ),
    ),
    ("subject_type", r"^loai hinh\b|^loai chu the\b|^hinh thuc to chuc\b"),
    ("address", r"^dia chi\b|^dia diem\b|^dia ban\b|^noi san xuat\b|^address\b|^location\b"),
    ("commune", r"^(?:ten )?(?:xa|xa phuong|xa phuong thi tran|phuong xa|cap xa)\b|^commune\b|^ward\b"),
    (
        "district",
        (
            r"^(?:ten )?(?:huyen|quan huyen|huyen thi|huyen thanh pho|huyen tp|don vi cap huyen|cap huyen)\b"
            r"|^don vi (?:hanh chinh|huyen|cap huyen|\w+ huyen)\b|^district\b"
        ),
    ),
    ("province", r"^(?:ten )?(?:tinh|tinh thanh|tinh thanh pho)$|^province\b"),
    ("score", r"\bdiem\b|\bscore\b|\bpoints\b"),
    # 'Hạng sao đề xuất', 'Dự kiến hạng sao', 'Tự đánh giá': what a producer or district proposed, not
    # the rating; recognised so that it is never read as the stars column.
    ("_proposed", r"\bde xuat\b|\bdu kien\b|\btu danh gia\b|\btu cham\b|\bproposed\b"),
    (
        "stars",
        (
            r"hang sao|so sao|xep hang|phan hang|hang ocop|ket qua|^sao\b|^hang$|cap hang|muc hang|dat sao"
            r"|\bstars?\b|\brating\b|^rank"
        ),
    ),
    (
        "subject_name",
        (
            r"chu the|don vi|^co so\b|to chuc|doanh nghiep|nha san xuat|^ten htx|^ten chu\b|^ho san xuat"
            r"|producer|manufacturer|^subject\b|\bentity\b|^company\b|^owner\b"
        ),
    ),
    (
        "product_name",
        r"^(?:ten )?(?:san pham|sp)\b|^ten (?:thuong mai|hang hoa)\b|^ten$|^(?:ocop )?product\b",
    ),
    ("note", r"^ghi chu\b|^notes?$|^remarks?$"),
)
_RULES = [(f, re.compile(p)) for f, p in HEADER_RULES]

# The fields that make a row a header: a product-name column plus at least one other known column.
REQUIRED_FIELD = "product_name"
MIN_FIELDS = 2


@lru_cache(maxsize=16384)
def header_field(text: str) -> str | None:
    """The field a header cell names, or None. Long cells (titles, notes) are never headers."""
    if len(text) > 90:
        return None
    key = fold_clean(text)
    if not key or len(key) > 70:
        return None
    for field, pattern in _RULES:
        if pattern.search(key):
            return field
    return None


# ---------------------------------------------------------------------------------------------------
# Header detection: the row (or two rows) of a sheet that names its columns

# Headers sit near the top; scanning further only finds false headers in long lists.
HEADER_SCAN_ROWS = 80


@dataclass
class Header:
    first: int  # first header row (0-based)
    last: int  # last header row
    columns: dict[str, int]  # field -> column
    labels: dict[int, str]  # column -> header text as written (for rejects)
    score: int


_GENERIC_CHILD = frozenset({"ten", "ten goi", "so", "ngay", "dia chi", "so hieu", "ho ten", "ma"})


def row_texts(row: list[Cell]) -> list[str]:
    return [cell_text(v) for v in row]


def _fields_single(texts: list[str]) -> dict[int, str]:
    out: dict[int, str] = {}
    for c, t in enumerate(texts):
        if t:
            f = header_field(t)
            if f:
                out[c] = f
    return out


def _looks_like_subheader(top: list[str], sub: list[str]) -> bool:
    """A second header row holds only header words (or its parents' merged text), never data."""
    unknown = 0
    for c, s in enumerate(sub):
        if not s or (c < len(top) and s == top[c]):
            continue
        if _is_number(s):
            return False
        if header_field(s) is None and fold_key(s) not in _GENERIC_CHILD:
            unknown += 1
    return unknown <= 1


def _is_number(t: str) -> bool:
    return bool(re.fullmatch(r"[\d.,\s]+", t))


def _fields_double(top: list[str], sub: list[str]) -> tuple[dict[int, str], dict[int, str], int]:
    """Fields of a two-level header; parents fill rightwards over their sub-columns."""
    if not _looks_like_subheader(top, sub):
        return {}, {}, 0
    out: dict[int, str] = {}
    labels: dict[int, str] = {}
    parent = ""
    sub_hits = 0
    width = max(len(top), len(sub))
    for c in range(width):
        t = top[c] if c < len(top) else ""
        s = sub[c] if c < len(sub) else ""
        if t:
            parent = t
        elif not s:
            parent = ""
        p = t or (parent if s else "")
        field = None
        if s:
            child = header_field(s)
            generic = _generic_child(p, s) if p and p != s else None
            if generic:
                field = generic
                sub_hits += 1
            elif child and fold_key(s) not in _GENERIC_CHILD:
                field = child
                sub_hits += 1
            elif p:
                field = header_field(f"{p} {s}") or header_field(p)
                sub_hits += child is not None or fold_key(s) in _GENERIC_CHILD
            else:
                field = child
        elif p:
            field = header_field(p)
        if field:
            out[c] = field
            labels[c] = f"{p} / {s}" if p and s and p != s else (s or p)
    return out, labels, sub_hits


_NAME_CHILD = frozenset({"ten", "ten goi", "ho ten", "ho va ten"})
_ADDRESS_CHILD = frozenset({"dia chi", "dia chi san xuat", "dia diem", "noi san xuat"})


def _generic_child(parent: str, child: str) -> str | None:
    """A vague sub-header read under its parent: 'Tên' under 'Tên chủ thể sản xuất' is the subject name,
    'Địa chỉ' under any parent but an address is the address, 'Số' / 'Ngày' under 'Quyết định' are the
    decision number and date."""
    key = fold_key(child)
    pfield = header_field(parent)
    if key in _ADDRESS_CHILD:
        return "address"
    if key in _NAME_CHILD:
        return pfield if pfield in ("subject_name", "product_name") else None
    if pfield in ("decision_no", "decision_date"):
        if key.startswith(("ngay", "thoi gian")):
            return "decision_date"
        if key.startswith(("so", "ky hieu")):
            return "decision_no"
        if key.startswith("nam"):
            return "year"
    return None


def _assign(fields: dict[int, str], labels: dict[int, str] | None = None) -> dict[str, int]:
    """Field -> column; the leftmost wins, except that a 'chủ thể' column beats a vaguer 'Đơn vị'
    (which some lists use for the district)."""
    columns: dict[str, int] = {}
    for c in sorted(fields):
        columns.setdefault(fields[c], c)
    if labels:
        subjects = [c for c in sorted(fields) if fields[c] == "subject_name"]
        named = [c for c in subjects if "chu the" in fold_key(labels.get(c, ""))]
        if len(subjects) > 1 and named:
            columns["subject_name"] = named[0]
        # A bare 'Đơn vị' column: the subject, or in some lists the district (decided on the data).
        units = [c for c in subjects if fold_key(labels.get(c, "")).split(" / ")[-1] == "don vi"]
        if units and "district" not in columns:
            columns["_unit"] = units[0]
    return columns


def _score(columns: dict[str, int]) -> int:
    real = [f for f in columns if not f.startswith("_")]
    if REQUIRED_FIELD not in columns or len(real) < MIN_FIELDS:
        return 0
    # Summary tables name products only as a count: never a product list.
    if "_count" in columns and "stars" not in columns and "subject_name" not in columns:
        return 0
    return len(real) * 2 + ("stars" in columns) + ("subject_name" in columns)


def find_header(texts: list[list[str]]) -> Header | None:
    best: Header | None = None
    limit = min(len(texts), HEADER_SCAN_ROWS)
    for r in range(limit):
        single = _fields_single(texts[r])
        if not single:
            continue
        labels = {c: texts[r][c] for c in single}
        cols = _assign(single, labels)
        cand = Header(r, r, cols, labels, _score(cols))
        if r + 1 < len(texts):
            dfields, dlabels, hits = _fields_double(texts[r], texts[r + 1])
            dcols = _assign(dfields, dlabels)
            dscore = _score(dcols)
            if hits and dscore > cand.score:
                cand = Header(r, r + 1, dcols, dlabels, dscore)
        if cand.score and (best is None or cand.score > best.score):
            best = cand
        elif best is not None and r > best.last + 3:
            break  # data rows now: a better header further down would be a second table's
    return best
