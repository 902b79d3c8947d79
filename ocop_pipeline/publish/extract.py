"""The ministry's monthly extract: one Excel workbook in Vietnamese, a manifest and a chart report.

What a month's extract shows is the state of the programme **as of its cut-off**, the last day of the
month: only ratings that took effect by then count (decision date, or 31 December of the round's year
when a list gives no date: the rule core.py uses), and every status is computed at the cut-off, not at
the build date. So the extract of a past month is a pure function of the ratings and the month.

Layout, one folder per published version, never edited once written:

    <publish>/extracts/2025-06/v1/ocop_extract_2025-06_v1.xlsx
                                 /manifest.json   (rows per sheet, sha256s, cut-off, generated_at, version)
                                 /report.html     (charts, self-contained)
    <publish>/extracts/2025-06/v2/...             (a later run whose data differ)

A run compares the content hash of its data (`data_sha256`: the rows of every data sheet, not the
workbook bytes, which carry a timestamp) with the latest version's manifest: the same data give no
new version. Each version is written in a hidden temporary folder and renamed into place, so a reader
never sees half a version.

Values that came from outside (product and subject names, addresses, decision numbers) are written
as string cells, never formulas: a product called `=HYPERLINK(...)` is shown as that text.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from ocop_pipeline.core import rules
from ocop_pipeline.core.views import RATING_HISTORY_SELECT
from ocop_pipeline.runtime.fingerprints import file_sha256

# Bump when a sheet or column changes: a new format is a new version even with the same data.
EXTRACT_FORMAT = "1"
MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
VERSION_RE = re.compile(r"^v(\d+)$")

SUBJECT_TYPE_VI = {
    "enterprise": "Doanh nghiệp", "cooperative": "Hợp tác xã", "cooperative_group": "Tổ hợp tác",
    "household": "Hộ sản xuất kinh doanh", "other": "Khác",
}
STATUS_VI = {"active": "Còn hiệu lực", "expired": "Hết hiệu lực", "revoked": "Bị thu hồi"}
LEVEL_VI = {"district": "Cấp huyện", "province": "Cấp tỉnh", "national": "Cấp trung ương"}
CHANGE_VI = {"new": "Mới công nhận", "upgrade": "Nâng hạng", "downgrade": "Hạ hạng",
             "expired": "Hết hiệu lực", "revoked": "Thu hồi"}
CURRENT_GEO = "34 tỉnh/thành phố (từ 01/7/2025)"
LEGACY_GEO = "63 tỉnh/thành phố (trước 01/7/2025)"
UNKNOWN_LEGACY = "(không rõ tỉnh cũ)"
TOTAL = "Tổng cộng"

SHEET_PRODUCTS = "Sản phẩm"
SHEET_SUBJECTS = "Chủ thể"
SHEET_RATINGS = "Xếp hạng"
SHEET_PROVINCES = "Tổng hợp theo tỉnh"
SHEET_CHANGES = "Biến động trong tháng"
SHEET_NOTES = "Ghi chú"


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[str, ...]
    rows: list[tuple]


@dataclass
class Extract:
    """The data of one month's extract, before it is written anywhere."""

    month: str
    cutoff: date
    sheets: list[Sheet]
    notes: list[tuple[str, str]]
    # Figures for the chart report (report.py), keyed in English.
    facts: dict[str, Any] = field(default_factory=dict)

    def sheet(self, name: str) -> Sheet:
        return next(s for s in self.sheets if s.name == name)

    def data_sha256(self) -> str:
        """Hash of what the extract says (format, month, cut-off and every data sheet's rows)."""
        payload = {"format": EXTRACT_FORMAT, "month": self.month, "cutoff": self.cutoff.isoformat(),
                   "sheets": [[s.name, list(s.columns), [list(r) for r in s.rows]] for s in self.sheets]}
        text = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=_iso)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ExportResult:
    month: str
    version: int
    directory: Path
    workbook: Path
    manifest: Path
    report: Path | None
    created: bool  # False: the latest version already had these data, nothing was written
    rows: dict[str, int]
    data_sha256: str


def _iso(value: object) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def month_bounds(month: str) -> tuple[date, date]:
    """First and last day of a 'YYYY-MM' month."""
    m = MONTH_RE.match(month or "")
    if not m:
        raise ValueError(f"month must be YYYY-MM (e.g. 2025-06), not {month!r}")
    first = date(int(m.group(1)), int(m.group(2)), 1)
    nxt = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, nxt - timedelta(days=1)


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
    return con.execute(sql, list(params)).fetchall()


# The first day a rating no longer holds (core/rules.py), on the rating history's columns.
ENDS_ON = rules.ends_on_sql("h.effective_date")


def _prepare(con: duckdb.DuckDBPyConnection, cutoff: date) -> None:
    """Temporary tables of the state at the cut-off (temp tables work on a read-only connection)."""
    # ends_on: the first day a certificate no longer holds (core/rules.py; an undated rating takes
    # effect on 31 December of its year, so it ends on 1 January four years on).
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _x_hist AS
        SELECT h.*, {ENDS_ON} AS ends_on
        FROM ({RATING_HISTORY_SELECT}) h
        -- a product the lists have follows its list ratings; one known only from news, its news ratings
        WHERE h.effective_date <= ? AND (h.origin = 'list' OR h.known_from = 'news')
        """,
        [cutoff],
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _x_products AS
        WITH latest AS (
          SELECT product_id, max(rating_number) AS n, count(*) AS ratings,
                 min(decision_date) AS first_rated, min(rating_year) AS first_year
          FROM _x_hist GROUP BY product_id)
        SELECT p.product_id, p.name, p.subject_id, s.name AS subject_name, s.subject_type,
               p.product_group, p.province, p.legacy_province, p.legacy_district, p.ocop_code,
               h.stars, h.level, h.decision_no, h.decision_date, h.rating_year, h.valid_until, h.ends_on,
               CASE WHEN h.ends_on <= ? THEN 'expired' ELSE 'active' END AS status,
               l.first_rated, l.first_year, l.ratings
        FROM latest l
        JOIN _x_hist h ON h.product_id = l.product_id AND h.rating_number = l.n
        JOIN products p ON p.product_id = l.product_id
        JOIN subjects s ON s.subject_id = p.subject_id
        """,
        [cutoff],
    )


def _products_sheet(con: duckdb.DuckDBPyConnection) -> Sheet:
    rows = _rows(con, """
        SELECT product_id, name, subject_name, subject_type, product_group, province, legacy_province,
               legacy_district, ocop_code, stars, status, decision_no, decision_date, valid_until,
               first_year, ratings
        FROM _x_products ORDER BY province, name, product_id""")
    rows = [(*r[:3], SUBJECT_TYPE_VI.get(r[3], r[3]), *r[4:10], STATUS_VI[r[10]], *r[11:]) for r in rows]
    return Sheet(SHEET_PRODUCTS, (
        "Mã sản phẩm", "Tên sản phẩm", "Chủ thể", "Loại chủ thể", "Nhóm sản phẩm", "Tỉnh/Thành phố",
        "Tỉnh cũ (trước 01/7/2025)", "Huyện cũ", "Mã OCOP", "Hạng sao", "Trạng thái",
        "Số quyết định gần nhất", "Ngày quyết định gần nhất", "Hiệu lực đến", "Năm đánh giá đầu tiên",
        "Số lần đánh giá"), rows)


def _subjects_sheet(con: duckdb.DuckDBPyConnection) -> Sheet:
    rows = _rows(con, """
        SELECT s.subject_id, s.name, s.subject_type, s.tax_code, s.address, s.commune, s.legacy_district,
               s.legacy_province, s.province, count(*) AS products,
               count(*) FILTER (WHERE x.status = 'active') AS active,
               max(x.stars) FILTER (WHERE x.status = 'active') AS best
        FROM _x_products x JOIN subjects s ON s.subject_id = x.subject_id
        GROUP BY ALL ORDER BY s.province, s.name, s.subject_id""")
    rows = [(*r[:2], SUBJECT_TYPE_VI.get(r[2], r[2]), *r[3:]) for r in rows]
    return Sheet(SHEET_SUBJECTS, (
        "Mã chủ thể", "Chủ thể", "Loại chủ thể", "Mã số thuế", "Địa chỉ", "Xã/Phường", "Huyện cũ",
        "Tỉnh cũ (trước 01/7/2025)", "Tỉnh/Thành phố", "Số sản phẩm", "Số sản phẩm còn hiệu lực",
        "Hạng sao cao nhất còn hiệu lực"), rows)


def _ratings_sheet(con: duckdb.DuckDBPyConnection) -> Sheet:
    rows = _rows(con, """
        SELECT rating_id, product_name, subject_name, province, legacy_province, stars, level, decision_no,
               decision_date, rating_year, valid_until, source_id, source_url
        FROM _x_hist ORDER BY effective_date, province, product_name, rating_id""")
    rows = [(*r[:6], LEVEL_VI.get(r[6], r[6]), *r[7:]) for r in rows]
    return Sheet(SHEET_RATINGS, (
        "Mã xếp hạng", "Tên sản phẩm", "Chủ thể", "Tỉnh/Thành phố", "Tỉnh cũ (trước 01/7/2025)", "Hạng sao",
        "Cấp công nhận", "Số quyết định", "Ngày quyết định", "Năm đánh giá", "Hiệu lực đến", "Nguồn",
        "Tệp nguồn"), rows)


def _province_sheet(con: duckdb.DuckDBPyConnection) -> tuple[Sheet, dict[str, list[tuple]]]:
    """Active products by stars in the 34 current and the 63 legacy provinces, every province listed."""
    from ocop_pipeline.geo.admin_units import legacy_provinces

    reference = legacy_provinces()
    geographies = {
        CURRENT_GEO: ("province", sorted({(p.new_code, p.new_name) for p in reference})),
        LEGACY_GEO: (f"coalesce(legacy_province, '{UNKNOWN_LEGACY}')",
                     sorted({(p.legacy_code, p.legacy_name) for p in reference})),
    }
    out: list[tuple] = []
    facts: dict[str, list[tuple]] = {}
    for geo, (expr, units) in geographies.items():
        counts = {r[0]: r[1:] for r in _rows(con, f"""
            SELECT {expr} AS unit,
                   count(*) FILTER (WHERE status = 'active' AND stars = 3),
                   count(*) FILTER (WHERE status = 'active' AND stars = 4),
                   count(*) FILTER (WHERE status = 'active' AND stars = 5),
                   count(*) FILTER (WHERE status = 'active'),
                   count(*) FILTER (WHERE status = 'expired'),
                   count(DISTINCT subject_id) FILTER (WHERE status = 'active')
            FROM _x_products GROUP BY unit""")}
        known = {name for _, name in units}
        # units the reference does not know (should not happen) still appear, after the official ones
        listed = [(code, name) for code, name in units] + [("", u) for u in sorted(counts) if u not in known]
        geo_rows = [(geo, code, name, *counts.get(name, (0, 0, 0, 0, 0, 0))) for code, name in listed]
        totals = tuple(sum(r[i] for r in geo_rows) for i in range(3, 9))
        out += [*geo_rows, (geo, "", TOTAL, *totals)]
        facts[geo] = [(name, *vals[:3]) for _, _, name, *vals in geo_rows]
    return Sheet(SHEET_PROVINCES, (
        "Địa giới hành chính", "Mã tỉnh", "Tỉnh/Thành phố", "Sản phẩm 3 sao", "Sản phẩm 4 sao",
        "Sản phẩm 5 sao", "Tổng số sản phẩm còn hiệu lực", "Sản phẩm hết hiệu lực",
        "Số chủ thể có sản phẩm còn hiệu lực"), out), facts


def _changes_sheet(con: duckdb.DuckDBPyConnection, first: date, cutoff: date) -> Sheet:
    rows = _rows(con, """
        SELECT change, effective_date AS event_date, product_name, subject_name, subject_type, province,
               legacy_province, previous_stars, stars, decision_no, level
        FROM _x_hist WHERE change IN ('new', 'upgrade', 'downgrade') AND effective_date BETWEEN ? AND ?
        UNION ALL
        SELECT 'expired', ends_on, name, subject_name, subject_type, province, legacy_province,
               stars, NULL, decision_no, level
        FROM _x_products WHERE ends_on BETWEEN ? AND ?
        ORDER BY 1, 2, 6, 3""", [first, cutoff, first, cutoff])
    order = list(CHANGE_VI)
    rows.sort(key=lambda r: order.index(r[0]))  # stable: keeps the SQL order within each kind
    rows = [(CHANGE_VI[r[0]], r[1], r[2], r[3], SUBJECT_TYPE_VI.get(r[4], r[4]), *r[5:10],
             LEVEL_VI.get(r[10], r[10])) for r in rows]
    return Sheet(SHEET_CHANGES, (
        "Loại biến động", "Ngày", "Tên sản phẩm", "Chủ thể", "Loại chủ thể", "Tỉnh/Thành phố",
        "Tỉnh cũ (trước 01/7/2025)", "Hạng sao trước", "Hạng sao sau", "Số quyết định", "Cấp công nhận"), rows)


def _coverage_rows(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """The `coverage` table's current-geography rows (core/coverage.py); none in a database older than it."""
    try:
        return _rows(con, """
            SELECT province, year, list_products, news_articles, news_batch_max, news_ratings, news_only_products,
                   news_rounds_without_list
            FROM coverage WHERE geography = 'current' ORDER BY province, year""")
    except duckdb.CatalogException:
        return []


def build_extract(con: duckdb.DuckDBPyConnection, month: str) -> Extract:
    """Compute the month's extract from the core tables (the connection may be read-only)."""
    first, cutoff = month_bounds(month)
    _prepare(con, cutoff)
    try:
        provinces, by_geo = _province_sheet(con)
        changes = _changes_sheet(con, first, cutoff)
        sheets = [_products_sheet(con), _subjects_sheet(con), _ratings_sheet(con), provinces, changes]
        undated = con.execute("SELECT count(*) FROM ratings WHERE decision_date IS NULL AND rating_year IS NULL").fetchall()[0][0]
        facts = {
            "by_current_province": by_geo[CURRENT_GEO],
            "by_legacy_province": by_geo[LEGACY_GEO],
            "ratings_by_year": _rows(con, """
                SELECT year(effective_date) AS y, stars, count(*) FROM _x_hist GROUP BY ALL ORDER BY 1, 2"""),
            "subject_types": [(SUBJECT_TYPE_VI.get(t, t), n) for t, n in _rows(con, """
                SELECT subject_type, count(DISTINCT subject_id) FROM _x_products WHERE status = 'active'
                GROUP BY 1 ORDER BY 2 DESC, 1""")],
            "active_by_stars": dict(_rows(con, """
                SELECT stars, count(*) FROM _x_products WHERE status = 'active' GROUP BY 1 ORDER BY 1""")),
            "changes": {label: sum(1 for r in changes.rows if r[0] == label) for label in CHANGE_VI.values()},
            "coverage": _coverage_rows(con),
        }
        from_news = con.execute("SELECT count(*) FILTER (WHERE origin = 'news'), "
                                "count(DISTINCT product_id) FILTER (WHERE known_from = 'news') FROM _x_hist").fetchall()[0]
    finally:
        con.execute("DROP TABLE IF EXISTS _x_hist")
        con.execute("DROP TABLE IF EXISTS _x_products")
    notes = [
        ("Tháng", month),
        ("Ngày chốt số liệu", cutoff.strftime("%d/%m/%Y")),
        ("Phạm vi", ("Chỉ tính các lần xếp hạng có ngày quyết định đến hết ngày chốt số liệu; danh sách "
                    "không ghi ngày quyết định được tính từ ngày 31/12 của năm đánh giá.")),
        ("Trạng thái", ("Tính tại ngày chốt số liệu: giấy chứng nhận có hiệu lực 36 tháng kể từ ngày quyết "
                       "định (danh sách không ghi ngày: đến hết năm thứ ba sau năm đánh giá).")),
        ("Tổng hợp theo tỉnh", ("Đếm sản phẩm còn hiệu lực theo hạng sao, theo 34 tỉnh/thành phố hiện hành "
                               "và theo 63 tỉnh/thành phố trước 01/7/2025.")),
        ("Thu hồi", "Cơ sở dữ liệu chưa ghi nhận quyết định thu hồi có ngày; mục Thu hồi hiện bằng 0."),
        ("Xếp hạng không xác định thời điểm", (f"{undated} lần xếp hạng không có ngày quyết định và năm "
                                              "đánh giá nên không được tính vào tháng nào.")),
        ("Xếp hạng chỉ biết qua báo chí", (f"{from_news[0]} lần xếp hạng của {from_news[1]} sản phẩm chỉ được "
                                          "biết qua tin báo (không có trong danh sách chính thức); hiệu lực tính từ "
                                          "ngày quyết định, hoặc từ ngày của bài báo khi bài không nêu quyết định. "
                                          "Sản phẩm có trong danh sách chính thức luôn theo danh sách.")),
        ("Giá trị văn bản", ("Tên, địa chỉ, số quyết định được ghi nguyên văn dưới dạng văn bản (không bao "
                            "giờ là công thức).")),
    ]
    return Extract(month, cutoff, sheets, notes, facts)


# --- writing -------------------------------------------------------------------------------------

_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Leading characters a spreadsheet program may read as a formula (OWASP CSV-injection list, and "#").
_RISKY_START = ("=", "+", "-", "@", "#", "\t", "\r")


# Column widths, in characters: the longest value (or header, plus room for the filter's arrow),
# never below MIN_WIDTH, capped at MAX_WIDTH so one long name does not push the other columns away.
MIN_WIDTH, MAX_WIDTH = 8, 60


def _shown_length(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, date):
        return 10  # dd/mm/yyyy
    if isinstance(value, float):
        return len(f"{value:g}")
    return max((len(line) for line in str(value).splitlines()), default=0)


def column_widths(sheet: Sheet) -> list[float]:
    """Each column's width fitted to its content: header and values, capped."""
    widths = [len(label) + 3 for label in sheet.columns]
    for row in sheet.rows:
        for i, value in enumerate(row[:len(widths)]):
            widths[i] = max(widths[i], _shown_length(value))
    return [float(min(MAX_WIDTH, max(MIN_WIDTH, w + 2))) for w in widths]


def _write_workbook(extract: Extract, path: Path, notes: list[tuple[str, str]]) -> None:
    """The xlsx, written streaming (openpyxl write-only). Every str is a string cell, never a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ERROR_CODES
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    wb.properties.creator = "ocop-pipeline"
    wb.properties.title = f"Trích xuất dữ liệu OCOP tháng {extract.month}"
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")

    def text_cell(ws, value: str) -> Any:
        # openpyxl reads "=..." as a formula and "#N/A" as an error: force the string type, and set
        # Excel's quote-prefix so editing the cell keeps it text.
        cell = WriteOnlyCell(ws, _ILLEGAL_XML.sub("\ufffd", value))
        cell.data_type = "s"
        if value[:1] in _RISKY_START:
            cell.quotePrefix = True
        return cell

    def cells(ws, row: Sequence[Any]) -> list[Any]:
        out = []
        for value in row:
            if isinstance(value, str):
                # a plain str is a string cell already; only what openpyxl would reinterpret needs a cell
                risky = value[:1] in _RISKY_START or value in ERROR_CODES or _ILLEGAL_XML.search(value)
                out.append(text_cell(ws, value) if risky else value)
            elif isinstance(value, date):
                cell = WriteOnlyCell(ws, value)
                cell.number_format = "dd/mm/yyyy"
                out.append(cell)
            else:
                out.append(value)
        return out

    for sheet in extract.sheets:
        ws = wb.create_sheet(sheet.name)
        ws.freeze_panes = "A2"
        for i, width in enumerate(column_widths(sheet), start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        # a filter on the header row over every row (written with the sheet's tail, so set it now)
        ws.auto_filter.ref = f"A1:{get_column_letter(max(1, len(sheet.columns)))}{len(sheet.rows) + 1}"
        header = []
        for label in sheet.columns:
            cell = text_cell(ws, label)
            cell.font, cell.fill = bold, fill
            header.append(cell)
        ws.append(header)
        for row in sheet.rows:
            ws.append(cells(ws, row))
    ws = wb.create_sheet(SHEET_NOTES)
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 34, 110
    ws.append(cells(ws, ("Mục", "Nội dung")))
    for item in notes:
        ws.append(cells(ws, item))
    wb.save(path)




def published_versions(month_dir: Path) -> list[int]:
    """Complete versions of a month (a folder vN with its manifest), oldest first."""
    if not month_dir.is_dir():
        return []
    found = []
    for child in month_dir.iterdir():
        m = VERSION_RE.match(child.name)
        if m and (child / "manifest.json").is_file():
            found.append(int(m.group(1)))
    return sorted(found)


def export_month(con: duckdb.DuckDBPyConnection, month: str, extracts_dir: Path, *,
                 with_report: bool = True, generated_at: datetime | None = None) -> ExportResult:
    """Write the month's extract as a new version, unless the latest version has the same data."""
    extract = build_extract(con, month)
    digest = extract.data_sha256()
    rows = {s.name: len(s.rows) for s in extract.sheets}
    month_dir = Path(extracts_dir) / month
    versions = published_versions(month_dir)
    if versions:
        latest = month_dir / f"v{versions[-1]}"
        manifest = json.loads((latest / "manifest.json").read_text(encoding="utf-8"))
        if manifest.get("data_sha256") == digest:
            report = latest / manifest["report"]["file"] if manifest.get("report") else None
            return ExportResult(month, versions[-1], latest, latest / manifest["workbook"]["file"],
                                latest / "manifest.json", report, False, rows, digest)
    version = (versions[-1] if versions else 0) + 1
    generated = (generated_at or datetime.now(UTC)).replace(microsecond=0)
    month_dir.mkdir(parents=True, exist_ok=True)
    tmp = month_dir / f".v{version}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        name = f"ocop_extract_{month}_v{version}.xlsx"
        notes = [*extract.notes, ("Phiên bản", f"v{version}"),
                 ("Thời điểm tạo (UTC)", generated.isoformat()),
                 ("Mã băm dữ liệu (sha256)", digest)]
        _write_workbook(extract, tmp / name, notes)
        report_entry = None
        if with_report:
            from ocop_pipeline.publish.report import render_report

            html = render_report(extract, version=version)
            (tmp / "report.html").write_text(html, encoding="utf-8")
            report_entry = {"file": "report.html", "sha256": file_sha256(tmp / "report.html")}
        manifest = {
            "month": month,
            "version": version,
            "data_cutoff": extract.cutoff.isoformat(),
            "generated_at": generated.isoformat(),
            "extract_format": EXTRACT_FORMAT,
            "workbook": {"file": name, "sha256": file_sha256(tmp / name), "bytes": (tmp / name).stat().st_size},
            "data_sha256": digest,
            "sheets": rows,
            "report": report_entry,
            "previous_version": versions[-1] if versions else None,
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        final = month_dir / f"v{version}"
        # rename fails if another run published this version meanwhile: never overwrite a version
        os.rename(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return ExportResult(month, version, final, final / name, final / "manifest.json",
                        final / "report.html" if with_report else None, True, rows, digest)
