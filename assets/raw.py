"""Raw landing: the bytes of every input kept, content-addressed, with provenance."""


import dagster as dg

from assets.resources import DUCKDB_POOL, NETWORK_RETRY, OcopStore
from ocop_pipeline.raw.spreadsheet_landing import land_spreadsheets, record_sources
from ocop_pipeline.sources.registry import load_registry
from ocop_pipeline.storage.store import scalar


@dg.asset(
    key=["raw", "spreadsheet_documents"],
    group_name="raw",
    kinds={"duckdb", "xlsx"},
    pool=DUCKDB_POOL,
    retry_policy=NETWORK_RETRY,
)
def spreadsheet_documents(context: dg.AssetExecutionContext, store: OcopStore) -> dg.MaterializeResult:
    """Official OCOP lists (recognition-decision annexes): every spreadsheet of the registry's
    spreadsheet sources and of the inbox, copied byte for byte into data/raw/ under its sha256 and
    recorded in `documents` (URI, size, sha256, first seen). Files that left their folder are forgotten."""
    paths = store.paths()
    sources = load_registry(paths.sources_dir)
    with store.connect() as con:
        record_sources(con, sources)
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
