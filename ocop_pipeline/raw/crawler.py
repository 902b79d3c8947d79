"""Crawl provincial news sites listed in the registry: listings, pagination, article pages.

Pure core: it returns what it fetched (`CrawlReport`); storing is the caller's job.

- Listing pages are never cached: they are fetched every time, without conditional headers,
  because they are what tells us something new was published.
- Article pages are detail pages, cached: one the caller fetched less than the source's
  `revalidate_after_days` ago is not requested at all (counted as fresh); an older one is fetched
  conditionally from what the caller already knows (ETag, Last-Modified, sha256). A 304, or a 200
  whose body hashes to the known sha256, is "not modified" and is not returned again; so a second
  crawl returns only new or changed articles.
- Each host is crawled by one thread, serially, within its rate limit; hosts run concurrently.
- Article URLs are normalised before deduplication (see `normalize_url`).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from selectolax.lexbor import LexborHTMLParser

from ocop_pipeline.raw.bounds import MAX_ATTACHMENTS_PER_ARTICLE, MAX_NEW_ARTICLES_PER_CRAWL, MAX_ROBOTS_BYTES
from ocop_pipeline.raw.discovery import (
    DEFAULT_WITH_SELECTOR,
    DEFAULT_WITHOUT_SELECTOR,
    METHODS,
    admit,
    discover,
)
from ocop_pipeline.raw.http_client import FetchResult, PoliteClient
from ocop_pipeline.runtime import progress
from ocop_pipeline.sources.registry import RegistryError, load_registry

# Keys a news YAML must carry for the crawler (the registry itself needs only name/kind/base_url).
# listing_urls defaults to the base URL and link_selector is optional: discovery finds the articles.
REQUIRED_NEWS_KEYS = ("name", "base_url", "allowed_hosts")
# More threads than this buys nothing on a small machine and looks like an attack from one IP.
MAX_HOST_THREADS = 64
# Recordings answered in process have no network wait to overlap: more threads only contend for the
# interpreter lock (national snapshot: 64 threads 3.3 s, 2 threads 2.3 s for the same 21,060 pages).
IN_PROCESS_THREADS = 2
# A landed article is taken as unchanged for this long without asking the site: news pages are
# rarely edited after the first days, and re-asking for 20,000 of them costs a 304 each, every build.
DEFAULT_REVALIDATE_AFTER_DAYS = 30


@dataclass(frozen=True)
class SiteSource:
    """One news site from `sources/news_*.yaml`."""

    name: str
    base_url: str
    allowed_hosts: tuple[str, ...]
    listing_urls: tuple[str, ...]
    link_selector: str | None
    pagination_pattern: str | None = None  # full URL with {page} or {start}; page 1 is the listing URL
    max_pages: int = 1
    per_page: int = 1  # items a page, for {start} = (page - 1) * per_page (Joomla's ?start=)
    requests_per_second: float | None = None
    expected_articles: tuple[int, int] | None = None
    revalidate_after_days: int = DEFAULT_REVALIDATE_AFTER_DAYS  # 0: ask about every known article
    title: str | None = None
    publisher: str | None = None
    province: str | None = None
    district: str | None = None
    article: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)
    snapshot: str | None = None
    yaml_path: Path | None = None
    # Discovery (raw/discovery.py): the methods tried in order; None = the default for the selector.
    discovery: tuple[str, ...] | None = None
    sitemap_urls: tuple[str, ...] = ()  # empty: robots.txt Sitemap: lines, else /sitemap.xml
    feed_urls: tuple[str, ...] = ()  # empty: the feeds the home page announces
    keywords: tuple[str, ...] | None = None  # for sitemap/feed/links URLs; None = links.OCOP_KEYWORDS
    attachments: bool = True  # land the PDF attachments an article links to

    @property
    def methods(self) -> tuple[str, ...]:
        if self.discovery:
            return self.discovery
        return DEFAULT_WITH_SELECTOR if self.link_selector else DEFAULT_WITHOUT_SELECTOR

    @property
    def host(self) -> str:
        return (urlsplit(self.base_url).hostname or "").lower()

    def listing_pages(self, max_pages: int | None = None) -> list[str]:
        """Listing URLs in crawl order: each listing URL, then pages 2..max_pages of the pattern."""
        limit = self.max_pages if max_pages is None else min(self.max_pages, max_pages)
        urls = list(self.listing_urls)
        if self.pagination_pattern:
            urls += [
                self.pagination_pattern.format(page=n, start=(n - 1) * self.per_page)
                for n in range(2, limit + 1)
            ]
        return urls


@dataclass
class CrawledPage:
    source: str
    kind: str  # listing | feed (a sitemap or RSS/Atom feed) | article | attachment (a PDF)
    result: FetchResult


@dataclass
class SourceStats:
    listing_pages: int = 0
    articles_found: int = 0  # distinct article URLs linked from the listings
    articles_fetched: int = 0  # new or changed, returned in `pages`
    articles_not_modified: int = 0
    articles_fresh: int = 0  # known and fetched within revalidate_after_days: not requested
    failures: int = 0
    discovery: str | None = None  # the method that found the article URLs
    attachments: int = 0  # PDF attachments fetched


@dataclass
class CrawlReport:
    pages: list[CrawledPage] = field(default_factory=list)
    not_modified: int = 0
    fresh: int = 0  # known article pages not requested, their last fetch within the window
    # Article URL -> when the site confirmed it unchanged (304 or the known sha256): a fetch all the
    # same, which the caller records so the page is fresh again for another window.
    revalidated: dict[str, datetime] = field(default_factory=dict)
    failures: list[dict[str, str]] = field(default_factory=list)  # {url, source, error}
    per_source: dict[str, SourceStats] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    # What discovery cut, refused or could not read: {url, source, reason} (rejects, stage "discovery").
    discovery_rejects: list[dict[str, str]] = field(default_factory=list)

    def articles(self) -> list[CrawledPage]:
        return [p for p in self.pages if p.kind == "article"]


# A URL already in normal form (lower-case http(s) scheme and host, no port, user or fragment, a
# path, no empty query): what every stored URL looks like, so a crawl that starts by normalising the
# 40,000 URLs it knows skips the parsing for them (0.8 s on the national corpus).
_NORMAL_URL = re.compile(r"https?://[a-z0-9.\-]+/[^\s#?]*(?:\?[^\s#]+)?")


def normalize_url(url: str) -> str:
    """The form used to deduplicate: fragment dropped, scheme and host lower-cased, default port
    dropped, empty path made '/'. The query is kept as is (order matters to some portals' CMS)
    and the path is not otherwise touched (a trailing slash can be a different page)."""
    if _NORMAL_URL.fullmatch(url):
        return url
    p = urlsplit(url.strip())
    scheme = p.scheme.lower()
    host = (p.hostname or "").lower()
    port = p.port
    netloc = host if port is None or (scheme, port) in (("http", 80), ("https", 443)) else f"{host}:{port}"
    return urlunsplit((scheme, netloc, p.path or "/", p.query, ""))


# A path from the site's root that urljoin would take as it is: no "//" (another host), no dot
# segments (checked apart), no ";" (urljoin reads it as parameters) and no whitespace, control
# characters or backslashes (which it strips or treats apart).
_ROOT_PATH = re.compile(r"/(?!/)[^\x00-\x20;\\]*")


def _join(base_url: str, href: str) -> str:
    """`urljoin(base_url, href)`, without parsing for the usual link of a listing: a path from the
    site's root ("/tin-tuc/a-123.htm") on a page whose URL is in normal form (half the crawl's time on
    the national corpus was urljoin)."""
    if _ROOT_PATH.fullmatch(href) and "/." not in href and _NORMAL_URL.fullmatch(base_url):
        return base_url[:base_url.index("/", base_url.index("//") + 2)] + href
    return urljoin(base_url, href)


def extract_links(html: str, base_url: str, selector: str, allowed_hosts: set[str]) -> list[str]:
    """Absolute, normalised links matched by `selector`, in page order, deduplicated, on-site only."""
    tree = LexborHTMLParser(html)
    out: list[str] = []
    seen: set[str] = set()
    for node in tree.css(selector):
        href = node.attributes.get("href")
        if href is None:
            inner = node.css_first("a[href]")
            href = inner.attributes.get("href") if inner is not None else None
        if not href or href.strip().lower().startswith(("javascript:", "mailto:", "tel:", "#")):
            continue
        url = normalize_url(_join(base_url, href.strip()))
        if _NORMAL_URL.fullmatch(url):  # http(s), and the host is what stands between // and /
            host = url.split("/", 3)[2]
        else:
            parts = urlsplit(url)
            host = (parts.hostname or "") if parts.scheme in ("http", "https") else ""
        if host not in allowed_hosts:
            continue
        if url not in seen:
            seen.add(url)
            out.append(url)
    return out


def pdf_links(html: str, base_url: str, allowed_hosts: set[str]) -> list[str]:
    """Links to PDF documents (".pdf" path or type="application/pdf"), on-site, in page order."""
    out: list[str] = []
    if "pdf" not in html.lower():
        return out  # most pages link none: parsing the whole page to find that was a quarter of a crawl
    for node in LexborHTMLParser(html).css("a[href]"):
        href = (node.attributes.get("href") or "").strip()
        typ = (node.attributes.get("type") or "").lower()
        if not href or not (urlsplit(href).path.lower().endswith(".pdf") or typ == "application/pdf"):
            continue
        url = normalize_url(_join(base_url, href))
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and (parts.hostname or "") in allowed_hosts and url not in out:
            out.append(url)
    return out


# -- registry ----------------------------------------------------------------------------------


def _site_source(data: Mapping[str, Any], yaml_path: Path) -> SiteSource:
    missing = [k for k in REQUIRED_NEWS_KEYS if not data.get(k)]
    if missing:
        raise RegistryError(f"{yaml_path}: missing required key(s) for a news source: {', '.join(missing)}")

    def strings(key: str, default: Any = None) -> tuple[str, ...]:
        value = data.get(key, default)
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise RegistryError(f"{yaml_path}: {key} must be a list of strings, got {value!r}")
        return tuple(value)

    pagination = data.get("pagination") or {}
    if not isinstance(pagination, dict):
        raise RegistryError(f"{yaml_path}: pagination must be a mapping with pattern and max_pages")
    pattern = pagination.get("pattern")
    if pattern is not None and "{page}" not in str(pattern) and "{start}" not in str(pattern):
        raise RegistryError(
            f"{yaml_path}: pagination.pattern must contain {{page}} or {{start}}, got {pattern!r}"
        )
    per_page = pagination.get("per_page", 1)
    if not isinstance(per_page, int) or per_page < 1:
        raise RegistryError(f"{yaml_path}: pagination.per_page must be a positive integer, got {per_page!r}")
    max_pages = pagination.get("max_pages", 1)
    if not isinstance(max_pages, int) or max_pages < 1:
        raise RegistryError(
            f"{yaml_path}: pagination.max_pages must be a positive integer, got {max_pages!r}"
        )
    politeness = data.get("politeness") or {}
    revalidate = politeness.get("revalidate_after_days", data.get("revalidate_after_days",
                                                                   DEFAULT_REVALIDATE_AFTER_DAYS))
    if not isinstance(revalidate, int) or isinstance(revalidate, bool) or revalidate < 0:
        raise RegistryError(f"{yaml_path}: revalidate_after_days must be an integer >= 0, got {revalidate!r}")
    rps = politeness.get("requests_per_second")
    if rps is not None and (not isinstance(rps, (int, float)) or rps <= 0):
        raise RegistryError(f"{yaml_path}: politeness.requests_per_second must be > 0, got {rps!r}")
    if politeness.get("max_concurrency", 1) != 1:
        raise RegistryError(f"{yaml_path}: politeness.max_concurrency other than 1 is not supported")
    band = data.get("expected_articles")
    if band is not None and not (
        isinstance(band, list)
        and len(band) == 2
        and all(isinstance(v, int) for v in band)
        and band[0] <= band[1]
    ):
        raise RegistryError(f"{yaml_path}: expected_articles must be [min, max], got {band!r}")
    article = data.get("article") or {}
    if not isinstance(article, dict):
        raise RegistryError(f"{yaml_path}: article must be a mapping of selector hints")
    hosts = tuple(h.lower() for h in strings("allowed_hosts"))
    selector = data.get("link_selector")
    if selector is not None and (not isinstance(selector, str) or not selector.strip()):
        raise RegistryError(f"{yaml_path}: link_selector must be a CSS selector (a string), got {selector!r}")
    methods = strings("discovery") or None
    if methods:
        unknown = [m for m in methods if m not in METHODS]
        if unknown:
            raise RegistryError(f"{yaml_path}: discovery: unknown method(s) {', '.join(unknown)} "
                                f"(one of {', '.join(METHODS)})")
        if "listing" in methods and not selector:
            raise RegistryError(f"{yaml_path}: discovery: 'listing' needs a link_selector (or use 'links')")
    keywords = data.get("keywords")
    if keywords is not None:
        keywords = strings("keywords")
    attachments = data.get("attachments", True)
    if not isinstance(attachments, bool):
        raise RegistryError(f"{yaml_path}: attachments must be true or false, got {attachments!r}")
    base_host = (urlsplit(str(data["base_url"])).hostname or "").lower()
    if base_host not in hosts:
        raise RegistryError(f"{yaml_path}: base_url host {base_host!r} is not in allowed_hosts")
    return SiteSource(
        name=str(data["name"]),
        base_url=str(data["base_url"]),
        allowed_hosts=hosts,
        listing_urls=strings("listing_urls") or (str(data["base_url"]),),
        link_selector=selector,
        pagination_pattern=str(pattern) if pattern else None,
        max_pages=max_pages,
        per_page=per_page,
        requests_per_second=float(rps) if rps is not None else None,
        expected_articles=(band[0], band[1]) if band else None,
        revalidate_after_days=revalidate,
        title=data.get("title"),
        publisher=data.get("publisher"),
        province=data.get("province"),
        district=data.get("district"),
        article=article,
        snapshot=data.get("snapshot"),
        yaml_path=yaml_path,
        discovery=methods,
        sitemap_urls=strings("sitemap_urls"),
        feed_urls=strings("feed_urls"),
        keywords=tuple(k.lower() for k in keywords) if keywords is not None else None,
        attachments=attachments,
    )


def load_site_sources(sources_dir: str | Path, errors: list[RegistryError] | None = None) -> list[SiteSource]:
    """Every `kind: news` YAML in `sources_dir`, sorted by name. Errors name the YAML file.

    The first unusable file raises; given an `errors` list, unusable files are appended there and left out."""
    out: list[SiteSource] = []
    for s in load_registry(Path(sources_dir), kind="news", errors=errors):
        try:
            out.append(_site_source(s.config, s.yaml_path))
        except RegistryError as exc:
            if errors is None:
                raise
            errors.append(exc)
    return out


# -- crawling ----------------------------------------------------------------------------------


def _utc(moment: datetime) -> datetime:
    """Aware UTC; a naive datetime is taken as UTC (how the documents table stores fetched_at)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class _Crawl:
    def __init__(self, client: PoliteClient, known: Mapping[str, tuple[str | None, str | None, str | None]],
                 last_fetched: Mapping[str, datetime], now: datetime):
        self.client = client
        self.known = {normalize_url(k): v for k, v in known.items()}
        self.last_fetched = {normalize_url(k): _utc(v) for k, v in last_fetched.items()}
        self.now = _utc(now)
        self.report = CrawlReport()
        self.lock = threading.Lock()
        self.claimed: set[str] = set()  # article URLs some thread has taken, across all sources
        # Article links found so far are the total: it grows as each site's listing pages are read.
        self.task = progress.task("crawl", unit="article links", total=0)

    def claim(self, url: str) -> bool:
        with self.lock:
            if url in self.claimed:
                return False
            self.claimed.add(url)
            return True

    def fresh(self, url: str, source: SiteSource) -> bool:
        """Fetched by the caller less than the source's revalidate_after_days ago (never when 0)."""
        last = self.last_fetched.get(url)
        days = source.revalidate_after_days
        return days > 0 and last is not None and self.now - last < timedelta(days=days)

    def fail(self, source: SiteSource, res: FetchResult, stats: SourceStats) -> None:
        stats.failures += 1
        with self.lock:
            self.report.failures.append({"url": res.url, "source": source.name, "error": res.error or ""})

    def discovery_reject(self, source: SiteSource, rejects: list[dict[str, str]]) -> None:
        with self.lock:
            self.report.discovery_rejects += [{**r, "source": source.name} for r in rejects]

    def attachments(self, source: SiteSource, article: FetchResult, stats: SourceStats) -> list[CrawledPage]:
        """The PDF documents an article links to, fetched and kept as they are (never read as HTML)."""
        out: list[CrawledPage] = []
        for url in pdf_links(article.text(), article.final_url, set(source.allowed_hosts))[:MAX_ATTACHMENTS_PER_ARTICLE]:
            if not self.claim(url):
                continue
            res = self.client.fetch(url)
            if res.error:
                self.fail(source, res, stats)
                continue
            ctype = (res.headers.get("content-type") or "").split(";")[0].strip().lower()
            if res.body[:5] != b"%PDF-":
                self.discovery_reject(source, [{"url": url, "reason": (
                    f"linked as a PDF attachment from {article.url}, but the body is not a PDF "
                    f"(Content-Type {ctype or 'none'}, first bytes {res.body[:8]!r}); not landed")}])
                continue
            stats.attachments += 1
            out.append(CrawledPage(source.name, "attachment", res))
        return out

    def crawl_host(self, sources: list[SiteSource], max_pages: int | None) -> list[CrawledPage]:
        pages: list[CrawledPage] = []
        for source in sources:
            pages += self.crawl_source(source, max_pages)
        return pages

    def crawl_source(self, source: SiteSource, max_pages: int | None) -> list[CrawledPage]:
        stats = SourceStats()
        with self.lock:
            self.report.per_source[source.name] = stats
        pages: list[CrawledPage] = []
        found = discover(source, self.client, _join, normalize_url, max_pages)
        stats.discovery = found.method
        for res in found.failures:
            self.fail(source, res, stats)
        for res in found.listing_pages:
            stats.listing_pages += 1
            self.task.count(listing_pages=1)
            pages.append(CrawledPage(source.name, "listing", res))
        pages += [CrawledPage(source.name, "feed", res) for res in found.feeds]
        self.discovery_reject(source, found.rejects)
        cut = self.client.robots_cut.get(source.host)
        if cut:
            self.discovery_reject(source, [{"url": f"{source.base_url.rstrip('/')}/robots.txt",
                                            "reason": f"robots.txt of {cut} bytes: read only its first "
                                                      f"{MAX_ROBOTS_BYTES} bytes"}])
        links = found.urls
        stats.articles_found = len(links)
        self.task.add_total(len(links))
        new_fetched = 0
        for i, url in enumerate(links):
            if url not in self.known and not self.fresh(url, source):
                if new_fetched >= MAX_NEW_ARTICLES_PER_CRAWL:
                    left = sum(1 for u in links[i:] if u not in self.known)
                    self.discovery_reject(source, [{"url": url, "reason": (
                        f"{left} new article URLs past the bound of {MAX_NEW_ARTICLES_PER_CRAWL} per crawl "
                        f"not fetched (this one first); the next crawl takes them")}])
                    self.task.advance(len(links) - i)
                    break
                new_fetched += 1
            if not self.claim(url):
                self.task.advance()
                continue  # another source (or listing) already took it in this crawl
            if self.fresh(url, source):
                stats.articles_fresh += 1
                self.task.advance()
                continue
            etag, last_modified, sha = self.known.get(url, (None, None, None))
            res = self.client.fetch(url, etag=etag, last_modified=last_modified)
            if res.error:
                self.fail(source, res, stats)
                self.task.count(failed=1)
            elif res.not_modified or (sha and res.sha256 == sha):
                stats.articles_not_modified += 1
                self.task.count(unchanged=1)
                with self.lock:
                    self.report.revalidated[url] = res.fetched_at
            else:
                stats.articles_fetched += 1
                self.task.count(fetched=1)
                pages.append(CrawledPage(source.name, "article", res))
                if source.attachments:
                    pages += self.attachments(source, res, stats)
            self.task.advance()
        band = source.expected_articles
        if band and not band[0] <= stats.articles_found <= band[1]:
            where = source.yaml_path or source.name
            with self.lock:
                self.report.warnings.append(
                    f"{source.name}: {stats.articles_found} article links found, outside the expected "
                    f"band [{band[0]}, {band[1]}] ({where}); the site may have changed its layout"
                )
        return pages


def crawl(
    sources: list[SiteSource],
    client: PoliteClient,
    known: Mapping[str, tuple[str | None, str | None, str | None]] | None = None,
    max_pages_per_site: int | None = None,
    last_fetched: Mapping[str, datetime] | None = None,
    now: datetime | None = None,
) -> CrawlReport:
    """Crawl `sources` with `client`; `known` maps article URL -> (etag, last_modified, sha256).

    `last_fetched` maps article URL -> when the caller last fetched it (naive means UTC): a page
    fetched less than its source's `revalidate_after_days` before `now` (default: the clock) is
    not requested, and counts in `fresh`. Without `last_fetched` every known page is revalidated.

    Each source's allowed hosts are added to the client's allow-list and its politeness rate set
    for its hosts (a rate given explicitly to the client wins). Never raises for network trouble.
    """
    run = _Crawl(client, known or {}, last_fetched or {}, now or datetime.now(UTC))
    by_host: dict[str, list[SiteSource]] = {}
    for source in sources:
        admit(client, source)
        by_host.setdefault(source.host, []).append(source)
    if by_host:
        threads = IN_PROCESS_THREADS if client.in_process else MAX_HOST_THREADS
        with ThreadPoolExecutor(max_workers=min(threads, len(by_host))) as pool:
            futures = [pool.submit(run.crawl_host, group, max_pages_per_site) for group in by_host.values()]
            for future in futures:
                run.report.pages += future.result()
    run.task.finish()
    report = run.report
    report.not_modified = sum(s.articles_not_modified for s in report.per_source.values())
    report.fresh = sum(s.articles_fresh for s in report.per_source.values())
    # Deterministic order whatever the thread timing: by source, listings first, then URL.
    order = {s.name: i for i, s in enumerate(sources)}
    report.pages.sort(key=lambda p: (order.get(p.source, 0), p.kind not in ("listing", "feed"), p.result.url))
    report.failures.sort(key=lambda f: (order.get(f["source"], 0), f["url"]))
    report.discovery_rejects.sort(key=lambda f: (order.get(f["source"], 0), f["url"], f["reason"]))
    report.warnings.sort()
    return report
