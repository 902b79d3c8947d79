"""Operations: schedules in Vietnam's time, the inbox sensor, retries, pools, failures that name their input."""

import hashlib
import os
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from assets.resources import DUCKDB_POOL, OcopStore
from assets.schedules import MONTHLY_SCHEDULE, operation_jobs, operation_schedules
from assets.sensors import INBOX_JOB, INBOX_SENSOR, scan_inbox
from ocop_pipeline.definitions import defs

VN = ZoneInfo("Asia/Ho_Chi_Minh")
CSV = ("DANH SÁCH SẢN PHẨM OCOP TỈNH NAM ĐỊNH NĂM 2021\nSTT,Tên sản phẩm,Chủ thể,Địa chỉ,Số sao\n"
       "1,Nem nắm Giao Thủy,Cơ sở sản xuất Nem Hương,\"xã Giao Tiến, huyện Giao Thủy\",3*\n")


@pytest.fixture(scope="module")
def definitions():
    return defs()


def _settled(path, age=60):
    """Pretend the file was written `age` seconds ago (finished copying)."""
    past = time.time() - age
    os.utime(path, (past, past))
    return path


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_schedules_run_in_vietnam_time(definitions):
    daily = definitions.resolve_schedule_def("ocop_daily_refresh")
    monthly = definitions.resolve_schedule_def(MONTHLY_SCHEDULE)
    assert daily.execution_timezone == monthly.execution_timezone == "Asia/Ho_Chi_Minh"
    assert daily.cron_schedule == "0 6 * * *"
    assert monthly.cron_schedule == "0 7 1 * *"

    when = datetime(2026, 3, 2, 6, 0, tzinfo=VN)
    with dg.build_schedule_context(scheduled_execution_time=when) as context:
        requests = daily.evaluate_tick(context).run_requests
    assert len(requests) == 1
    assert daily.job_name == "ocop_daily"
    keys = {k.to_user_string() for k in definitions.resolve_job_def("ocop_daily").asset_layer.selected_asset_keys}
    assert {"raw/spreadsheet_documents", "staging/stg_sheet_rows", "core/products", "publish/datasets"} <= keys
    # Everything `ocop build` runs, runs daily too (partitioned assets have their own schedule).
    build = definitions.resolve_job_def("ocop_build").asset_layer.selected_asset_keys
    assert {k.to_user_string() for k in build} <= keys

    # The ministry's extract (monthly partitions) for the month just ended.
    assert monthly.job_name == "ocop_monthly_extract"
    with dg.build_schedule_context(scheduled_execution_time=datetime(2026, 4, 1, 7, 0, tzinfo=VN),
                                   repository_def=definitions.get_repository_def()) as context:
        [request] = monthly.evaluate_tick(context).run_requests
    assert request.partition_key.startswith("2026-03")


@pytest.mark.parametrize("partition_tz", ["UTC", "Asia/Ho_Chi_Minh"])
def test_monthly_partitioned_assets_get_last_months_partition(partition_tz):
    # The monthly extract: whatever zone its partitions use, 07:00 on 1 March in Vietnam asks for February.
    months = dg.MonthlyPartitionsDefinition(start_date="2024-01-01", timezone=partition_tz)

    @dg.asset(group_name="raw")
    def landing() -> None: ...

    @dg.asset(group_name="publish", partitions_def=months, deps=[landing])
    def extract() -> None: ...

    assets = [landing, extract]
    jobs = operation_jobs(assets)
    build = dg.define_asset_job("ocop_build", selection=[landing])
    schedules = operation_schedules(assets, jobs, build)
    d = dg.Definitions(assets=assets, jobs=[build, *jobs], schedules=schedules)
    schedule = d.resolve_schedule_def(MONTHLY_SCHEDULE)
    assert schedule.job_name == "ocop_monthly_extract" and schedule.execution_timezone == "Asia/Ho_Chi_Minh"
    # The daily job leaves the partitioned asset out (a job holds one partitioning).
    assert d.resolve_job_def("ocop_daily").asset_layer.selected_asset_keys == {dg.AssetKey("landing")}
    with dg.build_schedule_context(scheduled_execution_time=datetime(2025, 3, 1, 7, 0, tzinfo=VN),
                                   repository_def=d.get_repository_def()) as context:
        [request] = schedule.evaluate_tick(context).run_requests
    assert request.partition_key == "2025-02-01" and request.run_key == "2025-02-01"


@pytest.mark.slow
def test_inbox_sensor_requests_one_run_per_new_content(tmp_path, definitions):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    sensor = definitions.resolve_sensor_def(INBOX_SENSOR)
    assert sensor.job_name == INBOX_JOB
    store = OcopStore(data_dir=str(tmp_path / "data"), inbox_dir=str(inbox))

    def tick(cursor):
        # The store has a run lifecycle (it holds the build lock during runs): resources open in a `with`.
        with dg.build_sensor_context(cursor=cursor, resources={"store": store}, definitions=definitions) as context:
            result = sensor.evaluate_tick(context)
        return result.run_requests, result.cursor

    requests, cursor = tick(None)
    assert requests == []

    data = CSV.encode("utf-8")
    _settled(_write(inbox / "nam_dinh.csv", data))
    requests, cursor = tick(cursor)
    assert [r.run_key for r in requests] == [_sha(data)]
    assert requests[0].tags["ocop/inbox_file"] == "nam_dinh.csv"

    # Nothing new: no run. The same bytes under another name, or in a subfolder: no run either.
    assert tick(cursor)[0] == []
    _settled(_write(inbox / "copy of nam_dinh.csv", data))
    _settled(_write(inbox / "2021" / "again.csv", data))
    requests, cursor = tick(cursor)
    assert requests == []

    # Excel's lock file and hidden files are not spreadsheets.
    _settled(_write(inbox / "~$nam_dinh.xlsx", b"lock"))
    _settled(_write(inbox / ".hidden.csv", b"x"))
    _settled(_write(inbox / "download.xlsx.part", b"PK\x03\x04"))
    requests, cursor = tick(cursor)
    assert requests == []

    # A file still being written (modified just now) waits for a later tick, then runs once.
    other = CSV.replace("Nem nắm", "Chè lam").encode("utf-8")
    _write(inbox / "moi.csv", other)
    requests, cursor = tick(cursor)
    assert requests == []
    _settled(inbox / "moi.csv")
    requests, cursor = tick(cursor)
    assert [r.run_key for r in requests] == [_sha(other)]


def _write(path, data: bytes):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_scan_inbox_rehashes_only_changed_files(tmp_path):
    inbox = tmp_path
    f = _settled(_write(inbox / "a.csv", b"one"))
    new, settling, cursor = scan_inbox(inbox, None)
    assert new == [(_sha(b"one"), "a.csv")] and settling == []
    # Edited in place: new content, new run.
    f.write_bytes(b"two")
    _settled(f, age=30)
    new, _, cursor = scan_inbox(inbox, cursor)
    assert new == [(_sha(b"two"), "a.csv")]
    # Missing folder: nothing, no error.
    assert scan_inbox(tmp_path / "absent", cursor)[0] == []


def test_writers_share_one_pool_and_network_steps_retry(definitions):
    graph = definitions.resolve_asset_graph()
    job = definitions.resolve_job_def("ocop_build")
    pools = {node.name: node.definition.pool for node in job.graph.node_dict.values()}
    for name in ("raw__spreadsheet_documents", "staging__stg_sheet_rows", "core_tables"):
        assert pools[name] == DUCKDB_POOL, name
    landing = graph.get(dg.AssetKey(["raw", "spreadsheet_documents"])).assets_def
    policy = landing.op.retry_policy
    assert policy is not None and policy.max_retries >= 2 and policy.backoff == dg.Backoff.EXPONENTIAL


@pytest.mark.slow
def test_dagster_yaml_limits_the_writer_pool_to_one(tmp_path, monkeypatch):
    from ocop_pipeline.settings import REPO_ROOT

    (tmp_path / "dagster.yaml").write_text((REPO_ROOT / "dagster.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    with dg.DagsterInstance.get() as instance:
        info = instance.event_log_storage.get_concurrency_info(DUCKDB_POOL)
    assert info.limit == 1


@pytest.mark.slow
def test_a_reader_crash_is_recorded_against_the_file_and_the_run_goes_on(tmp_path, monkeypatch):
    from assets.build import run_build
    from ocop_pipeline.spreadsheets import reader as sheets

    def crash(path, **kwargs):
        raise ValueError("unexpected layout")

    monkeypatch.setattr(sheets, "read_sheet_file", crash)
    sources, inbox = tmp_path / "sources", tmp_path / "inbox"
    sources.mkdir()
    _write(inbox / "nam_dinh.csv", CSV.encode("utf-8"))
    summary = run_build(data_dir=tmp_path / "data", inbox_dir=inbox, sources_dir=sources)
    # A reader bug on one file is that file's problem, not the run's: it is a reject naming the file.
    assert summary["success"], summary["failures"]
    assert summary["rejects"]["by_stage"] == {"file": 1}
    [example] = summary["rejects"]["examples"]
    assert "inbox/nam_dinh.csv" in example and "unexpected reader error (ValueError: unexpected layout)" in example


def test_a_run_shares_one_connection_and_a_failed_step_leaves_nothing(tmp_path):
    """Steps of a run write through one connection (opened once for the run); a step that fails inside
    its transaction has it rolled back, the other steps' writes stand, and the file is released when
    the run ends."""
    import duckdb

    store = OcopStore(data_dir=str(tmp_path / "data"), inbox_dir=str(tmp_path / "inbox"),
                      sources_dir=str(tmp_path / "sources"))

    def reject(con, location: str) -> None:
        con.execute("INSERT INTO rejects (reject_id, stage, location, reason) VALUES (?, 'test', ?, 'r')",
                    [location, location])

    @dg.asset
    def fails_half_way(store: OcopStore) -> None:
        with store.connect() as con:
            con.execute("BEGIN")
            reject(con, "half-written")
            raise RuntimeError("boom after the first insert")

    @dg.asset
    def writes(store: OcopStore) -> None:
        with store.connect() as con:
            reject(con, "kept")

    @dg.asset(deps=[writes])
    def reads(store: OcopStore) -> int:
        with store.connect(read_only=True) as con:
            return con.execute("SELECT count(*) FROM rejects").fetchone()[0]

    result = dg.materialize([fails_half_way, writes, reads], resources={"store": store}, raise_on_error=False)
    assert not result.success
    assert result.output_for_node("reads") == 1
    con = duckdb.connect(str(tmp_path / "data" / "ocop.duckdb"), read_only=True)  # released: opens at once
    try:
        assert con.execute("SELECT location FROM rejects").fetchall() == [("kept",)]
    finally:
        con.close()
