"""The times the tests used to assert, as figures: median of several runs each, as JSON and a table.

The test suite checks outcomes (what was fetched, refused, rejected, resolved); how long each took
depends on the machine's load, so it is measured here instead, by the same operations on the same
inputs (the shared builders of tests/support/). `bound_s` is the limit the test used to assert.

| figure | the operation (and its test) |
|---|---|
| concurrent_hosts_crawl_s | 6 hosts x 6 requests at 10 req/s each, crawled at once; serial would be 3 s (tests/raw/test_crawler.py) |
| second_build_refused_s | `ocop build` on a folder whose build lock another process holds: exit 75 (tests/faults; there the holder is a running build) |
| build_lock_wait_s | `build_lock(wait=0.6)` against a holder, until it gives up (tests/faults) |
| hostile_files | `ocop parse-sheet` of each hostile file: seconds and peak RSS (tests/faults) |
| crawl_3000_pages_s | 30 generated sites x 100 articles, 10% random faults and 4 dead pages (tests/faults) |
| hung_connection_s | a page whose server never answers, 0.3 s read timeout, 1 retry (tests/raw/test_http_client.py) |
| body_cap_s | a 50 MB body against a 100 KB cap, with and without Content-Length (tests/raw/test_http_client.py) |
| resolve_10k_subjects_s | `resolve_subjects` on 20,000 records of 10,000 subjects (tests/entities/test_matching.py) |

    .venv/bin/python benchmarks/bench_bounds.py                  # every figure, 5 runs each
    .venv/bin/python benchmarks/bench_bounds.py --runs 3 --only hung_connection_s body_cap_s
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from ocop_pipeline.entities.matching import resolve_subjects
from ocop_pipeline.raw.crawler import crawl
from ocop_pipeline.raw.http_client import PoliteClient
from ocop_pipeline.storage.build_lock import BuildLockedError, build_lock
from tests.support.faults import Fault, FaultyServer, RandomFaults
from tests.support.hostile_files import write_hostile_files
from tests.support.processes import OCOP, hold_build_lock, repo_env, run_measured
from tests.support.sites import client_for, make_sites
from tests.support.subjects import ten_thousand_subjects

PAGE = '<html><head><meta charset="utf-8"></head><body><h1>OCOP</h1><p>Sản phẩm đạt 4 sao</p></body></html>'


def _timed(operation: Callable[[], object]) -> float:
    started = time.perf_counter()
    operation()
    return time.perf_counter() - started


def _one_page_site(root: Path) -> Path:
    """site.test with robots.txt and a.html: the site of the HTTP client tests."""
    (root / "site.test").mkdir(parents=True)
    (root / "site.test" / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n")
    (root / "site.test" / "a.html").write_text(PAGE, encoding="utf-8")
    return root


def _test_client(server: FaultyServer, **kw: object) -> PoliteClient:
    """The client of tests/raw/test_http_client.py (short timeouts, fast retries)."""
    opts: dict[str, object] = {"timeout": (0.5, 0.3), "max_retries": 3, "backoff_base": 0.01, "default_rate": 200.0,
                               "host_map": server.host_map(["site.test"])}
    opts.update(kw)
    return PoliteClient(["site.test"], **opts)  # type: ignore[arg-type]


# -- the figures: each returns one run's seconds (or a dict of them) -------------------------------


def concurrent_hosts_crawl_s(tmp: Path) -> float:
    hosts = [f"h{i}.test" for i in range(6)]
    sources = make_sites(tmp, hosts, pages=1, per_page=4)
    with FaultyServer(tmp) as srv:
        client = client_for(srv, hosts, rates={h: 10.0 for h in hosts})
        seconds = _timed(lambda: crawl(sources, client))
    return seconds


def second_build_refused_s(tmp: Path) -> float:
    data = tmp / "data"
    holder = hold_build_lock(data)
    try:
        cmd = [*OCOP, "build", "--data-dir", str(data), "--inbox", str(tmp / "inbox"), "--sources-dir", str(tmp),
               "--json"]
        started = time.perf_counter()
        done = subprocess.run(cmd, check=False, env=repo_env(), capture_output=True, timeout=120)
        seconds = time.perf_counter() - started
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == 75, done.stderr[-500:]
    return seconds


def build_lock_wait_s(tmp: Path) -> float:
    holder = hold_build_lock(tmp)
    try:
        started = time.perf_counter()
        try:
            with build_lock(tmp, wait=0.6):
                raise AssertionError("the lock was free")
        except BuildLockedError:
            pass
        return time.perf_counter() - started
    finally:
        holder.kill()
        holder.wait()


def crawl_3000_pages_s(tmp: Path) -> float:
    hosts = [f"tinh{i:02d}.test" for i in range(30)]
    sources = make_sites(tmp / "sites", hosts, pages=5, per_page=20)
    dead = {f"{hosts[i]}/tin/bai-{n}.html": status for i, n, status in [(0, 7, 503), (3, 50, 500), (17, 99, 404),
                                                                         (29, 1, 503)]}
    faults = {path: Fault.http_status(status, times=None) for path, status in dead.items()}
    started = time.perf_counter()
    with FaultyServer(tmp / "sites", faults=faults, random_faults=RandomFaults(rate=0.1, seed=11)) as srv:
        report = crawl(sources, client_for(srv, hosts, max_retries=6, rates={h: 400.0 for h in hosts}))
    seconds = time.perf_counter() - started
    assert len(report.articles()) == 3000 - len(dead)
    return seconds


def hung_connection_s(tmp: Path) -> float:
    with FaultyServer(_one_page_site(tmp), faults={"/a.html": Fault.hang(seconds=3, times=None)}) as srv:
        started = time.perf_counter()
        res = _test_client(srv, max_retries=1).fetch("https://site.test/a.html")  # robots.txt, then the page
        seconds = time.perf_counter() - started
    assert res.error is not None and "timed out" in res.error
    return seconds


def body_cap_s(tmp: Path) -> dict[str, float]:
    out = {}
    root = _one_page_site(tmp)
    for declare in (True, False):
        with FaultyServer(root, faults={"/a.html": Fault.huge(50_000_000, declare_length=declare)}) as srv:
            started = time.perf_counter()
            res = _test_client(srv, max_body_bytes=100_000).fetch("https://site.test/a.html")
            out["content_length" if declare else "chunked"] = time.perf_counter() - started
        assert res.error is not None and "body larger than" in res.error
    return out


def resolve_10k_subjects_s(tmp: Path) -> float:
    records = ten_thousand_subjects()
    return _timed(lambda: resolve_subjects(records))


def hostile_files(tmp: Path, runs: int) -> dict[str, dict[str, object]]:
    """Per file: parse-sheet seconds and peak RSS over `runs` runs (the files are built once)."""
    paths = write_hostile_files(tmp)
    out: dict[str, dict[str, object]] = {}
    for name, path in paths.items():
        measured = [run_measured([*OCOP, "parse-sheet", "--jobs", "1", str(path)], timeout=120, env=repo_env())
                    for _ in range(runs)]
        assert all(m.returncode == 1 for m in measured), (name, [m.returncode for m in measured])
        out[name] = {"runs_s": [round(m.seconds, 3) for m in measured],
                     "median_s": round(statistics.median(m.seconds for m in measured), 3),
                     "peak_rss_mb": round(max(m.max_rss_mb for m in measured))}
    return out


# The limit each test asserted before it became a figure.
BOUNDS = {
    "concurrent_hosts_crawl_s": 2.0, "second_build_refused_s": 15.0, "build_lock_wait_s": 3.0,
    "hostile_files": 30.0, "crawl_3000_pages_s": 30.0, "hung_connection_s": 2.5, "body_cap_s": 2.0,
    "resolve_10k_subjects_s": 10.0,
}
SIMPLE = {f.__name__: f for f in (concurrent_hosts_crawl_s, second_build_refused_s, build_lock_wait_s,
                                  crawl_3000_pages_s, hung_connection_s, body_cap_s, resolve_10k_subjects_s)}


def _summary(runs: list[float]) -> dict[str, object]:
    return {"runs_s": [round(r, 3) for r in runs], "median_s": round(statistics.median(runs), 3)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", nargs="+", choices=[*SIMPLE, "hostile_files"], default=None)
    parser.add_argument("--json-out", type=Path, default=REPO / "benchmarks" / "results" / "bounds.json")
    args = parser.parse_args()
    wanted = args.only or [*SIMPLE, "hostile_files"]
    # The machine is shared: the load when the run began says how to read the figures.
    result: dict[str, object] = {"runs": args.runs, "load_average_1m": round(os.getloadavg()[0], 2)}
    for name in wanted:
        with tempfile.TemporaryDirectory(prefix=f"bench-{name}-") as tmp:
            if name == "hostile_files":
                figure: dict[str, object] = {"files": hostile_files(Path(tmp), args.runs)}
            else:
                runs = []
                for i in range(args.runs):
                    run_dir = Path(tmp) / str(i)
                    run_dir.mkdir()
                    runs.append(SIMPLE[name](run_dir))
                if isinstance(runs[0], dict):
                    figure = {key: _summary([r[key] for r in runs]) for key in runs[0]}  # type: ignore[index]
                else:
                    figure = _summary(runs)  # type: ignore[arg-type]
        figure["bound_s"] = BOUNDS[name]
        result[name] = figure
        print(f"{name}: {json.dumps({k: v for k, v in figure.items() if k != 'files'})}", flush=True)
    if "hostile_files" in result:
        print("\n| hostile file | median s | peak RSS MB |\n|---|---|---|")
        for name, f in result["hostile_files"]["files"].items():  # type: ignore[index]
            print(f"| {name} | {f['median_s']} | {f['peak_rss_mb']} |")
    if args.only is None:  # a partial run prints, and leaves the committed figures alone
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"\nwritten: {args.json_out.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
