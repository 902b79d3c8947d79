"""What a release costs: time (median of several runs) and disk, on a built data folder.

Each run copies the build's `publish/` files (hard links, as a release does) into a scratch folder
and writes two releases there: the first (nothing to compare with) and a second against it. For the
second, one table's recorded CSV hash is altered in the scratch `datapackage.json` so that the writer
sees changed content; the diff then compares every table of the two releases in full, as after a
real change. Disk: the new bytes a release adds (hard links cost none) and its apparent size.

    .venv/bin/python benchmarks/bench_release.py data            # a built data folder
    .venv/bin/python benchmarks/bench_release.py /tmp/nat/data --runs 3 --out benchmarks/results/release.json
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from ocop_pipeline.publish.releases import Retention, write_release


def _scratch_publish(source: Path, target: Path) -> None:
    """The build's publish files (not its releases) linked into `target`."""
    for name in ("csv", "parquet"):
        for path in (source / name).iterdir():
            (target / name).mkdir(parents=True, exist_ok=True)
            os.link(path, target / name / path.name)
    shutil.copy2(source / "datapackage.json", target / "datapackage.json")


def _apparent_bytes(directory: Path) -> int:
    return sum(p.stat().st_size for p in directory.rglob("*") if p.is_file())


def run_once(publish_dir: Path) -> dict:
    with tempfile.TemporaryDirectory(dir=publish_dir.parent) as tmp:  # same file system: hard links work
        scratch = Path(tmp) / "publish"
        _scratch_publish(publish_dir, scratch)
        started = time.perf_counter()
        first = write_release(scratch, today=date(2026, 12, 1), retention=Retention())
        first_s = time.perf_counter() - started
        descriptor = json.loads((scratch / "datapackage.json").read_text(encoding="utf-8"))
        descriptor["resources"][0]["hash"] = "sha256:" + "0" * 64  # the writer now sees a change
        (scratch / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
        started = time.perf_counter()
        second = write_release(scratch, today=date(2026, 12, 1), retention=Retention())
        second_s = time.perf_counter() - started
        assert first.created and second.created and second.previous == first.name
        return {"first_s": first_s, "second_s": second_s, "new_bytes": second.bytes_written,
                "apparent_bytes": _apparent_bytes(second.directory),
                "database_bytes": (second.directory / "ocop.duckdb").stat().st_size}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    publish_dir = args.data_dir.resolve() / "publish"
    runs = [run_once(publish_dir) for _ in range(args.runs)]
    resources = json.loads((publish_dir / "datapackage.json").read_text(encoding="utf-8"))["resources"]
    result = {
        "data_dir": str(args.data_dir), "runs": args.runs, "load_1min": round(os.getloadavg()[0], 2),
        "rows": {r["name"]: r["rows"] for r in resources if r["name"] in ("products", "ratings", "subjects")},
        "first_release_s": round(statistics.median(r["first_s"] for r in runs), 3),
        "release_with_diff_s": round(statistics.median(r["second_s"] for r in runs), 3),
        "new_bytes_per_release": runs[-1]["new_bytes"],
        "apparent_bytes_per_release": runs[-1]["apparent_bytes"],
        "database_copy_bytes": runs[-1]["database_bytes"],
    }
    print(json.dumps(result, indent=2))
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
