"""Products that the news reports rated, staged: `stg_news_ratings`, one row per product per article.

The extractor (article.py) already names each product a page reports with its stars, subject and
place where the text gives them, and the page's decisions, level and dates. This module only reads
those facts back from `news_articles.extracted_json` and shapes them as rows; turning them into
ratings (attached to list products, or new) is core/news_ratings.py.

A product counts only when the page reports it rated (status "rated") with one star level of 3 to 5:
"tiềm năng 5 sao", a range ("3-4 sao") or a product awaiting its decision is not a rating.
"""

from __future__ import annotations

import json
import re
from datetime import date

import duckdb

from ocop_pipeline.news.products import REFERRING_WORDS  # "của đơn vị": no producer's name
from ocop_pipeline.news.sentences import sentences
from ocop_pipeline.storage.ids import stable_id
from ocop_pipeline.storage.schema import MAX_STARS, MIN_STARS, NEWS_RATING_ARTICLES
from ocop_pipeline.storage.store import delete_where_in, ensure_tables, frame_for, insert_frame, scalar
from ocop_pipeline.storage.transactions import transaction
from ocop_pipeline.text.folding import fold_key

# Longest sentence kept as evidence (a table flattened into one "sentence" is cut, not stored whole).
MAX_SENTENCE = 1000
# Articles read from DuckDB at once while staging (their text and JSON: a few MB a batch).
_READ_BATCH = 2000


def _stars(value: object) -> int | None:
    """One star level 3..5, else None (ranges, potential 5 stars and junk are not ratings)."""
    try:
        stars = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return stars if MIN_STARS <= stars <= MAX_STARS else None


def _day(value: object) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _decision(decisions: list[dict]) -> tuple[str | None, date | None]:
    """The decision the page's products were rated by, when the page names exactly one number: a page
    naming several (a provincial and a district decision, an older one recalled) does not say which
    product is whose, so the round is then the year alone."""
    numbers = {}
    for d in decisions or []:
        if d.get("issuer") == "prime_minister":
            continue  # the programme's own decisions (490/QĐ-TTg, 148/QĐ-TTg) rate no product
        number = (d.get("number") or "").strip()
        if number:
            numbers.setdefault(number.upper().replace(" ", ""), (number, _day(d.get("date"))))
    if len(numbers) != 1:
        return None, None
    return next(iter(numbers.values()))


def _sentence_of(name: str, body_sentences: list[str], folded: dict[str, str]) -> str:
    """The first sentence of the article that names the product (the extractor does not return it).
    `folded` keeps the sentences' fold_key for the article's other products (a third of the staging
    went to folding the same sentences again)."""
    key = fold_key(name)
    if not key:
        return ""
    for sentence in body_sentences:
        fold = folded.get(sentence)
        if fold is None:
            fold = folded[sentence] = fold_key(sentence)
        if key in fold:
            return sentence[:MAX_SENTENCE]
    return ""


_STATED_YEAR = re.compile(r"(?<!\w)(?:năm|in)\s+((?:19|20)\d\d)(?!\d)", re.IGNORECASE)


def stated_year(sentence: str | None, latest: int | None) -> int | None:
    """The one year a product's own sentence rates it in ("... được công nhận đạt 3 sao OCOP năm 2022"),
    not after the article (`latest`); None when it names none or several."""
    years = {int(y) for y in _STATED_YEAR.findall(sentence or "")}
    if len(years) != 1:
        return None
    year = years.pop()
    return year if latest is None or year <= latest else None


def news_rating_rows(article: dict) -> list[dict]:
    """The `stg_news_ratings` rows of one `news_articles` row (a dict of its columns); a pure function."""
    try:
        result = json.loads(article.get("extracted_json") or "{}")
    except ValueError:
        return []  # stage_news writes this JSON itself; a hand-edited row holds no products to read
    decision_no, decision_date = _decision(result.get("decisions") or [])
    article_date = _day(article.get("event_date")) or _day(article.get("published"))
    anchor = decision_date or article_date
    rows = {}
    body_sentences: list[str] | None = None
    folded: dict[str, str] = {}
    for product in result.get("products") or []:
        stars = _stars(product.get("stars"))
        name = (product.get("name") or "").strip()
        if product.get("status") != "rated" or stars is None or not name:
            continue
        subject = (product.get("subject") or "").strip() or None
        if subject and fold_key(subject) in REFERRING_WORDS:
            subject = None
        if body_sentences is None:
            body_sentences = [x for line in (article.get("body_text") or "").splitlines() for x in sentences(line)]
        sentence = product.get("sentence") or _sentence_of(name, body_sentences, folded)
        # A profile recalls a product's rating of an earlier year ("đạt 3 sao OCOP năm 2022" in a 2025
        # article): that year is its round, and the page's decision, of another year, is not its decision.
        year, number, decided = (anchor.year if anchor else None), decision_no, decision_date
        recalled = stated_year(sentence, article_date.year if article_date else None)
        if recalled is not None and recalled != year and not (decided and decided.year == recalled + 1):
            year, number, decided = recalled, None, None
        row_id = stable_id("news-rating", article["article_id"], name, subject or "", stars)
        rows[row_id] = {
            "news_rating_id": row_id, "article_id": article["article_id"], "url": article["url"],
            "source_id": article["source_id"], "document_id": article["document_id"],
            "product_name": name, "subject_name": subject, "address": product.get("address"),
            "province": article.get("province"), "legacy_province": article.get("legacy_province"),
            "stars": stars, "level": article.get("level"), "decision_no": number,
            "decision_date": decided, "round_year": year, "article_date": article_date, "sentence": sentence,
        }
    return list(rows.values())


# What a news rating row is made from (core/news_ratings.py fingerprints these columns too).
ARTICLE_COLUMNS = ("article_id", "url", "source_id", "document_id", "province", "legacy_province", "level",
                    "event_date", "published", "extracted_json", "body_text")


def stage_news_ratings(con: duckdb.DuckDBPyConnection, version: str = "", *, since_last: bool = False) -> int:
    """Stage `stg_news_ratings` from the articles with rating results; returns its row count.

    `_news_rating_articles` records each article staged with a fingerprint of its columns and of
    `version` (a hash of the code the rows are made with). With `since_last`, only the articles whose
    fingerprint changed since are read again and the rows of articles gone or without results any
    more are dropped: a daily run's few new pages cost their own reading, not the national corpus's
    (2.9 s). The caller asks for it only when `stg_news_ratings` is as the last staging left it
    (core/news_ratings.refresh_news_ratings checks its hash); otherwise every article is read."""
    ensure_tables(con, [NEWS_RATING_ARTICLES])
    current = dict(con.execute(
        f"SELECT article_id, hash({', '.join(ARTICLE_COLUMNS)})::VARCHAR || '|' || ? FROM news_articles "
        "WHERE has_rating_results", [version]).fetchall())
    kept = dict(con.execute("SELECT article_id, fingerprint FROM _news_rating_articles").fetchall()) if since_last else {}
    todo = sorted(a for a, fingerprint in current.items() if kept.get(a) != fingerprint)
    dropped = [a for a in kept if current.get(a) != kept[a]]  # read again, gone, or without results now
    rows = []
    for start in range(0, len(todo), _READ_BATCH):
        cursor = con.execute(f"SELECT {', '.join(ARTICLE_COLUMNS)} FROM news_articles "
                             "WHERE article_id IN (SELECT unnest(?)) ORDER BY article_id",
                             [todo[start:start + _READ_BATCH]])
        rows += [r for values in cursor.fetchall()
                 for r in news_rating_rows(dict(zip(ARTICLE_COLUMNS, values, strict=True)))]
    with transaction(con):
        if since_last:
            delete_where_in(con, "stg_news_ratings", "article_id", dropped)
            delete_where_in(con, "_news_rating_articles", "article_id", dropped)
        else:
            con.execute("DELETE FROM stg_news_ratings")
            con.execute("DELETE FROM _news_rating_articles")
        insert_frame(con, "stg_news_ratings", frame_for("stg_news_ratings", rows))
        insert_frame(con, "_news_rating_articles", frame_for(
            "_news_rating_articles", ({"article_id": a, "fingerprint": current[a]} for a in todo)))
    return scalar(con, "SELECT count(*) FROM stg_news_ratings")

