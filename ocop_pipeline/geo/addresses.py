"""Addresses in official lists: split a subject from its address, and read commune/district/province.

Lists write 'HTX Nông nghiệp Yên Mông, xã Yên Mông, TP Hòa Bình', 'Công ty TNHH ABC (thôn X, xã Y,
huyện Z)' or 'Hộ kinh doanh Nguyễn Văn A - xã Y' in one cell. Units are written in full or abbreviated
(X., H., TT., P., TX., TP.). Parsed units keep their kind, capitalised: 'Xã Yên Mông', 'Huyện Kim Sơn',
'Thành phố Hòa Bình'. 'TP Hòa Bình' inside Hòa Bình province is the district-level city, not the province;
only the centrally-run cities are provinces when written with 'TP'.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ocop_pipeline.geo.admin_units import ProvinceMatch, lookup_province
from ocop_pipeline.text.folding import fold_key
from ocop_pipeline.text.normalize import clean_text

# Centrally-run cities (thành phố trực thuộc trung ương): 'TP X' names the province only for these;
# for every other name 'TP X' is a provincial city at district level (TP Hòa Bình, TP Thanh Hóa).
_CENTRAL_CITIES = frozenset(
    fold_key(n)
    for n in ("Hà Nội", "Hải Phòng", "Đà Nẵng", "Hồ Chí Minh", "HCM", "Cần Thơ", "Huế", "Thừa Thiên Huế")
)

# Unit markers as written (matched case-insensitively on clean text), longest first, and the level and
# display kind each one means. Dotted one-letter abbreviations need the dot ('X. Yên Mông').
_MARKERS: tuple[tuple[str, str, str], ...] = (
    (r"thị trấn|tt\.|t\.trấn", "commune", "Thị trấn"),
    (r"thị xã|tx\.|tx(?=\s)", "district", "Thị xã"),
    (r"thành phố|tp\.|tp(?=\s)|t\.p\.?", "city", "Thành phố"),
    (r"phường|p\.", "commune", "Phường"),
    (r"xã|x\.", "commune", "Xã"),
    (r"huyện|h\.", "district", "Huyện"),
    (r"quận|q\.", "district", "Quận"),
    (r"tỉnh|t\.", "province", "Tỉnh"),
)
_MARKER_RE = re.compile(
    r"(?<![\w.])(" + "|".join(m[0] for m in _MARKERS) + r")\s*",
    re.IGNORECASE,
)
_KIND_BY_KEY: dict[str, tuple[str, str]] = {}
for _pattern, _level, _kind in _MARKERS:
    for _alt in _pattern.split("|"):
        _KIND_BY_KEY[re.sub(r"\\|\(.*\)|\?|\s", "", _alt).lower()] = (_level, _kind)

# A unit name runs until a separator or the next marker.
_STOP = re.compile(r"[,;()\[\]/]|\s[-–]\s|\s-|-\s")

# Words that start an address when a subject and its address share a cell.
ADDRESS_START = re.compile(
    r"^(?:địa chỉ|đc|đ/c|thôn|xóm|bản|ấp|khu|khối|tổ|số|sn|km|đường|phố|làng|buôn|khóm|"
    r"thị trấn|tt\.|thị xã|tx\.?|thành phố|tp\.?|phường|p\.|xã|x\.|huyện|h\.|quận|q\.|tỉnh)(?![\w])",
    re.IGNORECASE,
)
_SPLIT_POINTS = re.compile(r"\s*(?:[,;\n]|\s[-–]\s)\s*")


@dataclass(frozen=True)
class ParsedAddress:
    commune: str | None
    district: str | None
    province: ProvinceMatch | None


def _kind_of(marker: str) -> tuple[str, str]:
    key = re.sub(r"\s+", "", marker.lower())
    if key in _KIND_BY_KEY:
        return _KIND_BY_KEY[key]
    return _KIND_BY_KEY.get(key.rstrip("."), ("", ""))


def _display(name: str) -> str:
    name = name.strip(" .:-")
    if name.isupper() or name.islower():
        name = name.title()
    return name


@lru_cache(maxsize=65536)
def parse_address(text: str | None) -> ParsedAddress:
    """Commune, district and province named in an address; None for each unit not found."""
    if not text:
        return ParsedAddress(None, None, None)
    s = clean_text(text)
    commune = district = None
    province: ProvinceMatch | None = None
    matches = list(_MARKER_RE.finditer(s))
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(s)
        rest = s[m.end() : end]
        stop = _STOP.search(rest)
        name = _display(rest[: stop.start()] if stop else rest)
        if not name or not name[0].isalnum():
            continue
        level, kind = _kind_of(m.group(1))
        if level == "city":
            key = fold_key(name)
            if key in _CENTRAL_CITIES:
                province = province or lookup_province(f"TP {name}") or lookup_province(name)
                continue
            level = "district"
        if level == "commune" and commune is None:
            commune = f"{kind} {name}"
        elif level == "district" and district is None:
            district = f"{kind} {name}"
        elif level == "province" and province is None:
            province = lookup_province(name)
    if province is None:
        # The last segment is often the bare province name ('..., huyện Kim Sơn, Ninh Bình').
        last = re.split(r"[,;\-–]", s)[-1].strip(" .")
        if last and not _MARKER_RE.match(last):
            province = lookup_province(last)
    return ParsedAddress(commune, district, province)


@lru_cache(maxsize=65536)
def split_subject_address(text: str | None) -> tuple[str | None, str | None]:
    """('Công ty TNHH ABC', 'thôn X, xã Y, huyện Z') from 'Công ty TNHH ABC (thôn X, xã Y, huyện Z)'.

    The subject ends at the first separator (comma, semicolon, line break, ' - ') whose next words start
    an address ('xã', 'thôn', 'TP.', 'Địa chỉ:' ...), or at a parenthesis holding such words. A cell with
    no address comes back as (subject, None).
    """
    if text is None:
        return None, None
    raw = str(text).replace("\r", "\n")
    paren = re.search(r"\(([^()]*)\)\s*$", raw)
    if (
        paren
        and ADDRESS_START.match(paren.group(1).strip())
        or (paren and parse_address(paren.group(1)).commune)
    ):
        subject = clean_text(raw[: paren.start()])
        if subject:
            return subject, _strip_label(clean_text(paren.group(1)))
    for m in _SPLIT_POINTS.finditer(raw):
        after = raw[m.end() :].lstrip()
        if m.start() > 0 and ADDRESS_START.match(after):
            subject = clean_text(raw[: m.start()])
            if subject:
                return subject, _strip_label(clean_text(after))
    subject = clean_text(raw)
    return (subject or None), None


def _strip_label(address: str) -> str | None:
    address = re.sub(r"^(?:địa chỉ|đc|đ/c)\s*:?\s*", "", address, flags=re.IGNORECASE).strip(" ,;-")
    return address or None
