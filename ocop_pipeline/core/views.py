"""Views for researchers: the common questions, answered once in SQL and kept in the database.

The views are created (CREATE OR REPLACE) at the end of every core rebuild, so they always match the
tables they read. They hold no data of their own; those that mention `current_date` are evaluated
when queried, not when created. `docs/cookbook.md` shows them in use.

Identifiers here are constants of this module; no outside value is ever formatted into the SQL.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from ocop_pipeline.core import rules

# The date a rating takes effect (core/rules.py), so "latest" means the same thing everywhere.
EFFECTIVE_DATE = rules.effective_date_sql("r.decision_date", "r.rating_year")

# One row per rating with the stars of the product's previous rating and the change between them.
# Ties on the effective date are broken by stars, then rating_id: a deterministic total order.
RATING_HISTORY_SELECT = f"""
SELECT r.rating_id, r.product_id, p.name AS product_name, p.subject_id, s.name AS subject_name,
       s.subject_type, p.province, p.legacy_province, r.stars,
       lag(r.stars) OVER w AS previous_stars,
       CASE WHEN lag(r.stars) OVER w IS NULL THEN 'new'
            WHEN r.stars > lag(r.stars) OVER w THEN 'upgrade'
            WHEN r.stars < lag(r.stars) OVER w THEN 'downgrade'
            ELSE 'same' END AS change,
       row_number() OVER w AS rating_number,
       r.level, r.decision_no, r.decision_date, r.rating_year,
       {EFFECTIVE_DATE} AS effective_date, r.valid_until, r.source_id, r.source_url,
       coalesce(r.origin, 'list') AS origin, p.known_from
FROM ratings r
JOIN products p USING (product_id)
JOIN subjects s ON s.subject_id = p.subject_id
WINDOW w AS (PARTITION BY r.product_id ORDER BY {EFFECTIVE_DATE}, r.stars, r.rating_id)
"""


@dataclass(frozen=True)
class View:
    name: str
    description: str
    select: str


VIEWS: tuple[View, ...] = (
    View(
        "v_active_products",
        "Products whose latest certificate is still valid (status 'active'), with their producer.",
        """
        SELECT p.product_id, p.name, p.current_stars, p.product_group, p.province, p.legacy_province,
               p.legacy_district, p.valid_until, p.last_rated, p.last_rating_year, p.ocop_code,
               p.subject_id, s.name AS subject_name, s.subject_type, s.commune
        FROM products p JOIN subjects s USING (subject_id)
        WHERE p.status = 'active'
        """,
    ),
    View(
        "v_products_by_province",
        "Products by province and stars in both geographies: geography 'current' (34 provinces from "
        "1 Jul 2025) and 'legacy' (63 provinces before; products known only after the reform count "
        "under '(không rõ tỉnh cũ)'). `products` counts all, `active_products` the valid ones.",
        """
        SELECT 'current' AS geography, province, current_stars AS stars,
               count(*) AS products, count(*) FILTER (WHERE status = 'active') AS active_products,
               count(DISTINCT subject_id) AS subjects
        FROM products GROUP BY ALL
        UNION ALL
        SELECT 'legacy', coalesce(legacy_province, '(không rõ tỉnh cũ)'), current_stars,
               count(*), count(*) FILTER (WHERE status = 'active'), count(DISTINCT subject_id)
        FROM products GROUP BY ALL
        """,
    ),
    View(
        "v_subject_type_counts",
        "Subjects (producers) by current province and type, with their products and active products.",
        """
        SELECT s.province, s.subject_type, count(DISTINCT s.subject_id) AS subjects,
               count(p.product_id) AS products,
               count(p.product_id) FILTER (WHERE p.status = 'active') AS active_products
        FROM subjects s LEFT JOIN products p USING (subject_id)
        GROUP BY ALL
        """,
    ),
    View(
        "v_expiring_next_quarter",
        "Active products whose certificate ends in the next calendar quarter (the one after today's), "
        "i.e. that must be re-rated soon; days_left counts from today.",
        """
        SELECT p.product_id, p.name, p.current_stars, p.province, p.legacy_province, p.valid_until,
               p.valid_until - current_date AS days_left, s.name AS subject_name, s.subject_type
        FROM products p JOIN subjects s USING (subject_id)
        WHERE p.status = 'active'
          AND p.valid_until >= CAST(date_trunc('quarter', current_date) + INTERVAL 3 MONTH AS DATE)
          AND p.valid_until < CAST(date_trunc('quarter', current_date) + INTERVAL 6 MONTH AS DATE)
        """,
    ),
    View(
        "v_rating_history",
        "Every rating in order per product, with the previous rating's stars and the change: 'new' "
        "(first rating), 'upgrade', 'downgrade' or 'same'; `origin` says whether it comes from a list or "
        "from news alone.",
        RATING_HISTORY_SELECT,
    ),
)


# Table macros: the standing of every product on any date (core/rules.py: how long a certificate holds;
# the latest rating on or before the date decides the stars). Revocations are not in any source yet,
# so no product is 'revoked' until a revocation feed exists.
MACROS: tuple[View, ...] = (
    View(
        "products_as_of",
        "products_as_of(d): each product rated on or before date d, with its stars, status (active | "
        "expired) and certificate end as of d, and the change its latest rating made (new, upgrade, "
        "downgrade, same). A product the lists have is read from its list ratings only.",
        f"""
        SELECT h.product_id, h.product_name, h.subject_id, h.subject_name, h.subject_type, h.province,
               h.legacy_province, h.stars AS stars_as_of, h.previous_stars, h.change AS last_change,
               h.effective_date AS rated_on, h.decision_no, h.level,
               {rules.valid_until_sql("h.effective_date")} AS valid_until,
               {rules.status_sql("h.effective_date", "d")} AS status_as_of
        FROM v_rating_history h
        -- a product the lists have keeps following the lists; one known only from news, its news ratings
        WHERE h.effective_date <= d AND (h.origin = 'list' OR h.known_from = 'news')
        QUALIFY row_number() OVER (PARTITION BY h.product_id ORDER BY h.rating_number DESC) = 1
        """,
    ),
)


def create_views(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Create or replace every view and table macro; returns their names."""
    for view in VIEWS:
        con.execute(f"CREATE OR REPLACE VIEW {view.name} AS {view.select}")
        # the description travels with the view (duckdb_views().comment); module constant, quoted
        con.execute(f"COMMENT ON VIEW {view.name} IS '{view.description.replace(chr(39), chr(39) * 2)}'")
    for macro in MACROS:
        # `d` is the macro's parameter; the body is a module constant
        con.execute(f"CREATE OR REPLACE MACRO {macro.name}(d) AS TABLE {macro.select}")
    return [v.name for v in VIEWS] + [m.name for m in MACROS]
