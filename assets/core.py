"""Core tables: subjects, products and ratings, rebuilt from staging in one transaction."""


import dagster as dg

from assets.resources import DUCKDB_POOL, OcopStore
from ocop_pipeline.core.tables import rebuild_core
from ocop_pipeline.storage.schema import PRODUCTS, RATINGS, SUBJECTS

CORE_KEYS = {name: dg.AssetKey(["core", name]) for name in ("subjects", "products", "ratings")}


def _preview(con, table: str, limit: int = 10) -> dg.MetadataValue:
    """The first rows as a Markdown table for the asset page in the UI."""
    cur = con.execute(f"SELECT * FROM {table} ORDER BY 1 LIMIT {limit}")
    names = [d[0] for d in cur.description]
    cell = lambda v: "" if v is None else str(v).replace("|", "\\|")
    lines = ["| " + " | ".join(names) + " |", "|" + "---|" * len(names)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in cur.fetchall()]
    return dg.MetadataValue.md("\n".join(lines))


@dg.multi_asset(
    specs=[
        dg.AssetSpec(CORE_KEYS["subjects"], description=SUBJECTS.description, kinds={"duckdb"}, group_name="core",
                     deps=[["staging", "stg_sheet_rows"]]),
        dg.AssetSpec(CORE_KEYS["products"], description=PRODUCTS.description, kinds={"duckdb"}, group_name="core",
                     deps=[["staging", "stg_sheet_rows"]]),
        dg.AssetSpec(CORE_KEYS["ratings"], description=RATINGS.description, kinds={"duckdb"}, group_name="core",
                     deps=[["staging", "stg_sheet_rows"]]),
    ],
    pool=DUCKDB_POOL,
)
def core_tables(context: dg.AssetExecutionContext, store: OcopStore):
    """Rebuild `subjects`, `products` and `ratings` from the staged rows (see ocop_pipeline/core/tables.py for
    the rules: ids, levels by regime, 36-month validity, status as of today). Only what changed is
    rebuilt: nothing when no staged row, curated decision or the date has, else the changed provinces;
    the result is always that of a rebuild from scratch."""
    with store.connect() as con:
        # Curated same/not-same decisions live in the registry, beside the sources they arbitrate.
        counts = rebuild_core(con, decisions=store.paths().sources_dir / "curation" / "entity_decisions.csv",
                              log=context.log.info)
        for name, key in CORE_KEYS.items():
            yield dg.MaterializeResult(
                asset_key=key,
                metadata={"dagster/row_count": counts[name], "preview": _preview(con, name)},
            )
