"""The production instance settings (deploy/dagster.prod.yaml) against a real PostgreSQL server.

The test starts its own server on 127.0.0.1 (a free port, the socket in a temporary folder), as an
unprivileged user when run as root (PostgreSQL refuses root), and stops it afterwards. Skips, saying
why, when the server binaries or dagster-postgres are missing.
"""

import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from tests.support import REPO

psycopg2 = pytest.importorskip("psycopg2", reason="psycopg2-binary is not installed")
pytest.importorskip("dagster_postgres", reason="dagster-postgres is not installed")


def _pg_bin() -> Path | None:
    """Where initdb and postgres are: on PATH, or in Debian's versioned folder."""
    found = shutil.which("initdb")
    if found:
        return Path(os.path.realpath(found)).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(candidates[-1]).parent if candidates else None


PG_BIN = _pg_bin()
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(PG_BIN is None, reason="PostgreSQL server binaries (initdb, postgres) not found; "
                                              ".ci/run installs the Debian package postgresql"),
]
USER, PASSWORD, DB = "ocop", "ocop-test-password", "dagster_ocop"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def postgres_server():
    """(host, port): a throw-away cluster with a password-protected user and an empty database."""
    # Not under pytest's tmp_path: its parents are private to root and the server runs as `nobody`.
    workdir = Path(tempfile.mkdtemp(prefix="ocop-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        as_user = ["runuser", "-u", "nobody", "--"]
        shutil.chown(workdir, user="nobody")
    os.chmod(workdir, 0o700)
    data, pwfile = workdir / "data", workdir / "pwfile"
    pwfile.write_text(PASSWORD + "\n")
    if as_user:
        shutil.chown(pwfile, user="nobody")
    port = _free_port()
    server = None
    try:
        subprocess.run([*as_user, str(PG_BIN / "initdb"), "-D", str(data), "-U", USER, f"--pwfile={pwfile}",
                        "--auth=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
                       check=True, capture_output=True, timeout=60)
        log = open(workdir / "server.log", "wb")  # noqa: SIM115 (closed with the folder)
        server = subprocess.Popen(
            [*as_user, str(PG_BIN / "postgres"), "-D", str(data), "-h", "127.0.0.1", "-p", str(port),
             "-k", str(workdir), "-c", "fsync=off"],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 30
        while True:
            try:
                con = psycopg2.connect(host="127.0.0.1", port=port, user=USER, password=PASSWORD, dbname="postgres")
                break
            except psycopg2.OperationalError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("postgres did not start:\n" + (workdir / "server.log").read_text(errors="replace"))
                time.sleep(0.2)
        con.autocommit = True
        con.cursor().execute(f"CREATE DATABASE {DB}")  # a constant name, not outside input
        con.close()
        yield "127.0.0.1", port
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGINT)  # PostgreSQL's "fast" shutdown
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=5)
        shutil.rmtree(workdir, ignore_errors=True)


def test_production_instance_records_runs_in_postgres(postgres_server, tmp_path, monkeypatch):
    import dagster as dg

    from assets.build import run_build

    host, port = postgres_server
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copyfile(REPO / "deploy" / "dagster.prod.yaml", home / "dagster.yaml")
    for name, value in {"DAGSTER_HOME": str(home), "DAGSTER_PG_HOST": host, "DAGSTER_PG_PORT": str(port),
                        "DAGSTER_PG_USER": USER, "DAGSTER_PG_PASSWORD": PASSWORD, "DAGSTER_PG_DB": DB}.items():
        monkeypatch.setenv(name, value)

    with dg.DagsterInstance.get() as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        assert type(instance.run_coordinator).__name__ == "QueuedRunCoordinator"
        assert instance.event_log_storage.get_concurrency_info("duckdb_writer").limit == 1

    # `ocop build` with DAGSTER_HOME set runs the ocop_build job in process on this instance.
    sources, inbox = tmp_path / "sources", tmp_path / "inbox"
    sources.mkdir()
    inbox.mkdir()
    (inbox / "nam_dinh.csv").write_text(
        "DANH SÁCH SẢN PHẨM OCOP TỈNH NAM ĐỊNH NĂM 2021\nSTT,Tên sản phẩm,Chủ thể,Địa chỉ,Số sao\n"
        "1,Nem nắm Giao Thủy,Cơ sở sản xuất Nem Hương,\"xã Giao Tiến, huyện Giao Thủy\",3*\n", encoding="utf-8")
    summary = run_build(data_dir=tmp_path / "data", inbox_dir=inbox, sources_dir=sources)
    assert summary["success"], summary["failures"]
    assert summary["tables"]["products"] == 1

    with dg.DagsterInstance.get() as instance:
        [run] = instance.get_runs(dg.RunsFilter(job_name="ocop_build"))
        assert run.status == dg.DagsterRunStatus.SUCCESS
        materialized = instance.get_latest_materialization_event(dg.AssetKey(["core", "products"]))
        assert materialized is not None and materialized.run_id == run.run_id

    # And the rows are really in PostgreSQL, not in a SQLite file under DAGSTER_HOME.
    con = psycopg2.connect(host=host, port=port, user=USER, password=PASSWORD, dbname=DB)
    try:
        cur = con.cursor()
        cur.execute("SELECT run_id, status FROM runs WHERE pipeline_name = %s", ["ocop_build"])
        assert cur.fetchall() == [(run.run_id, "SUCCESS")]
    finally:
        con.close()
    assert not list(home.rglob("*.db"))
