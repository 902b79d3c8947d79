"""Read official OCOP product lists (decision annexes, portal exports) into product rows and rejects.

Provincial lists share habits, not a layout: a title block naming the province, year and decision
above the table; one- or two-level headers in any order and wording; rows grouped under district,
star or product-group section rows; totals and a signature block below; one sheet per star level;
subject and address in one cell; stars written a dozen ways. `read_sheet_file` finds the table by
scoring rows for known header words (sheet_headers.py), then reads every row below it. Rows that look
like products but cannot be one (no name, '2 sao', 'Tiềm năng 5 sao') become `RowReject`s with a
reason; section, totals, notes and signature rows are structure, neither products nor rejects.

Opening files of any format is sheet_files.py; stars, subject types and addresses have their own
modules. Everything here is pure: no Dagster, no database.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from ocop_pipeline.entities.subject_types import is_group_label, product_group_of, subject_type_of
from ocop_pipeline.geo.addresses import parse_address, split_subject_address
from ocop_pipeline.geo.admin_units import (
    REFORM_DATE,
    ProvinceMatch,
    find_provinces,
    legacy_provinces,
    lookup_commune,
    lookup_district,
    lookup_province,
)
from ocop_pipeline.spreadsheets.headers import MIN_FIELDS, REQUIRED_FIELD, header_field
from ocop_pipeline.spreadsheets.stars import parse_stars, stars_from_label
from ocop_pipeline.spreadsheets.workbooks import Cell, Grid, SheetReadError, open_workbook
from ocop_pipeline.text.folding import fold_key
from ocop_pipeline.text.normalize import clean_text, parse_vn_decimal

__all__ = ["PARSER_VERSION", "RowReject", "SheetFile", "SheetReadError", "SheetRow", "read_sheet_file"]

# Bump when the rows produced for the same file change (stored with every parsed document).
PARSER_VERSION = "sheets-1.3"

# Headers sit near the top; scanning further only finds false headers in long lists.
_HEADER_SCAN_ROWS = 80

_JSON_KEYS = (
    "file", "sheet", "row", "product_name", "subject_name", "subject_type", "address", "commune",
    "district", "province", "stars", "product_group", "year", "decision_no",
)  # fmt: skip


@dataclass
class SheetRow:
    """One product row found in a list."""

    file: str
    sheet: str
    row: int  # 1-based, as the spreadsheet user sees it (CSV: line number)
    product_name: str
    product_name_raw: str
    subject_name: str | None
    subject_name_raw: str | None
    subject_type: str | None  # enterprise | cooperative | cooperative_group | household | other
    address: str | None
    commune: str | None
    district: str | None
    province: str | None  # legacy (pre-2025) province when known, else the current one
    province_current: str | None  # one of the 34 provinces
    stars: int
    stars_raw: str
    product_group: str | None
    score: float | None
    year: int | None
    decision_no: str | None
    decision_date: date | None
    ocop_code: str | None
    tax_code: str | None
    phone: str | None
    note: str | None
    level: str | None = None  # district | province | national: who recognised it, when the file says

    def to_json_dict(self) -> dict:
        """DESIGN.md's `ocop parse-sheet` keys first, then `level`, then the rest; dates as ISO strings."""
        data = asdict(self)
        out = {k: data.pop(k) for k in _JSON_KEYS}
        out["level"] = data.pop("level")
        out.update(data)
        if isinstance(out.get("decision_date"), date):
            out["decision_date"] = out["decision_date"].isoformat()
        return out


@dataclass
class RowReject:
    """A row that looked like a product but cannot be one."""

    file: str
    sheet: str
    row: int
    reason: str
    raw: dict[str, str]  # header -> cell text


@dataclass
class SheetFile:
    """Everything read from one file."""

    file: str
    rows: list[SheetRow]
    rejects: list[RowReject]
    province: str | None
    year: int | None
    decision_no: str | None
    decision_date: date | None
    title: str | None
    level: str | None = None  # district | province | national, from the title block; None when unknown


# ---------------------------------------------------------------------------------------------------
# Cell helpers


def _text(value: Cell) -> str:
    if type(value) is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


# ---------------------------------------------------------------------------------------------------
# Title block: province, year, decision


_DECISION = re.compile(
    r"(\d{1,6})\s*/\s*(?:QĐ|QD|Qđ|qđ)\s*[-–]\s*([A-Za-zĐđ0-9]+(?:\s*[-–]\s*[A-Za-zĐđ0-9]+)*)"
)
_DATE_SLASH = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})")
_DATE_WORDS = re.compile(r"ngày\s*(\d{1,2})\s*tháng\s*(\d{1,2})\s*năm\s*(\d{4})", re.IGNORECASE)
_YEAR_WORD = re.compile(r"\bnam\s+(20[0-4]\d)\b")
_YEAR_BARE = re.compile(r"(?<!\d)(20[12]\d)(?!\d)")
_TITLE_WORDS = re.compile(r"danh sach|danh muc|phu luc|ket qua|tong hop|san pham ocop|chung nhan")


def _mk_date(d: str, m: str, y: str) -> date | None:
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        return None


def _parse_decision(text: str) -> tuple[str | None, date | None]:
    """'3610/QĐ-UBND ngày 29/12/2022' -> ('3610/QĐ-UBND', date(2022, 12, 29))."""
    text = clean_text(text)
    m = _DECISION.search(text)
    number = None
    rest = text
    if m:
        suffix = re.sub(r"\s*[-–]\s*", "-", m.group(2)).upper()
        number = f"{m.group(1)}/QĐ-{suffix}"
        rest = text[m.end() :]
    d = _DATE_WORDS.search(rest) or _DATE_SLASH.search(rest)
    when = _mk_date(*d.groups()) if d else None
    return number, when


@dataclass
class _Info:
    province: ProvinceMatch | None = None
    year: int | None = None
    decision_no: str | None = None
    decision_date: date | None = None
    title: str | None = None
    district: str | None = None
    level: str | None = None


def _title_info(lines: list[str], cell_rows: list[list[str]] | None = None) -> _Info:
    info = _Info()
    lines = [clean_text(x) for x in lines if x and x.strip()]
    issuer_lines = _issuer_lines(cell_rows) if cell_rows else []
    for line in lines:
        key = fold_key(line)
        if info.title is None and _TITLE_WORDS.search(key) and len(line) > 15:
            info.title = line
        if info.decision_no is None:
            number, when = _parse_decision(line)
            if number:
                info.decision_no, info.decision_date = number, when
    text = " \n ".join(lines)
    # The year of the list, with decision dates and numbers taken out first ("ngày 29 tháng 12 năm 2022").
    yearless = _DATE_WORDS.sub(" ", _DECISION.sub(" ", text))
    m = _YEAR_WORD.search(fold_key(yearless))
    if m:
        info.year = int(m.group(1))
    issuer = _issuer(issuer_lines + lines)
    by_decision = _issued_by(lines) if issuer == (None, None) else (None, None)
    info.province = issuer[0] or by_decision[0] or _province_in_title(lines)
    info.district = issuer[1] or by_decision[1]
    if info.province is None and info.district:
        info.province = _district_province(info.district)
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
def _district_province(district: str | None) -> ProvinceMatch | None:
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


def _file_name_info(name: str) -> _Info:
    info = _Info()
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
    m = _YEAR_BARE.search(Path(name).stem)
    if m:
        info.year = int(m.group(1))
    number, when = _parse_decision(Path(name).stem.replace("_", "/", 1) if "QD" in name.upper() else "")
    info.decision_no, info.decision_date = number, when
    return info


# ---------------------------------------------------------------------------------------------------
# Header detection


@dataclass
class _Header:
    first: int  # first header row (0-based)
    last: int  # last header row
    columns: dict[str, int]  # field -> column
    labels: dict[int, str]  # column -> header text as written (for rejects)
    score: int


_GENERIC_CHILD = frozenset({"ten", "ten goi", "so", "ngay", "dia chi", "so hieu", "ho ten", "ma"})


def _row_texts(row: list[Cell]) -> list[str]:
    return [_text(v) for v in row]


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


def _find_header(texts: list[list[str]]) -> _Header | None:
    best: _Header | None = None
    limit = min(len(texts), _HEADER_SCAN_ROWS)
    for r in range(limit):
        single = _fields_single(texts[r])
        if not single:
            continue
        labels = {c: texts[r][c] for c in single}
        cols = _assign(single, labels)
        cand = _Header(r, r, cols, labels, _score(cols))
        if r + 1 < len(texts):
            dfields, dlabels, hits = _fields_double(texts[r], texts[r + 1])
            dcols = _assign(dfields, dlabels)
            dscore = _score(dcols)
            if hits and dscore > cand.score:
                cand = _Header(r, r + 1, dcols, dlabels, dscore)
        if cand.score and (best is None or cand.score > best.score):
            best = cand
        elif best is not None and r > best.last + 3:
            break  # data rows now: a better header further down would be a second table's
    return best


# ---------------------------------------------------------------------------------------------------
# Structure rows: sections, totals, notes, signatures


_ENUM = re.compile(r"^\s*(?:[IVXLC]+|[A-Za-z]|\d{1,3})\s*[.):\-]\s*|^\s*[IVXLC]+\s+(?=\S)")
_ENUM_ONLY = re.compile(r"^\s*(?:[IVXLCivxlc]+|[A-Za-z]|\d{1,3})\s*[.):]?\s*$")
_COLNUM = re.compile(r"^\(?\s*(?:\d{1,2}|[A-Z])\s*\)?$|^\(\d+\)\s*=\s*.*$")
_TOTALS = re.compile(
    r"^(?:tong cong|tong so|tong|cong|luy ke|total)\b((?:\s+(?:\d+|san|pham|sp|chu|the|so|cong|toan|tinh|"
    r"huyen|ocop|sao|[ivx]+|[a-z]))*)$"
)
_NOTES = re.compile(r"^(?:ghi chu|chu thich|luu y|nguon|ghi chu)\b")
_SIGNATURE = re.compile(
    r"^(?:kt|tm|tl|tuq|q)\s+(?:chu tich|ubnd|uy ban|giam doc|truong|ban|hoi dong|so)\b"
    r"|^(?:pho )?chu tich\b|^(?:pho )?giam doc\b|^nguoi lap\b|^noi nhan\b|^(?:pho )?truong (?:phong|ban)\b"
    r"|^thu truong\b|^xac nhan\b|^ky ten\b|^ky ghi ro\b|^(?:\w+ ){0,4}ngay \d{1,2} thang \d{1,2} nam \d{4}"
    r"|^(?:\w+ ){1,4}ngay thang nam\b"
)
# 'Quyết định số 200/QĐ-UBND ngày 5/8/2023', 'QĐ số 300/QĐ-UBND', 'Theo Quyết định ...': a section row.
_DECISION_ROW = re.compile(r"^(?:(?:theo|kem theo|tai|dot \d+ )\s*)?(?:quyet dinh|qd)\b")
_DISTRICT_LABEL = re.compile(r"^(?:huyen|quan|thi xa|thanh pho|tp|tx)\s+\S")
_COMMUNE_LABEL = re.compile(r"^(?:xa|phuong|thi tran)\s+\S")
_GROUP_LABEL = re.compile(r"^(?:nhom|nganh|bo san pham|nhom san pham|nhom nganh)\b")


def _label_text(texts: list[str]) -> str:
    for t in texts:
        if t and not _ENUM_ONLY.match(t):
            return _ENUM.sub("", t, count=1).strip()
    return ""


# ---------------------------------------------------------------------------------------------------
# Rows


@dataclass
class _Context:
    """Section state while walking down a sheet."""

    stars: int | None = None
    stars_label: str = ""
    district: str | None = None
    commune: str | None = None
    group: str | None = None
    decision_no: str | None = None  # a 'Quyết định số ...' section row over a group of rows
    decision_date: date | None = None


_EXCEL_EPOCH = date(1899, 12, 30)


def _is_int_like(t: str) -> bool:
    return t.isdigit() or (t.replace(".", "", 1).isdigit() and t.endswith((".0", ".")))


def _year_of(t: str) -> int | None:
    m = _YEAR_BARE.search(t)
    return int(m.group(1)) if m else None


def _as_date(value: Cell) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and 20_000 < value < 80_000:
        return _EXCEL_EPOCH + timedelta(days=int(value))  # a date cell without date format: Excel serial
    t = _text(value)
    if not t:
        return None
    m = _DATE_WORDS.search(t) or _DATE_SLASH.search(t)
    if m:
        return _mk_date(*m.groups())
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", t)
    return _mk_date(m.group(3), m.group(2), m.group(1)) if m else None


def _opt(t: str) -> str | None:
    return (clean_text(t) or None) if t else None


def _read_grid(grid: Grid, file: str, header: _Header, rows_out: list, rejects: list, info: _Info) -> None:
    cols = header.columns
    c_prod = cols["product_name"]
    c_stt = cols.get("stt")
    c_subj = cols.get("subject_name")
    c_addr = cols.get("address")
    c_stars = cols.get("stars")
    c_comm = cols.get("commune")
    c_dist = cols.get("district")
    c_prov = cols.get("province")
    c_group = cols.get("product_group")
    c_score = cols.get("score")
    c_year = cols.get("year")
    c_dec = cols.get("decision_no")
    c_ddate = cols.get("decision_date")
    c_code = cols.get("ocop_code")
    c_tax = cols.get("tax_code")
    c_phone = cols.get("phone")
    c_note = cols.get("note")
    c_stype = cols.get("subject_type")
    c_unit = cols.get("_unit")
    if c_unit is not None and not _holds_districts(grid, header.last + 1, c_unit):
        c_unit = None
    elif c_unit is not None and c_unit == c_subj:
        c_subj = None  # 'Đơn vị' holding districts is no subject column
    structural = {c for c in (c_prod, c_subj, c_stars) if c is not None}

    ctx = _Context()
    sheet_stars = stars_from_label(grid.name)
    if sheet_stars:
        ctx.stars, ctx.stars_label = sheet_stars, grid.name
    header_keys = {fold_key(header.labels.get(c_prod, ""))}

    for r in range(header.last + 1, len(grid.rows)):
        cells = grid.rows[r]
        width = len(cells)

        def cell(c: int | None, cells: list[Cell] = cells, width: int = width) -> str:
            return _text(cells[c]) if c is not None and c < width else ""

        prod = cell(c_prod)
        stt = cell(c_stt)
        if _COLNUM.match(prod):
            distinct = list(dict.fromkeys(t for t in (_text(v) for v in cells) if t))
            if len(distinct) >= 2 and all(_COLNUM.match(t) for t in distinct):
                continue  # the "(1) (2) (3)" column-number row under a header
        numbered = bool(stt) and _is_int_like(stt)

        if not numbered:
            distinct = list(dict.fromkeys(t for t in (_text(v) for v in cells) if t))
            if not distinct:
                continue
            first = fold_key(distinct[0])
            if _TOTALS.match(first) or _TOTALS.match(fold_key(_label_text(distinct))):
                continue
            if any(_SIGNATURE.match(fold_key(t)) for t in distinct) and (
                not prod or _SIGNATURE.match(fold_key(prod)) or len(distinct) <= 2
            ):
                break  # the signature block ends the table (a dated note in a product row does not)
            if _NOTES.match(first) or _NOTES.match(fold_key(_label_text(distinct))) or distinct[0][:1] == "*":
                continue
            if prod and fold_key(prod) in header_keys:
                continue  # header repeated on a new page
            label = _label_text(distinct)
            if len(distinct) <= 2 and _DECISION_ROW.match(fold_key(label)):
                number, when = _parse_decision(label)
                if number:
                    ctx.decision_no, ctx.decision_date = number, when
                    continue
            label_cols = sum(
                1 for c in structural if cell(c) and _ENUM.sub("", cell(c), count=1).strip() == label
            )
            only_label = len([t for t in distinct if not _ENUM_ONLY.match(t)]) == 1
            if only_label and label:
                key = fold_key(label)
                label_stars = stars_from_label(label) if len(label) < 80 else None
                if label_stars:
                    ctx.stars, ctx.stars_label = label_stars, label
                    continue
                if _DISTRICT_LABEL.match(key) and len(key.split()) <= 7:
                    parsed = parse_address(label)
                    if parsed.district or parsed.province:
                        ctx.district, ctx.commune = parsed.district, None
                        continue
                if _COMMUNE_LABEL.match(key) and len(key.split()) <= 7:
                    parsed = parse_address(label)
                    if parsed.commune:
                        ctx.commune = parsed.commune
                        continue
                if _GROUP_LABEL.match(key) or is_group_label(label):
                    ctx.group = product_group_of(label) or ctx.group
                    continue
                if lookup_province(label):
                    continue  # a province heading in a national list
                if label_cols > 1 or not prod:
                    continue  # a heading merged across columns, or text outside the product column

        subj_raw = cell(c_subj)
        stars_cell = cells[c_stars] if c_stars is not None and c_stars < width else ""
        stars_text = _text(stars_cell)
        if not prod:
            if subj_raw or stars_text:
                rejects.append(_reject(file, grid.name, r, "missing product name", header, cells))
            continue

        if stars_text:
            stars, why = parse_stars(stars_cell)
            stars_raw = stars_text
        elif ctx.stars:
            stars, why, stars_raw = ctx.stars, None, ctx.stars_label
        else:
            stars, why, stars_raw = None, "no star rating (empty stars cell and no star section)", ""
        if stars is None:
            rejects.append(_reject(file, grid.name, r, why or "no star rating", header, cells))
            continue

        subject, addr_from_subject = split_subject_address(subj_raw) if subj_raw else (None, None)
        address = _opt(cell(c_addr)) or addr_from_subject
        parsed = parse_address(address) if address else parse_address(None)
        commune_t = cell(c_comm)
        district_t = cell(c_dist)
        province_match = parsed.province or (lookup_province(cell(c_prov)) if c_prov is not None else None)
        hint = province_match or info.province
        district = _district_named(district_t, hint) if district_t else None
        if c_unit is not None and not district:
            district = _unit_district(cell(c_unit), hint)
        district = district or parsed.district or (_last_district(address, hint) if address else None)
        district = district or ctx.district or info.district
        if commune_t:
            commune = _commune_named(commune_t, hint or _district_province(district), district)
        else:
            commune = None
        commune = commune or parsed.commune or ctx.commune
        stype_hint = cell(c_stype)
        stype = subject_type_of(stype_hint) if stype_hint else None
        if stype in (None, "other"):
            stype = subject_type_of(subject) if subject else stype

        dec_text = cell(c_dec)
        dec_no, dec_date = _parse_decision(dec_text) if dec_text else (None, None)
        if c_ddate is not None and c_ddate < width:
            dec_date = _as_date(cells[c_ddate]) or dec_date
        if dec_no is None and ctx.decision_no:
            dec_no, dec_date = ctx.decision_no, dec_date or ctx.decision_date
        group_text = cell(c_group)
        score_cell = cells[c_score] if c_score is not None and c_score < width else None
        score = parse_vn_decimal(score_cell if isinstance(score_cell, (int, float)) else _text(score_cell))

        row = SheetRow(
            file=file,
            sheet=grid.name,
            row=r + 1,
            product_name=clean_text(prod),
            product_name_raw=prod,
            subject_name=subject,
            subject_name_raw=subj_raw or None,
            subject_type=stype,
            address=address,
            commune=commune,
            district=district,
            province=None,
            province_current=None,
            stars=stars,
            stars_raw=stars_raw,
            product_group=(product_group_of(group_text) if group_text else None) or ctx.group,
            score=score,
            year=_year_of(cell(c_year)) if c_year is not None else None,
            decision_no=dec_no,
            decision_date=dec_date,
            ocop_code=_opt(cell(c_code)),
            tax_code=_opt(cell(c_tax)),
            phone=_opt(cell(c_phone)),
            note=_opt(cell(c_note)),
        )
        by_district = _district_province(district) if province_match is None and district else None
        rows_out.append((row, province_match, info, by_district))


def _holds_districts(grid: Grid, start: int, c: int) -> bool:
    """Most of the first values of a column name districts ('Huyện Yên Mô', 'TP Tam Điệp', 'Kim Sơn')."""
    values = [_text(row[c]) for row in grid.rows[start : start + 60] if c < len(row) and _text(row[c])]
    values = list(dict.fromkeys(values))[:20]
    if not values:
        return False
    hits = sum(1 for v in values if _unit_district(v, None))
    return hits >= 0.6 * len(values)


@lru_cache(maxsize=8192)
def _unit_district(text: str, province: ProvinceMatch | None) -> str | None:
    """A district named alone in a cell, or None (no raw fallback: the cell may be a subject)."""
    if not text or len(text) > 40:
        return None
    key = fold_key(text)
    if _DISTRICT_LABEL.match(key):
        parsed = parse_address(text)
        if parsed.district and not parsed.commune:
            return parsed.district
    found = lookup_district(text, province) or (lookup_district(text, None) if province else None)
    return found.name if found else None


@lru_cache(maxsize=8192)
def _district_named(text: str, province: ProvinceMatch | None) -> str | None:
    """A district column's cell: 'Huyện Yên Mô', 'H. Yên Mô' or the bare 'Yên Mô' (kind from the reference)."""
    parsed = parse_address(text).district
    if parsed:
        return parsed
    found = lookup_district(text, province) or (lookup_district(text, None) if province else None)
    return found.name if found else _opt(text)


@lru_cache(maxsize=8192)
def _commune_named(text: str, province: ProvinceMatch | None, district: str | None) -> str | None:
    """A commune column's cell: 'Xã Yên Lâm' or the bare 'Yên Lâm' (kind from the reference when one fits)."""
    parsed = parse_address(text).commune
    if parsed:
        return parsed
    found = lookup_commune(text, province, district) if province else None
    return found.name if found else _opt(text)


@lru_cache(maxsize=8192)
def _last_district(address: str, province: ProvinceMatch | None) -> str | None:
    """'xóm 1, xã Kim Định, Kim Sơn', 'Yên Mô, Ninh Bình': a district named bare near the end."""
    parts = [p.strip(" .") for p in re.split(r"[,;]|\s[-–]\s", address) if p.strip(" .")]
    for part in reversed(parts[-2:]):
        if _ADDR_MARKED.match(part) or lookup_province(part):
            continue
        found = lookup_district(part, province)
        if found:
            return found.name
    return None


_ADDR_MARKED = re.compile(
    r"^(?:xã|phường|thị trấn|thôn|xóm|bản|ấp|khu|tổ|số|đường|phố|x\.|p\.|tt\.?|tỉnh|t\.)\s*", re.IGNORECASE
)


def _reject(file: str, sheet: str, r: int, reason: str, header: _Header, cells: list[Cell]) -> RowReject:
    raw: dict[str, str] = {}
    for c, v in enumerate(cells):
        t = _text(v)
        if t:
            label = header.labels.get(c) or f"column {c + 1}"
            raw[label if label not in raw else f"{label} ({c + 1})"] = t
    return RowReject(file=file, sheet=sheet, row=r + 1, reason=reason, raw=raw)


# ---------------------------------------------------------------------------------------------------
# Files


def _is_summary_sheet(name: str) -> bool:
    key = fold_key(name)
    return "tong hop" in key or key in {"th", "summary", "tong"}


def read_sheet_file(path: str | Path, display_name: str | None = None) -> SheetFile:
    """Read every product row of an official list; raise SheetReadError when the file cannot be read."""
    path = Path(path)
    name = display_name or str(path)
    book = open_workbook(path, name)

    grids = [g for g in book.grids if g.visible]
    if len(grids) > 1:
        grids = [g for g in grids if not _is_summary_sheet(g.name)] or grids

    found: list[tuple[SheetRow, ProvinceMatch | None, _Info, ProvinceMatch | None]] = []
    rejects: list[RowReject] = []
    sheet_infos: list[_Info] = []
    tables = 0
    province_column = False
    for grid in grids:
        texts = [_row_texts(row) for row in grid.rows[:_HEADER_SCAN_ROWS]]
        header = _find_header(texts)
        if header is None:
            continue
        tables += 1
        province_column = province_column or "province" in header.columns
        # Merged title cells were filled across the row: join each distinct text once.
        title_lines = [" ".join(dict.fromkeys(t for t in texts[r] if t)) for r in range(header.first)]
        if not sheet_infos:
            title_lines = book.extra_title + title_lines
        info = _title_info(title_lines, texts[: header.first])
        sheet_infos.append(info)
        _read_grid(grid, name, header, found, rejects, info)
    if not tables:
        raise SheetReadError(
            f"{name}: no product table found (looked for a header with product name and stars columns)"
        )

    # File-level facts: the first sheet's title, then any sheet's, then the file name.
    from_name = _file_name_info(path.name if display_name is None else display_name)
    file_info = _Info()
    for attr in ("province", "year", "decision_no", "decision_date", "title", "level"):
        for src in (*sheet_infos, from_name):
            value = getattr(src, attr)
            if value is not None:
                setattr(file_info, attr, value)
                break
    if file_info.decision_no and file_info.decision_date is None:
        file_info.decision_date = next((i.decision_date for i in sheet_infos if i.decision_date), None)
    if file_info.year is None and file_info.decision_date is not None:
        file_info.year = file_info.decision_date.year
    if file_info.province is None and not province_column:
        # Addresses name the province when the title does not: take the most common. A national list
        # spans provinces (a province column, or no clear majority): then the file has none of its own.
        counts = Counter(p or d for _, p, _, d in found if (p or d) is not None)
        # Rows that name a place the reference could not place (an ambiguous 'Huyện Châu Thành') count
        # against the majority: they may lie in another province, and must not be given this one.
        placed = sum(1 for r, p, _, d in found if (p or d) is not None or r.district or r.address or r.commune)
        if counts:
            top, n = counts.most_common(1)[0]
            if n >= 0.6 * placed:
                file_info.province = top

    post_reform = _post_reform(file_info, [row for row, _, _, _ in found])
    rows: list[SheetRow] = []
    for row, match, info, by_district in found:
        match = match or info.province or by_district or file_info.province
        if match is not None:
            row.province_current = match.name
            row.province = match.name if post_reform else (match.legacy_name or match.name)
        if row.year is None:
            # A row under its own decision (a column, or a 'Quyết định số ...' section) is of that year.
            own = row.decision_date.year if row.decision_no and row.decision_date else None
            row.year = info.year or own or file_info.year
        row.level = info.level or file_info.level
        if row.decision_no is None:
            row.decision_no = info.decision_no or file_info.decision_no
            if row.decision_date is None:
                row.decision_date = info.decision_date or file_info.decision_date
        rows.append(row)

    province = None
    if file_info.province is not None:
        p = file_info.province
        province = p.name if post_reform else (p.legacy_name or p.name)
    return SheetFile(
        file=name,
        rows=rows,
        rejects=rejects,
        province=province,
        year=file_info.year,
        decision_no=file_info.decision_no,
        decision_date=file_info.decision_date,
        title=file_info.title,
        level=file_info.level,
    )


def _post_reform(info: _Info, rows: list[SheetRow]) -> bool:
    """Lists decided after the 1 July 2025 reform name only communes and the new provinces."""
    if info.decision_date is not None:
        return info.decision_date >= REFORM_DATE
    if info.year is not None and info.year > REFORM_DATE.year:
        return True
    if info.year == REFORM_DATE.year and rows:
        return not any(r.district for r in rows) and any(r.commune for r in rows)
    return False
