"""Mention matching from scratch on a built database, timed, with a hash of the mentions it made.

    .venv/bin/python benchmarks/bench_mentions.py DATA_DIR/ocop.duckdb --runs 3
    PYTHONPATH=/path/to/other/checkout .venv/bin/python benchmarks/bench_mentions.py DB   # another version

Copies the database (the original is never written), empties `mentions` and its bookkeeping tables
(`_mention_*`), so `rebuild_mentions` matches every article against every name as a first build does,
and times that call. Prints the seconds of each run, their median, the number of mentions and a SHA-256
of the table ordered by all its columns: two versions of the matcher that print the same hash made the
same mentions, row for row. Run two checkouts interleaved (the machine is shared) to compare them.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb

MENTION_TABLES = ("mentions", "_mention_inputs", "_mention_text_keys", "_mention_entities", "_mention_articles")


def mentions_hash(con: duckdb.DuckDBPyConnection) -> tuple[int, str]:
    """(rows, SHA-256 of every row of `mentions` in the order of all its columns)."""
    columns = [r[0] for r in con.execute("SELECT column_name FROM information_schema.columns "
                                         "WHERE table_name = 'mentions' ORDER BY ordinal_position").fetchall()]
    order = ", ".join(columns)
    digest = hashlib.sha256()
    rows = 0
    cursor = con.execute(f"SELECT {order} FROM mentions ORDER BY {order}")
    while batch := cursor.fetchmany(10_000):
        for row in batch:
            digest.update(repr(row).encode())
            digest.update(b"\n")
        rows += len(batch)
    return rows, digest.hexdigest()


def one_run(source: Path) -> tuple[float, int, str]:
    from ocop_pipeline.mentions.rebuild import rebuild_mentions

    with tempfile.TemporaryDirectory(prefix="ocop-mentions-") as tmp:
        db = Path(tmp) / "ocop.duckdb"
        shutil.copy2(source, db)
        con = duckdb.connect(str(db))
        try:
            for table in MENTION_TABLES:
                con.execute(f"DELETE FROM {table}")
            con.execute("CHECKPOINT")
            started = time.perf_counter()
            rebuild_mentions(con)
            seconds = time.perf_counter() - started
            rows, digest = mentions_hash(con)
        finally:
            con.close()
    return seconds, rows, digest


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("database", type=Path, help="ocop.duckdb of a finished build")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    import ocop_pipeline

    runs = [one_run(args.database) for _ in range(args.runs)]
    hashes = {d for _, _, d in runs}
    print(f"code: {Path(ocop_pipeline.__file__).parent}")
    print(f"runs_s: {[round(s, 2) for s, _, _ in runs]}  median_s: {statistics.median(s for s, _, _ in runs):.2f}")
    print(f"mentions: {runs[0][1]}  sha256: {', '.join(sorted(hashes))}")
    return 0 if len(hashes) == 1 else 1


if __name__ == "__main__":
    sys.exit(main())
