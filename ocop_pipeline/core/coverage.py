"""Coverage: what the database knows per province and year, in both geographies, before a count is trusted.

Per province (current 34-unit, and legacy 63-unit) and year: products and ratings from official
lists; articles reporting rating results and the batch counts they give (the largest one article
gives: two articles may report one batch, so counts are never summed); ratings known from news
alone and how many of their products no list has; and rounds the news reports that no list covers
(reconciliation.status = 'news_only'). The year of a rating is its decision's, else its round's; of
an article, its event's, else its publication's. A legacy row uses the product's (or article's)
legacy province, and is left out when none is known (post-reform sources name only the new units).
"""

from __future__ import annotations

import duckdb

from ocop_pipeline.storage.store import ensure_schema, scalar
from ocop_pipeline.storage.transactions import transaction

COVERAGE_SELECT = """
WITH rated AS (
  SELECT r.product_id, r.rating_id, coalesce(r.origin, 'list') AS origin, p.known_from,
         coalesce(year(r.decision_date), r.rating_year) AS year, p.province, p.legacy_province
  FROM ratings r JOIN products p USING (product_id)
), articles AS (
  SELECT article_id, province, legacy_province, coalesce(year(event_date), year(published)) AS year, batch_total
  FROM news_articles WHERE has_rating_results
), rounds AS (
  SELECT c.round_key, c.province, a.legacy_province, c.round_year AS year
  FROM reconciliation c LEFT JOIN news_articles a USING (article_id) WHERE c.status = 'news_only'
), facts AS (
  SELECT unnest(['current', 'legacy']) AS geography, unnest([province, legacy_province]) AS province, year,
         CASE WHEN origin = 'list' THEN 'list' ELSE 'news' END AS kind, product_id AS id, rating_id AS sub,
         NULL::INTEGER AS n, known_from
  FROM rated
  UNION ALL
  SELECT unnest(['current', 'legacy']), unnest([province, legacy_province]), year, 'article', article_id, NULL,
         batch_total, NULL FROM articles
  UNION ALL
  SELECT unnest(['current', 'legacy']), unnest([province, legacy_province]), year, 'round', round_key, NULL,
         NULL, NULL FROM rounds
)
SELECT geography, province, year,
       count(DISTINCT id) FILTER (WHERE kind = 'list') AS list_products,
       count(DISTINCT sub) FILTER (WHERE kind = 'list') AS list_ratings,
       count(DISTINCT id) FILTER (WHERE kind = 'article') AS news_articles,
       count(DISTINCT id) FILTER (WHERE kind = 'article' AND n IS NOT NULL) AS news_batch_reports,
       max(n) FILTER (WHERE kind = 'article') AS news_batch_max,
       count(DISTINCT sub) FILTER (WHERE kind = 'news') AS news_ratings,
       count(DISTINCT id) FILTER (WHERE kind = 'news' AND known_from = 'news') AS news_only_products,
       count(DISTINCT id) FILTER (WHERE kind = 'round') AS news_rounds_without_list
FROM facts WHERE province IS NOT NULL AND year IS NOT NULL
GROUP BY ALL
ORDER BY geography, province, year
"""


def rebuild_coverage(con: duckdb.DuckDBPyConnection) -> int:
    """Replace `coverage` (after ratings, news ratings and reconciliation); returns its row count."""
    ensure_schema(con)
    with transaction(con):
        con.execute("DELETE FROM coverage")
        con.execute(f"INSERT INTO coverage BY NAME {COVERAGE_SELECT}")
    return scalar(con, "SELECT count(*) FROM coverage")
