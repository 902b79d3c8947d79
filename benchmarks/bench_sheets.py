"""Benchmark the spreadsheet path: `ocop parse-sheet` rows/s and `ocop build` seconds and peak memory.

Generates (once, cached) a corpus of official-list spreadsheets in every layout the reader supports,
then times the real commands in fresh processes, several runs each, and reports medians as JSON and
as a table. The machine is shared: quote the medians, not the best run.

    .venv/bin/python benchmarks/bench_sheets.py                 # 20,000 rows in 200 files, 3 runs
    .venv/bin/python benchmarks/bench_sheets.py --rows 2000 --files 20 --runs 1
    .venv/bin/python benchmarks/bench_sheets.py --runs 5 --baseline main --skip-build

The corpus also holds lists written with provincial offices' habits (devtools/sheet_habits.py: merged
package rows, duplicates, hidden columns, star notations, district sheets, two decisions, lying
extensions, a PDF and a picture named .xlsx; --habit-lists, 2 of each by default), so their cost is
measured too. The machine is shared and its load moves rows/s by a factor of several: --baseline REF
times REF's ocop_pipeline (exported with `git archive`, put first on PYTHONPATH) on the same corpus,
its runs interleaved with this tree's, and reports both medians and their ratio.

Targets (issue 2): parsing >= 10,000 rows/s; the build under 60 s on a 2-core machine. Issue 13:
reading the habits does not lower rows/s (ratio to the baseline >= 1.0 within noise).
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


def run_measured(cmd: list[str], env: dict | None = None, stdout=subprocess.DEVNULL) -> tuple[float, float, int, float]:
    """(wall seconds, peak RSS in MB of the child, exit status, CPU seconds) of one command.

    CPU seconds (user + system of the child and the workers it waited for) move far less with the
    load of a shared machine than wall seconds: rows per CPU second compares two versions fairly."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss / 1024, proc.returncode, usage.ru_utime + usage.ru_stime


def ensure_corpus(out: Path, rows: int, files: int, seed: int, habit_lists: int = 0) -> list[Path]:
    marker = out / (f".complete-{rows}-{files}-{seed}" + (f"-habits{habit_lists}" if habit_lists else ""))
    if not marker.exists():
        shutil.rmtree(out, ignore_errors=True)
        subprocess.run([sys.executable, str(REPO / "sources" / "generate_snapshot.py"), "--out", str(out),
                        "--rows", str(rows), "--files", str(files), "--seed", str(seed)], check=True,
                       stdout=subprocess.DEVNULL)
        if habit_lists:
            sys.path.insert(0, str(REPO))
            from devtools.sheet_habits import HABITS, write_habit_set

            write_habit_set(out / "habits", seed=seed, per_habit=max(1, habit_lists // len(HABITS)))
        marker.touch()
    return sorted(p for p in out.rglob("*") if p.is_file() and not p.name.startswith("."))


def count_rows(files: list[Path], env: dict | None = None) -> int:
    # exit status 1 only says some file was unreadable (the bad files are part of the corpus)
    out = subprocess.run([str(BIN / "ocop"), "parse-sheet", *map(str, files)], capture_output=True, text=True,
                         check=False, env=env)
    return sum(1 for line in out.stdout.splitlines() if line.startswith("{"))


def baseline_env(ref: str, into: Path) -> dict:
    """An environment whose `ocop` runs the ocop_pipeline of git `ref` (exported under `into`)."""
    archive = subprocess.run(["git", "-C", str(REPO), "archive", ref, "ocop_pipeline"], check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return {**os.environ, "PYTHONPATH": str(into)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--corpus", type=Path, default=REPO / "benchmarks" / "out" / "sheets")
    parser.add_argument("--habit-lists", type=int, default=22, help="lists written with offices' habits")
    parser.add_argument("--baseline", metavar="REF", help="also time REF's reader, runs interleaved")
    parser.add_argument("--skip-build", action="store_true", help="time parse-sheet only")
    parser.add_argument("--json-out", type=Path, default=REPO / "benchmarks" / "results" / "bench_sheets.json")
    args = parser.parse_args()

    files = ensure_corpus(args.corpus, args.rows, args.files, args.seed, args.habit_lists)
    rows = count_rows(files)
    parse_runs, build_runs, build_rss, build_runs_incremental = [], [], [], []
    base_runs: list[float] = []
    parse_cpu: list[float] = []
    base_cpu: list[float] = []
    base_rows = 0
    with tempfile.TemporaryDirectory() as base_dir:
        base_env = baseline_env(args.baseline, Path(base_dir)) if args.baseline else None
        if base_env is not None:
            base_rows = count_rows(files, base_env)
        for _ in range(args.runs):
            seconds, _, status, cpu = run_measured([str(BIN / "ocop"), "parse-sheet", *map(str, files)])
            parse_runs.append(seconds)
            parse_cpu.append(cpu)
            if base_env is not None:
                seconds, _, _, cpu = run_measured([str(BIN / "ocop"), "parse-sheet", *map(str, files)],
                                                  env=base_env)
                base_runs.append(seconds)
                base_cpu.append(cpu)
    for _ in range(0 if args.skip_build else args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            empty_registry = Path(tmp) / "sources"
            empty_registry.mkdir()
            env = {**os.environ, "OCOP_DATA_DIR": str(Path(tmp) / "data"), "OCOP_INBOX": str(args.corpus),
                   "OCOP_SOURCES_DIR": str(empty_registry)}
            seconds, rss, status, _ = run_measured([str(BIN / "ocop"), "build"], env=env)
            if status != 0:
                print(f"ocop build failed with status {status}", file=sys.stderr)
                return 1
            build_runs.append(seconds)
            build_rss.append(rss)
            seconds, _, _, _ = run_measured([str(BIN / "ocop"), "build"], env=env)
            build_runs_incremental.append(seconds)

    parse_median = statistics.median(parse_runs)

    def median(values: list[float]) -> float | None:
        return round(statistics.median(values), 2) if values else None

    result = {
        "corpus": {"files": len(files), "product_rows": rows, "seed": args.seed, "habit_lists": args.habit_lists},
        "parse_sheet": {"runs_s": [round(s, 2) for s in parse_runs], "median_s": round(parse_median, 2),
                        "rows_per_s": round(rows / parse_median),
                        "cpu_s": [round(s, 2) for s in parse_cpu],
                        "rows_per_cpu_s": round(rows / statistics.median(parse_cpu))},
        "build": {"runs_s": [round(s, 2) for s in build_runs], "median_s": median(build_runs),
                  "peak_rss_mb": [round(r) for r in build_rss],
                  "median_peak_rss_mb": round(statistics.median(build_rss)) if build_rss else None,
                  "rebuild_unchanged_median_s": median(build_runs_incremental)},
        "targets": {"parse_rows_per_s": 10_000, "build_s": 60},
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    if base_runs:
        base_median = statistics.median(base_runs)
        result["baseline"] = {
            "ref": args.baseline, "product_rows": base_rows, "runs_s": [round(s, 2) for s in base_runs],
            "median_s": round(base_median, 2), "rows_per_s": round(base_rows / base_median),
            "rows_per_s_ratio": round((rows / parse_median) / (base_rows / base_median), 3),
            "seconds_ratio": round(parse_median / base_median, 3),
            "cpu_s": [round(s, 2) for s in base_cpu],
            "rows_per_cpu_s": round(base_rows / statistics.median(base_cpu)),
            "rows_per_cpu_s_ratio": round((rows / statistics.median(parse_cpu))
                                          / (base_rows / statistics.median(base_cpu)), 3),
        }  # fmt: skip
    result["load_average"] = [round(x, 2) for x in os.getloadavg()]
    args.json_out.parent.mkdir(parents=True, exist_ok=True)
    args.json_out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    print()
    print(f"{'measure':<36}{'median':>12}{'target':>12}")
    print(f"{'parse-sheet rows/s':<36}{result['parse_sheet']['rows_per_s']:>12,}{'>= 10,000':>12}")
    if base_runs:
        b = result["baseline"]
        print(f"{'baseline ' + args.baseline + ' rows/s':<36}{b['rows_per_s']:>12,}{'':>12}")
        print(f"{'rows/s ratio (this / baseline)':<36}{b['rows_per_s_ratio']:>12}{'>= 1.0':>12}")
        print(f"{'rows per CPU s, this':<36}{result['parse_sheet']['rows_per_cpu_s']:>12,}{'':>12}")
        print(f"{'rows per CPU s, baseline':<36}{b['rows_per_cpu_s']:>12,}{'':>12}")
        print(f"{'rows per CPU s ratio':<36}{b['rows_per_cpu_s_ratio']:>12}{'>= 1.0':>12}")
    if args.skip_build:
        return 0
    print(f"{'ocop build seconds':<36}{result['build']['median_s']:>12}{'< 60':>12}")
    print(f"{'ocop build peak RSS (MB)':<36}{result['build']['median_peak_rss_mb']:>12}{'':>12}")
    print(f"{'ocop build again, unchanged (s)':<36}{result['build']['rebuild_unchanged_median_s']:>12}{'':>12}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
