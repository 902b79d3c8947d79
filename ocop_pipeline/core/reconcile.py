"""Official lists against the news: the same province and round, counted by both, side by side.

A news page that reports a recognition batch ("công nhận 30 sản phẩm ... 6 sản phẩm 4 sao, 24 sản
phẩm 3 sao") is compared with the ratings the official lists give for the same round. The round is
the decision when the page names one that the lists also carry; otherwise the province, the year of
the event and the level. Both counts are kept with their sources, and a disagreement is flagged,
never resolved: sources disagree (DOMAIN.md), and which one is right is a question for a person.
"""

from __future__ import annotations

import duckdb

from ocop_pipeline.storage.store import scalar
from ocop_pipeline.storage.transactions import transaction

_STAR_KEYS = ("total", "stars_3", "stars_4", "stars_5")

RECONCILE_SELECT = """
WITH news AS (
  SELECT a.article_id, a.url, a.source_id, a.title, a.province, a.level,
         coalesce(year(a.event_date), year(a.published)) AS round_year,
         a.batch_total, a.batch_stars_3, a.batch_stars_4, a.batch_stars_5,
         -- decision numbers the page names, as the lists write them
         list_transform(coalesce(json_extract_string(a.extracted_json, '$.decisions[*].number'), []),
                        lambda x: upper(replace(x, ' ', ''))) AS decisions
  FROM news_articles a
  WHERE a.has_rating_results
    AND coalesce(a.batch_total, a.batch_stars_3, a.batch_stars_4, a.batch_stars_5) IS NOT NULL
), official_by_decision AS (
  SELECT upper(replace(r.decision_no, ' ', '')) AS decision_key, any_value(p.province) AS province,
         count(*) AS total, count(*) FILTER (WHERE r.stars = 3) AS stars_3,
         count(*) FILTER (WHERE r.stars = 4) AS stars_4, count(*) FILTER (WHERE r.stars = 5) AS stars_5,
         string_agg(DISTINCT r.source_url, '; ' ORDER BY r.source_url) AS sources
  FROM ratings r JOIN products p USING (product_id)
  -- the lists' own ratings: news ratings (core/news_ratings.py) are the other side of the comparison
  WHERE r.decision_no IS NOT NULL AND coalesce(r.origin, 'list') = 'list' GROUP BY 1
), official_by_round AS (
  SELECT p.province, coalesce(year(r.decision_date), r.rating_year) AS round_year, r.level,
         count(*) AS total, count(*) FILTER (WHERE r.stars = 3) AS stars_3,
         count(*) FILTER (WHERE r.stars = 4) AS stars_4, count(*) FILTER (WHERE r.stars = 5) AS stars_5,
         string_agg(DISTINCT r.source_url, '; ' ORDER BY r.source_url) AS sources
  FROM ratings r JOIN products p USING (product_id) WHERE coalesce(r.origin, 'list') = 'list' GROUP BY ALL
), matched AS (
  SELECT n.*, 'decision' AS matched_on, d.decision_key AS round_key,
         d.total AS o_total, d.stars_3 AS o_stars_3, d.stars_4 AS o_stars_4, d.stars_5 AS o_stars_5, d.sources
  FROM news n JOIN official_by_decision d ON list_contains(n.decisions, d.decision_key)
  UNION ALL
  SELECT n.*, 'province_year_level', concat_ws(' ', n.province, n.round_year, n.level),
         o.total, o.stars_3, o.stars_4, o.stars_5, o.sources
  FROM news n LEFT JOIN official_by_round o
    ON o.province = n.province AND o.round_year = n.round_year AND o.level IS NOT DISTINCT FROM n.level
  WHERE NOT EXISTS (SELECT 1 FROM official_by_decision d WHERE list_contains(n.decisions, d.decision_key))
)
SELECT substr(sha256(concat_ws(chr(31), 'reconcile', article_id, matched_on, round_key)), 1, 16) AS reconciliation_id,
       province, round_year, level, matched_on, round_key,
       batch_total AS news_total, o_total AS official_total,
       batch_stars_3 AS news_stars_3, o_stars_3 AS official_stars_3,
       batch_stars_4 AS news_stars_4, o_stars_4 AS official_stars_4,
       batch_stars_5 AS news_stars_5, o_stars_5 AS official_stars_5,
       CASE WHEN o_total IS NULL THEN 'news_only'
            WHEN (batch_total IS NULL OR batch_total = o_total)
             AND (batch_stars_3 IS NULL OR batch_stars_3 = o_stars_3)
             AND (batch_stars_4 IS NULL OR batch_stars_4 = o_stars_4)
             AND (batch_stars_5 IS NULL OR batch_stars_5 = o_stars_5) THEN 'agree'
            ELSE 'disagree' END AS status,
       article_id, url AS news_url, source_id AS news_source_id, title AS news_title, sources AS official_sources
FROM matched
ORDER BY province, round_year, reconciliation_id
"""


def rebuild_reconciliation(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Replace `reconciliation`; returns how many rows agree, disagree or have no official counterpart."""
    with transaction(con):
        con.execute("DELETE FROM reconciliation")
        con.execute(f"INSERT INTO reconciliation BY NAME {RECONCILE_SELECT}")
    return {status: scalar(con, "SELECT count(*) FROM reconciliation WHERE status = ?", [status])
            for status in ("agree", "disagree", "news_only")}
