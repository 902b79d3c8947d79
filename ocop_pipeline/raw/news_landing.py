"""Provincial news, landed: crawl the registry's sites and keep every page, content-addressed.

Offline by default: the bundled recordings in `sources/snapshot/sites/` are crawled with the very
client a live crawl uses (allow-list, robots.txt, redirect checks, validators, body cap, charset),
the recordings answering in process (`RecordedTransport`) instead of over a socket. With
`over_http` they are served on 127.0.0.1 by `SnapshotServer` instead and the client's connections
go there while URLs and Host headers stay the real ones. The live crawl differs only in where
connections go and in politeness.

Landing is incremental: listing pages are fetched every time; an article page landed or confirmed
unchanged less than its site's `revalidate_after_days` ago is not requested at all; an older one
is fetched conditionally from its validators (ETag / Last-Modified) and costs a 304; new bytes
become a new document, content-addressed. Extracting the pages is `news.staging`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from ocop_pipeline.raw.crawler import CrawlReport, SiteSource, crawl, load_site_sources
from ocop_pipeline.raw.http_client import FetchResult, PoliteClient
from ocop_pipeline.raw.source_rejects import record_source_rejects, source_errors
from ocop_pipeline.settings import Paths
from ocop_pipeline.storage.ids import stable_id
from ocop_pipeline.storage.schema import PAGE_CHECKS
from ocop_pipeline.storage.store import ensure_tables, frame_for, insert_frame, insert_rows
from ocop_pipeline.storage.transactions import transaction

# Loopback serves the recordings: no remote host to be polite to, so the bound is the machine's.
SNAPSHOT_RATE = 200.0


@dataclass
class NewsLandingReport:
    listing_pages: int = 0
    articles_fetched: int = 0
    new_documents: int = 0
    not_modified: int = 0
    fresh: int = 0  # known article pages not requested: last fetched within the site's window
    failures: list[str] = field(default_factory=list)
    discovery_rejects: list[str] = field(default_factory=list)  # "url: reason", stage "discovery"
    attachments: int = 0
    warnings: list[str] = field(default_factory=list)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _serve_recordings(root: str, conn: object) -> None:
    """Serve `root` until told to stop (or until the parent goes away): the body of the server process."""
    from ocop_pipeline.raw.replay import SnapshotServer

    with SnapshotServer(root) as server:
        conn.send(server.port)  # type: ignore[attr-defined]
        try:
            conn.recv()  # type: ignore[attr-defined]
        except EOFError:
            pass


@contextmanager
def snapshot_client(paths: Paths, sites: list[SiteSource], over_http: bool = False) -> Iterator[PoliteClient]:
    """A client whose every allowed host is answered by the recordings.

    In process by default: on 2 cores an HTTP round trip over loopback (request building, a server
    thread, parsing the response) cost more CPU than extracting the page, and the national snapshot
    has 21,000 pages. `over_http`: served on 127.0.0.1 by a `SnapshotServer` in a process of its own
    (in this one it would share the interpreter lock with the crawling threads)."""
    root = paths.sources_dir / "snapshot" / "sites"
    hosts = sorted({h for s in sites for h in s.allowed_hosts})
    if not over_http:
        from ocop_pipeline.raw.replay import RecordedTransport

        # No remote host stands behind the recordings: no pause between requests.
        client = PoliteClient(hosts, transport=RecordedTransport(root), rates={h: float("inf") for h in hosts},
                              backoff_base=0.1)
        try:
            yield client
        finally:
            client.close()
        return

    import multiprocessing

    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe()
    server = context.Process(target=_serve_recordings, args=(str(root), child),
                             name="ocop-snapshot-server", daemon=True)
    server.start()
    child.close()
    client = None
    try:
        if not parent.poll(30):
            raise RuntimeError("the snapshot server did not start within 30 s")
        base = f"http://127.0.0.1:{parent.recv()}"
        client = PoliteClient(hosts, host_map={h: base for h in hosts},
                              rates={h: SNAPSHOT_RATE for h in hosts}, timeout=(2.0, 10.0), backoff_base=0.1)
        yield client
    finally:
        if client is not None:
            client.close()
        try:
            parent.send("stop")
        except OSError:
            pass
        server.join(10)
        if server.is_alive():
            server.terminate()
            server.join(5)
        parent.close()


def live_client(sites: list[SiteSource]) -> PoliteClient:
    """A client for the real sites: each host at its registry politeness (1 request/s by default)."""
    return PoliteClient(sorted({h for s in sites for h in s.allowed_hosts}))


def _known_validators(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str | None, str | None, str | None]]:
    """URL -> (etag, last_modified, sha256) of the latest version of each article page landed."""
    rows = con.execute(
        "SELECT uri, arg_max(etag, fetched_at), arg_max(last_modified, fetched_at), arg_max(sha256, fetched_at) "
        "FROM documents WHERE page_kind = 'article' GROUP BY uri"
    ).fetchall()
    return {uri: (etag, last_modified, sha) for uri, etag, last_modified, sha in rows}


# `_page_checks`: when each article URL was last fetched without giving a new document (a 304, or bytes already
# landed): with documents.fetched_at, the age `revalidate_after_days` is measured from. Without it a
# page older than the window would be asked about at every build, since a 304 lands nothing.
def _last_fetched(con: duckdb.DuckDBPyConnection) -> dict[str, datetime]:
    """URL -> when each article page was last fetched (landed or confirmed unchanged), naive UTC."""
    ensure_tables(con, [PAGE_CHECKS])
    rows = con.execute(
        "SELECT uri, max(t) FROM (SELECT uri, fetched_at AS t FROM documents WHERE page_kind = 'article' "
        "UNION ALL SELECT uri, checked_at AS t FROM _page_checks) GROUP BY uri"
    ).fetchall()
    return {uri: t for uri, t in rows if t is not None}


def _record_checks(con: duckdb.DuckDBPyConnection, checks: dict[str, datetime]) -> None:
    if not checks:
        return
    uris = sorted(checks)
    times = [checks[u].astimezone(UTC).replace(tzinfo=None) if checks[u].tzinfo else checks[u] for u in uris]
    con.execute("DELETE FROM _page_checks WHERE uri IN (SELECT unnest(?))", [uris])
    con.execute("INSERT INTO _page_checks (uri, checked_at) SELECT unnest(?), unnest(?)", [uris, times])


# What each page kind is kept as: the extension of its raw file and its documents.media_type.
_KEPT_AS = {"attachment": ("pdf", "pdf"), "feed": ("xml", "xml")}


def _land_page(result: FetchResult, source_id: str, kind: str, data_dir: Path) -> dict:
    suffix, media_type = _KEPT_AS.get(kind, ("html", "html"))
    relative = f"raw/{result.sha256[:2]}/{result.sha256}.{suffix}"
    target = os.path.join(data_dir, relative)
    try:
        kept = os.path.getsize(target) == len(result.body)
    except OSError:
        kept = False
    if not kept:
        # Written in place, not aside and renamed (a rename per page cost 3x the write): a build killed
        # mid-write leaves a short file under the hash, which no document names yet (documents are
        # inserted after every page is written) and whose size the next landing finds wrong.
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as f:
            f.write(result.body)
    return {
        "document_id": result.sha256, "source_id": source_id, "uri": result.url,
        "file_name": result.url.rsplit("/", 1)[-1] or result.url, "media_type": media_type,
        "size_bytes": len(result.body), "sha256": result.sha256, "http_status": result.status,
        "fetched_at": result.fetched_at.astimezone(UTC).replace(tzinfo=None), "raw_path": relative,
        "parser_version": None, "page_kind": kind, "etag": result.headers.get("ETag") or result.headers.get("etag"),
        "last_modified": result.headers.get("Last-Modified") or result.headers.get("last-modified"),
        "encoding": result.encoding,
    }


def land_news(con: duckdb.DuckDBPyConnection, paths: Paths, client: PoliteClient, sites: list[SiteSource],
              max_pages_per_site: int | None = None, now: datetime | None = None) -> NewsLandingReport:
    """Crawl `sites` and land what is new: pages as documents, failures as rejects.

    Article pages fetched less than their site's `revalidate_after_days` before `now` (default:
    the clock) are not requested."""
    report: CrawlReport = crawl(sites, client, known=_known_validators(con), max_pages_per_site=max_pages_per_site,
                                last_fetched=_last_fetched(con), now=now)
    out = NewsLandingReport(not_modified=report.not_modified, fresh=report.fresh, warnings=list(report.warnings))
    existing = {r[0] for r in con.execute("SELECT document_id FROM documents WHERE http_status IS NOT NULL").fetchall()}
    documents: dict[str, dict] = {}
    checks = dict(report.revalidated)
    for page in report.pages:
        if page.kind == "listing":
            out.listing_pages += 1
        elif page.kind == "attachment":
            out.attachments += 1
        elif page.kind == "article":
            out.articles_fetched += 1
        if page.result.sha256 not in existing:
            documents.setdefault(page.result.sha256, _land_page(page.result, page.source, page.kind, paths.data_dir))
        elif page.kind == "article":
            checks[page.result.url] = page.result.fetched_at  # bytes already kept: no new fetched_at
    rejects = [
        {
            "reject_id": stable_id("reject", "fetch", f["url"], f["error"]), "stage": "fetch",
            "source_id": f["source"], "document_id": None, "location": f["url"], "sheet": None, "row": None,
            "reason": f["error"], "raw_json": None, "recorded_at": _now(),
        }
        for f in report.failures
    ] + [
        {
            "reject_id": stable_id("reject", "discovery", f["url"], f["reason"]), "stage": "discovery",
            "source_id": f["source"], "document_id": None, "location": f["url"], "sheet": None, "row": None,
            "reason": f["reason"], "raw_json": None, "recorded_at": _now(),
        }
        for f in report.discovery_rejects
    ]
    out.discovery_rejects = [f"{f['url']}: {f['reason']}" for f in report.discovery_rejects]
    out.failures = [f"{f['url']}: {f['error']}" for f in report.failures]
    with transaction(con):
        insert_rows(con, "documents", list(documents.values()))
        # Fetch failures describe the latest crawl only: an earlier failure that now succeeds is gone.
        con.execute("DELETE FROM rejects WHERE stage IN ('fetch', 'discovery')")
        insert_frame(con, "rejects", frame_for("rejects", {r["reject_id"]: r for r in rejects}.values()))
        _record_checks(con, checks)
    out.new_documents = len(documents)
    record_source_rejects(con, source_errors(paths.sources_dir))
    return out


def load_sites(paths: Paths) -> list[SiteSource]:
    """The usable news sources; an unusable YAML is left out (recorded by `land_news`, stage "source")."""
    return load_site_sources(paths.sources_dir, errors=[])
