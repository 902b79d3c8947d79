"""The whole pipeline, in process through Dagster, on a temporary registry and inbox."""

import json

import pytest

from assets.build import run_build
from ocop_pipeline.cli import format_summary
from ocop_pipeline.storage.store import connect
from tests.support.workbooks import write_simple_list


@pytest.fixture
def registry(tmp_path):
    sources = tmp_path / "sources"
    (sources / "snapshot" / "thai_binh").mkdir(parents=True)
    (sources / "thai_binh_lists.yaml").write_text(
        "name: thai_binh_ocop_lists\nkind: spreadsheet\nprovince: Thái Bình\n"
        "path: snapshot/thai_binh/*\nexpected_rows: [1, 50]\n", encoding="utf-8")
    write_simple_list(sources / "snapshot" / "thai_binh" / "2022.xlsx", "DANH SÁCH SẢN PHẨM OCOP NĂM 2022", [
        ["Bánh cáy làng Nguyễn", "HTX Nông nghiệp Nguyên Xá", "xã Nguyên Xá, huyện Vũ Thư", "4 sao"],
        ["Chiếu cói", "Hộ kinh doanh Trần Văn Hải", "xã Hải Triều, huyện Hưng Hà", "3 sao"],
        ["", "Công ty TNHH Vô Danh", "xã X, huyện Y", "3 sao"],
        ["Gạo tám", "Công ty TNHH Gạo Việt", "xã Vũ Hội, huyện Vũ Thư", "2 sao"],
    ])
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "broken.xlsx").write_bytes(b"PK\x03\x04 this is not a workbook")
    return sources, inbox


def _snapshot(db):
    con = connect(db, read_only=True)
    try:
        return {t: sorted(con.execute(f"SELECT * EXCLUDE (recorded_at) FROM {t}" if t == "rejects" else
                                      f"SELECT * FROM {t}").fetchall(), key=str)
                for t in ("subjects", "products", "ratings", "rejects")}
    finally:
        con.close()


def test_build_lands_stages_resolves_and_publishes(tmp_path, registry):
    sources, inbox = registry
    data = tmp_path / "data"
    summary = run_build(data_dir=data, inbox_dir=inbox, sources_dir=sources)

    assert summary["success"], summary["failures"]
    assert summary["tables"]["products"] == 2
    assert summary["tables"]["subjects"] == 2
    assert summary["tables"]["ratings"] == 2
    assert summary["rejects"]["by_stage"] == {"file": 1, "row": 2}
    text = format_summary(summary)
    assert "broken.xlsx" in text and "rejects: 3" in text

    con = connect(data / "ocop.duckdb", read_only=True)
    try:
        product = con.execute(
            "SELECT p.name, p.current_stars, p.province, p.legacy_province, s.subject_type, r.decision_no, r.level "
            "FROM products p JOIN subjects s USING (subject_id) JOIN ratings r USING (product_id) "
            "WHERE p.name = 'Bánh cáy làng Nguyễn'").fetchone()
        place = con.execute("SELECT place_as_written, legacy_district FROM products "
                            "WHERE name = 'Bánh cáy làng Nguyễn'").fetchall()
        reasons = [r[0] for r in con.execute("SELECT reason FROM rejects ORDER BY reason").fetchall()]
    finally:
        con.close()
    assert product == ("Bánh cáy làng Nguyễn", 4, "Hưng Yên", "Thái Bình", "cooperative", "3610/QĐ-UBND", "province")
    assert place == [("xã Nguyên Xá, huyện Vũ Thư", "Huyện Vũ Thư")]  # as written, and canonical
    assert any("broken.xlsx" in r for r in reasons)
    assert len(reasons) == 3

    publish = data / "publish"
    package = json.loads((publish / "datapackage.json").read_text(encoding="utf-8"))
    assert {r["name"]: r["rows"] for r in package["resources"]}["products"] == 2
    assert (publish / "parquet" / "ratings.parquet").is_file()
    assert list((data / "raw").rglob("*.xlsx"))  # the bytes are kept


@pytest.mark.slow
def test_build_twice_gives_the_same_tables(tmp_path, registry):
    sources, inbox = registry
    data = tmp_path / "data"
    run_build(data_dir=data, inbox_dir=inbox, sources_dir=sources)
    first = _snapshot(data / "ocop.duckdb")
    run_build(data_dir=data, inbox_dir=inbox, sources_dir=sources)
    assert _snapshot(data / "ocop.duckdb") == first


@pytest.mark.slow
def test_inbox_file_is_ingested_and_its_removal_takes_its_rows(tmp_path, registry):
    sources, inbox = registry
    data = tmp_path / "data"
    run_build(data_dir=data, inbox_dir=inbox, sources_dir=sources)
    (inbox / "nam_dinh.csv").write_text(
        "DANH SÁCH SẢN PHẨM OCOP TỈNH NAM ĐỊNH NĂM 2021\nSTT,Tên sản phẩm,Chủ thể,Địa chỉ,Số sao\n"
        "1,Nem nắm Giao Thủy,Cơ sở sản xuất Nem Hương,\"xã Giao Tiến, huyện Giao Thủy\",3*\n", encoding="utf-8")
    summary = run_build(data_dir=data, inbox_dir=inbox, sources_dir=sources)
    assert summary["tables"]["products"] == 3
    con = connect(data / "ocop.duckdb", read_only=True)
    try:
        assert con.execute("SELECT province, legacy_province FROM products WHERE name LIKE 'Nem%'").fetchall() == [
            ("Ninh Bình", "Nam Định")]
    finally:
        con.close()
    (inbox / "nam_dinh.csv").unlink()
    assert run_build(data_dir=data, inbox_dir=inbox, sources_dir=sources)["tables"]["products"] == 2


@pytest.mark.slow
def test_registry_province_fills_a_list_that_never_names_one_and_subjectless_rows_are_rejected(tmp_path, registry):
    sources, inbox = registry
    (sources / "snapshot" / "thai_binh" / "bo_sung.csv").write_text(
        "STT;Tên sản phẩm;Tên chủ thể;Xếp hạng\n1;Rượu nếp cái;HTX Dịch vụ Nông nghiệp An Lễ;3 sao\n"
        "2;Dưa lê;;3 sao\n", encoding="utf-8")
    data = tmp_path / "data"
    run_build(data_dir=data, inbox_dir=inbox, sources_dir=sources)
    con = connect(data / "ocop.duckdb", read_only=True)
    try:
        assert con.execute("SELECT province, legacy_province FROM products WHERE name = 'Rượu nếp cái'").fetchall() == [
            ("Hưng Yên", "Thái Bình")]
        assert con.execute("SELECT location, \"row\", reason FROM rejects WHERE location LIKE '%bo_sung.csv'").fetchall() == [
            ("snapshot/thai_binh/bo_sung.csv", 3, "no subject (chủ thể) named for the product")]
    finally:
        con.close()


def test_build_reports_each_long_step_on_stderr_and_in_the_run_log(tmp_path, registry, capsys):
    """`ocop build` off a terminal: one progress line per long step on stderr; `--quiet`: none. The
    Dagster run log carries the same lines as the steps run."""
    from ocop_pipeline.cli import main

    sources, inbox = registry
    args = ["build", "--data-dir", str(tmp_path / "data"), "--inbox", str(inbox), "--sources-dir", str(sources)]
    assert main(args) == 0
    err = capsys.readouterr().err
    assert "read spreadsheets: 2 files in " in err and "; rows 2; rejected files 1" in err
    assert "resolve subjects: " in err

    assert main([*args, "--quiet"]) == 0
    err = capsys.readouterr().err
    assert "read spreadsheets" not in err and "resolve subjects" not in err


def test_run_log_has_progress_lines(tmp_path, registry):
    import dagster as dg

    from assets import BUILD_JOB, build_definitions
    from assets.resources import OcopStore

    sources, inbox = registry
    store = OcopStore(data_dir=str(tmp_path / "data"), inbox_dir=str(inbox), sources_dir=str(sources))
    instance = dg.DagsterInstance.ephemeral()
    result = build_definitions(store).resolve_job_def(BUILD_JOB).execute_in_process(instance=instance)
    messages = [e.user_message for e in instance.all_logs(result.run_id)]
    assert any(m.startswith("read spreadsheets: 2 files in ") for m in messages)
    assert any(m.startswith("resolve subjects: ") for m in messages)
