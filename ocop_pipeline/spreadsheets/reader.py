"""Read official OCOP product lists (decision annexes, portal exports) into product rows and rejects.

Provincial lists share habits, not a layout: a title block naming the province, year and decision
above the table; one- or two-level headers in any order and wording; rows grouped under district,
star or product-group section rows; totals and a signature block below; one sheet per star level;
subject and address in one cell; stars written a dozen ways; one sheet per district named only by the
sheet; a product's cells merged down over the rows of its package sizes; the same product pasted twice
(read once, the copy rejected as a duplicate); hidden columns and rows (left out: the visible list
counts). `read_sheet_file` finds the table by scoring rows for known header words (headers.py), reads
the title block (titles.py), then reads every row below it. Rows that look
like products but cannot be one (no name, '2 sao', 'Tiềm năng 5 sao') become `RowReject`s with a
reason; section, totals, notes and signature rows are structure, neither products nor rejects.

Opening files of any format is workbooks.py; stars, subject types and addresses have their own
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
    lookup_commune,
    lookup_district,
    lookup_province,
)
from ocop_pipeline.spreadsheets.headers import HEADER_SCAN_ROWS, Header, find_header, row_texts
from ocop_pipeline.spreadsheets.stars import parse_stars, stars_from_label
from ocop_pipeline.spreadsheets.titles import (
    DATE_SLASH,
    DATE_WORDS,
    YEAR_BARE,
    TitleInfo,
    district_province,
    file_name_info,
    make_date,
    parse_decision,
    title_info,
)
from ocop_pipeline.spreadsheets.workbooks import Cell, Grid, SheetReadError, cell_text, open_workbook
from ocop_pipeline.text.folding import fold_key
from ocop_pipeline.text.normalize import clean_text, parse_vn_decimal

__all__ = ["PARSER_VERSION", "RowReject", "SheetFile", "SheetReadError", "SheetRow", "read_sheet_file"]

# Bump when the rows produced for the same file change (stored with every parsed document).
PARSER_VERSION = "sheets-1.4"


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
    m = YEAR_BARE.search(t)
    return int(m.group(1)) if m else None


def _as_date(value: Cell) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and 20_000 < value < 80_000:
        return _EXCEL_EPOCH + timedelta(days=int(value))  # a date cell without date format: Excel serial
    t = cell_text(value)
    if not t:
        return None
    m = DATE_WORDS.search(t) or DATE_SLASH.search(t)
    if m:
        return make_date(*m.groups())
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", t)
    return make_date(m.group(3), m.group(2), m.group(1)) if m else None


def _opt(t: str) -> str | None:
    return (clean_text(t) or None) if t else None


def _read_grid(grid: Grid, file: str, header: Header, rows_out: list, rejects: list, info: TitleInfo) -> None:
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
    else:
        ctx.district = _sheet_district(grid.name, info.province)
    header_keys = {fold_key(header.labels.get(c_prod, ""))}
    # Rows under a product's name merged down (its package sizes): one product, read at the top row.
    continued = _merged_down(grid, c_prod, header.last + 1)
    # Under an STT merged down, a row without its own product name is a package row of the one above
    # (a row that names a product is a product: some lists number a product's variants once).
    stt_continued = _merged_down(grid, c_stt, header.last + 1) if c_stt is not None else set()
    hidden = grid.hidden_rows

    for r in range(header.last + 1, len(grid.rows)):
        if r in continued:
            continue
        cells = grid.rows[r]
        width = len(cells)

        def cell(c: int | None, cells: list[Cell] = cells, width: int = width) -> str:
            return cell_text(cells[c]) if c is not None and c < width else ""

        prod = cell(c_prod)
        stt = cell(c_stt)
        if _COLNUM.match(prod):
            distinct = list(dict.fromkeys(t for t in (cell_text(v) for v in cells) if t))
            if len(distinct) >= 2 and all(_COLNUM.match(t) for t in distinct):
                continue  # the "(1) (2) (3)" column-number row under a header
        numbered = bool(stt) and _is_int_like(stt)

        if not numbered:
            distinct = list(dict.fromkeys(t for t in (cell_text(v) for v in cells) if t))
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
                number, when = parse_decision(label)
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
        stars_text = cell_text(stars_cell)
        if not prod:
            if (subj_raw or stars_text) and r not in stt_continued:
                rejects.append(_reject(file, grid.name, r, "missing product name", header, cells))
            continue
        if r in hidden:
            reason = "row hidden in the sheet: not read (unhide it if the product belongs to the list)"
            rejects.append(_reject(file, grid.name, r, reason, header, cells))
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
            commune = _commune_named(commune_t, hint or district_province(district), district)
        else:
            commune = None
        commune = commune or parsed.commune or ctx.commune
        stype_hint = cell(c_stype)
        stype = subject_type_of(stype_hint) if stype_hint else None
        if stype in (None, "other"):
            stype = subject_type_of(subject) if subject else stype

        dec_text = cell(c_dec)
        dec_no, dec_date = parse_decision(dec_text) if dec_text else (None, None)
        if c_ddate is not None and c_ddate < width:
            dec_date = _as_date(cells[c_ddate]) or dec_date
        if dec_no is None and ctx.decision_no:
            dec_no, dec_date = ctx.decision_no, dec_date or ctx.decision_date
        group_text = cell(c_group)
        score_cell = cells[c_score] if c_score is not None and c_score < width else None
        score = parse_vn_decimal(score_cell if isinstance(score_cell, (int, float)) else cell_text(score_cell))

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
        by_district = district_province(district) if province_match is None and district else None
        rows_out.append((row, province_match, info, by_district))


def _merged_down(grid: Grid, column: int, start: int) -> set[int]:
    """Rows below the first of a range merged down over `column`, from row `start` on (0-based)."""
    out: set[int] = set()
    for r0, c0, r1, c1 in grid.merged:
        if r1 > r0 >= start and c0 <= column <= c1:
            out.update(range(r0 + 1, r1 + 1))
    return out


@lru_cache(maxsize=1024)
def _sheet_district(name: str, province: ProvinceMatch | None) -> str | None:
    """The district a sheet is named after ('H.Vân Hồ', 'H. Mai Sơn', 'TP Sơn La'), or None.

    A name with its kind is read as an address would be, and kept when the reference knows the
    district; a bare name ('Mai Sơn') only within the province the title names, and never the
    province's own name. Districts of sheet names are the rows' default, below any address.
    """
    if not name or len(name) > 40:
        return None
    parsed = parse_address(name)
    if parsed.district and not parsed.commune:
        return parsed.district if lookup_district(parsed.district, province) or (
            province and lookup_district(parsed.district, None)
        ) else None
    if province is None or parsed.commune or lookup_province(name):
        return None
    found = lookup_district(name, province)
    return found.name if found is not None else None


def _holds_districts(grid: Grid, start: int, c: int) -> bool:
    """Most of the first values of a column name districts ('Huyện Yên Mô', 'TP Tam Điệp', 'Kim Sơn')."""
    values = [cell_text(row[c]) for row in grid.rows[start : start + 60] if c < len(row) and cell_text(row[c])]
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


def _reject(file: str, sheet: str, r: int, reason: str, header: Header, cells: list[Cell]) -> RowReject:
    raw: dict[str, str] = {}
    for c, v in enumerate(cells):
        t = cell_text(v)
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

    found: list[tuple[SheetRow, ProvinceMatch | None, TitleInfo, ProvinceMatch | None]] = []
    rejects: list[RowReject] = []
    sheet_infos: list[TitleInfo] = []
    tables = 0
    province_column = False
    for grid in grids:
        texts = [row_texts(row) for row in grid.rows[:HEADER_SCAN_ROWS]]
        header = _visible_header(grid, texts)
        if header is None:
            continue
        tables += 1
        province_column = province_column or "province" in header.columns
        # Merged title cells were filled across the row: join each distinct text once.
        title_lines = [" ".join(dict.fromkeys(t for t in texts[r] if t)) for r in range(header.first)]
        if not sheet_infos:
            title_lines = book.extra_title + title_lines
        info = title_info(title_lines, texts[: header.first])
        sheet_infos.append(info)
        _read_grid(grid, name, header, found, rejects, info)
    if not tables:
        if book.images:
            raise SheetReadError(f"{name}: the workbook holds an image and no table: send the original file")
        raise SheetReadError(
            f"{name}: no product table found (looked for a header with product name and stars columns)"
        )
    found = _drop_duplicates(found, rejects)

    # File-level facts: the first sheet's title, then any sheet's, then the file name.
    from_name = file_name_info(path.name if display_name is None else display_name)
    file_info = TitleInfo()
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


def _visible_header(grid: Grid, texts: list[list[str]]) -> Header | None:
    """The header read without the sheet's hidden columns (a hidden 'proposed stars' column beside the
    recognised one must not be taken for it); a field only a hidden column holds is still read."""
    if not grid.hidden_cols:
        return find_header(texts)
    hidden = grid.hidden_cols
    shown = [[t if c not in hidden else "" for c, t in enumerate(row)] for row in texts]
    header = find_header(shown)
    full = find_header(texts)
    if header is None:
        return full
    if full is not None and (full.first, full.last) == (header.first, header.last):
        for f, c in full.columns.items():
            if f not in header.columns and not f.startswith("_"):
                header.columns[f] = c
                header.labels.setdefault(c, full.labels.get(c, ""))
    return header


_Found = tuple[SheetRow, ProvinceMatch | None, TitleInfo, ProvinceMatch | None]


def _drop_duplicates(found: list[_Found], rejects: list[RowReject]) -> list[_Found]:
    """The same product pasted twice in one list is one product: the first row counts, each copy is
    rejected naming it. The same means the same name, subject, address, district, stars and decision:
    a product under two decisions, or two producers' products of one name, stay apart."""
    seen: dict[tuple, SheetRow] = {}
    kept: list[_Found] = []
    append = kept.append
    for item in found:
        row = item[0]
        # A pasted copy is the same text: cleaned and casefolded is enough, and costs a fraction of
        # fold_key (this runs on every row of every list).
        key = (row.product_name.casefold(), (row.subject_name or "").casefold(), (row.address or "").casefold(),
               row.district, row.stars, row.decision_no)  # fmt: skip
        first = seen.setdefault(key, row)
        if first is row:
            append(item)
            continue
        where = f"row {first.row}" + (f" of sheet {first.sheet}" if first.sheet != row.sheet else "")
        raw = {"product_name": row.product_name_raw, "subject_name": row.subject_name_raw or "",
               "stars": row.stars_raw}  # fmt: skip
        rejects.append(RowReject(
            file=row.file, sheet=row.sheet, row=row.row, raw={k: v for k, v in raw.items() if v},
            reason=f"duplicate of {where}: the same product, subject and stars listed twice (counted once)",
        ))  # fmt: skip
    return kept


def _post_reform(info: TitleInfo, rows: list[SheetRow]) -> bool:
    """Lists decided after the 1 July 2025 reform name only communes and the new provinces."""
    if info.decision_date is not None:
        return info.decision_date >= REFORM_DATE
    if info.year is not None and info.year > REFORM_DATE.year:
        return True
    if info.year == REFORM_DATE.year and rows:
        return not any(r.district for r in rows) and any(r.commune for r in rows)
    return False
