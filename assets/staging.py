"""Staging: spreadsheet rows parsed and cleaned, rejects recorded."""


import dagster as dg

from assets.resources import DUCKDB_POOL, OcopStore
from ocop_pipeline.core.quality import source_row_bands
from ocop_pipeline.spreadsheets.staging import stage_spreadsheets
from ocop_pipeline.storage.store import scalar


@dg.asset(
    key=["staging", "stg_sheet_rows"],
    deps=[["raw", "spreadsheet_documents"]],
    group_name="staging",
    kinds={"duckdb", "pandas"},
    pool=DUCKDB_POOL,
)
def stg_sheet_rows(context: dg.AssetExecutionContext, store: OcopStore) -> dg.MaterializeResult:
    """One row per product row of every official spreadsheet: names cleaned (NFC, one tone-mark
    placement, Đ), stars read from any notation, subject type from the legal form, district from the
    section rows, province/year/decision from the title block. Rows that cannot be used go to
    `rejects` with the reason; a file that cannot be read at all is one reject, and the run goes on.
    Only documents not yet parsed by the current reader version are parsed again."""
    with store.connect() as con:
        report = stage_spreadsheets(con, store.paths(), log=context.log.warning)
        rows = scalar(con, "SELECT count(*) FROM stg_sheet_rows")
        rejects = con.execute("SELECT stage, count(*) FROM rejects GROUP BY stage ORDER BY stage").fetchall()
        out_of_band = source_row_bands(con)
    for line in out_of_band:
        context.log.warning(f"row count outside the expected band: {line}")
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": rows,
            "parsed_documents": report.parsed_documents,
            "unchanged_documents": report.skipped_documents,
            "new_rows": report.rows,
            "row_rejects_new": report.row_rejects,
            "file_rejects_new": report.file_rejects,
            "rejects_total": dg.MetadataValue.json(dict(rejects)),
            "unreadable_files": dg.MetadataValue.md("\n".join(f"- {e}" for e in report.file_errors) or "none"),
            "sources_outside_expected_band": dg.MetadataValue.md("\n".join(f"- {e}" for e in out_of_band) or "none"),
        }
    )
