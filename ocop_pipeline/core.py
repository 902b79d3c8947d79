"""Core tables (`subjects`, `products`, `ratings`) rebuilt from staging, in SQL.

The rebuild is a pure function of the staging rows and the build date: it replaces the three tables
in one transaction, so readers never see a half-built state and a re-run gives the same rows.

Rules (DOMAIN.md):
- A subject is one (current province, subject name key), or one tax code when a source gives it.
- A product is one (subject, product name key).
- A rating is one (product, decision or year, stars); the same rating from several files is kept
  once, from the first source in (source, file, row) order. Different stars for the same decision
  are two ratings: sources that disagree are kept, not overwritten.
- Level follows the regime in force at the decision date (or 31 Dec of the rating year when the
  list gives no date): 5 stars are always national; 24 Feb 2023 - 5 Jul 2025 (148/QĐ-TTg) 3 stars
  were district level; otherwise province level.
- A certificate is valid 36 months from its decision.
"""

from __future__ import annotations

from datetime import date

import duckdb

from ocop_pipeline.store import table_counts
from ocop_pipeline.views import create_views

# Stable ids are sha256 prefixes of kind + identifying values joined by the unit separator (0x1f),
# the same scheme as resolve.stable_id, so Python and SQL agree.
_ID = "substr(sha256(concat_ws(chr(31), {parts})), 1, 16)"

REGIME_148_START = date(2023, 2, 24)  # 148/QĐ-TTg: district councils rate 3 stars
REGIME_1489_START = date(2025, 7, 6)  # 1489/QĐ-TTg: provinces rate 3 and 4 stars again
REFORM_DATE = date(2025, 7, 1)  # 34 provinces, no districts


def _sql(as_of: date) -> list[tuple[str, list]]:
    subject_id = _ID.format(parts="'subject', g.tax_code")
    subject_id_by_name = _ID.format(parts="'subject', g.province_current, g.subject_key")
    product_id = _ID.format(parts="'product', s.subject_id, r.product_key")
    rating_id = _ID.format(parts="'rating', r.product_id, coalesce(r.decision_no, 'year ' || r.year::VARCHAR, ''), r.stars::VARCHAR")
    return [
        (
            """
            CREATE OR REPLACE TEMP TABLE _rows AS
            SELECT r.*, d.source_id, d.uri,
                   coalesce(r.decision_date, make_date(r.year, 12, 31)) AS effective_date,
                   -- arg_max skips null keys: undated rows still count, as the oldest
                   coalesce(r.decision_date, make_date(r.year, 12, 31), DATE '0001-01-01') AS order_date,
                   -- a total order over rows, so "the latest" never depends on scan order
                   (order_date, d.uri, r.sheet, r.row) AS latest
            FROM stg_sheet_rows r JOIN documents d USING (document_id)
            """,
            [],
        ),
        (
            f"""
            CREATE OR REPLACE TEMP TABLE _subject_groups AS
            SELECT g.province_current, g.subject_key,
                   CASE WHEN g.tax_code IS NOT NULL THEN {subject_id} ELSE {subject_id_by_name} END AS subject_id
            FROM (SELECT province_current, subject_key, min(tax_code) AS tax_code
                  FROM _rows GROUP BY ALL) g
            """,
            [],
        ),
        (
            f"""
            CREATE OR REPLACE TEMP TABLE _rated AS
            SELECT r.*, s.subject_id, {product_id} AS product_id
            FROM _rows r JOIN _subject_groups s USING (province_current, subject_key)
            """,
            [],
        ),
        (
            f"""
            CREATE OR REPLACE TEMP TABLE _ratings AS
            SELECT * EXCLUDE (rn) FROM (
              SELECT r.*, {rating_id} AS rating_id,
                     row_number() OVER (PARTITION BY {rating_id} ORDER BY r.source_id, r.uri, r.sheet, r.row) AS rn
              FROM _rated r) WHERE rn = 1
            """,
            [],
        ),
        ("BEGIN", []),
        ("DELETE FROM ratings", []),
        (
            """
            INSERT INTO ratings
            SELECT rating_id, product_id, stars,
                   CASE WHEN stars = 5 THEN 'national'
                        WHEN effective_date >= ? THEN 'province'
                        WHEN effective_date >= ? AND stars = 3 THEN 'district'
                        ELSE 'province' END AS level,
                   decision_no, decision_date, year AS rating_year, NULL AS round, score,
                   CAST(decision_date + INTERVAL 36 MONTH AS DATE) AS valid_until,
                   source_id, uri AS source_url, document_id, sheet, "row"
            FROM _ratings
            """,
            [REGIME_1489_START, REGIME_148_START],
        ),
        ("DELETE FROM products", []),
        (
            """
            INSERT INTO products
            SELECT product_id,
                   arg_max(product_name, (order_date, stars, latest)) AS name,
                   any_value(subject_id) AS subject_id,
                   arg_max(product_group, latest) FILTER (WHERE product_group IS NOT NULL) AS product_group,
                   NULL AS subgroup,
                   any_value(province_current) AS province,
                   arg_max(province, latest) FILTER (WHERE coalesce(effective_date < ?, true) AND province IS NOT NULL),
                   arg_max(district, latest) FILTER (WHERE coalesce(effective_date < ?, true) AND district IS NOT NULL),
                   arg_max(ocop_code, latest) FILTER (WHERE ocop_code IS NOT NULL),
                   arg_max(stars, (order_date, stars, latest)) AS current_stars,
                   CASE WHEN arg_max(decision_date, (order_date, stars, latest)) IS NOT NULL THEN
                          CASE WHEN CAST(arg_max(decision_date, (order_date, stars, latest)) + INTERVAL 36 MONTH AS DATE) < ?
                               THEN 'expired' ELSE 'active' END
                        WHEN max(year) + 3 < year(?) THEN 'expired'
                        ELSE 'active' END AS status,
                   CAST(arg_max(decision_date, (order_date, stars, latest)) + INTERVAL 36 MONTH AS DATE) AS valid_until,
                   min(decision_date), max(decision_date), min(year), max(year),
                   count(*) AS rating_count
            FROM _ratings GROUP BY product_id
            """,
            [REFORM_DATE, REFORM_DATE, as_of, as_of],
        ),
        ("DELETE FROM subjects", []),
        (
            """
            INSERT INTO subjects
            WITH spellings AS (
              SELECT subject_id, subject_name, subject_type, count(*) AS n FROM _rated GROUP BY ALL
            ), best AS (
              SELECT subject_id,
                     arg_max(subject_name, (n, length(subject_name), subject_name)) AS name,
                     -- the legal form comes from the name; prefer a spelling that shows one
                     arg_max(subject_type, (coalesce(subject_type, 'other') <> 'other', n, subject_name)) AS subject_type
              FROM spellings GROUP BY subject_id
            )
            SELECT r.subject_id, any_value(b.name),
                   min(r.subject_key),
                   coalesce(any_value(b.subject_type), 'other'),
                   min(r.tax_code),
                   arg_max(r.address, r.latest) FILTER (WHERE r.address IS NOT NULL),
                   arg_max(r.commune, r.latest) FILTER (WHERE r.commune IS NOT NULL),
                   arg_max(r.district, r.latest) FILTER (WHERE coalesce(r.effective_date < ?, true) AND r.district IS NOT NULL),
                   arg_max(r.province, r.latest) FILTER (WHERE coalesce(r.effective_date < ?, true) AND r.province IS NOT NULL),
                   any_value(r.province_current),
                   min(r.year), max(r.year)
            FROM _rated r JOIN best b USING (subject_id)
            GROUP BY r.subject_id
            """,
            [REFORM_DATE, REFORM_DATE],
        ),
        ("COMMIT", []),
    ]


def rebuild_core(con: duckdb.DuckDBPyConnection, as_of: date | None = None) -> dict[str, int]:
    """Replace subjects, products and ratings from staging; returns their row counts."""
    as_of = as_of or date.today()
    try:
        for statement, params in _sql(as_of):
            con.execute(statement, params)
    except duckdb.Error:
        try:
            con.execute("ROLLBACK")
        except duckdb.Error:
            pass  # the failure came before BEGIN: nothing to roll back
        raise
    create_views(con)  # researchers' views (views.py) follow the tables they read
    return table_counts(con, ("subjects", "products", "ratings"))
