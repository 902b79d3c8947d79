"""The ministry's monthly extract: sheets and values as of the cut-off, versions, text-only cells,
LibreOffice can open it, the chart report, the CLI and the Dagster partition."""

import csv
import json
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq
import pytest
from openpyxl.utils import get_column_letter

from ocop_pipeline.core.tables import rebuild_core
from ocop_pipeline.publish.extract import (
    MAX_WIDTH,
    SHEET_CHANGES,
    SHEET_PRODUCTS,
    SHEET_PROVINCES,
    SHEET_RATINGS,
    SHEET_SUBJECTS,
    Sheet,
    build_extract,
    column_widths,
    export_month,
    month_bounds,
)
from ocop_pipeline.storage.store import connect, ensure_schema
from tests.support.rows import row, stage_rows

EVIL = '=HYPERLINK("http://x","y")'


def sample_rows() -> list[dict]:
    """Six products known by the end of June 2025, one rated in July, one only after the reform."""
    nb = {"province_current": "Ninh Bình", "district": None}
    return [
        row(EVIL, "HTX Nông nghiệp An", 3, 2022, "1/QĐ-UBND", date(2022, 3, 10)),
        row("Bánh cáy", "HTX Nông nghiệp An", 3, 2022, "1/QĐ-UBND", date(2022, 3, 10)),
        row("Bánh cáy", "HTX Nông nghiệp An", 4, 2025, "2/QĐ-UBND", date(2025, 6, 5)),  # upgrade in June
        row("Nem nắm", "Hộ kinh doanh Bình", 3, 2021, province="Nam Định", subject_type="household", **nb),
        row("Mật ong", "Công ty TNHH Cúc", 4, 2022, "9/QĐ-UBND", date(2022, 6, 14), province="Hà Nam",
            subject_type="enterprise", **nb),  # valid until 14 Jun 2025: expires in June
        row("Chè xanh", "Tổ hợp tác Dung", 5, 2025, "7/QĐ-BNN-VPĐP", date(2025, 6, 20), province="Vĩnh Phúc",
            province_current="Phú Thọ", subject_type="cooperative_group"),  # new in June
        row("Rượu nếp", "HTX Em", 4, 2024, "3/QĐ-UBND", date(2024, 1, 10), province="Hưng Yên"),
        row("Rượu nếp", "HTX Em", 3, 2025, "4/QĐ-UBND", date(2025, 6, 25), province="Hưng Yên"),  # downgrade
        row("Gạo tám", "HTX Nông nghiệp An", 4, 2025, "5/QĐ-UBND", date(2025, 7, 15)),  # after the cut-off
        row("Cà phê", "HTX Giang", 3, 2025, "6/QĐ-UBND", date(2025, 8, 1), province="Lâm Đồng",
            province_current="Lâm Đồng", district=None),  # post-reform: no legacy province
    ]


@pytest.fixture
def db(tmp_path) -> Path:
    """A built database file, closed (the CLI and Dagster open it themselves)."""
    path = tmp_path / "data" / "ocop.duckdb"
    con = connect(path)
    ensure_schema(con)
    stage_rows(con, sample_rows())
    rebuild_core(con, as_of=date(2026, 1, 1))
    con.close()
    return path


def _sheet_rows(ws) -> list[dict]:
    values = list(ws.iter_rows(values_only=True))
    return [dict(zip(values[0], r, strict=True)) for r in values[1:]]


def test_month_bounds():
    assert month_bounds("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    assert month_bounds("2025-12") == (date(2025, 12, 1), date(2025, 12, 31))
    for bad in ("2025-13", "2025-6", "June", ""):
        with pytest.raises(ValueError, match="YYYY-MM"):
            month_bounds(bad)


def test_workbook_is_vietnamese_as_of_the_cutoff_and_text_stays_text(db, tmp_path):
    con = connect(db, read_only=True)
    try:
        result = export_month(con, "2025-06", tmp_path / "extracts", with_report=False)
    finally:
        con.close()
    assert result.created and result.version == 1
    assert result.directory == tmp_path / "extracts" / "2025-06" / "v1"
    assert result.workbook.name == "ocop_extract_2025-06_v1.xlsx"

    wb = openpyxl.load_workbook(result.workbook)
    assert wb.sheetnames[:5] == [SHEET_PRODUCTS, SHEET_SUBJECTS, SHEET_RATINGS, SHEET_PROVINCES, SHEET_CHANGES]
    products = _sheet_rows(wb[SHEET_PRODUCTS])
    assert {"Tên sản phẩm", "Chủ thể", "Hạng sao", "Tỉnh/Thành phố", "Trạng thái"} <= set(products[0])
    # July's and August's ratings are after the cut-off: six products, as they stood on 30 June 2025
    by_name = {p["Tên sản phẩm"]: p for p in products}
    assert set(by_name) == {EVIL, "Bánh cáy", "Nem nắm", "Mật ong", "Chè xanh", "Rượu nếp"}
    assert by_name["Bánh cáy"]["Hạng sao"] == 4 and by_name["Bánh cáy"]["Trạng thái"] == "Còn hiệu lực"
    assert by_name["Rượu nếp"]["Hạng sao"] == 3 and by_name["Rượu nếp"]["Số lần đánh giá"] == 2
    assert by_name["Mật ong"]["Trạng thái"] == "Hết hiệu lực"
    assert by_name["Nem nắm"]["Tỉnh cũ (trước 01/7/2025)"] == "Nam Định"
    assert by_name["Nem nắm"]["Tỉnh/Thành phố"] == "Ninh Bình"
    assert by_name["Chè xanh"]["Loại chủ thể"] == "Tổ hợp tác"

    # the formula-looking name is a string cell holding the literal text
    cell = next(c for c in wb[SHEET_PRODUCTS]["B"] if c.value == EVIL)
    assert cell.data_type == "s"
    assert len(_sheet_rows(wb[SHEET_SUBJECTS])) == 5
    assert len(_sheet_rows(wb[SHEET_RATINGS])) == 8

    provinces = _sheet_rows(wb[SHEET_PROVINCES])
    current = [r for r in provinces if r["Địa giới hành chính"].startswith("34")]
    legacy = [r for r in provinces if r["Địa giới hành chính"].startswith("63")]
    assert len(current) == 34 + 1 and len(legacy) == 63 + 1  # every unit, and a total row
    hung_yen = next(r for r in current if r["Tỉnh/Thành phố"] == "Hưng Yên")
    assert (hung_yen["Sản phẩm 3 sao"], hung_yen["Sản phẩm 4 sao"], hung_yen["Sản phẩm 5 sao"]) == (1, 1, 0)
    assert hung_yen["Sản phẩm hết hiệu lực"] == 1
    assert next(r for r in legacy if r["Tỉnh/Thành phố"] == "Vĩnh Phúc")["Sản phẩm 5 sao"] == 1
    assert next(r for r in legacy if r["Tỉnh/Thành phố"] == "Thái Bình")["Sản phẩm 4 sao"] == 1
    assert current[-1]["Tỉnh/Thành phố"] == "Tổng cộng"
    assert current[-1]["Tổng số sản phẩm còn hiệu lực"] == legacy[-1]["Tổng số sản phẩm còn hiệu lực"] == 3

    changes = [(r["Loại biến động"], r["Tên sản phẩm"], r["Hạng sao trước"], r["Hạng sao sau"])
               for r in _sheet_rows(wb[SHEET_CHANGES])]
    assert changes == [("Mới công nhận", "Chè xanh", None, 5), ("Nâng hạng", "Bánh cáy", 3, 4),
                       ("Hạ hạng", "Rượu nếp", 4, 3), ("Hết hiệu lực", "Mật ong", 4, None)]

    manifest = json.loads(result.manifest.read_text(encoding="utf-8"))
    assert manifest["data_cutoff"] == "2025-06-30" and manifest["version"] == 1
    assert manifest["sheets"] == {SHEET_PRODUCTS: 6, SHEET_SUBJECTS: 5, SHEET_RATINGS: 8, SHEET_PROVINCES: 99,
                                  SHEET_CHANGES: 4}
    import hashlib

    assert manifest["workbook"]["sha256"] == hashlib.sha256(result.workbook.read_bytes()).hexdigest()
    assert manifest["generated_at"] and manifest["data_sha256"] == result.data_sha256


def test_post_reform_products_count_under_unknown_legacy_province(db):
    con = connect(db, read_only=True)
    try:
        extract = build_extract(con, "2025-08")
    finally:
        con.close()
    legacy = {r[2]: r for r in extract.sheet(SHEET_PROVINCES).rows if r[0].startswith("63")}
    assert legacy["(không rõ tỉnh cũ)"][3] == 1  # Cà phê, Lâm Đồng, rated 1 Aug 2025
    assert [r[0] for r in extract.sheet(SHEET_CHANGES).rows] == ["Mới công nhận"]


def test_a_published_version_is_never_edited_and_same_data_make_no_new_version(db, tmp_path):
    out = tmp_path / "extracts"
    con = connect(db, read_only=True)
    try:
        first = export_month(con, "2025-06", out, with_report=False)
        v1_bytes = first.workbook.read_bytes()
        again = export_month(con, "2025-06", out, with_report=False)
    finally:
        con.close()
    assert not again.created and again.version == 1 and again.workbook == first.workbook
    assert sorted(p.name for p in (out / "2025-06").iterdir()) == ["v1"]

    # a late list brings a June decision: the month's data change, so v2 is written beside v1
    con = connect(db)
    try:
        stage_rows(con, [row("Nước mắm", "HTX Em", 3, 2025, "8/QĐ-UBND", date(2025, 6, 2), province="Hưng Yên")],
                   document_id="doc2", uri="test/late.xlsx")
        rebuild_core(con, as_of=date(2026, 1, 1))
        second = export_month(con, "2025-06", out, with_report=False)
    finally:
        con.close()
    assert second.created and second.version == 2
    assert second.workbook == out / "2025-06" / "v2" / "ocop_extract_2025-06_v2.xlsx"
    assert first.workbook.read_bytes() == v1_bytes  # v1 untouched
    assert json.loads(second.manifest.read_text(encoding="utf-8"))["previous_version"] == 1
    assert second.rows[SHEET_PRODUCTS] == 7
    assert not [p for p in (out / "2025-06").iterdir() if p.name.startswith(".")]  # no temp folders left


def test_csv_outputs_neutralise_formulas_but_parquet_keeps_the_value(db, tmp_path):
    from ocop_pipeline.publish.datasets import publish

    con = connect(db, read_only=True)
    try:
        publish(con, tmp_path / "publish")
    finally:
        con.close()
    with (tmp_path / "publish" / "csv" / "products.csv").open(encoding="utf-8-sig", newline="") as fh:
        names = [r["name"] for r in csv.DictReader(fh)]
    assert "'" + EVIL in names and EVIL not in names and "Bánh cáy" in names
    assert EVIL in pq.read_table(tmp_path / "publish" / "parquet" / "products.parquet").column("name").to_pylist()
    package = json.loads((tmp_path / "publish" / "datapackage.json").read_text(encoding="utf-8"))
    assert "single quote" in package["description"]


def test_every_data_sheet_has_a_filter_fitted_widths_and_dates_as_dd_mm_yyyy(db, tmp_path):
    con = connect(db, read_only=True)
    try:
        result = export_month(con, "2025-06", tmp_path / "extracts", with_report=False)
    finally:
        con.close()
    wb = openpyxl.load_workbook(result.workbook)
    for name in (SHEET_PRODUCTS, SHEET_SUBJECTS, SHEET_RATINGS, SHEET_PROVINCES, SHEET_CHANGES):
        ws = wb[name]
        assert ws.auto_filter.ref == f"A1:{get_column_letter(ws.max_column)}{ws.max_row}", name
        for column in range(1, ws.max_column + 1):
            letter = get_column_letter(column)
            longest = max(len(str(c.value)) if not isinstance(c.value, date) else 10
                          for c in ws[letter] if c.value is not None)
            assert ws.column_dimensions[letter].width >= min(MAX_WIDTH, longest), (name, letter)
            assert ws.column_dimensions[letter].width <= MAX_WIDTH
        dates = [c for r in ws.iter_rows(min_row=2) for c in r if isinstance(c.value, date)]
        assert all(c.number_format == "dd/mm/yyyy" for c in dates), name
    products = wb[SHEET_PRODUCTS]
    assert any(isinstance(c.value, date) for r in products.iter_rows(min_row=2) for c in r)
    long_name = "Sản phẩm " * 20  # 180 characters: the width stops at the cap
    assert column_widths(Sheet("x", ("Tên",), [(long_name,)])) == [float(MAX_WIDTH)]
    assert column_widths(Sheet("x", ("Tên sản phẩm",), [("Chè",)])) == [len("Tên sản phẩm") + 5.0]


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_the_workbook_and_shows_the_formula_as_text(db, tmp_path):
    con = connect(db, read_only=True)
    try:
        result = export_month(con, "2025-06", tmp_path / "extracts", with_report=False)
    finally:
        con.close()
    out = tmp_path / "lo"
    # 44,34,76: comma, double quote, UTF-8; the 9th token (true) saves cells as shown, so dates come
    # out in the workbook's format; the last token -1 writes every sheet to its own file
    csv_filter = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"
    proc = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless", "--convert-to", csv_filter,
         "--outdir", str(out), str(result.workbook)],
        check=False, capture_output=True, text=True, timeout=120, env={**os.environ, "HOME": str(tmp_path)})
    assert proc.returncode == 0, proc.stderr
    sheet_csv = out / f"{result.workbook.stem}-{SHEET_PRODUCTS}.csv"
    assert sheet_csv.is_file(), sorted(p.name for p in out.iterdir())
    with sheet_csv.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][1] == "Tên sản phẩm"
    assert EVIL in [r[1] for r in rows]  # LibreOffice read it as text, not as a formula's result "y"
    assert len(rows) == 1 + 6
    # dates as shown: dd/mm/yyyy ("Ngày quyết định gần nhất")
    shown = {r[1]: r[rows[0].index("Ngày quyết định gần nhất")] for r in rows[1:]}
    assert shown["Mật ong"] == "14/06/2022"

    # LibreOffice keeps the filter: saved again as xlsx by it, the sheet still has one
    again = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless", "--convert-to", "xlsx",
         "--outdir", str(tmp_path / "lo-xlsx"), str(result.workbook)],
        check=False, capture_output=True, text=True, timeout=120, env={**os.environ, "HOME": str(tmp_path)})
    assert again.returncode == 0, again.stderr
    resaved = openpyxl.load_workbook(tmp_path / "lo-xlsx" / result.workbook.name)
    assert resaved[SHEET_PRODUCTS].auto_filter.ref == "A1:P7"


def test_cli_export_writes_then_reports_unchanged(db, capsys):
    from ocop_pipeline.cli import main

    data = db.parent
    assert main(["export", "--month", "2025-06", "--data-dir", str(data), "--no-report", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["created"] and first["version"] == 1 and first["rows"][SHEET_PRODUCTS] == 6
    assert Path(first["workbook"]).is_file()
    assert Path(first["workbook"]).parent == data / "publish" / "extracts" / "2025-06" / "v1"
    assert main(["export", "--month", "2025-06", "--data-dir", str(data), "--no-report"]) == 0
    assert "unchanged" in capsys.readouterr().out
    assert main(["export", "--month", "2025-6", "--data-dir", str(data)]) == 2
    assert "YYYY-MM" in capsys.readouterr().err
    assert main(["export", "--month", "2025-06", "--data-dir", str(data / "nowhere")]) == 1
    assert "ocop build" in capsys.readouterr().err


@pytest.mark.slow
def test_dagster_partition_writes_the_month_with_its_chart_report(db):
    import dagster as dg

    from assets import build_definitions
    from assets.publish import monthly_extract
    from assets.resources import OcopStore
    from ocop_pipeline.publish.report import HEADINGS

    store = OcopStore(data_dir=str(db.parent))
    result = dg.materialize([monthly_extract], partition_key="2025-06-01", resources={"store": store})
    assert result.success
    [event] = [e for e in result.get_asset_materialization_events()]
    meta = event.materialization.metadata
    assert meta["version"].value == 1 and meta["new_version"].value is True
    assert event.materialization.partition == "2025-06-01"
    folder = db.parent / "publish" / "extracts" / "2025-06" / "v1"
    assert (folder / "manifest.json").is_file()

    # the chart report: one self-contained HTML file, four embedded charts under their headings
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert page.count('src="data:image/png;base64,') == 4
    assert "<link" not in page and "<script" not in page  # nothing loaded from elsewhere
    for heading in HEADINGS.values():
        assert f"<h2>{heading}</h2>" in page
    assert "Báo cáo OCOP tháng 2025-06 (phiên bản v1)" in page and "30/06/2025" in page

    # `ocop build` (unpartitioned) leaves it out; the monthly job holds it alone
    definitions = build_definitions(store)
    key = dg.AssetKey(["publish", "monthly_extract"])
    assert key not in definitions.resolve_job_def("ocop_build").asset_layer.selected_asset_keys
    assert definitions.resolve_job_def("ocop_monthly_extract").asset_layer.selected_asset_keys == {key}
