"""Sitemaps (urlset and sitemap index), RSS 2.0 and Atom feeds, read safely and within bounds.

The XML comes from sites we do not control, so it is parsed by defusedxml: a DTD (the door to entity
expansion bombs and external entities) is refused outright, and nothing is fetched. Entries past
`max_urls` are counted, not kept, so a caller can record the cut. Anything that is not one of the
four formats raises `FeedError` with the reason; the caller names the URL.
"""

from __future__ import annotations

import gzip
import zlib
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from ocop_pipeline.raw.bounds import MAX_URLS_PER_FEED

FEED_KINDS = ("urlset", "sitemapindex", "rss", "atom")
# A gzipped sitemap is decompressed to at most this: the size cap of the fetch, not of the bomb inside.
MAX_DECOMPRESSED_BYTES = 50 * 1024 * 1024


class FeedError(ValueError):
    """Not a sitemap or feed we can read; the message says why."""


@dataclass
class FeedEntry:
    url: str
    title: str = ""


@dataclass
class Feed:
    kind: str  # one of FEED_KINDS; "sitemapindex" entries are sitemaps, the others pages
    entries: list[FeedEntry] = field(default_factory=list)
    cut: int = 0  # entries past max_urls, not read


def _local(tag: object) -> str:
    """The tag without its namespace ("{http://www.sitemaps.org/...}loc" -> "loc")."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child_text(node: Element, name: str) -> str:
    for child in node:
        if _local(child.tag) == name:
            return (child.text or "").strip()
    return ""


def _gunzip(body: bytes) -> bytes:
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = d.decompress(body, MAX_DECOMPRESSED_BYTES)
    except zlib.error as exc:
        raise FeedError(f"gzip data is corrupt ({exc})") from None
    if d.unconsumed_tail:
        raise FeedError(f"gzip data expands past {MAX_DECOMPRESSED_BYTES} bytes")
    return out


def parse_feed(body: bytes, max_urls: int = MAX_URLS_PER_FEED) -> Feed:
    """The entries of a sitemap, sitemap index, RSS or Atom document, at most `max_urls` of them."""
    if body[:2] == b"\x1f\x8b":
        body = _gunzip(body)
    if not body.strip():
        raise FeedError("empty body")
    try:
        root = fromstring(body, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise FeedError(f"refused XML ({exc.__class__.__name__}: a DTD or entity declaration)") from None
    except (ParseError, gzip.BadGzipFile, ValueError) as exc:
        raise FeedError(f"not well-formed XML ({exc})") from None
    root_name = _local(root.tag)
    if root_name in ("urlset", "sitemapindex"):
        item_name, kind = ("url", "urlset") if root_name == "urlset" else ("sitemap", "sitemapindex")
        items = (n for n in root if _local(n.tag) == item_name)
        pick = lambda n: FeedEntry(_child_text(n, "loc"))
    elif root_name == "rss":
        channel = next((n for n in root if _local(n.tag) == "channel"), None)
        if channel is None:
            raise FeedError("RSS without a <channel>")
        kind = "rss"
        items = (n for n in channel if _local(n.tag) == "item")
        pick = lambda n: FeedEntry(_child_text(n, "link"), _child_text(n, "title"))
    elif root_name == "feed":
        kind = "atom"
        items = (n for n in root if _local(n.tag) == "entry")
        pick = _atom_entry
    else:
        raise FeedError(f"root element <{root_name}> is not urlset, sitemapindex, rss or feed")
    feed = Feed(kind)
    for node in items:
        if len(feed.entries) >= max_urls:
            feed.cut += 1
            continue
        entry = pick(node)
        if entry.url:
            feed.entries.append(entry)
    return feed


def _atom_entry(node: Element) -> FeedEntry:
    href = ""
    for child in node:
        if _local(child.tag) == "link" and child.get("rel", "alternate") == "alternate":
            href = (child.get("href") or "").strip()
            break
    return FeedEntry(href, _child_text(node, "title"))
