"""Core tables (`subjects`, `products`, `ratings`) rebuilt from staging, in SQL.

The rebuild is a pure function of the staging rows and the build date: it replaces the three tables
in one transaction, so readers never see a half-built state and a re-run gives the same rows.

Rules (DOMAIN.md):
- A subject is one real producer: spellings are clustered by `matching.resolve_subjects` (tax code
  decides; else compatible legal form, place and a fuzzy name score; curated decisions in
  sources/curation/entity_decisions.csv override). Every spelling seen goes to `subject_aliases`,
  the pairs the matcher could not decide to `entity_review`.
- A product is one cluster of product names of one subject (`matching.resolve_products`: packaging,
  sizes and brand suffixes ignored; different products such as "Mật ong hoa nhãn" / "Mật ong hoa cà
  phê" stay apart).
- A rating is one (product, decision or year, stars); the same rating from several files is kept
  once, from the first source in (source, file, row) order. Different stars for the same decision
  are two ratings: sources that disagree are kept, not overwritten.
- Level is the issuer the list names in its title block (UBND huyện, UBND tỉnh, the ministry) when it
  does; otherwise the regime in force at the decision date (or 31 Dec of the rating year when the
  list gives no date): 5 stars are always national; 24 Feb 2023 - 5 Jul 2025 (148/QĐ-TTg) 3 stars
  were district level; otherwise province level.
- A certificate is valid 36 months from its decision.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from ocop_pipeline.matching import Decision, ProductRecord, SubjectRecord, load_decisions
from ocop_pipeline.resolution_cache import resolve_cached
from ocop_pipeline.settings import Paths
from ocop_pipeline.store import frame_for, table_counts
from ocop_pipeline.views import create_views

# Stable ids are sha256 prefixes of kind + identifying values joined by the unit separator (0x1f),
# the same scheme as resolve.stable_id, so Python and SQL agree.
_ID = "substr(sha256(concat_ws(chr(31), {parts})), 1, 16)"

REGIME_148_START = date(2023, 2, 24)  # 148/QĐ-TTg: district councils rate 3 stars
REGIME_1489_START = date(2025, 7, 6)  # 1489/QĐ-TTg: provinces rate 3 and 4 stars again
REFORM_DATE = date(2025, 7, 1)  # 34 provinces, no districts


_ROWS_SQL = """
CREATE OR REPLACE TEMP TABLE _rows AS
SELECT r.*, d.source_id, d.uri,
       coalesce(r.decision_date, make_date(r.year, 12, 31)) AS effective_date,
       -- arg_max skips null keys: undated rows still count, as the oldest
       coalesce(r.decision_date, make_date(r.year, 12, 31), DATE '0001-01-01') AS order_date,
       -- a total order over rows, so "the latest" never depends on scan order
       (order_date, d.uri, r.sheet, r.row) AS latest
FROM stg_sheet_rows r JOIN documents d USING (document_id)
"""


def default_decisions_path() -> Path:
    """The curated decisions kept in git: sources/curation/entity_decisions.csv (OCOP_SOURCES_DIR moves it)."""
    return Paths.resolve().sources_dir / "curation" / "entity_decisions.csv"


def _resolve_entities(con: duckdb.DuckDBPyConnection, decisions: Sequence[Decision]) -> list[dict]:
    """Cluster subjects and products in Python (matching.py) and register `_entity_map`: one row per
    staging row with its subject_id, product_id and how the subject spelling was matched. Returns the
    review rows."""
    rows = con.execute(
        'SELECT document_id, sheet, "row", province_current, province, subject_name, commune, district, '
        "tax_code, product_name, year FROM _rows").fetchall()
    def record(r: tuple) -> SubjectRecord:
        return SubjectRecord(r[3], r[5] or "", r[6], r[7], r[4], r[8])
    records = [record(r) for r in rows]
    first_seen: dict[SubjectRecord, int] = {}
    products_of: dict[SubjectRecord, set[str]] = {}
    for r, rec in zip(rows, records, strict=True):
        products_of.setdefault(rec, set()).add(r[9] or "")
        if r[10] is not None:
            first_seen[rec] = min(first_seen.get(rec, r[10]), r[10])
    # Province by province, each province's answer kept until its rows change (resolution_cache.py).
    found, _ = resolve_cached(con, products_of, decisions, first_seen)
    mapping = pd.DataFrame.from_records(
        [(r[0], r[1], r[2], found.subject_ids[rec], found.product_ids[ProductRecord(found.subject_ids[rec], r[9] or "")],
          found.matched_by[rec]) for r, rec in zip(rows, records, strict=True)],
        columns=["document_id", "sheet", "row", "subject_id", "product_id", "matched_by"])
    mapping = mapping.astype({"document_id": "string", "sheet": "string", "row": "Int64", "subject_id": "string",
                              "product_id": "string", "matched_by": "string"})
    con.register("_entity_map_frame", mapping)
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE _entity_map AS SELECT * FROM _entity_map_frame")
    finally:
        con.unregister("_entity_map_frame")
    return [
        {"review_id": p.review_id, "kind": p.kind, "left_key": p.left_key, "right_key": p.right_key,
         "left_name": p.left_name, "right_name": p.right_name, "province": p.province, "score": p.score,
         "evidence": json.dumps(p.evidence, ensure_ascii=False, sort_keys=True), "left_id": p.left_id,
         "right_id": p.right_id, "subject_id": p.subject_id, "decision": None}
        for p in found.reviews
    ]


def _sql(as_of: date) -> list[tuple[str, list]]:
    rating_id = _ID.format(parts="'rating', r.product_id, coalesce(r.decision_no, 'year ' || r.year::VARCHAR, ''), r.stars::VARCHAR")
    return [
        (
            """
            CREATE OR REPLACE TEMP TABLE _rated AS
            SELECT r.*, m.subject_id, m.product_id, m.matched_by
            FROM _rows r JOIN _entity_map m USING (document_id, sheet, "row")
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
                   -- the issuer the file names wins; else the regime in force on the date
                   CASE WHEN stars = 5 THEN 'national'
                        WHEN level IS NOT NULL THEN level
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
                   count(*) AS rating_count,
                   arg_max(province_code, latest) FILTER (WHERE province_code IS NOT NULL),
                   arg_max(legacy_province_code, latest)
                     FILTER (WHERE coalesce(effective_date < ?, true) AND legacy_province_code IS NOT NULL),
                   arg_max(district_code, latest)
                     FILTER (WHERE coalesce(effective_date < ?, true) AND district_code IS NOT NULL),
                   arg_max(coalesce(address, concat_ws(', ', commune, district)), latest)
                     FILTER (WHERE coalesce(address, commune, district) IS NOT NULL)
            FROM _ratings GROUP BY product_id
            """,
            [REFORM_DATE, REFORM_DATE, as_of, as_of, REFORM_DATE, REFORM_DATE],
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
                   min(r.year), max(r.year),
                   arg_max(r.province_code, r.latest) FILTER (WHERE r.province_code IS NOT NULL),
                   arg_max(r.legacy_province_code, r.latest)
                     FILTER (WHERE coalesce(r.effective_date < ?, true) AND r.legacy_province_code IS NOT NULL),
                   arg_max(r.district_code, r.latest)
                     FILTER (WHERE coalesce(r.effective_date < ?, true) AND r.district_code IS NOT NULL)
            FROM _rated r JOIN best b USING (subject_id)
            GROUP BY r.subject_id
            """,
            [REFORM_DATE, REFORM_DATE, REFORM_DATE, REFORM_DATE],
        ),
        ("DELETE FROM subject_aliases", []),
        (
            """
            INSERT INTO subject_aliases
            SELECT substr(sha256(concat_ws(chr(31), 'alias', subject_id, subject_name, province,
                                           coalesce(commune, ''), coalesce(district, ''), coalesce(tax_code, ''))), 1, 16),
                   subject_id, subject_name, min(subject_key), province_current, province, commune, district, tax_code,
                   min(matched_by), count(*), min(year), max(year)
            FROM _rated
            GROUP BY subject_id, subject_name, province_current, province, commune, district, tax_code
            """,
            [],
        ),
        ("DELETE FROM entity_review", []),
        ("INSERT INTO entity_review SELECT * FROM _review", []),
        ("COMMIT", []),
    ]


def _stage_reviews(con: duckdb.DuckDBPyConnection, reviews: list[dict]) -> None:
    """Hold the review rows in `_review` until the transaction writes them."""
    con.execute("CREATE OR REPLACE TEMP TABLE _review AS SELECT * FROM entity_review LIMIT 0")
    if not reviews:
        return
    con.register("_review_frame", frame_for("entity_review", reviews))
    try:
        con.execute("INSERT INTO _review SELECT * FROM _review_frame")
    finally:
        con.unregister("_review_frame")


def rebuild_core(
    con: duckdb.DuckDBPyConnection,
    as_of: date | None = None,
    decisions: Sequence[Decision] | str | Path | None = None,
) -> dict[str, int]:
    """Replace subjects, products, ratings, subject_aliases and entity_review from staging; returns the
    row counts of the first three. `decisions` are the curated entity decisions (a list, or a CSV path;
    default sources/curation/entity_decisions.csv)."""
    as_of = as_of or date.today()
    if decisions is None or isinstance(decisions, (str, Path)):
        decisions = load_decisions(decisions or default_decisions_path())
    try:
        con.execute(_ROWS_SQL)
        _stage_reviews(con, _resolve_entities(con, decisions))
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
