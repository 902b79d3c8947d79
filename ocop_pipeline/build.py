"""`ocop build`: run the Dagster build job in this process and summarise what it produced.

In process (not a subprocess per step): DuckDB allows one writer, and a cold start of a Dagster
subprocess per asset costs seconds each. With DAGSTER_HOME set, runs are recorded in that instance
(and show in `dagster dev`); otherwise an ephemeral instance is used.

One build at a time per data folder: the job opens and closes the database once per asset, so a
second build could slip in between two assets of the first and interleave its writes. The whole build
therefore holds `<data>/.build.lock` (an flock, released by the kernel even when the process is
killed); a second build stops at once with a message naming the holder, or waits with `--wait`.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ocop_pipeline.settings import Paths
from ocop_pipeline.storage.store import StoreLockedError, connect, ensure_schema, table_counts

SUMMARY_TABLES = ("documents", "stg_sheet_rows", "subjects", "products", "ratings", "news_articles", "news_facts",
                  "mentions", "rejects")


class BuildLockedError(StoreLockedError):
    """Another `ocop build` is running on the same data folder."""


# Data folders whose build lock this process holds, with how many blocks hold it: `ocop build` takes
# the lock, then the run it starts takes it again (the store resource, for runs launched from the UI,
# a schedule or the sensor); a second flock from the same process would wait on itself.
_HELD: dict[str, int] = {}


@contextmanager
def build_lock(data_dir: Path, wait: float | None = 0) -> Iterator[Path]:
    """Hold `<data_dir>/.build.lock` for the block. `wait`: seconds to wait for another build to
    finish (0: stop at once, None: as long as it takes); then BuildLockedError. Re-entrant within a
    process."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / ".build.lock"
    key = str(path.resolve())
    if _HELD.get(key):
        _HELD[key] += 1
        try:
            yield path
        finally:
            _HELD[key] -= 1
        return
    fh = path.open("a+")
    deadline = None if wait is None else time.monotonic() + wait
    try:
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if deadline is not None and time.monotonic() >= deadline:
                    fh.seek(0)
                    holder = fh.read().strip() or "unknown"
                    waited = f" (waited {wait:.0f} s)" if wait else ""
                    raise BuildLockedError(
                        f"another build is running (pid {holder}) on {data_dir}{waited}: let it finish and "
                        f"run again, or use `ocop build --wait` to start when it is done") from None
                time.sleep(0.2)
        fh.seek(0)
        fh.truncate()
        fh.write(f"{os.getpid()}\n")
        fh.flush()
        _HELD[key] = 1
        try:
            yield path
        finally:
            _HELD.pop(key, None)
    finally:
        fh.close()  # closing the file releases the lock; the file itself stays (deleting it would race)


def run_build(data_dir: str | Path | None = None, inbox_dir: str | Path | None = None,
              sources_dir: str | Path | None = None, verbose: bool = False, wait: float | None = 0) -> dict:
    """Materialise every asset in process and summarise; BuildLockedError when another build holds
    the data folder past `wait` seconds (None: wait as long as it takes)."""
    paths = Paths.resolve(data_dir, inbox_dir, sources_dir)
    with build_lock(paths.data_dir, wait):
        return _run_build(paths, verbose)


def _run_build(paths: Paths, verbose: bool) -> dict:
    import dagster as dg

    from assets import build_definitions
    from assets.resources import OcopStore

    store = OcopStore(data_dir=str(paths.data_dir), inbox_dir=str(paths.inbox_dir),
                      sources_dir=str(paths.sources_dir))
    job = build_definitions(store).resolve_job_def("ocop_build")
    instance = dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()
    run_config = {"loggers": {"console": {"config": {"log_level": "INFO" if verbose else "WARNING"}}}}
    result = job.execute_in_process(instance=instance, run_config=run_config, raise_on_error=False)

    failures = []
    for event in result.all_events:
        if event.is_step_failure:
            error = event.step_failure_data.error
            # Dagster wraps the asset's own exception ("Error occurred while executing op ..."); its
            # cause is the message that names the input.
            if error and error.cause and event.step_failure_data.user_failure_data is None:
                error = error.cause
            failures.append(f"{event.step_key}: {error.message.strip() if error else 'failed'}")
        elif event.event_type_value == "ASSET_CHECK_EVALUATION":
            data = event.event_specific_data
            if not data.passed:
                failures.append(f"check {data.check_name} on {data.asset_key.to_user_string()} failed")
    summary = summarise(paths, success=result.success and not failures, failures=failures)
    summary["step_seconds"] = step_seconds(instance, result.run_id)
    return summary


def step_seconds(instance: object, run_id: str) -> dict[str, float]:
    """Wall seconds of each step of the run, slowest first: where a build's time went."""
    stats = instance.get_run_step_stats(run_id)  # type: ignore[attr-defined]
    timed = {s.step_key: round(s.end_time - s.start_time, 2) for s in stats if s.start_time and s.end_time}
    return dict(sorted(timed.items(), key=lambda kv: -kv[1]))


def summarise(paths: Paths, success: bool, failures: list[str]) -> dict:
    """Counts per table, rejects by stage with a few reasons, and where the outputs are."""
    con = connect(paths.db_path)
    try:
        ensure_schema(con)
        tables = table_counts(con, SUMMARY_TABLES)
        by_stage = dict(con.execute("SELECT stage, count(*) FROM rejects GROUP BY stage ORDER BY stage").fetchall())
        examples = [
            f"{loc}{f' [{sheet}]' if sheet else ''}{f' row {row}' if row else ''}: {reason}"
            for loc, sheet, row, reason in con.execute(
                "SELECT location, sheet, \"row\", reason FROM rejects ORDER BY stage, location, \"row\" LIMIT 5"
            ).fetchall()
        ]
        from ocop_pipeline.core.quality import source_row_bands

        warnings = [f"row count outside the expected band: {w}" for w in source_row_bands(con)]
    finally:
        con.close()
    return {
        "success": success,
        "tables": tables,
        "rejects": {"total": tables["rejects"], "by_stage": by_stage, "examples": examples},
        "warnings": warnings,
        "failures": failures,
        "database": str(paths.db_path),
        "publish_dir": str(paths.publish_dir),
    }
