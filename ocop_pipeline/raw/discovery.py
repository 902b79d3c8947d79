"""Finding a news site's article URLs: sitemap, RSS/Atom feed, listing pages with a selector, or the
links of listing pages that look like OCOP articles.

A source names the methods to try, in order, under `discovery:` in its YAML; the first that finds
any article URL wins (the next is tried only when one finds none). Every fetch goes through the
crawler's `PoliteClient`, so robots.txt, Crawl-delay, the rate limit and the allow-list apply to
sitemaps and feeds as to pages. Every read is bounded (`raw/bounds.py`); what a bound cuts, what
is malformed and what points off the allow-list is returned in `rejects` ({url, reason}), which
the landing records as stage "discovery", and the crawl goes on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

from ocop_pipeline.raw.bounds import (
    MAX_LINKS_PER_LISTING,
    MAX_REJECTS_LISTED_PER_FEED,
    MAX_SITEMAP_DEPTH,
    MAX_SITEMAPS_PER_CRAWL,
    MAX_URLS_PER_FEED,
)
from ocop_pipeline.raw.http_client import FetchResult, PoliteClient
from ocop_pipeline.raw.links import OCOP_KEYWORDS, article_links, mentions_ocop
from ocop_pipeline.raw.site_feeds import FeedError, parse_feed

METHODS = ("sitemap", "feed", "listing", "links")
# Without a link selector a site is read from its sitemap, else its feed, else its listing links.
DEFAULT_WITHOUT_SELECTOR = ("sitemap", "feed", "links")
# With one, as before discovery existed: only the listing pages (no extra requests for such a site).
DEFAULT_WITH_SELECTOR = ("listing",)
_FEED_TYPES = ("application/rss+xml", "application/atom+xml")


@dataclass
class Discovery:
    method: str | None = None  # the method whose URLs these are (None: nothing found)
    urls: list[str] = field(default_factory=list)
    tried: dict[str, int] = field(default_factory=dict)  # method -> article URLs it found
    listing_pages: list[FetchResult] = field(default_factory=list)  # listing pages read (landed)
    feeds: list[FetchResult] = field(default_factory=list)  # sitemaps and feeds read (landed)
    failures: list[FetchResult] = field(default_factory=list)  # fetches that failed
    rejects: list[dict[str, str]] = field(default_factory=list)  # {url, reason}


class _Run:
    def __init__(self, source, client: PoliteClient, join: Callable, normalize: Callable,
                 max_pages: int | None):
        self.source = source
        self.client = client
        self.join = join
        self.normalize = normalize
        self.max_pages = max_pages
        self.allowed = set(source.allowed_hosts)
        self.keywords = tuple(source.keywords) if source.keywords is not None else OCOP_KEYWORDS
        self.out = Discovery()
        self.sitemaps_fetched = 0

    def reject(self, url: str, reason: str) -> None:
        self.out.rejects.append({"url": url, "reason": reason})

    def on_site(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in ("http", "https") and (parts.hostname or "").lower() in self.allowed

    def keep_entries(self, feed_url: str, entries, what: str) -> list[str]:
        """Entries on the allow-list and about OCOP, normalised; off-list ones rejected by name."""
        kept: list[str] = []
        off: list[str] = []
        for e in entries:
            url = self.normalize(urljoin(feed_url, e.url))
            if not self.on_site(url):
                off.append(url)
            elif mentions_ocop(e.title, urlsplit(url).path, keywords=self.keywords):
                kept.append(url)
        for url in off[:MAX_REJECTS_LISTED_PER_FEED]:
            self.reject(url, f"listed by the {what} {feed_url}, but its host is not in allowed_hosts "
                             f"({', '.join(sorted(self.allowed))}); not fetched")
        if len(off) > MAX_REJECTS_LISTED_PER_FEED:
            self.reject(feed_url, f"{len(off) - MAX_REJECTS_LISTED_PER_FEED} more URLs off the allow-list "
                                  f"in this {what}, not listed one by one; not fetched")
        return kept

    # -- sitemap ---------------------------------------------------------------------------------

    def sitemap(self) -> list[str]:
        s = self.source
        given = list(s.sitemap_urls)
        guessed = not given
        if guessed:
            given = self.client.robots_sitemaps(s.base_url) or [urljoin(s.base_url, "/sitemap.xml")]
        queue: list[tuple[str, int]] = [(self.normalize(u), 0) for u in given]
        seen: set[str] = set()
        urls: list[str] = []
        while queue:
            url, depth = queue.pop(0)
            if url in seen:
                continue
            seen.add(url)
            if self.sitemaps_fetched >= MAX_SITEMAPS_PER_CRAWL:
                rest = 1 + sum(1 for u, _ in queue if u not in seen)
                self.reject(url, f"{rest} sitemaps past the bound of {MAX_SITEMAPS_PER_CRAWL} per crawl not "
                                 f"fetched (this one first); their pages wait for a later crawl")
                break
            if not self.on_site(url):
                self.reject(url, "sitemap host is not in allowed_hosts; not fetched")
                continue
            self.sitemaps_fetched += 1
            res = self.client.fetch(url)
            if res.error:
                # A sitemap.xml we only guessed at may simply not exist: that is "none", not a failure.
                if not (guessed and depth == 0 and res.status == 404):
                    self.out.failures.append(res)
                continue
            self.out.feeds.append(res)
            try:
                feed = parse_feed(res.body)
            except FeedError as exc:
                self.reject(url, f"malformed sitemap: {exc}")
                continue
            if feed.cut:
                self.reject(url, f"{feed.cut} entries past the bound of {MAX_URLS_PER_FEED} per sitemap not read")
            if feed.kind == "sitemapindex":
                children = self.keep_children(url, feed.entries)
                if depth + 1 > MAX_SITEMAP_DEPTH:
                    self.reject(url, f"sitemap index nested deeper than {MAX_SITEMAP_DEPTH} levels: "
                                     f"its {len(children)} sitemaps not followed")
                    continue
                queue += [(c, depth + 1) for c in children]
            elif feed.kind == "urlset":
                urls += self.keep_entries(url, feed.entries, "sitemap")
            else:
                urls += self.keep_entries(url, feed.entries, f"{feed.kind} feed")
        return urls

    def keep_children(self, index_url: str, entries) -> list[str]:
        children = []
        for e in entries:
            child = self.normalize(urljoin(index_url, e.url))
            if self.on_site(child):
                children.append(child)
            else:
                self.reject(child, f"listed by the sitemap index {index_url}, but its host is not in "
                                   f"allowed_hosts; not fetched")
        return children

    # -- feed ------------------------------------------------------------------------------------

    def feed(self) -> list[str]:
        s = self.source
        feed_urls = list(s.feed_urls)
        if not feed_urls:
            home = self.client.fetch(s.base_url)
            if home.error:
                self.out.failures.append(home)
                return []
            feed_urls = self.alternate_feeds(home)
        urls: list[str] = []
        for url in feed_urls[:MAX_SITEMAPS_PER_CRAWL]:
            url = self.normalize(url)
            if not self.on_site(url):
                self.reject(url, "feed host is not in allowed_hosts; not fetched")
                continue
            res = self.client.fetch(url)
            if res.error:
                self.out.failures.append(res)
                continue
            self.out.feeds.append(res)
            try:
                feed = parse_feed(res.body)
            except FeedError as exc:
                self.reject(url, f"malformed feed: {exc}")
                continue
            if feed.kind in ("urlset", "sitemapindex"):
                self.reject(url, f"a {feed.kind} where a feed was expected; list it under sitemap_urls")
                continue
            if feed.cut:
                self.reject(url, f"{feed.cut} entries past the bound of {MAX_URLS_PER_FEED} per feed not read")
            urls += self.keep_entries(url, feed.entries, f"{feed.kind} feed")
        return urls

    def alternate_feeds(self, home: FetchResult) -> list[str]:
        """Feeds the home page announces (<link rel="alternate" type="application/rss+xml">)."""
        tree = LexborHTMLParser(home.text())
        out = []
        for node in tree.css("link[rel=alternate]"):
            kind = (node.attributes.get("type") or "").lower()
            href = node.attributes.get("href")
            if kind in _FEED_TYPES and href:
                out.append(urljoin(home.final_url, href.strip()))
        return out

    # -- listing pages ----------------------------------------------------------------------------

    def listing(self, selector: str | None) -> list[str]:
        s = self.source
        links: list[str] = []
        found: set[str] = set()
        for n, listing_url in enumerate(s.listing_pages(self.max_pages)):
            res = self.client.fetch(listing_url)
            if res.error:
                # A missing page past the first just means the listing is shorter than max_pages.
                if n > 0 and res.status == 404:
                    break
                self.out.failures.append(res)
                continue
            self.out.listing_pages.append(res)
            page = article_links(res.text(), res.final_url, self.allowed, self.join, self.normalize,
                                 keywords=self.keywords, selector=selector)
            if page.cut:
                self.reject(listing_url, f"{page.cut} links past the bound of {MAX_LINKS_PER_LISTING} per "
                                         f"listing page not read")
            new = [u for u in page.urls if u not in found]
            found.update(new)
            links += new
            if n > 0 and not new and s.pagination_pattern:
                break  # a page with nothing new: the site repeats its last page past the end
        return links


def admit(client: PoliteClient, source) -> None:
    """Put the source's hosts on the client's allow-list, at the source's politeness rate (a rate
    given explicitly to the client wins)."""
    for host in source.allowed_hosts:
        client.allow_host(host)
        if source.requests_per_second is not None:
            client.set_rate(host, source.requests_per_second)


def discover(source, client: PoliteClient, join: Callable, normalize: Callable,
             max_pages: int | None = None) -> Discovery:
    """The article URLs of `source`, by the first of its `discovery` methods that finds any.

    `join` and `normalize` are the crawler's URL rules, passed in (the crawler imports this module)."""
    admit(client, source)
    run = _Run(source, client, join, normalize, max_pages)
    for method in source.methods:
        if method == "sitemap":
            urls = run.sitemap()
        elif method == "feed":
            urls = run.feed()
        elif method == "listing":
            urls = run.listing(source.link_selector)
        else:
            urls = run.listing(None)
        unique = list(dict.fromkeys(urls))
        run.out.tried[method] = len(unique)
        if unique:
            run.out.method = method
            run.out.urls = unique
            break
    return run.out
