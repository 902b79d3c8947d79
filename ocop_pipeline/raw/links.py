"""Links on a listing page that look like OCOP articles, for sites registered without a link selector.

Same host (the source's allow-list), and an OCOP keyword in the anchor text or in the URL. Menus,
tag clouds and footers link everywhere else on the site; the keyword is what keeps a links-only
crawl to the pages the pipeline reads, at the price of an article whose title and slug both miss it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from ocop_pipeline.raw.bounds import MAX_LINKS_PER_LISTING

# Matched on text folded to ASCII lower case ("Mỗi xã một sản phẩm" -> "moi xa mot san pham"), and on
# URLs with - and _ read as spaces.
OCOP_KEYWORDS = ("ocop", "moi xa mot san pham", "san pham ocop", "mot san pham")
_SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "#", "data:")


def fold(text: str) -> str:
    """Lower case, without diacritics, đ as d, runs of non-letters as one space."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def mentions_ocop(*texts: str, keywords: tuple[str, ...] = OCOP_KEYWORDS) -> bool:
    """Whether any keyword appears, as whole words, in any of `texts` (URLs and anchors alike)."""
    if not keywords:
        return True
    folded = " " + " ".join(fold(t) for t in texts if t) + " "
    return any(f" {k} " in folded for k in keywords)


@dataclass
class PageLinks:
    urls: list[str] = field(default_factory=list)
    cut: int = 0  # anchors past MAX_LINKS_PER_LISTING, not read


def article_links(html: str, base_url: str, allowed_hosts: set[str], join, normalize,
                  keywords: tuple[str, ...] = OCOP_KEYWORDS, selector: str | None = None,
                  max_links: int = MAX_LINKS_PER_LISTING) -> PageLinks:
    """Article links of a listing page in page order, deduplicated, on-site only, at most `max_links`
    anchors read. With a `selector` the keyword test is skipped (the selector already says which
    links are articles); without one a link must mention OCOP in its text or URL.

    `join` and `normalize` are the crawler's (`_join`, `normalize_url`): one rule for both modes."""
    tree = LexborHTMLParser(html)
    out = PageLinks()
    seen: set[str] = set()
    nodes = tree.css(selector) if selector else tree.css("a[href]")
    for i, node in enumerate(nodes):
        if i >= max_links:
            out.cut = len(nodes) - max_links
            break
        href = node.attributes.get("href")
        if href is None and selector:
            inner = node.css_first("a[href]")
            href = inner.attributes.get("href") if inner is not None else None
        if not href or href.strip().lower().startswith(_SKIP_SCHEMES):
            continue
        url = normalize(join(base_url, href.strip()))
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or (parts.hostname or "") not in allowed_hosts:
            continue
        if url in seen:
            continue
        if not selector and not mentions_ocop(node.text(deep=True) or "", parts.path + " " + parts.query,
                                              keywords=keywords):
            continue
        seen.add(url)
        out.urls.append(url)
    return out
