"""The title block of an official list: which province, year and decision the rows belong to.

Above the table a list names its issuer ('ỦY BAN NHÂN DÂN TỈNH NINH BÌNH', on two rows or beside
the national motto), the decision ('Kèm theo Quyết định số 3610/QĐ-UBND ngày 29/12/2022') and the
round ('năm 2022'); the file name often repeats them. Read here once per sheet; the rows inherit it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from ocop_pipeline.geo.addresses import parse_address
from ocop_pipeline.geo.admin_units import (
    ProvinceMatch,
    find_provinces,
    legacy_provinces,
    lookup_district,
    lookup_province,
)
from ocop_pipeline.text.folding import fold_key
from ocop_pipeline.text.normalize import clean_text

_DECISION = re.compile(
    r"(\d{1,6})\s*/\s*(?:QĐ|QD|Qđ|qđ)\s*[-–]\s*([A-Za-zĐđ0-9]+(?:\s*[-–]\s*[A-Za-zĐđ0-9]+)*)"
)
DATE_SLASH = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})")
DATE_WORDS = re.compile(r"ngày\s*(\d{1,2})\s*tháng\s*(\d{1,2})\s*năm\s*(\d{4})", re.IGNORECASE)
_YEAR_WORD = re.compile(r"\bnam\s+(20[0-4]\d)\b")
YEAR_BARE = re.compile(r"(?<!\d)(20[12]\d)(?!\d)")
_TITLE_WORDS = re.compile(r"danh sach|danh muc|phu luc|ket qua|tong hop|san pham ocop|chung nhan")


def make_date(d: str, m: str, y: str) -> date | None:
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        return None


def parse_decision(text: str) -> tuple[str | None, date | None]:
    """'3610/QĐ-UBND ngày 29/12/2022' -> ('3610/QĐ-UBND', date(2022, 12, 29))."""
    text = clean_text(text)
    m = _DECISION.search(text)
    number = None
    rest = text
    if m:
        suffix = re.sub(r"\s*[-–]\s*", "-", m.group(2)).upper()
        number = f"{m.group(1)}/QĐ-{suffix}"
        rest = text[m.end() :]
    d = DATE_WORDS.search(rest) or DATE_SLASH.search(rest)
    when = make_date(*d.groups()) if d else None
    return number, when


@dataclass
class TitleInfo:
    province: ProvinceMatch | None = None
    year: int | None = None
    decision_no: str | None = None
    decision_date: date | None = None
    title: str | None = None
    district: str | None = None
    level: str | None = None


def title_info(lines: list[str], cell_rows: list[list[str]] | None = None) -> TitleInfo:
    info = TitleInfo()
    lines = [clean_text(x) for x in lines if x and x.strip()]
    issuer_lines = _issuer_lines(cell_rows) if cell_rows else []
    for line in lines:
        key = fold_key(line)
        if info.title is None and _TITLE_WORDS.search(key) and len(line) > 15:
            info.title = line
        if info.decision_no is None:
            number, when = parse_decision(line)
            if number:
                info.decision_no, info.decision_date = number, when
    text = " \n ".join(lines)
    # The year of the list, with decision dates and numbers taken out first ("ngày 29 tháng 12 năm 2022").
    yearless = DATE_WORDS.sub(" ", _DECISION.sub(" ", text))
    m = _YEAR_WORD.search(fold_key(yearless))
    if m:
        info.year = int(m.group(1))
    issuer = _issuer(issuer_lines + lines)
    by_decision = _issued_by(lines) if issuer == (None, None) else (None, None)
    info.province = issuer[0] or by_decision[0] or _province_in_title(lines)
    info.district = issuer[1] or by_decision[1]
    if info.province is None and info.district:
        info.province = district_province(info.district)
    info.level = _level(issuer_lines + lines, issuer, info.decision_no)
    return info


# Lines of the national motto, which shares the issuer's rows on the other half of the sheet.
_MOTTO = re.compile(r"^(?:cong hoa xa hoi|doc lap tu do|doc lap\b)")
# An issuing body whose place is written on the next row: 'ỦY BAN NHÂN DÂN' / 'HUYỆN YÊN KHÁNH',
# 'UBND TỈNH' / 'NINH BÌNH', 'SỞ NÔNG NGHIỆP VÀ PTNT' / 'TỈNH HÒA BÌNH'.
_AGENCY = (
    r"(?:ubnd|uy ban nhan dan|so nong nghiep(?: va (?:phat trien nong thon|ptnt|moi truong))?|so nn ptnt|"
    r"so nn va ptnt|so nnptnt|van phong dieu phoi(?: chuong trinh)?(?: xay dung)?(?: nong thon moi| ntm)?|"
    r"phong nong nghiep(?: va (?:phat trien nong thon|ptnt|moi truong))?|phong kinh te|"
    r"hoi dong (?:danh gia|tham dinh)(?: phan hang| xep hang)?(?: san pham)?(?: ocop)?)"
)
_AGENCY_ONLY = re.compile(rf"^{_AGENCY}(?: (?:tinh|huyen|thanh pho|tp|thi xa|tx|quan))?$")
_AGENCY_HEAD = re.compile(rf"^{_AGENCY}\s+")


def _issuer_lines(cell_rows: list[list[str]]) -> list[str]:
    """Issuer candidates read cell by cell (the issuer block may sit on either half of the sheet), with
    a body named on one row joined to its place on the next: 'ỦY BAN NHÂN DÂN HUYỆN YÊN KHÁNH'."""
    out: list[str] = []
    for r, row in enumerate(cell_rows[:8]):
        seen: set[str] = set()
        for c, t in enumerate(row):
            if not t or t in seen:
                continue
            seen.add(t)
            key = fold_key(t)
            if _MOTTO.match(key) or not (_AGENCY_HEAD.match(key + " ") or _AGENCY_ONLY.match(key)):
                continue
            line = clean_text(t)
            if _AGENCY_ONLY.match(key):
                below = _cell_below(cell_rows, r, c)
                if below:
                    line = f"{line} {clean_text(below)}"
            out.append(line)
            if not _AGENCY_ONLY.match(key):
                # 'UBND TỈNH NINH BÌNH' over 'SỞ NÔNG NGHIỆP VÀ PTNT': both are read.
                continue
    return [_as_ubnd(x) for x in out]


def _cell_below(cell_rows: list[list[str]], r: int, c: int) -> str | None:
    for below in cell_rows[r + 1 : r + 3]:
        for dc in (0, -1, 1, -2, 2):
            if 0 <= c + dc < len(below) and below[c + dc]:
                t = below[c + dc]
                key = fold_key(t)
                if _MOTTO.match(key) or _AGENCY_HEAD.match(key + " ") or key.startswith(("so ", "s ")):
                    return None
                return t
    return None


def _as_ubnd(line: str) -> str:
    """Any issuing body reads as 'UBND <place>' for `_issuer` ('SỞ NN VÀ PTNT TỈNH X' -> 'UBND TỈNH X')."""
    key = fold_key(line)
    m = _AGENCY_HEAD.match(key + " ")
    if not m or key.startswith(("ubnd ", "uy ban nhan dan ")):
        return line
    words = len(m.group(0).split())
    return "UBND " + " ".join(line.split()[words:])


def _issued_by(lines: list[str]) -> tuple[ProvinceMatch | None, str | None]:
    """'(Kèm theo Quyết định ... của UBND huyện Yên Khánh)': the issuer named in the decision line."""
    for line in lines:
        m = _ISSUED_BY.search(line)
        if m:
            rest = re.split(r"\s+(?:về|v/v|ngày|năm)\s", m.group(1), maxsplit=1, flags=re.IGNORECASE)[0]
            return _issuer(["UBND " + rest])
    return None, None


@lru_cache(maxsize=4096)
def district_province(district: str | None) -> ProvinceMatch | None:
    """The province of a district named without one, when the name is unique in the country."""
    if not district:
        return None
    found = lookup_district(district, None)
    if found is None:
        return None
    return ProvinceMatch(found.legacy_province, found.province_current)


# 'sản phẩm OCOP cấp huyện', 'Hội đồng cấp tỉnh', '5 sao cấp quốc gia' (folded).
_LEVEL_WORDS = re.compile(r"\bcap (huyen|tinh|quoc gia|trung uong)\b")
_LEVEL_OF = {"huyen": "district", "tinh": "province", "quoc gia": "national", "trung uong": "national"}
# The ministry (MARD, from 2025 Agriculture and Environment) and its OCOP coordination office.
_NATIONAL_ISSUER = re.compile(
    r"^(?:bo nong nghiep|bo nn|van phong dieu phoi (?:chuong trinh )?nong thon moi trung uong)"
    r"|\bcua (?:bo truong )?bo nong nghiep\b"
)
# '(Kèm theo Quyết định ... của UBND tỉnh Thanh Hóa)', '... của Chủ tịch UBND huyện Kim Sơn'.
_ISSUED_BY = re.compile(r"\bcủa\s+(?:chủ tịch\s+)?(?:ubnd|ủy ban nhân dân)\s+([^(),;]+)", re.IGNORECASE)


def _level(
    lines: list[str], issuer: tuple[ProvinceMatch | None, str | None], decision_no: str | None
) -> str | None:
    """The level that recognised the list: district, province or national; None when the title is silent.

    A title naming one level ('cấp huyện') decides; a title naming several is a mixed list (None). Else
    the ministry as issuer (or a QĐ-BNN... number), then the issuing committee: a district's UBND is
    the district level, a province's (a centrally-run city's too) the province level.
    """
    keys = [fold_key(line) for line in lines]
    named = {_LEVEL_OF[m.group(1)] for key in keys for m in _LEVEL_WORDS.finditer(key)}
    if len(named) == 1:
        return named.pop()
    if named:
        return None
    if any(_NATIONAL_ISSUER.search(key) for key in keys) or (decision_no and "-BNN" in decision_no):
        return "national"
    province, district = issuer
    if district is None and province is None:
        for line in lines:
            m = _ISSUED_BY.search(line)
            if m:
                rest = re.split(r"\s+(?:về|v/v|ngày|năm)\s", m.group(1), maxsplit=1, flags=re.IGNORECASE)[0]
                kind = fold_key(rest)
                if kind.startswith(("huyen ", "quan ", "thi xa ")):
                    return "district"
                if kind.startswith("tinh "):
                    return "province"
                province, district = _issuer(["UBND " + rest])
                break
    if district:
        return "district"
    return "province" if province else None


_ISSUER = re.compile(r"^(?:ubnd|uy ban nhan dan)\s+", re.IGNORECASE)


def _issuer(lines: list[str]) -> tuple[ProvinceMatch | None, str | None]:
    """Province and district of the issuing committee: 'UBND TỈNH THÁI BÌNH', 'UBND HUYỆN KIM SƠN'.

    District committees recognised 3-star products from 2023 to mid-2025, so a district-level list
    names only its district; 'UBND THÀNH PHỐ HÒA BÌNH' is the provincial city, Hà Nội's is the province.
    """
    for line in lines:
        head = _ISSUER.match(fold_key(line))
        if not head:
            continue
        # Keep the original spelling after the 'UBND' prefix (same word count as the folded form).
        rest = " ".join(line.split()[len(head.group(0).split()) :])
        rest = re.split(r"\s{2,}|cộng hòa|CỘNG HÒA|\s-\s", rest)[0]
        if fold_key(rest).startswith(("tinh ", "thanh pho ", "tp ", "huyen ", "quan ", "thi xa ", "tx ")):
            parsed = parse_address(rest)
            if parsed.province or parsed.district:
                city = parsed.district and parsed.district.startswith("Thành phố ")
                province = parsed.province or (lookup_province(parsed.district[10:]) if city else None)
                return province, parsed.district
        found = lookup_province(rest)
        if found:
            return found, None
    return None, None


def _province_in_title(lines: list[str]) -> ProvinceMatch | None:
    # The issuer at the top left is the strongest evidence; else the first province the title names.
    province, _ = _issuer(lines)
    if province:
        return province
    found = [p for line in lines for p in find_provinces(line)]
    return found[0] if found else None


@lru_cache(maxsize=1)  # the same ~80 keys for every file name: built once, not once per file
def _province_keys() -> tuple[tuple[str, ProvinceMatch], ...]:
    keys = []
    for p in legacy_provinces():
        for name in (p.legacy_name, *p.aliases):
            keys.append((fold_key(name), ProvinceMatch(p.legacy_name, p.new_name)))
    keys.sort(key=lambda kv: len(kv[0]), reverse=True)
    return tuple(keys)


def file_name_info(name: str) -> TitleInfo:
    info = TitleInfo()
    key = " " + fold_key(Path(name).stem.replace("_", " ")) + " "
    for pkey, match in _province_keys():
        if len(pkey) > 3 and f" {pkey} " in key:
            info.province = match
            break
    else:
        squashed = key.replace(" ", "")
        for pkey, match in _province_keys():
            if len(pkey) >= 7 and pkey.replace(" ", "") in squashed:
                info.province = match
                break
    m = YEAR_BARE.search(Path(name).stem)
    if m:
        info.year = int(m.group(1))
    number, when = parse_decision(Path(name).stem.replace("_", "/", 1) if "QD" in name.upper() else "")
    info.decision_no, info.decision_date = number, when
    return info
