"""Benchmark the spreadsheet path: `ocop parse-sheet` rows/s and `ocop build` seconds and peak memory.

Generates (once, cached) a corpus of official-list spreadsheets in every layout the reader supports,
then times the real commands in fresh processes, several runs each, and reports medians as JSON and
as a table. The machine is shared: quote the medians, not the best run.

    .venv/bin/python benchmarks/bench_sheets.py                 # 20,000 rows in 200 files, 3 runs
    .venv/bin/python benchmarks/bench_sheets.py --rows 2000 --files 20 --runs 1

Targets (issue 2): parsing >= 10,000 rows/s; the build under 60 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def run_measured(cmd: list[str], env: dict | None = None, stdout=subprocess.DEVNULL) -> tuple[float, float, int]:
    """(wall seconds, peak RSS in MB of the child, exit status) of one command."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss / 1024, proc.returncode


def ensure_corpus(out: Path, rows: int, files: int, seed: int) -> list[Path]:
    marker = out / f".complete-{rows}-{files}-{seed}"
    if not marker.exists():
        shutil.rmtree(out, ignore_errors=True)
        subprocess.run([sys.executable, str(REPO / "sources" / "generate_snapshot.py"), "--out", str(out),
                        "--rows", str(rows), "--files", str(files), "--seed", str(seed)], check=True,
                       stdout=subprocess.DEVNULL)
        marker.touch()
    return sorted(p for p in out.rglob("*") if p.is_file() and not p.name.startswith("."))


def count_rows(files: list[Path]) -> int:
    # exit status 1 only says some file was unreadable (the bad files are part of the corpus)
    out = subprocess.run([str(BIN / "ocop"), "parse-sheet", *map(str, files)], capture_output=True, text=True,
                         check=False)
    return sum(1 for line in out.stdout.splitlines() if line.startswith("{"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--corpus", type=Path, default=REPO / "benchmarks" / "out" / "sheets")
    parser.add_argument("--json-out", type=Path, default=REPO / "benchmarks" / "results" / "bench_sheets.json")
    args = parser.parse_args()

    files = ensure_corpus(args.corpus, args.rows, args.files, args.seed)
    rows = count_rows(files)
    parse_runs, build_runs, build_rss, build_runs_incremental = [], [], [], []
    for _ in range(args.runs):
        seconds, _, status = run_measured([str(BIN / "ocop"), "parse-sheet", *map(str, files)])
        parse_runs.append(seconds)
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            empty_registry = Path(tmp) / "sources"
            empty_registry.mkdir()
            env = {**os.environ, "OCOP_DATA_DIR": str(Path(tmp) / "data"), "OCOP_INBOX": str(args.corpus),
                   "OCOP_SOURCES_DIR": str(empty_registry)}
            seconds, rss, status = run_measured([str(BIN / "ocop"), "build"], env=env)
            if status != 0:
                print(f"ocop build failed with status {status}", file=sys.stderr)
                return 1
            build_runs.append(seconds)
            build_rss.append(rss)
            seconds, _, _ = run_measured([str(BIN / "ocop"), "build"], env=env)
            build_runs_incremental.append(seconds)

    parse_median = statistics.median(parse_runs)
    result = {
        "corpus": {"files": len(files), "product_rows": rows, "seed": args.seed},
        "parse_sheet": {"runs_s": [round(s, 2) for s in parse_runs], "median_s": round(parse_median, 2),
                        "rows_per_s": round(rows / parse_median)},
        "build": {"runs_s": [round(s, 2) for s in build_runs], "median_s": round(statistics.median(build_runs), 2),
                  "peak_rss_mb": [round(r) for r in build_rss],
                  "median_peak_rss_mb": round(statistics.median(build_rss)),
                  "rebuild_unchanged_median_s": round(statistics.median(build_runs_incremental), 2)},
        "targets": {"parse_rows_per_s": 10_000, "build_s": 60},
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    args.json_out.parent.mkdir(parents=True, exist_ok=True)
    args.json_out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    print()
    print(f"{'measure':<36}{'median':>12}{'target':>12}")
    print(f"{'parse-sheet rows/s':<36}{result['parse_sheet']['rows_per_s']:>12,}{'>= 10,000':>12}")
    print(f"{'ocop build seconds':<36}{result['build']['median_s']:>12}{'< 60':>12}")
    print(f"{'ocop build peak RSS (MB)':<36}{result['build']['median_peak_rss_mb']:>12}{'':>12}")
    print(f"{'ocop build again, unchanged (s)':<36}{result['build']['rebuild_unchanged_median_s']:>12}{'':>12}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
