"""Mentions: news articles linked to the products and subjects of the core tables they name.

One asset, `core/mentions`, downstream of both the news extraction and the core tables. The
matching rules live in ocop_pipeline/mentions/.
"""

import dagster as dg

from assets.core import CORE_KEYS, news_ratings
from assets.news import news_articles
from assets.resources import DOMAIN_TAG, DUCKDB_POOL, OcopStore, step_progress
from ocop_pipeline.mentions.rebuild import rebuild_mentions


@dg.asset(
    key=["core", "mentions"],
    deps=[news_articles, CORE_KEYS["products"], CORE_KEYS["subjects"], news_ratings],
    group_name="core",
    kinds={"duckdb"},
    tags={DOMAIN_TAG: "mentions"},
    pool=DUCKDB_POOL,
)
def mentions(context: dg.AssetExecutionContext, store: OcopStore) -> dg.MaterializeResult:
    """Links from news articles to the products and subjects they name, matched on Vietnamese-aware
    keys (accents, tone placement, capitals and legal-form abbreviations folded), fuzzy only for long
    names within the article's province."""
    with store.connect() as con, step_progress(context):
        n = rebuild_mentions(con)
    return dg.MaterializeResult(metadata={"dagster/row_count": n})
