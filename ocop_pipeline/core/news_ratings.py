"""Ratings the news reports: `stg_news_ratings` tied to products (entities/attachment.py), as rows of
`ratings` with origin 'news', their evidence, and their disagreements with the lists.

Rules:
- One rating per product, round and stars, however many articles report it: the round is the
  decision the article names (one number), else the year (decision, else event, else publication).
- A round and stars the lists already give for that product is the list's rating: the articles are
  its evidence (`rating_evidence`), no second row. Other stars for a round the lists have give a news
  rating beside the list's and a row of `rating_disagreements`: nothing is overwritten.
- A news rating holds 36 months (core/rules.py) from its decision date, else from the article's date
  (`valid_until_basis` = 'article_date': the certificate is older than the article, so this is an
  upper bound, flagged as such).
- Stars, status and validity of a product the lists have keep following the lists (known_from turns
  'both', nothing else changes); a product known only from news takes them from its news ratings.

The step redoes all its rows, after the list rebuild (core/tables.py), in one transaction, and then
records the tables as it leaves them, so that its rows do not make the next list rebuild start from
scratch. `refresh_news_ratings` skips it when redoing would give the same rows: the articles with rating
results, this code and the as-of date are those of the last run (`_news_ratings_inputs.inputs`), and
the tables it writes are exactly as it left them (`state`). Undoing its rows then gives back the list
tables it last started from, so the rows it would write are the ones already there.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import defaultdict
from datetime import date
from functools import lru_cache

import duckdb
import pandas as pd

from ocop_pipeline.core import rules
from ocop_pipeline.core.tables import keep_tables_signature
from ocop_pipeline.entities import attachment, names, subject_types
from ocop_pipeline.entities.attachment import UNNAMED_SUBJECT, ListProduct, NewsProduct, attach
from ocop_pipeline.entities.names import parse_subject
from ocop_pipeline.news import products as news_products, ratings as news_ratings, sentences
from ocop_pipeline.news.ratings import ARTICLE_COLUMNS, stage_news_ratings
from ocop_pipeline.runtime.fingerprints import code_hash
from ocop_pipeline.storage import ids, schema
from ocop_pipeline.storage.ids import stable_id
from ocop_pipeline.storage.schema import NEWS_RATINGS_INPUTS
from ocop_pipeline.storage.store import ensure_schema, ensure_tables, frame_for, insert_frame, scalar
from ocop_pipeline.storage.transactions import transaction

_NEWS_COLUMNS = ("news_rating_id", "article_id", "url", "source_id", "document_id", "product_name", "subject_name",
                 "address", "province", "legacy_province", "stars", "level", "decision_no", "decision_date",
                 "round_year", "article_date", "sentence")

_UNDO = (
    "DELETE FROM rating_evidence",
    "DELETE FROM rating_disagreements",
    "DELETE FROM ratings WHERE origin = 'news'",
    "DELETE FROM products WHERE known_from = 'news'",
    "DELETE FROM subjects WHERE known_from = 'news'",
    "UPDATE products SET known_from = 'list' WHERE known_from = 'both'",
    "UPDATE subjects SET known_from = 'list' WHERE known_from = 'both'",
    "DELETE FROM entity_review WHERE json_extract_string(evidence, '$.source') = 'news'",
)


def decision_key(decision_no: str | None) -> str | None:
    """Decision numbers compared as reconcile.py compares them: upper case, spaces out."""
    return decision_no.upper().replace(" ", "") if decision_no else None


def round_key(decision_no: str | None, year: int | None) -> str:
    return decision_key(decision_no) or f"year {year}"


def _level(stars: int, written: str | None, on: date | None) -> str:
    if stars == rules.NATIONAL_STARS:
        return "national"
    return written or rules.level_of(stars, on) or "province"


# The tables the step reads back or writes: their content as it left them is the skip's `state`.
_WRITTEN = ("stg_news_ratings", "ratings", "products", "subjects", "entity_review", "rating_evidence",
            "rating_disagreements")


@lru_cache(maxsize=1)
def _code_version() -> str:
    """This module and what its rows are made with: the staging of news ratings, the attachment to list
    products, the name rules, the programme's rules, the ids and columns, and DuckDB (whose hash()
    the fingerprints use)."""
    return code_hash((sys.modules[__name__], news_ratings, news_products, sentences, attachment, names,
                      subject_types, rules, ids, schema), f"duckdb {duckdb.__version__}")


def _inputs(con: duckdb.DuckDBPyConnection, as_of: date) -> str:
    """Hash of what a run reads besides the tables it writes: the articles with rating results (one
    aggregate in DuckDB, no row leaves it), the code and the as-of date."""
    articles = con.execute(f"SELECT count(*), sum(hash({', '.join(ARTICLE_COLUMNS)})) FROM news_articles "
                           "WHERE has_rating_results").fetchone()
    return hashlib.sha256(json.dumps([_code_version(), as_of.isoformat(), list(map(str, articles))])
                          .encode()).hexdigest()


def _state(con: duckdb.DuckDBPyConnection, tables: tuple[str, ...] = _WRITTEN) -> str:
    """Hash of the written tables' rows (or of `tables`') as they are now."""
    sql = " UNION ALL ".join(f"SELECT '{table}', count(*), sum(hash(x)) FROM {table} x" for table in tables)
    rows = con.execute(sql).fetchall()
    return hashlib.sha256(json.dumps(sorted(rows), default=str).encode()).hexdigest()


def refresh_news_ratings(con: duckdb.DuckDBPyConnection, as_of: date | None = None) -> tuple[dict[str, int], bool]:
    """Stage the news ratings and rebuild them (`stage_news_ratings`, `rebuild_news_ratings`) unless
    nothing they depend on changed since the last run. Returns the run's counts (the last run's when
    skipped; `staged` among them) and whether it was skipped."""
    as_of = as_of or date.today()
    ensure_schema(con)
    ensure_tables(con, [NEWS_RATINGS_INPUTS])
    inputs = _inputs(con, as_of)
    kept = con.execute("SELECT inputs, state, counts, staged FROM _news_ratings_inputs").fetchall()
    if len(kept) == 1 and kept[0][0] == inputs and kept[0][1] == _state(con):
        return json.loads(kept[0][2]), True
    # `stg_news_ratings` as the last run left it: only the articles that changed are staged again
    # (a new spreadsheet rewrites the other tables, not this one). Edited since, or an older database:
    # all of them.
    as_left = len(kept) == 1 and kept[0][3] == _state(con, ("stg_news_ratings",))
    staged = stage_news_ratings(con, _code_version(), since_last=as_left)
    counts = {"staged": staged, **rebuild_news_ratings(con, as_of)}
    with transaction(con):
        con.execute("DELETE FROM _news_ratings_inputs")
        con.execute("INSERT INTO _news_ratings_inputs (inputs, state, counts, staged) VALUES (?, ?, ?, ?)",
                    [inputs, _state(con), json.dumps(counts), _state(con, ("stg_news_ratings",))])
    return counts, False


def rebuild_news_ratings(con: duckdb.DuckDBPyConnection, as_of: date | None = None) -> dict[str, int]:
    """Replace the rows of news origin in ratings, products, subjects and entity_review, and the
    tables rating_evidence and rating_disagreements; returns counts for the asset's metadata.
    `as_of`: the day status is computed for (default today, as the list rebuild)."""
    as_of = as_of or date.today()
    ensure_schema(con)
    news = [dict(zip(_NEWS_COLUMNS, row, strict=True)) for row in con.execute(
        f"SELECT {', '.join(_NEWS_COLUMNS)} FROM stg_news_ratings ORDER BY article_date NULLS LAST, url, "
        "news_rating_id").fetchall()]
    listed = [ListProduct(*row) for row in con.execute(
        "SELECT p.product_id, p.name, p.subject_id, s.name, p.province, s.commune FROM products p "
        "JOIN subjects s USING (subject_id) WHERE p.known_from IS DISTINCT FROM 'news' ORDER BY p.product_id"
    ).fetchall()]
    # The list ratings of each product by round: a decision number, and the year, both name a round.
    list_rounds: dict[tuple[str, str], list[tuple[str, int, str]]] = defaultdict(list)
    for rating_id, product_id, stars, decision_no, year, source_url in con.execute(
            "SELECT rating_id, product_id, stars, decision_no, coalesce(year(decision_date), rating_year), "
            "source_url FROM ratings WHERE origin IS DISTINCT FROM 'news'").fetchall():
        if decision_no:
            list_rounds[(product_id, decision_key(decision_no))].append((rating_id, stars, source_url))
        list_rounds[(product_id, f"year {year}")].append((rating_id, stars, source_url))
    found = attach([NewsProduct(n["news_rating_id"], n["product_name"], n["subject_name"], n["province"],
                                n["address"], n["url"]) for n in news], listed)

    groups: dict[tuple[str, str, int], list[dict]] = defaultdict(list)
    for n in news:
        a = found.by_row.get(n["news_rating_id"])
        if a is None:
            continue  # no province: attachment leaves it out
        groups[(a.product_id, round_key(n["decision_no"], n["round_year"]), n["stars"])].append({**n, "att": a})

    ratings, evidence, disagreements = [], [], []
    for (product_id, key, stars), rows in groups.items():
        in_list = list_rounds.get((product_id, key), [])
        same = [r for r in in_list if r[1] == stars]
        first = rows[0]  # earliest article (rows are in article date, url order)
        if same:
            rating_id, origin = same[0][0], "list"
        else:
            rating_id, origin = stable_id("rating", product_id, "news", key, stars), "news"
            days = [r["decision_date"] for r in rows if r["decision_date"]]
            ratings.append({
                "rating_id": rating_id, "product_id": product_id, "stars": stars,
                "level": _level(stars, first["level"], min(days) if days else first["article_date"]),
                "decision_no": first["decision_no"], "decision_date": min(days) if days else None,
                "rating_year": first["round_year"], "source_id": first["source_id"], "source_url": first["url"],
                "document_id": first["document_id"], "origin": "news",
                "valid_until_basis": "decision_date" if days else "article_date",
                "news_reports": len({r["article_id"] for r in rows}), "article_date": first["article_date"],
            })
            for list_id, list_stars, list_url in in_list:
                disagreements.append({
                    "disagreement_id": stable_id("disagreement", list_id, rating_id), "product_id": product_id,
                    "round_key": key, "list_rating_id": list_id, "list_stars": list_stars,
                    "list_source_url": list_url, "news_rating_id": rating_id, "news_stars": stars,
                    "news_urls": "; ".join(sorted({r["url"] for r in rows}))})
        for r in rows:
            evidence.append({"evidence_id": stable_id("rating-evidence", rating_id, r["news_rating_id"]),
                             "rating_id": rating_id, "rating_origin": origin, "article_id": r["article_id"],
                             "url": r["url"], "sentence": r["sentence"], "article_date": r["article_date"],
                             "matched_by": r["att"].matched_by})

    # Products and producers new from news: one record each, from its latest report.
    new_products, new_subjects = {}, {}
    for n in reversed(news):  # latest first: setdefault keeps the latest spelling
        a = found.by_row.get(n["news_rating_id"])
        if a is None or a.matched_by != "created":
            continue
        new_products.setdefault(a.product_id, {"product_id": a.product_id, "name": n["product_name"],
                                               "subject_id": a.subject_id, "province": n["province"],
                                               "legacy_province": n["legacy_province"], "address": n["address"]})
        if a.new_subject:
            name = n["subject_name"] or UNNAMED_SUBJECT
            parsed = parse_subject(n["subject_name"])
            new_subjects.setdefault(a.subject_id, {
                "subject_id": a.subject_id, "name": name, "name_key": parsed.canonical if n["subject_name"] else "",
                "subject_type": parsed.form if n["subject_name"] else "other", "province": n["province"],
                "legacy_province": n["legacy_province"], "address": n["address"], "known_from": "news"})
    attached_products = sorted({a.product_id for a in found.by_row.values() if a.matched_by == "attached"})
    attached_subjects = sorted({a.subject_id for a in found.by_row.values() if not a.new_subject})

    with transaction(con):
        for statement in _UNDO:
            con.execute(statement)
        insert_frame(con, "ratings", frame_for("ratings", ratings))
        con.execute(f"UPDATE ratings SET valid_until = {rules.valid_until_sql('coalesce(decision_date, article_date)')} "
                    "WHERE origin = 'news'")
        _insert_news_products(con, list(new_products.values()), as_of)
        _insert_news_subjects(con, list(new_subjects.values()))
        con.execute("UPDATE products SET known_from = 'both' WHERE known_from = 'list' "
                    "AND list_contains(CAST(? AS VARCHAR[]), product_id)", [attached_products])
        con.execute("UPDATE subjects SET known_from = 'both' WHERE known_from = 'list' "
                    "AND list_contains(CAST(? AS VARCHAR[]), subject_id)", [attached_subjects])
        insert_frame(con, "rating_evidence", frame_for("rating_evidence", evidence))
        insert_frame(con, "rating_disagreements", frame_for("rating_disagreements", disagreements))
        existing = {r[0] for r in con.execute("SELECT review_id FROM entity_review").fetchall()}
        insert_frame(con, "entity_review", frame_for("entity_review",
                                                     [r for r in found.reviews if r["review_id"] not in existing]))
        keep_tables_signature(con)
    return {
        "news_rows": len(news),
        "news_ratings": len(ratings),
        "confirmed_list_ratings": len({e["rating_id"] for e in evidence if e["rating_origin"] == "list"}),
        "news_only_products": len(new_products),
        "news_only_subjects": len(new_subjects),
        "products_both": scalar(con, "SELECT count(*) FROM products WHERE known_from = 'both'"),
        "disagreements": len(disagreements),
        "reviews": len(found.reviews),
    }


def _insert_news_products(con: duckdb.DuckDBPyConnection, products: list[dict], as_of: date) -> None:
    """Products known only from news, their standing computed from their news ratings as the list
    rebuild computes it from list ratings (latest rating decides; 36 months; status as of today)."""
    if not products:
        return
    con.register("_news_products", pd.DataFrame.from_records(
        products, columns=["product_id", "name", "subject_id", "province", "legacy_province", "address"]))
    try:
        latest = "arg_max(coalesce(r.decision_date, r.article_date), (coalesce(r.decision_date, r.article_date), r.stars))"
        con.execute(f"""
            INSERT INTO products BY NAME
            SELECT p.product_id, any_value(p.name) AS name, any_value(p.subject_id) AS subject_id,
                   any_value(p.province) AS province,
                   -- the article's province when it was written before the reform (news/staging.py)
                   any_value(p.legacy_province) AS legacy_province,
                   arg_max(r.stars, (coalesce(r.decision_date, r.article_date), r.stars)) AS current_stars,
                   {rules.status_sql(latest, '?')} AS status,
                   {rules.valid_until_sql(latest)} AS valid_until,
                   min(r.decision_date) AS first_rated, max(r.decision_date) AS last_rated,
                   min(r.rating_year) AS first_rating_year, max(r.rating_year) AS last_rating_year,
                   count(*) AS rating_count, any_value(p.address) AS place_as_written, 'news' AS known_from
            FROM _news_products p JOIN ratings r ON r.product_id = p.product_id AND r.origin = 'news'
            GROUP BY p.product_id
            """, [as_of])
    finally:
        con.unregister("_news_products")


def _insert_news_subjects(con: duckdb.DuckDBPyConnection, subjects: list[dict]) -> None:
    if not subjects:
        return
    insert_frame(con, "subjects", frame_for("subjects", subjects))
    # Years seen, from the ratings of their products (the only rows that know them).
    con.execute("""
        UPDATE subjects s SET first_seen = y.lo, last_seen = y.hi
        FROM (SELECT p.subject_id, min(r.rating_year) AS lo, max(r.rating_year) AS hi
              FROM products p JOIN ratings r USING (product_id) GROUP BY p.subject_id) y
        WHERE s.subject_id = y.subject_id AND s.known_from = 'news'
        """)
