"""Provincial news, staged: each landed article page extracted into `news_articles` and `news_facts`.

Incremental: a page whose latest version was extracted by this extractor version is not read again.
Landing the pages is `raw.news_landing`; linking articles to products, `mentions.rebuild`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from ocop_pipeline.news import article as articles
from ocop_pipeline.raw.crawler import SiteSource
from ocop_pipeline.runtime import progress
from ocop_pipeline.news.page_text import PageRefused
from ocop_pipeline.runtime.parallel import Unfinished, budget_map, read_ahead
from ocop_pipeline.settings import Paths, page_budget_s, page_memory_mb
from ocop_pipeline.storage.ids import stable_id
from ocop_pipeline.storage.store import delete_where_in, frame_for, insert_frame, insert_rows
from ocop_pipeline.storage.transactions import transaction
from ocop_pipeline.text.content import not_text_reason

# Pages written to DuckDB per transaction: large enough that 20,000 pages are a few dozen commits.
WRITE_BATCH = 500


@dataclass
class NewsStagingReport:
    extracted: int = 0
    unchanged: int = 0
    facts: int = 0
    with_results: int = 0
    refused: int = 0  # pages recorded in `rejects` (stage "article") instead of extracted


def _iso_date(value: object) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def article_rows(result: dict, *, article_id: str, url: str, source_id: str, document_id: str,
                 fallback_province: str | None) -> tuple[dict, list[dict]]:
    """The `news_articles` row and `news_facts` rows of one extraction result (a pure function)."""
    counts, cumulative = result.get("counts") or {}, result.get("cumulative") or {}
    province = result.get("province") or fallback_province
    article = {
        "article_id": article_id, "url": url, "source_id": source_id, "document_id": document_id,
        "title": result.get("title"), "published": _iso_date(result.get("published")),
        "event_date": _iso_date(result.get("event_date")), "province": province,
        "legacy_province": result.get("legacy_province"), "district": result.get("district"),
        "level": result.get("level"), "has_rating_results": bool(result.get("has_rating_results")),
        **{f"batch_{k}": counts.get(k) for k in ("total", "stars_3", "stars_4", "stars_5", "subjects")},
        **{f"cumulative_{k}": cumulative.get(k) for k in ("total", "stars_3", "stars_4", "stars_5", "subjects")},
        "language": result.get("language"), "body_text": result.get("body_text"),
        "extracted_json": json.dumps({k: v for k, v in result.items() if k != "body_text"}, ensure_ascii=False,
                                     default=str),
        "parser_version": result.get("parser_version") or articles.extractor_version(),
    }
    facts = []
    for fact in result.get("facts") or []:
        value = fact.get("value")
        facts.append({
            "fact_id": stable_id("fact", article_id, fact.get("kind"), fact.get("key"), value, fact.get("stars"),
                                 fact.get("sentence")),
            "article_id": article_id, "kind": fact.get("kind"), "key": fact.get("key"),
            "value": value if isinstance(value, (int, float)) else None,
            "value_max": fact.get("value_max") if isinstance(fact.get("value_max"), (int, float)) else None,
            "stars": None if fact.get("stars") is None else str(fact.get("stars")),
            "qualifier": fact.get("qualifier"), "period": fact.get("period"), "province": province,
            "event_date": article["event_date"] or article["published"], "sentence": fact.get("sentence") or "",
            "detail_json": json.dumps(fact, ensure_ascii=False, default=str),
        })
    unique = {f["fact_id"]: f for f in facts}  # the same fact twice in one sentence is one fact
    return article, list(unique.values())


def stage_news(con: duckdb.DuckDBPyConnection, paths: Paths, sites: list[SiteSource], *, force: bool = False,
               log: Callable[[str], None] | None = None) -> NewsStagingReport:
    """Extract every article page whose latest version is not yet extracted by this extractor version."""
    by_name = {s.name: s for s in sites}
    latest = con.execute(
        """
        SELECT d.uri, d.document_id, d.source_id, d.raw_path, d.fetched_at
        FROM documents d
        WHERE d.page_kind = 'article'
          AND d.fetched_at = (SELECT max(fetched_at) FROM documents x WHERE x.uri = d.uri AND x.page_kind = 'article')
        ORDER BY d.uri
        """
    ).fetchall()
    done = dict(con.execute("SELECT url, document_id || '|' || parser_version FROM news_articles").fetchall())
    # Pages this extractor version refused already: not read again (a page over the time budget
    # would cost the budget at every build).
    refused = {d for (d,) in con.execute(
        "SELECT document_id FROM rejects WHERE stage = 'article' "
        "AND json_extract_string(raw_json, '$.parser_version') = ?", [articles.extractor_version()]).fetchall()}
    report = NewsStagingReport()
    todo = []
    version = articles.extractor_version()
    for uri, document_id, source_id, raw_path, _ in latest:
        if not force and (done.get(uri) == f"{document_id}|{version}" or document_id in refused):
            report.unchanged += 1
        else:
            todo.append((uri, document_id, source_id, raw_path))
    jobs = [_Job(str(paths.data_dir / raw_path), uri, document_id, source_id, _body_hint(by_name.get(source_id)),
                 by_name[source_id].province if source_id in by_name else None)
            for uri, document_id, source_id, raw_path in todo]
    budget = page_budget_s()
    # Read ahead: the workers go on extracting while this process writes a batch.
    extracted = read_ahead(budget_map(_extract_job, jobs, budget, memory_mb=page_memory_mb()))
    task = progress.task("extract pages", unit="pages", total=len(todo))
    for start in range(0, len(todo), WRITE_BATCH):
        batch = todo[start:start + WRITE_BATCH]
        article_batch, fact_batch, reject_batch = [], [], []
        for (uri, document_id, source_id, _), result in zip(batch, extracted, strict=False):
            if isinstance(result, Unfinished):
                result = f"page {result.reason}"  # "page took longer than 20 s"
            if isinstance(result, str):  # refused by name: the build goes on without it
                reject_batch.append(_reject(uri, document_id, source_id, result, version))
                task.advance(with_results=report.with_results)
                continue
            article, facts = result
            article_batch.append(article)
            fact_batch += facts
            report.with_results += int(article["has_rating_results"])
            task.advance(with_results=report.with_results)
        ids = [a["article_id"] for a in article_batch]
        # One transaction per batch: a build killed here leaves each batch whole or untouched.
        with transaction(con):
            delete_where_in(con, "news_facts", "article_id", ids)
            delete_where_in(con, "news_articles", "article_id", ids)
            insert_rows(con, "news_articles", article_batch)
            insert_rows(con, "news_facts", fact_batch)
            # A page read again replaces its earlier refusal, whatever the outcome now. (A refused
            # page keeps the row of an earlier version that was read: its latest bytes say nothing.)
            con.execute("DELETE FROM rejects WHERE stage = 'article' AND location IN (SELECT unnest(?))",
                        [[u for u, *_ in batch]])
            insert_frame(con, "rejects", frame_for("rejects", {r["reject_id"]: r for r in reject_batch}.values()))
        report.extracted += len(article_batch)
        report.refused += len(reject_batch)
        report.facts += len(fact_batch)
        if log:
            log(f"extracted {report.extracted} of {len(todo)} pages")
    task.finish(facts=report.facts)
    return report


def _reject(url: str, document_id: str, source_id: str, reason: str, version: str) -> dict:
    """The `rejects` row of a page refused (not a text page, outside the page bounds, over budget)."""
    return {
        "reject_id": stable_id("reject", "article", document_id, reason), "stage": "article",
        "source_id": source_id, "document_id": document_id, "location": url, "sheet": None, "row": None,
        "reason": reason, "raw_json": json.dumps({"parser_version": version}),
        "recorded_at": datetime.now(UTC).replace(tzinfo=None),
    }


def _body_hint(site: SiteSource | None) -> dict:
    """The site's article hints from its registry YAML (body, date selector and format)."""
    hints = dict(site.article or {}) if site else {}
    return {k: hints.get(k) for k in ("body_selector", "date_selector", "date_attribute", "date_format")}


@dataclass(frozen=True)
class _Job:
    """One landed page to extract, with what its rows need: its document, its site's hints and province."""

    path: str
    url: str
    document_id: str
    source_id: str
    hints: dict
    site_province: str | None


def _extract_job(job: _Job) -> tuple[dict, list[dict]] | str:
    """Extract one landed page (in a worker process), its site's hints applied, as its `news_articles`
    row and `news_facts` rows (shaped here, beside the extraction, not in the process that writes
    them); or the one-line reason it is refused (not a text page, outside the page bounds of
    news/page_text)."""
    try:
        body = Path(job.path).read_bytes()
    except OSError as exc:
        return f"landed page unreadable ({exc.strerror or exc})"
    reason = not_text_reason(body)
    if reason:
        return reason
    try:
        result = articles.extract_article(body, url=job.url, body_selector=job.hints.get("body_selector"),
                                          date_hint=job.hints)
    except PageRefused as exc:
        return exc.reason
    return article_rows(result, article_id=stable_id("article", job.url), url=job.url, source_id=job.source_id,
                        document_id=job.document_id, fallback_province=job.site_province)
