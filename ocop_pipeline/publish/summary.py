"""The build summary: counts per table, rejects by stage with a few reasons, and where the outputs are.

What `ocop build` prints (and `--json` returns) after a run. It reads the built database, every layer
of it (raw documents, staging, core, news, mentions, rejects), and judges nothing: a plain report for
the person who ran the build. It lives in `publish/`, the top of the flow, because it reads the tables
of every layer below and the staged-row bands of `core.quality`; the Dagster runner only adds the run's
outcome (success, failures, step times).
"""

from __future__ import annotations

from ocop_pipeline.core.quality import source_row_bands
from ocop_pipeline.publish.releases import latest_name
from ocop_pipeline.settings import Paths
from ocop_pipeline.storage.store import connect, ensure_schema, table_counts

SUMMARY_TABLES = ("documents", "stg_sheet_rows", "subjects", "products", "ratings", "news_articles", "news_facts",
                  "mentions", "rejects")


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
        "release": latest_name(paths.publish_dir),  # what publish/latest points to (None: no release yet)
    }
