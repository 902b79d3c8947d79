"""Matching keys for subjects and products (their ids: storage/ids.py).

Legal-form spellings
("Hợp tác xã"/"HTX", "Cty"/"Công ty", "Một thành viên"/"MTV") are folded by the table below, which
is data: a new spelling is a new line, not a new branch of code.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ocop_pipeline.text.folding import fold_key

# (pattern on the folded key, canonical replacement). Order matters: longer forms first.
_LEGAL_FORMS: tuple[tuple[str, str], ...] = (
    (r"\bhop tac xa\b", "htx"),
    (r"\bhtxnn\b", "htx nong nghiep"),
    (r"\bhtx nn\b", "htx nong nghiep"),
    (r"\bhtx dv nn\b", "htx dich vu nong nghiep"),
    (r"\bhtx dvnn\b", "htx dich vu nong nghiep"),
    (r"\bcong ty trach nhiem huu han\b", "cong ty tnhh"),
    (r"\bcty\b", "cong ty"),
    (r"\bct tnhh\b", "cong ty tnhh"),
    (r"\bmot thanh vien\b", "mtv"),
    (r"\b1 thanh vien\b", "mtv"),
    (r"\bco phan\b", "cp"),
    (r"\bdoanh nghiep tu nhan\b", "dntn"),
    (r"\bto hop tac\b", "tht"),
    (r"\bho san xuat kinh doanh\b", "ho"),
    (r"\bho kinh doanh\b", "ho"),
    (r"\bho sxkd\b", "ho"),
    (r"\bho sx kd\b", "ho"),
    (r"\bho kd\b", "ho"),
    (r"\bco so san xuat\b", "cssx"),
    (r"\bco so sx\b", "cssx"),
)


@lru_cache(maxsize=1)
def _legal_form_patterns() -> tuple[tuple[re.Pattern[str], str, str], ...]:
    """(pattern, replacement, the literal words a match needs): a key without them skips the regex,
    which matters for long texts (a news article's key is matched against names)."""
    return tuple((re.compile(p), r, p.replace(r"\b", "")) for p, r in _LEGAL_FORMS)


@lru_cache(maxsize=65536)
def subject_key(name: str | None) -> str:
    """Matching key of a producer name: 'Hợp tác xã Nông nghiệp Yên Mông' -> 'htx nong nghiep yen mong'."""
    return canonical_legal_forms(fold_key(name))


def canonical_legal_forms(key: str) -> str:
    """A folded key with its legal forms written one way ('hop tac xa' -> 'htx'), single-spaced."""
    for pattern, replacement, literal in _legal_form_patterns():
        if literal in key:
            key = pattern.sub(replacement, key)
    return " ".join(key.split())


@lru_cache(maxsize=65536)
def product_key(name: str | None) -> str:
    """Matching key of a product name: accent-free, lower case, punctuation dropped."""
    return fold_key(name)


