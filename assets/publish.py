"""Published datasets: Parquet, CSV and datapackage.json for researchers."""


import dagster as dg

from assets.core import CORE_KEYS
from assets.reference import REFERENCE_KEYS
from assets.resources import OcopStore
from ocop_pipeline.publish.datasets import publish


@dg.asset(
    key=["publish", "datasets"],
    deps=[*CORE_KEYS.values(), *REFERENCE_KEYS.values(), ["staging", "news_articles"], ["core", "mentions"],
          ["core", "reconciliation"]],
    group_name="publish",
    kinds={"parquet", "csv"},
)
def published_datasets(context: dg.AssetExecutionContext, store: OcopStore) -> dg.MaterializeResult:
    """Every public table written to data/publish/ as Parquet (zstd) and CSV (UTF-8 with BOM, for
    Excel), with datapackage.json describing every field. Runs only after the blocking checks on the
    core tables pass: bad data is not published. A table unchanged since its files were written is
    not written again (publish/.published.json records what each file was written from)."""
    paths = store.paths()
    with store.connect(read_only=True) as con:
        published = publish(con, paths.publish_dir)
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(paths.publish_dir)),
            "tables": dg.MetadataValue.json({p.table: p.rows for p in published}),
            "written": dg.MetadataValue.json(sorted(p.table for p in published if p.written)),
        }
    )
