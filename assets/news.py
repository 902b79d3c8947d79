"""Provincial news: crawled pages, extracted articles and facts, mentions of known products."""

import dagster as dg

from assets.core import CORE_KEYS
from assets.resources import DUCKDB_POOL, OcopStore
from ocop_pipeline.mentions.rebuild import rebuild_mentions
from ocop_pipeline.news.staging import stage_news
from ocop_pipeline.raw.news_landing import land_news, live_client, load_sites, snapshot_client
from ocop_pipeline.storage.store import scalar

NEWS_MODES = ("snapshot", "snapshot-http", "live")


@dg.asset(
    key=["raw", "news_pages"],
    group_name="raw",
    kinds={"duckdb", "html"},
    pool=DUCKDB_POOL,
    retry_policy=dg.RetryPolicy(max_retries=2, delay=30, backoff=dg.Backoff.EXPONENTIAL),
)
def news_pages(context: dg.AssetExecutionContext, store: OcopStore) -> dg.MaterializeResult:
    """Listing and article pages of every news site in the registry, kept byte for byte under data/raw/.
    Offline by default (`news_mode: snapshot`): the recorded sites are crawled with the same polite
    client as the live crawl (`news_mode: live`): allow-listed hosts, robots.txt, redirect checks,
    per-host rate limits, retries honouring Retry-After; the recordings answer in process
    (`snapshot-http`: served on 127.0.0.1 and fetched over sockets). Listings are read every time;
    an article page fetched within its site's `revalidate_after_days` (default 30) is not asked for
    again ("fresh"), an older one by conditional GET (an unchanged page costs a 304). Failed fetches
    are recorded in `rejects` (stage `fetch`) with the reason."""
    if store.news_mode not in NEWS_MODES:
        raise ValueError(f"store.news_mode {store.news_mode!r} is not one of {', '.join(NEWS_MODES)}")
    paths = store.paths()
    sites = load_sites(paths)
    with store.connect() as con:
        if store.news_mode == "live":
            client = live_client(sites)
            try:
                report = land_news(con, paths, client, sites)
            finally:
                client.close()
        else:
            with snapshot_client(paths, sites, over_http=store.news_mode == "snapshot-http") as client:
                report = land_news(con, paths, client, sites)
        total = scalar(con, "SELECT count(*) FROM documents WHERE page_kind = 'article'")
    for line in report.failures:
        context.log.warning(f"fetch failed: {line}")
    for line in report.warnings:
        context.log.warning(line)
    return dg.MaterializeResult(metadata={
        "mode": store.news_mode,
        "sites": len(sites),
        "listing_pages": report.listing_pages,
        "articles_fetched": report.articles_fetched,
        "not_modified": report.not_modified,
        "fresh": report.fresh,
        "new_documents": report.new_documents,
        "article_documents": total,
        "failures": dg.MetadataValue.md("\n".join(f"- {f}" for f in report.failures) or "none"),
        "warnings": dg.MetadataValue.md("\n".join(f"- {w}" for w in report.warnings) or "none"),
    })


@dg.asset(
    key=["staging", "news_articles"],
    deps=[news_pages],
    group_name="staging",
    kinds={"duckdb"},
    pool=DUCKDB_POOL,
)
def news_articles(context: dg.AssetExecutionContext, store: OcopStore) -> dg.MaterializeResult:
    """One row per article (its latest version) in `news_articles`, and its facts in `news_facts`, each
    with the sentence it came from: batch counts by stars, cumulative totals kept apart, targets and
    forecasts with their period, decisions. Pages that report no rating result (a training, a plan)
    say so. Only pages new or changed since the last extraction are read again."""
    paths = store.paths()
    with store.connect() as con:
        report = stage_news(con, paths, load_sites(paths), log=context.log.debug)
        articles = scalar(con, "SELECT count(*) FROM news_articles")
        facts = scalar(con, "SELECT count(*) FROM news_facts")
    return dg.MaterializeResult(metadata={
        "dagster/row_count": articles,
        "facts": facts,
        "extracted_now": report.extracted,
        "unchanged": report.unchanged,
        "with_rating_results_now": report.with_results,
    })


@dg.asset(
    key=["core", "mentions"],
    deps=[news_articles, CORE_KEYS["products"], CORE_KEYS["subjects"]],
    group_name="core",
    kinds={"duckdb"},
    pool=DUCKDB_POOL,
)
def mentions(store: OcopStore) -> dg.MaterializeResult:
    """Links from news articles to the products and subjects they name, matched on Vietnamese-aware
    keys (accents, tone placement, capitals and legal-form abbreviations folded), fuzzy only for long
    names within the article's province."""
    with store.connect() as con:
        n = rebuild_mentions(con)
    return dg.MaterializeResult(metadata={"dagster/row_count": n})


NEWS_ASSETS = [news_pages, news_articles, mentions]


@dg.asset(
    key=["core", "reconciliation"],
    deps=[news_articles, CORE_KEYS["ratings"]],
    group_name="core",
    kinds={"duckdb"},
    pool=DUCKDB_POOL,
)
def reconciliation(store: OcopStore) -> dg.MaterializeResult:
    """Official lists against the news for the same province and round (the decision when the page
    names one the lists carry, else province, year and level): both counts by stars, both sources,
    and a status (agree, disagree, news_only). Nothing is overwritten: a disagreement is a row to read."""
    from ocop_pipeline.core.reconcile import rebuild_reconciliation

    with store.connect() as con:
        counts = rebuild_reconciliation(con)
    return dg.MaterializeResult(metadata={"dagster/row_count": sum(counts.values()), **counts})


NEWS_ASSETS.append(reconciliation)
