"""Provincial news: the pages crawled and kept byte for byte, then the articles and facts read from them.

Two assets: `raw/news_pages` (the crawl) and `staging/news_articles` (the extraction, which also
writes `news_facts`). The `news_crawl` job selects them by their domain tag. The rules live in
ocop_pipeline/news/ and raw/ (crawler, HTTP client, replay of the recorded sites).
"""

import dagster as dg

from assets.resources import DOMAIN_TAG, DUCKDB_POOL, OcopStore, step_progress
from ocop_pipeline.news.staging import stage_news
from ocop_pipeline.raw.news_landing import land_news, live_client, load_sites, snapshot_client
from ocop_pipeline.storage.store import scalar

NEWS_MODES = ("snapshot", "snapshot-http", "live")
TAGS = {DOMAIN_TAG: "news"}


@dg.asset(
    key=["raw", "news_pages"],
    group_name="raw",
    kinds={"duckdb", "html"},
    tags=TAGS,
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
    with store.connect() as con, step_progress(context):
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
    tags=TAGS,
    pool=DUCKDB_POOL,
)
def news_articles(context: dg.AssetExecutionContext, store: OcopStore) -> dg.MaterializeResult:
    """One row per article (its latest version) in `news_articles`, and its facts in `news_facts`, each
    with the sentence it came from: batch counts by stars, cumulative totals kept apart, targets and
    forecasts with their period, decisions. Pages that report no rating result (a training, a plan)
    say so. Only pages new or changed since the last extraction are read again."""
    paths = store.paths()
    with store.connect() as con:
        with step_progress(context):
            report = stage_news(con, paths, load_sites(paths), log=context.log.debug)
        articles = scalar(con, "SELECT count(*) FROM news_articles")
        facts = scalar(con, "SELECT count(*) FROM news_facts")
    return dg.MaterializeResult(metadata={
        "dagster/row_count": articles,
        "facts": facts,
        "extracted_now": report.extracted,
        "unchanged": report.unchanged,
        "with_rating_results_now": report.with_results,
        "refused_now": report.refused,
    })
