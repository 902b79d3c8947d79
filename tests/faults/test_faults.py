"""Hard knocks: builds killed with SIGKILL, two builds at once, hostile files, a crawl of thousands of
pages with faults, redirects to private addresses, SQL and formulas in every outside value.

Each test asserts an outcome (the tables equal a clean build's, a reason names the file, peak memory
stayed under a bound), not merely that nothing raised.
"""

from __future__ import annotations

import ast
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest

from assets.build import run_build
from ocop_pipeline.raw.crawler import crawl
from ocop_pipeline.raw.news_landing import land_news
from ocop_pipeline.settings import Paths
from ocop_pipeline.storage.build_lock import BuildLockedError, build_lock
from ocop_pipeline.storage.schema import ALL_TABLES
from ocop_pipeline.storage.store import connect, ensure_schema
from tests.support import REPO
from tests.support.faults import Fault, FaultyServer, RandomFaults
from tests.support.hostile_files import big_csv, write_hostile_files
from tests.support.processes import OCOP, hold_build_lock, repo_env, run_measured
from tests.support.sites import client_for, make_sites
from tests.support.tables import table_hashes

pytestmark = pytest.mark.faults

# -- a medium corpus and its clean build, shared by the kill and concurrency tests ----------------


def _build_cmd(data: Path, inbox: Path, registry: Path, *extra: str) -> list[str]:
    return [*OCOP, "build", "--data-dir", str(data), "--inbox", str(inbox), "--sources-dir", str(registry),
            "--json", *extra]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """40 generated lists (3,000 rows, every layout), an empty registry, and a clean build's hashes."""
    root = tmp_path_factory.mktemp("corpus")
    inbox, registry = root / "inbox", root / "registry"
    registry.mkdir()
    subprocess.run([sys.executable, str(REPO / "sources" / "generate_snapshot.py"), "--out", str(inbox),
                    "--rows", "3000", "--files", "40"], check=True, capture_output=True)
    clean = root / "clean"
    done = subprocess.run(_build_cmd(clean, inbox, registry), check=False, env=repo_env(), capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    hashes = table_hashes(clean / "ocop.duckdb")
    assert hashes["products"][0] > 2000 and hashes["ratings"][0] > 2000
    return inbox, registry, hashes


def _assert_publish_whole(publish: Path) -> None:
    """Every file under its final name is complete: readable to its end."""
    if not publish.exists():
        return
    for path in publish.rglob("*.parquet"):
        pq.read_table(path)
    for path in publish.rglob("*.csv"):
        pa_csv.read_csv(path)
    for path in publish.rglob("datapackage.json"):
        json.loads(path.read_text(encoding="utf-8"))


def _start(data: Path, inbox: Path, registry: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(_build_cmd(data, inbox, registry, *extra), env=repo_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _wait_for(check, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.01)
    return False


@pytest.mark.slow
def test_kill9_at_any_point_then_rebuild_equals_a_clean_build(corpus, tmp_path):
    """SIGKILL during start-up, landing, staging, the core rebuild and publishing; each next build starts
    from what the killed one left; the last completes. Its tables equal a clean build's."""
    inbox, registry, clean = corpus
    data = tmp_path / "data"
    publish = data / "publish"
    # Kill points: seconds after a file-system sign of progress (raw/ = landing began, publish/parquet
    # = the publish step began). Timing moves with machine load; every point must be safe anyway.
    points = [(None, 1.0), (data / "raw", 0.2), (data / "raw", 1.2), (publish / "parquet", 0.05)]
    killed = 0
    for sign, delay in points:
        proc = _start(data, inbox, registry)
        if sign is not None:
            _wait_for(lambda s=sign, p=proc: s.exists() or p.poll() is not None)
        time.sleep(delay)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed += 1
        proc.communicate(timeout=60)
        # Half-written files never carry a final name (a killed publish may leave *.tmp files; the
        # next publish replaces them, checked below).
        _assert_publish_whole(publish)
    assert killed >= 3, "the builds ended before the kill points: the test proved nothing"

    final = subprocess.run(_build_cmd(data, inbox, registry), check=False, env=repo_env(), capture_output=True,
                           text=True, timeout=120)
    assert final.returncode == 0, final.stdout[-2000:] + final.stderr[-2000:]
    assert table_hashes(data / "ocop.duckdb") == clean
    _assert_publish_whole(publish)
    assert not list(publish.rglob("*.tmp")), "a completed publish leaves no temporary files"
    assert json.loads(final.stdout)["success"]


@pytest.mark.slow
def test_two_builds_at_once(corpus, tmp_path):
    """The second build stops at once with a message naming the holder and the folder; a third one
    started with --wait queues behind the first; the database ends equal to a clean build's."""
    inbox, registry, clean = corpus
    data = tmp_path / "data"
    first = _start(data, inbox, registry)
    lock = data / ".build.lock"
    assert _wait_for(lambda: lock.exists() and lock.read_text().strip() == str(first.pid), 30)

    # No waiting for the lock by default: a waiting build would end 0 once the first one is done.
    second = subprocess.run(_build_cmd(data, inbox, registry), check=False, env=repo_env(), capture_output=True,
                            text=True, timeout=60)
    assert second.returncode == 75
    message = second.stderr.strip()
    assert message == (f"ocop build: another build is running (pid {first.pid}) on {data}: let it finish and "
                       "run again, or use `ocop build --wait` to start when it is done")

    third = _start(data, inbox, registry, "--wait")
    time.sleep(0.5)
    assert third.poll() is None, "--wait must wait, not fail"
    out, err = first.communicate(timeout=120)
    assert first.returncode == 0, err[-2000:]
    out, err = third.communicate(timeout=120)
    assert third.returncode == 0, err[-2000:]
    assert json.loads(out)["success"]
    assert table_hashes(data / "ocop.duckdb") == clean


@pytest.mark.slow
def test_build_lock_waits_then_names_the_holder(tmp_path):
    holder = hold_build_lock(tmp_path)
    try:
        started = time.monotonic()
        with (pytest.raises(BuildLockedError, match=rf"pid {holder.pid}\) on {tmp_path} \(waited 1 s\)"),
              build_lock(tmp_path, wait=0.6)):
            pass
        # It waited its 0.6 s, and not for the holder (alive for 120 s): the upper bound, 20x the
        # wait, is a hang guard only (the time itself is in benchmarks/bench_bounds.py).
        assert 0.5 < time.monotonic() - started < 12
        with pytest.raises(BuildLockedError):
            run_build(data_dir=tmp_path)  # the library entry point holds the same lock
    finally:
        holder.kill()
        holder.wait()
    with build_lock(tmp_path), build_lock(tmp_path, wait=0):  # released; and re-entrant in one process
        pass


@pytest.mark.slow
def test_a_run_launched_from_dagster_waits_for_a_build_then_names_it(tmp_path):
    """Runs from the UI, a schedule or the sensor take the same lock as `ocop build` (the store
    resource holds it for the whole run): one waiting past its patience fails naming the holder."""
    import dagster as dg

    from assets.reference import admin_reference
    from assets.resources import OcopStore

    data = tmp_path / "data"
    store = OcopStore(data_dir=str(data), inbox_dir=str(tmp_path / "inbox"), sources_dir=str(tmp_path / "sources"),
                      build_lock_wait_seconds=0.5)
    holder = hold_build_lock(data)
    try:
        result = dg.materialize([admin_reference], resources={"store": store}, raise_on_error=False)
    finally:
        holder.kill()
        holder.wait()
    assert not result.success
    errors = [str(e.event_specific_data.error.message) for e in result.all_events
              if e.event_type_value in ("RESOURCE_INIT_FAILURE", "STEP_FAILURE", "RUN_FAILURE")
              and getattr(e.event_specific_data, "error", None)]
    assert any(f"another build is running (pid {holder.pid}) on {data}" in m for m in errors), errors
    assert not (data / "ocop.duckdb").exists()  # nothing was written
    assert dg.materialize([admin_reference], resources={"store": store}).success  # free again: it runs


# -- hostile files: rejected with a reason, in bounded time and memory ---------------------------

# One `ocop parse-sheet` of a hostile file is killed past this: a hang guard, about 20x the slowest
# file's median (million.xlsx, 4.3 s at load 5 on 2 cores). The times themselves are benchmark
# figures (benchmarks/bench_bounds.py, benchmarks/results/bounds.json).
TIMEOUT_SECONDS = 90
MAX_RSS_MB = 1024

# The reason given after "name: " for each file of HOSTILE_FILES.
REASONS = {
    "bomb.xlsx": "refused: zip would inflate to 2047 MB",
    "lying_bomb.xlsx": "corrupt workbook (xl/worksheets/sheet1.xml does not match its declared size",
    "laughs.xlsx": "corrupt or unreadable xlsx workbook (at 0..0: unrecognized entity `&lol9;`)",
    "laughs_in_strings.xlsx": "no product table found",
    "million.csv": "too many rows (1,000,002 > 200,000): split the file",
    "million.xlsx": "too many rows (1,000,002 > 200,000): split the file",
    "million_no_dimension.xlsx": "too many rows (1,000,002 > 200,000): split the file",
    "empty.xlsx": "file is empty (0 bytes)",
    "locked.xlsx": "file is password-protected (encrypted workbook)",
    "binary.csv": "binary content: not a spreadsheet, HTML table or CSV file",
    "stray_cell.xlsx": "refused: sheet xl/worksheets/sheet1.xml spans 1,048,576 rows x 16,384",
}


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    assert set(write_hostile_files(root)) == set(REASONS)
    return root


@pytest.mark.slow
@pytest.mark.parametrize("name", list(REASONS))
def test_hostile_file_rejected_with_reason_in_bounded_time_and_memory(hostile_dir, name):
    path = hostile_dir / name
    result = run_measured([*OCOP, "parse-sheet", "--jobs", "1", str(path)], timeout=TIMEOUT_SECONDS,
                          env=repo_env())
    assert result.returncode == 1, (result.returncode, result.stderr[-500:])  # -9 when killed past the timeout
    assert result.stdout == ""
    assert result.stderr.startswith(f"ocop parse-sheet: {path}: {REASONS[name]}"), result.stderr[-500:]
    assert "Traceback" not in result.stderr
    assert result.max_rss_mb < MAX_RSS_MB, (result.seconds, result.max_rss_mb)
    print(f"{name}: {result.seconds:.2f} s, peak RSS {result.max_rss_mb:.0f} MB")


@pytest.mark.slow
def test_row_cap_is_configurable(tmp_path):
    path = big_csv(tmp_path / "list.csv", 300)
    env = {**repo_env(), "OCOP_MAX_SHEET_ROWS": "100"}
    result = run_measured([*OCOP, "parse-sheet", "--jobs", "1", str(path)], timeout=30, env=env)
    assert result.returncode == 1 and "too many rows (302 > 100)" in result.stderr
    result = run_measured([*OCOP, "parse-sheet", "--jobs", "1", str(path)], timeout=30, env=repo_env())
    assert result.returncode == 0 and len(result.stdout.splitlines()) == 300


# -- outside values reach SQL as data: quotes, SQL and formulas round-trip exactly ----------------

NASTY_PRODUCTS = ["Robert'); DROP TABLE products;--", '=HYPERLINK("http://evil.example","Bánh cáy")',
                  "Chè' OR '1'='1", "@SUM(1+1)*cmd|' /C calc'!A0"]
NASTY_SUBJECTS = ['HTX "; DELETE FROM ratings; --', "Công ty TNHH O'Reilly; DROP TABLE subjects",
                  "Hộ kinh doanh Nguyễn Văn \"A\"", "Cơ sở Bobby'--"]
NASTY_FILE = "Robert'); DROP TABLE products;--.xlsx"
NASTY_SHEET = "Sao'; DROP TABLE rejects"


def _nasty_inbox(inbox: Path) -> None:
    inbox.mkdir(parents=True)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = NASTY_SHEET
    ws.append(["DANH SÁCH SẢN PHẨM OCOP TỈNH THÁI BÌNH NĂM 2022"])
    ws.append(["STT", "Tên sản phẩm", "Chủ thể", "Địa chỉ", "Hạng sao"])
    for i, (product, subject) in enumerate(zip(NASTY_PRODUCTS, NASTY_SUBJECTS, strict=True), 1):
        ws.append([i, product, subject, "xã Nguyên Xá, huyện Vũ Thư", f"{3 + i % 3} sao"])
        for cell in ws[ws.max_row]:
            cell.data_type = "s" if isinstance(cell.value, str) else cell.data_type  # text, never a formula
    wb.save(inbox / NASTY_FILE)
    (inbox / "'; DROP TABLE documents;--.csv").write_bytes(b"")  # an empty file with a hostile name


@pytest.mark.slow
def test_sql_and_formulas_in_every_value_round_trip(tmp_path):
    inbox, registry, data = tmp_path / "inbox", tmp_path / "registry", tmp_path / "data"
    registry.mkdir()
    _nasty_inbox(inbox)
    summary = run_build(data_dir=data, inbox_dir=inbox, sources_dir=registry)
    assert summary["success"], summary["failures"]

    con = connect(data / "ocop.duckdb", read_only=True)
    try:
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        assert {t.name for t in ALL_TABLES} <= tables, "a table was lost"
        products = sorted(r[0] for r in con.execute("SELECT name FROM products").fetchall())
        subjects = sorted(r[0] for r in con.execute("SELECT name FROM subjects").fetchall())
        sheets = {r[0] for r in con.execute("SELECT DISTINCT sheet FROM stg_sheet_rows").fetchall()}
        files = {r[0] for r in con.execute("SELECT file_name FROM documents").fetchall()}
        ratings = con.execute("SELECT count(*) FROM ratings").fetchone()[0]
        reject = con.execute("SELECT location, reason FROM rejects WHERE stage = 'file'").fetchall()
    finally:
        con.close()
    assert products == sorted(NASTY_PRODUCTS)
    assert subjects == sorted(NASTY_SUBJECTS)
    assert sheets == {NASTY_SHEET} and ratings == len(NASTY_PRODUCTS)
    assert files == {NASTY_FILE, "'; DROP TABLE documents;--.csv"}
    assert reject == [("inbox/'; DROP TABLE documents;--.csv", "'; DROP TABLE documents;--.csv: file is empty (0 bytes)")]

    parquet = pq.read_table(data / "publish" / "parquet" / "products.parquet").column("name").to_pylist()
    assert sorted(parquet) == sorted(NASTY_PRODUCTS)  # Parquet keeps the true value
    csv_names = pa_csv.read_csv(data / "publish" / "csv" / "products.csv").column("name").to_pylist()
    guarded = ["'" + n if n[0] in "=+-@" else n for n in NASTY_PRODUCTS]
    assert sorted(csv_names) == sorted(guarded)  # the CSV quotes formulas away from Excel


# -- no value is spliced into SQL text -------------------------------------------------------------

# Placeholders allowed in f-string SQL: identifiers and SQL fragments from schema.py or the module's
# own constants, never a value read from a page or a spreadsheet. A new one must be one of these
# kinds; a value goes in as a bound parameter (`?`).
SQL_PLACEHOLDERS = {
    "name",  # admin_units: its own table names
    "table", "table_name", "table.name", "TABLES[name].name",  # names from schema.py
    "column", "column.name", "column.sql_type", "col_list", "columns", "order",  # schema.py columns
    "limit", "int(sample_size)",  # integers
    "failing_sql",  # quality: the check's own SQL, parameters bound separately
    "RATING_HISTORY_SELECT", "RECONCILE_SELECT", "ENDS_ON",  # module constants (ENDS_ON: core/rules.py)
    "COVERAGE_SELECT", "', '.join(_NEWS_COLUMNS)", "', '.join(ARTICLE_COLUMNS)",  # module constants
    # core/rules.py's SQL for validity and status, applied to a constant expression of news_ratings.py
    "rules.valid_until_sql('coalesce(decision_date, article_date)')", "rules.valid_until_sql(latest)",
    "rules.status_sql(latest, '?')",
    "view.name", "view.select", "macro.name", "macro.select",  # views.py definitions
    "view.description.replace(chr(39), chr(39) * 2)",  # views.py's own comment text, quotes doubled
    "table.description.replace(chr(39), chr(39) * 2)",  # schema.py's table description, quotes doubled
    "key", "condition", "old_sql",  # releases.py: primary-key columns of schema.py, PRODUCT_CHANGES's
    # conditions and the empty relation, module constants
}
# Non-literal SQL arguments: names bound to constants or to statements built from the above.
SQL_NAMES = {"_ROWS_SQL", "statement", "sql", "create_table_sql(table)"}
_SQL_CALLS = {"execute": 0, "executemany": 0, "sql": 0, "query": 0, "scalar": 1}


def test_no_outside_value_is_formatted_into_sql():
    offenders = []
    for path in sorted([*(REPO / "ocop_pipeline").rglob("*.py"), *(REPO / "assets").rglob("*.py")]):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            position = _SQL_CALLS.get(func)
            if position is None or len(node.args) <= position:
                continue
            arg = node.args[position]
            where = f"{path.relative_to(REPO)}:{node.lineno}"
            if isinstance(arg, ast.Constant):
                continue
            if isinstance(arg, ast.JoinedStr):
                offenders += [f"{where}: {{{ast.unparse(v.value)}}}" for v in arg.values
                              if isinstance(v, ast.FormattedValue) and ast.unparse(v.value) not in SQL_PLACEHOLDERS]
            elif isinstance(arg, ast.BinOp | ast.Call) and ast.unparse(arg) not in SQL_NAMES:
                offenders.append(f"{where}: {ast.unparse(arg)[:80]}")
            elif isinstance(arg, ast.Name) and arg.id not in SQL_NAMES:
                offenders.append(f"{where}: {arg.id}")
    assert offenders == [], "SQL text built from values; bind them as parameters:\n" + "\n".join(offenders)


# -- the crawler at scale, and what reaches the database from it ------------------------------------

HOSTS, PAGES, PER_PAGE = 30, 5, 20  # 30 sites x 100 articles, 5 listing pages each


@pytest.mark.slow
def test_crawl_of_3000_pages_under_random_faults_loses_and_duplicates_nothing(tmp_path):
    hosts = [f"tinh{i:02d}.test" for i in range(HOSTS)]
    sources = make_sites(tmp_path / "sites", hosts, pages=PAGES, per_page=PER_PAGE)
    expected = {f"https://{h}/tin/bai-{n}.html" for h in hosts for n in range(1, PAGES * PER_PAGE + 1)}
    # Pages that stay broken whatever the retries: they must be listed as failures, with the reason.
    dead = {f"https://{hosts[i]}/tin/bai-{n}.html": status for i, n, status in
            [(0, 7, 503), (3, 50, 500), (17, 99, 404), (29, 1, 503)]}
    faults = {url.removeprefix("https://"): Fault.http_status(status, times=None) for url, status in dead.items()}
    with FaultyServer(tmp_path / "sites", faults=faults, random_faults=RandomFaults(rate=0.1, seed=11)) as srv:
        client = client_for(srv, hosts, max_retries=6, rates={h: 400.0 for h in hosts})
        report = crawl(sources, client)
        requests = list(srv.requests)
    injected = sum(1 for r in requests if r.status not in (200, 404))  # 5xx, 429, drops, truncations
    urls = [p.result.url for p in report.articles()]
    assert len(urls) == len(set(urls)), "an article was fetched into the results twice"
    assert set(urls) == expected - set(dead)
    assert {f["url"]: f["error"] for f in report.failures} == {
        url: f"{url}: " + ("404 Not Found" if status == 404 else
                           f"gave up after 7 tries: {status} {'Service Unavailable' if status == 503 else 'Internal Server Error'}")
        for url, status in dead.items()}
    assert len(requests) >= HOSTS * (PAGES + PER_PAGE * PAGES) and injected >= 300
    print(f"crawl: {len(requests)} requests, {injected} faulty answers, {len(urls)} articles")


def test_redirects_to_private_or_foreign_hosts_become_fetch_rejects(tmp_path):
    """Through the pipeline's landing step: refused redirects are rejects (stage 'fetch'), the rest
    lands once, and a URL full of SQL is stored as written."""
    sources = make_sites(tmp_path / "sites", ["a.test"], pages=1, per_page=4)
    site = tmp_path / "sites" / "a.test" / "tin"
    nasty = "bai-x';DROP-TABLE-documents;--.html"
    (site / nasty).write_text("<html><body><h1>Bài</h1><p>OCOP 3 sao.</p></body></html>", encoding="utf-8")
    index = site / "index.html"
    index.write_text(index.read_text(encoding="utf-8").replace(
        "</ul>", f'<li><a href="/tin/{nasty}">x</a></li></ul>'), encoding="utf-8")
    faults = {"a.test/tin/bai-2.html": Fault.redirect("http://10.0.0.1/admin"),
              "a.test/tin/bai-3.html": Fault.redirect("https://evil.example/steal")}
    data = tmp_path / "data"
    con = connect(data / "ocop.duckdb")
    try:
        ensure_schema(con)
        with FaultyServer(tmp_path / "sites", faults=faults) as srv:
            land_news(con, Paths(data, data / "inbox", tmp_path), client_for(srv, ["a.test"]), sources)
        rejects = con.execute("SELECT stage, location, reason FROM rejects ORDER BY location").fetchall()
        uris = [r[0] for r in con.execute("SELECT uri FROM documents WHERE page_kind = 'article' ORDER BY uri").fetchall()]
    finally:
        con.close()
    assert rejects == [
        ("fetch", "https://a.test/tin/bai-2.html", "redirect to 10.0.0.1 refused (private/loopback address, host not allowed)"),
        ("fetch", "https://a.test/tin/bai-3.html", "redirect to evil.example refused (host not allowed)"),
    ]
    assert uris == sorted(["https://a.test/tin/bai-1.html", "https://a.test/tin/bai-4.html", f"https://a.test/tin/{nasty}"])
