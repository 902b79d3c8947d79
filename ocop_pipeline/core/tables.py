"""Core tables (`subjects`, `products`, `ratings`) rebuilt from staging, in SQL.

The rebuild is a pure function of the staging rows and the build date: it replaces the tables in one
transaction, so readers never see a half-built state and a re-run gives the same rows.

It does only the work the inputs call for. What it reads (staging rows with their documents' source
and uri, the curated decisions, the as-of date, this code and the tables' columns) is fingerprinted
into `_core_inputs`, with the state it left the five tables in:
- nothing changed: nothing is rebuilt (the views are still re-created);
- rows changed in some provinces: only the resolution groups of those provinces (a province, or the
  provinces a shared tax code ties together; resolution_cache.py) are deleted and rebuilt. Every row
  of the five tables belongs to one group, and its ids hash values of that group only, so this gives
  the rows a rebuild from scratch gives (tests/core/test_core_incremental.py, and the national corpus);
- anything else (another date, decisions file or code version, a table emptied, dropped or edited
  since, no fingerprint yet): everything is rebuilt.

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

import hashlib
import json
import sys
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import duckdb
import pyarrow as pa

from ocop_pipeline.core import rules
from ocop_pipeline.core.views import create_views
from ocop_pipeline.entities import resolution_cache
from ocop_pipeline.entities.decisions import Decision, load_decisions
from ocop_pipeline.entities.matching import SubjectRecord
from ocop_pipeline.entities.resolution_cache import (
    code_fingerprint,
    group_key,
    province_groups,
    resolve_cached,
)
from ocop_pipeline.geo.admin_units import REFORM_DATE
from ocop_pipeline.runtime.fingerprints import code_hash
from ocop_pipeline.settings import Paths
from ocop_pipeline.storage.ids import stable_id_sql
from ocop_pipeline.storage.schema import CORE_INPUTS
from ocop_pipeline.storage.store import ensure_schema, ensure_tables, frame_for, table_counts
from ocop_pipeline.storage.transactions import transaction

# The day a rating takes effect, how long it holds, and who recognised it: core/rules.py.
_LEVEL_SQL, _LEVEL_PARAMS = rules.level_sql("stars", "level", "effective_date")
# The decision date of a product's latest dated rating (arg_max skips the undated ones).
_LATEST_DECISION = "arg_max(decision_date, (order_date, stars, latest))"


# `$scope`: the current provinces to rebuild, or null for all of them.
_ROWS_SQL = f"""
CREATE OR REPLACE TEMP TABLE _rows AS
SELECT r.*, d.source_id, d.uri,
       {rules.effective_date_sql("r.decision_date", "r.year")} AS effective_date,
       -- arg_max skips null keys: undated rows still count, as the oldest
       coalesce(r.decision_date, make_date(r.year, 12, 31), DATE '0001-01-01') AS order_date,
       -- a total order over rows, so "the latest" never depends on scan order
       (order_date, d.uri, r.sheet, r.row) AS latest
FROM stg_sheet_rows r JOIN documents d USING (document_id)
WHERE CAST($scope AS VARCHAR[]) IS NULL OR list_contains(CAST($scope AS VARCHAR[]), coalesce(r.province_current, ''))
"""

_MAP_SCHEMA = {
    "_subject_map": pa.schema([(name, pa.string()) for name in (
        "province_current", "subject_name", "commune", "district", "province", "tax_code", "subject_id",
        "matched_by")]),
    "_product_map": pa.schema([(name, pa.string()) for name in ("subject_id", "product_name", "product_id")]),
}

# A scoped rebuild first removes what the provinces in scope had: each row of the five tables carries
# the current province of its subject (a subject with a tax code may span the provinces of its group;
# a scope is whole groups). Ratings find theirs through their product, so they go first.
_DELETE_IN_SCOPE = (
    ("DELETE FROM ratings WHERE product_id IN (SELECT product_id FROM products "
     "WHERE list_contains(CAST($scope AS VARCHAR[]), coalesce(province, '')))"),
    "DELETE FROM products WHERE list_contains(CAST($scope AS VARCHAR[]), coalesce(province, ''))",
    "DELETE FROM subjects WHERE list_contains(CAST($scope AS VARCHAR[]), coalesce(province, ''))",
    "DELETE FROM subject_aliases WHERE list_contains(CAST($scope AS VARCHAR[]), coalesce(province, ''))",
    "DELETE FROM entity_review WHERE list_contains(CAST($scope AS VARCHAR[]), coalesce(province, ''))",
)
_DELETE_ALL = ("DELETE FROM ratings", "DELETE FROM products", "DELETE FROM subjects", "DELETE FROM subject_aliases",
               "DELETE FROM entity_review")


class _IdsCrossGroups(Exception):
    """A scoped rebuild met a subject id that a province outside its scope also has."""


@dataclass
class _Inputs:
    """A fingerprint of what the rebuild reads: `settings` (code, as-of date, curated decisions, table
    columns), and for each resolution group (keyed by its provinces, sorted) one of its rows and the
    settings."""

    settings: str
    groups: dict[tuple[str, ...], str]


def default_decisions_path() -> Path:
    """The curated decisions kept in git: sources/curation/entity_decisions.csv (OCOP_SOURCES_DIR moves it)."""
    return Paths.resolve().sources_dir / "curation" / "entity_decisions.csv"


@lru_cache(maxsize=1)
def _code_version() -> str:
    """This module, the programme's rules its SQL is built from (core/rules.py), the resolution cache,
    the matching code that fingerprints (code_fingerprint), and DuckDB, whose hash() the row
    fingerprints use."""
    return code_hash((sys.modules[__name__], rules, resolution_cache), code_fingerprint(), f"duckdb {duckdb.__version__}")


def _sha256(value: object) -> str:
    return hashlib.sha256(json.dumps(value, ensure_ascii=False, default=str).encode("utf-8")).hexdigest()


def _read_inputs(con: duckdb.DuckDBPyConnection, as_of: date, decisions: Sequence[Decision]) -> _Inputs:
    """Fingerprint the inputs with one aggregate query over staging (no row leaves DuckDB)."""
    # Column names and types of what is read and written, from the bound query (LIMIT 0 reads nothing):
    # a column ensure_schema adds is a new fingerprint.
    columns = con.execute("SELECT * FROM stg_sheet_rows, documents, subjects, products, ratings, subject_aliases, "
                          "entity_review LIMIT 0").description
    settings = _sha256([_code_version(), as_of.isoformat(), [asdict(d) for d in decisions],
                        [(c[0], str(c[1])) for c in columns]])
    # Every row as `_rows` reads it (with its document's source and uri), counted and hashed per
    # current province and tax code: a sum of hashes does not depend on the order rows are read in,
    # and the tax codes tell which provinces resolve together.
    per_province: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    places = []
    for province, tax_code, n, h in con.execute(
            "SELECT coalesce(r.province_current, ''), r.tax_code, count(*), sum(hash(r, d.source_id, d.uri)) "
            "FROM stg_sheet_rows r JOIN documents d USING (document_id) GROUP BY ALL").fetchall():
        per_province[province][0] += n
        per_province[province][1] += h
        places.append((province, tax_code))
    return _Inputs(settings, {tuple(group): _sha256([settings, [[p, *per_province[p]] for p in group]])
                              for group in province_groups(places)})


def _kept_inputs(con: duckdb.DuckDBPyConnection) -> tuple[str | None, str | None, dict[tuple[str, ...], str]]:
    """The settings, tables and group fingerprints the last rebuild kept in `_core_inputs`."""
    ensure_tables(con, [CORE_INPUTS])
    settings = tables = None
    groups = {}
    for part, provinces, fingerprint in con.execute("SELECT part, provinces, fingerprint FROM _core_inputs").fetchall():
        if part == "settings":
            settings = fingerprint
        elif part == "tables":
            tables = fingerprint
        else:
            groups[tuple(provinces)] = fingerprint
    return settings, tables, groups


def _tables_signature(con: duckdb.DuckDBPyConnection) -> str | None:
    """Row count and content hash of each of the five tables; None when one is missing."""
    try:
        rows = con.execute("""
            SELECT 'subjects', count(*), sum(hash(t)) FROM subjects t
            UNION ALL SELECT 'products', count(*), sum(hash(t)) FROM products t
            UNION ALL SELECT 'ratings', count(*), sum(hash(t)) FROM ratings t
            UNION ALL SELECT 'subject_aliases', count(*), sum(hash(t)) FROM subject_aliases t
            UNION ALL SELECT 'entity_review', count(*), sum(hash(t)) FROM entity_review t
            """).fetchall()
    except duckdb.CatalogException:
        return None
    return _sha256(sorted(rows))


def keep_tables_signature(con: duckdb.DuckDBPyConnection) -> None:
    """Record the five tables as they now are, for a step that adds to them after the rebuild
    (core/news_ratings.py, which always redoes its own rows): its rows alone do not make the next
    rebuild start from scratch. Call inside that step's transaction."""
    ensure_tables(con, [CORE_INPUTS])
    if con.execute("SELECT count(*) FROM _core_inputs WHERE part = 'tables'").fetchone()[0]:
        con.execute("UPDATE _core_inputs SET fingerprint = ? WHERE part = 'tables'", [_tables_signature(con)])


def _keep_inputs(con: duckdb.DuckDBPyConnection, inputs: _Inputs) -> None:
    """Replace `_core_inputs`, inside the rebuild's transaction: it always describes the tables as committed."""
    parts = [("settings", None, inputs.settings), ("tables", None, _tables_signature(con))]
    parts += [("group", list(provinces), fp) for provinces, fp in inputs.groups.items()]
    con.execute("DELETE FROM _core_inputs")
    con.execute("INSERT INTO _core_inputs (part, provinces, fingerprint) "
                "SELECT unnest(CAST(? AS VARCHAR[])), unnest(CAST(? AS VARCHAR[][])), "
                "unnest(CAST(? AS VARCHAR[]))", [list(column) for column in zip(*parts, strict=True)])


def _resolve_entities(con: duckdb.DuckDBPyConnection, decisions: Sequence[Decision], keep: Sequence[str]) -> list[dict]:
    """Cluster the subjects and products of `_rows` in Python (matching.py) and build `_rated`: each row
    with its subject_id, product_id and how the subject spelling was matched. Returns the review rows.
    `keep`: the keys of every resolution group still staged (their kept answers stay, asked about or not)."""
    # The distinct subject tuples, each with the product names staged under it and its earliest rating
    # year (a null subject or product name counts as the empty name); DuckDB does the grouping.
    products_of: dict[SubjectRecord, set[str]] = {}
    first_seen: dict[SubjectRecord, int] = {}
    for *fields, year, product_names in con.execute(
            "SELECT province_current, coalesce(subject_name, ''), commune, district, province, tax_code, "
            "min(year), list(DISTINCT coalesce(product_name, '')) FROM _rows "
            "GROUP BY province_current, coalesce(subject_name, ''), commune, district, province, tax_code").fetchall():
        rec = SubjectRecord(*fields)
        products_of[rec] = set(product_names)
        if year is not None:
            first_seen[rec] = year
    # Province by province, each province's answer kept until its rows change (resolution_cache.py).
    found, _ = resolve_cached(con, products_of, decisions, first_seen, keep=keep)
    # Back to DuckDB as two maps (one row per subject tuple, one per product name) joined to the rows.
    maps = {
        "_subject_map": [[r.province_current for r in products_of], [r.subject_name for r in products_of],
                         [r.commune for r in products_of], [r.district for r in products_of],
                         [r.province for r in products_of], [r.tax_code for r in products_of],
                         [found.subject_ids[r] for r in products_of], [found.matched_by[r] for r in products_of]],
        "_product_map": [[p.subject_id for p in found.product_ids], [p.product_name for p in found.product_ids],
                         list(found.product_ids.values())],
    }
    for name, columns in maps.items():
        con.register(name, pa.Table.from_arrays([pa.array(c, pa.string()) for c in columns], schema=_MAP_SCHEMA[name]))
    try:
        con.execute("""
            CREATE OR REPLACE TEMP TABLE _rated AS
            SELECT r.*, s.subject_id, p.product_id, s.matched_by
            FROM _rows r
            JOIN _subject_map s
              ON r.province_current IS NOT DISTINCT FROM s.province_current
             AND coalesce(r.subject_name, '') = s.subject_name
             AND r.commune IS NOT DISTINCT FROM s.commune AND r.district IS NOT DISTINCT FROM s.district
             AND r.province IS NOT DISTINCT FROM s.province AND r.tax_code IS NOT DISTINCT FROM s.tax_code
            JOIN _product_map p ON p.subject_id = s.subject_id AND p.product_name = coalesce(r.product_name, '')
            -- rows are rated under their (document, sheet, row): one without a sheet or row number never was
            WHERE r.sheet IS NOT NULL AND r."row" IS NOT NULL
            """)
    finally:
        for name in maps:
            con.unregister(name)
    return [
        {"review_id": p.review_id, "kind": p.kind, "left_key": p.left_key, "right_key": p.right_key,
         "left_name": p.left_name, "right_name": p.right_name, "province": p.province, "score": p.score,
         "evidence": json.dumps(p.evidence, ensure_ascii=False, sort_keys=True), "left_id": p.left_id,
         "right_id": p.right_id, "subject_id": p.subject_id, "decision": None}
        for p in found.reviews
    ]


def _sql(as_of: date) -> tuple[str, list[tuple[str, list]]]:
    """The ratings of `_rated` (one per rating id) into `_ratings`, then the inserts the transaction runs."""
    rating_id = stable_id_sql("'rating', r.product_id, coalesce(r.decision_no, 'year ' || r.year::VARCHAR, ''), r.stars::VARCHAR")
    statement = f"""
        CREATE OR REPLACE TEMP TABLE _ratings AS
        SELECT * EXCLUDE (rn) FROM (
          SELECT r.*, {rating_id} AS rating_id,
                 row_number() OVER (PARTITION BY {rating_id} ORDER BY r.source_id, r.uri, r.sheet, r.row) AS rn
          FROM _rated r) WHERE rn = 1
        """
    return statement, [
        (
            f"""
            INSERT INTO ratings BY NAME
            SELECT rating_id, product_id, stars,
                   -- the issuer the file names wins; else the regime in force on the date
                   {_LEVEL_SQL} AS level,
                   decision_no, decision_date, year AS rating_year, NULL AS round, score,
                   {rules.valid_until_sql("decision_date")} AS valid_until,
                   source_id, uri AS source_url, document_id, sheet, "row",
                   'list' AS origin, 'decision_date' AS valid_until_basis
            FROM _ratings
            """,
            _LEVEL_PARAMS,
        ),
        (
            f"""
            INSERT INTO products BY NAME
            SELECT product_id,
                   arg_max(product_name, (order_date, stars, latest)) AS name,
                   any_value(subject_id) AS subject_id,
                   arg_max(product_group, latest) FILTER (WHERE product_group IS NOT NULL) AS product_group,
                   NULL AS subgroup,
                   any_value(province_current) AS province,
                   arg_max(province, latest)
                     FILTER (WHERE coalesce(effective_date < ?, true) AND province IS NOT NULL) AS legacy_province,
                   arg_max(district, latest)
                     FILTER (WHERE coalesce(effective_date < ?, true) AND district IS NOT NULL) AS legacy_district,
                   arg_max(ocop_code, latest) FILTER (WHERE ocop_code IS NOT NULL) AS ocop_code,
                   arg_max(stars, (order_date, stars, latest)) AS current_stars,
                   -- the latest dated rating decides; a product with none counts from its latest year
                   {rules.status_sql(rules.effective_date_sql(_LATEST_DECISION, "max(year)"), "?")} AS status,
                   {rules.valid_until_sql(_LATEST_DECISION)} AS valid_until,
                   min(decision_date) AS first_rated, max(decision_date) AS last_rated,
                   min(year) AS first_rating_year, max(year) AS last_rating_year,
                   count(*) AS rating_count,
                   arg_max(province_code, latest) FILTER (WHERE province_code IS NOT NULL) AS province_code,
                   arg_max(legacy_province_code, latest)
                     FILTER (WHERE coalesce(effective_date < ?, true) AND legacy_province_code IS NOT NULL)
                     AS legacy_province_code,
                   arg_max(district_code, latest)
                     FILTER (WHERE coalesce(effective_date < ?, true) AND district_code IS NOT NULL)
                     AS legacy_district_code,
                   arg_max(coalesce(address, concat_ws(', ', commune, district)), latest)
                     FILTER (WHERE coalesce(address, commune, district) IS NOT NULL) AS place_as_written,
                   -- core/news_ratings.py turns it to 'both' when an article also reports the product
                   'list' AS known_from
            FROM _ratings GROUP BY product_id
            """,
            [REFORM_DATE, REFORM_DATE, as_of, REFORM_DATE, REFORM_DATE],
        ),
        (
            """
            INSERT INTO subjects BY NAME
            WITH spellings AS (
              SELECT subject_id, subject_name, subject_type, count(*) AS n FROM _rated GROUP BY ALL
            ), best AS (
              SELECT subject_id,
                     arg_max(subject_name, (n, length(subject_name), subject_name)) AS name,
                     -- the legal form comes from the name; prefer a spelling that shows one
                     arg_max(subject_type, (coalesce(subject_type, 'other') <> 'other', n, subject_name)) AS subject_type
              FROM spellings GROUP BY subject_id
            )
            SELECT r.subject_id, any_value(b.name) AS name,
                   min(r.subject_key) AS name_key,
                   coalesce(any_value(b.subject_type), 'other') AS subject_type,
                   min(r.tax_code) AS tax_code,
                   arg_max(r.address, r.latest) FILTER (WHERE r.address IS NOT NULL) AS address,
                   arg_max(r.commune, r.latest) FILTER (WHERE r.commune IS NOT NULL) AS commune,
                   arg_max(r.district, r.latest)
                     FILTER (WHERE coalesce(r.effective_date < ?, true) AND r.district IS NOT NULL) AS legacy_district,
                   arg_max(r.province, r.latest)
                     FILTER (WHERE coalesce(r.effective_date < ?, true) AND r.province IS NOT NULL) AS legacy_province,
                   any_value(r.province_current) AS province,
                   min(r.year) AS first_seen, max(r.year) AS last_seen,
                   arg_max(r.province_code, r.latest) FILTER (WHERE r.province_code IS NOT NULL) AS province_code,
                   arg_max(r.legacy_province_code, r.latest)
                     FILTER (WHERE coalesce(r.effective_date < ?, true) AND r.legacy_province_code IS NOT NULL)
                     AS legacy_province_code,
                   arg_max(r.district_code, r.latest)
                     FILTER (WHERE coalesce(r.effective_date < ?, true) AND r.district_code IS NOT NULL)
                     AS legacy_district_code,
                   'list' AS known_from
            FROM _rated r JOIN best b USING (subject_id)
            GROUP BY r.subject_id
            """,
            [REFORM_DATE, REFORM_DATE, REFORM_DATE, REFORM_DATE],
        ),
        (
            """
            INSERT INTO subject_aliases BY NAME
            SELECT substr(sha256(concat_ws(chr(31), 'alias', subject_id, subject_name, province,
                                           coalesce(commune, ''), coalesce(district, ''), coalesce(tax_code, ''))), 1, 16)
                     AS alias_id,
                   subject_id, subject_name AS name, min(subject_key) AS name_key, province_current AS province,
                   province AS legacy_province, commune, district, tax_code, min(matched_by) AS matched_by,
                   count(*) AS row_count, min(year) AS first_seen, max(year) AS last_seen
            FROM _rated
            GROUP BY subject_id, subject_name, province_current, province, commune, district, tax_code
            """,
            [],
        ),
        ("INSERT INTO entity_review BY NAME SELECT * FROM _review", []),
    ]


def _stage_reviews(con: duckdb.DuckDBPyConnection, reviews: list[dict]) -> None:
    """Hold the review rows in `_review` until the transaction writes them."""
    con.execute("CREATE OR REPLACE TEMP TABLE _review AS SELECT * FROM entity_review LIMIT 0")
    if not reviews:
        return
    con.register("_review_frame", frame_for("entity_review", reviews))
    try:
        con.execute("INSERT INTO _review BY NAME SELECT * FROM _review_frame")
    finally:
        con.unregister("_review_frame")


def rebuild_core(
    con: duckdb.DuckDBPyConnection,
    as_of: date | None = None,
    decisions: Sequence[Decision] | str | Path | None = None,
    log: Callable[[str], object] | None = None,
) -> dict[str, int]:
    """Bring subjects, products, ratings, subject_aliases and entity_review up to date with staging;
    returns the row counts of the first three. `decisions` are the curated entity decisions (a list, or
    a CSV path; default sources/curation/entity_decisions.csv); `log` gets one line saying what was
    rebuilt.

    The tables always hold what a rebuild from scratch gives, written in one transaction. Nothing is
    rebuilt when nothing it reads has changed, only the changed provinces when only some provinces'
    rows have (see the module docstring)."""
    as_of = as_of or date.today()
    if decisions is None or isinstance(decisions, (str, Path)):
        decisions = load_decisions(decisions or default_decisions_path())
    log = log or (lambda line: None)
    tables = _tables_signature(con)
    if tables is None:
        ensure_schema(con)  # a core table dropped by hand: create it again, then fill it
    inputs = _read_inputs(con, as_of, decisions)
    kept_settings, kept_tables, kept_groups = _kept_inputs(con)
    scope = None  # every province
    if kept_settings is None:
        why = "no fingerprint of its inputs kept yet"
    elif kept_settings != inputs.settings:
        why = "the as-of date, the curated decisions, the code or the tables' columns changed"
    elif kept_tables != tables:
        why = "a core table was changed, emptied or dropped since the last rebuild"
    else:
        changed = inputs.groups.items() ^ kept_groups.items()  # groups new, gone, or with other rows
        if not changed:
            _create_views(con)
            log("core tables: nothing they are built from has changed since the last rebuild; nothing rebuilt")
            return table_counts(con, ("subjects", "products", "ratings"))
        scope = sorted({p for provinces, _ in changed for p in provinces})
        why = "rows changed in every province"
        if set(scope) >= {p for provinces in inputs.groups for p in provinces}:
            scope = None
    try:
        _rebuild(con, as_of, decisions, inputs, scope)
    except _IdsCrossGroups:
        scope, why = None, "a subject id of the changed provinces is also another province's"
        _rebuild(con, as_of, decisions, inputs, scope)
    if scope is None:
        log(f"core tables: rebuilt from scratch ({why})")
    else:
        log(f"core tables: rebuilt the rows of {len(scope)} of {sum(map(len, inputs.groups))} provinces, "
            f"whose staged rows changed: {', '.join(scope)}")
    return table_counts(con, ("subjects", "products", "ratings"))


def _rebuild(con: duckdb.DuckDBPyConnection, as_of: date, decisions: Sequence[Decision], inputs: _Inputs,
             scope: list[str] | None) -> None:
    """Rebuild the rows of the current provinces in `scope` (None: every row) and keep `inputs` as what
    the tables now hold; one transaction."""
    statement, inserts = _sql(as_of)
    con.execute(_ROWS_SQL, {"scope": scope})
    _stage_reviews(con, _resolve_entities(con, decisions, [group_key(g) for g in inputs.groups]))
    con.execute(statement)
    with transaction(con):
        if scope is None:
            for statement in _DELETE_ALL:
                con.execute(statement)
        else:
            for statement in _DELETE_IN_SCOPE:
                con.execute(statement, {"scope": scope})
            # A subject's id hashes its tax code or its province (products', ratings' and aliases' ids
            # hash the subject's), so no id of the scope is left outside it. Should matching.py ever
            # break that, the scoped rows would no longer equal a rebuild: rebuild everything instead
            # (raising rolls the deletes back).
            if con.execute("SELECT count(*) FROM subjects WHERE subject_id IN (SELECT subject_id FROM _rated)"
                           ).fetchone()[0]:
                raise _IdsCrossGroups
        for statement, params in inserts:
            con.execute(statement, params)
        create_views(con)  # researchers' views (views.py) follow the tables they read, in the same commit
        _keep_inputs(con, inputs)


def _create_views(con: duckdb.DuckDBPyConnection) -> None:
    """The views alone (their definitions in views.py are not part of the fingerprint), in one commit."""
    with transaction(con):
        create_views(con)
