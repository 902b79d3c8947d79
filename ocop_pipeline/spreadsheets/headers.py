"""Header vocabulary of official OCOP lists: which column holds which field.

Headers are matched on their accent-free key (fold_key), so 'HẠNG SAO', 'Hạng  sao' and 'Hang sao' are
one header. Rules are tried in order and the first match wins, so the specific ones come first:
'Mã số thuế' before 'Mã số', 'Nhóm sản phẩm' before 'Sản phẩm', 'Địa điểm' before 'Điểm', 'Năm xếp hạng'
before 'Xếp hạng', 'Số sản phẩm' (a count in summary sheets) before 'Sản phẩm'.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ocop_pipeline.text.folding import fold_clean

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
