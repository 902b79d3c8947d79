"""Core tables: subjects, products and ratings rebuilt from the staged rows, and the reconciliation of
the official lists against the news.

`core_tables` writes the three tables in one transaction (one asset key each, each with its blocking
integrity check in assets/checks.py); `core/reconciliation` compares them with the news. The rules
live in ocop_pipeline/core/.
"""


import dagster as dg

from assets.news import news_articles
from assets.resources import DOMAIN_TAG, DUCKDB_POOL, OcopStore, step_progress
from assets.spreadsheets import stg_sheet_rows
from ocop_pipeline.core.coverage import rebuild_coverage
from ocop_pipeline.core.news_ratings import refresh_news_ratings
from ocop_pipeline.core.reconcile import rebuild_reconciliation
from ocop_pipeline.core.tables import rebuild_core
from ocop_pipeline.storage.schema import PRODUCTS, RATINGS, SUBJECTS

CORE_KEYS = {name: dg.AssetKey(["core", name]) for name in ("subjects", "products", "ratings")}
TAGS = {DOMAIN_TAG: "core"}


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
                     tags=TAGS, deps=[stg_sheet_rows]),
        dg.AssetSpec(CORE_KEYS["products"], description=PRODUCTS.description, kinds={"duckdb"}, group_name="core",
                     tags=TAGS, deps=[stg_sheet_rows]),
        dg.AssetSpec(CORE_KEYS["ratings"], description=RATINGS.description, kinds={"duckdb"}, group_name="core",
                     tags=TAGS, deps=[stg_sheet_rows]),
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
        with step_progress(context):
            counts = rebuild_core(con, decisions=store.paths().sources_dir / "curation" / "entity_decisions.csv",
                                  log=context.log.info)
        for name, key in CORE_KEYS.items():
            yield dg.MaterializeResult(
                asset_key=key,
                metadata={"dagster/row_count": counts[name], "preview": _preview(con, name)},
            )


@dg.asset(
    key=["core", "reconciliation"],
    deps=[news_articles, CORE_KEYS["ratings"]],
    group_name="core",
    kinds={"duckdb"},
    tags=TAGS,
    pool=DUCKDB_POOL,
)
def reconciliation(store: OcopStore) -> dg.MaterializeResult:
    """Official lists against the news for the same province and round (the decision when the page
    names one the lists carry, else province, year and level): both counts by stars, both sources,
    and a status (agree, disagree, news_only). Nothing is overwritten: a disagreement is a row to read."""
    with store.connect() as con:
        counts = rebuild_reconciliation(con)
    return dg.MaterializeResult(metadata={"dagster/row_count": sum(counts.values()), **counts})


@dg.asset(
    key=["core", "news_ratings"],
    deps=[news_articles, *CORE_KEYS.values()],
    group_name="core",
    kinds={"duckdb"},
    tags=TAGS,
    pool=DUCKDB_POOL,
)
def news_ratings(context: dg.AssetExecutionContext, store: OcopStore) -> dg.MaterializeResult:
    """Products the news reports rated (`stg_news_ratings`, one row per product per article) as ratings
    of origin 'news': attached to a list product when resolution is sure, else a product and subject
    known only from news; one rating per product, round and stars; a round and stars a list already
    gives is that list rating's evidence (`rating_evidence`); other stars are kept beside it
    (`rating_disagreements`). List rows are left as they are (see ocop_pipeline/core/news_ratings.py).
    Skipped, its rows kept, when the articles with rating results, the code, the date and the tables
    it writes are as the last run left them."""
    with store.connect() as con:
        counts, skipped = refresh_news_ratings(con)
    context.log.info(("news ratings unchanged, kept: " if skipped else "news ratings: ") +
                     f"{counts['staged']} products reported rated; " +
                     ", ".join(f"{k} {v}" for k, v in counts.items() if k != "staged"))
    return dg.MaterializeResult(metadata={"dagster/row_count": counts["news_ratings"], "skipped": skipped, **counts})


@dg.asset(
    key=["core", "coverage"],
    deps=[news_ratings, reconciliation],
    group_name="core",
    kinds={"duckdb"},
    tags=TAGS,
    pool=DUCKDB_POOL,
)
def coverage(store: OcopStore) -> dg.MaterializeResult:
    """Per province (current and legacy geography) and year: products from official lists, what the news
    reports (articles, largest batch count), ratings and products known only from news, and rounds the
    news reports that no list covers. Read it before trusting a count (ocop_pipeline/core/coverage.py)."""
    with store.connect() as con:
        rows = rebuild_coverage(con)
    return dg.MaterializeResult(metadata={"dagster/row_count": rows})
