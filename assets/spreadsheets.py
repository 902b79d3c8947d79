"""Official spreadsheets: the files landed byte for byte, then their product rows staged.

Two assets, in the order the data flow: `raw/spreadsheet_documents` (landing) and
`staging/stg_sheet_rows` (parsing). The rules live in ocop_pipeline/spreadsheets/.
"""


import dagster as dg

from assets.resources import DOMAIN_TAG, DUCKDB_POOL, NETWORK_RETRY, OcopStore, step_progress
from ocop_pipeline.core.quality import source_row_bands
from ocop_pipeline.raw.source_rejects import record_source_rejects, source_errors
from ocop_pipeline.raw.spreadsheet_landing import land_spreadsheets, record_sources
from ocop_pipeline.sources.registry import load_registry
from ocop_pipeline.spreadsheets.staging import stage_spreadsheets
from ocop_pipeline.storage.store import scalar

TAGS = {DOMAIN_TAG: "spreadsheets"}


@dg.asset(
    key=["raw", "spreadsheet_documents"],
    group_name="raw",
    kinds={"duckdb", "xlsx"},
    tags=TAGS,
    pool=DUCKDB_POOL,
    retry_policy=NETWORK_RETRY,
)
def spreadsheet_documents(context: dg.AssetExecutionContext, store: OcopStore) -> dg.MaterializeResult:
    """Official OCOP lists (recognition-decision annexes): every spreadsheet of the registry's
    spreadsheet sources and of the inbox, copied byte for byte into data/raw/ under its sha256 and
    recorded in `documents` (URI, size, sha256, first seen). Files that left their folder are forgotten."""
    paths = store.paths()
    # An unusable YAML is left out (the others still run) and recorded in rejects, stage "source".
    errors: list = []
    sources = load_registry(paths.sources_dir, errors=errors)
    for error in errors:
        context.log.warning(f"source left out: {error}")
    with store.connect() as con:
        record_sources(con, sources)
        record_source_rejects(con, source_errors(paths.sources_dir))
        report = land_spreadsheets(con, paths, [s for s in sources if s.kind == "spreadsheet"])
        total = scalar(con, "SELECT count(*) FROM documents WHERE http_status IS NULL")
    context.log.info(f"landed {report.files} files ({report.new_documents} new, {report.removed_documents} gone)")
    return dg.MaterializeResult(
        metadata={
            "files_found": report.files,
            "new_documents": report.new_documents,
            "removed_documents": report.removed_documents,
            "documents": total,
            "bytes": report.bytes,
            "files_per_source": dg.MetadataValue.json(report.per_source),
            "inbox": dg.MetadataValue.path(str(paths.inbox_dir)),
        }
    )


@dg.asset(
    key=["staging", "stg_sheet_rows"],
    deps=[spreadsheet_documents],
    group_name="staging",
    kinds={"duckdb", "pandas"},
    tags=TAGS,
    pool=DUCKDB_POOL,
)
def stg_sheet_rows(context: dg.AssetExecutionContext, store: OcopStore) -> dg.MaterializeResult:
    """One row per product row of every official spreadsheet: names cleaned (NFC, one tone-mark
    placement, Đ), stars read from any notation, subject type from the legal form, district from the
    section rows, province/year/decision from the title block. Rows that cannot be used go to
    `rejects` with the reason; a file that cannot be read at all is one reject, and the run goes on.
    Only documents not yet parsed by the current reader version are parsed again."""
    with store.connect() as con:
        with step_progress(context):
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
