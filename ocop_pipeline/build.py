"""`ocop build`: run the Dagster build job in this process and summarise what it produced.

In process (not a subprocess per step): DuckDB allows one writer, and a cold start of a Dagster
subprocess per asset costs seconds each. With DAGSTER_HOME set, runs are recorded in that instance
(and show in `dagster dev`); otherwise an ephemeral instance is used.
"""

from __future__ import annotations

import os
from pathlib import Path

from ocop_pipeline.settings import Paths
from ocop_pipeline.store import connect, ensure_schema, table_counts

SUMMARY_TABLES = ("documents", "stg_sheet_rows", "subjects", "products", "ratings", "news_articles", "news_facts",
                  "mentions", "rejects")


def run_build(data_dir: str | Path | None = None, inbox_dir: str | Path | None = None,
              sources_dir: str | Path | None = None, verbose: bool = False) -> dict:
    import dagster as dg

    from assets import build_definitions
    from assets.resources import OcopStore

    paths = Paths.resolve(data_dir, inbox_dir, sources_dir)
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
    return summarise(paths, success=result.success and not failures, failures=failures)


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
        from ocop_pipeline.quality import source_row_bands

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
