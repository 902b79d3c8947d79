"""`ocop build`: run the Dagster build job in this process and summarise what it produced.

In process (not a subprocess per step): DuckDB allows one writer, and a cold start of a Dagster
subprocess per asset costs seconds each. With DAGSTER_HOME set, runs are recorded in that instance
(and show in `dagster dev`); otherwise an ephemeral instance is used.

The whole build holds the data folder's build lock (ocop_pipeline/storage/build_lock.py): a second
build stops at once naming the holder, or waits with `--wait`. The command line imports this module
only inside `ocop build`, so the parsing commands never load Dagster.
"""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

from assets import BUILD_JOB, build_definitions
from assets.resources import OcopStore
from ocop_pipeline.publish.summary import summarise
from ocop_pipeline.settings import Paths
from ocop_pipeline.storage.build_lock import build_lock


def run_build(data_dir: str | Path | None = None, inbox_dir: str | Path | None = None,
              sources_dir: str | Path | None = None, verbose: bool = False, wait: float | None = 0) -> dict:
    """Materialise every asset in process and summarise; BuildLockedError when another build holds
    the data folder past `wait` seconds (None: wait as long as it takes)."""
    paths = Paths.resolve(data_dir, inbox_dir, sources_dir)
    with build_lock(paths.data_dir, wait):
        return _run_build(paths, verbose)


def _run_build(paths: Paths, verbose: bool) -> dict:
    store = OcopStore(data_dir=str(paths.data_dir), inbox_dir=str(paths.inbox_dir),
                      sources_dir=str(paths.sources_dir))
    job = build_definitions(store).resolve_job_def(BUILD_JOB)
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


def step_seconds(instance: dg.DagsterInstance, run_id: str) -> dict[str, float]:
    """Wall seconds of each step of the run, slowest first: where a build's time went."""
    stats = instance.get_run_step_stats(run_id)
    timed = {s.step_key: round(s.end_time - s.start_time, 2) for s in stats if s.start_time and s.end_time}
    return dict(sorted(timed.items(), key=lambda kv: -kv[1]))
