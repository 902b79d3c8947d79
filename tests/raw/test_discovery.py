"""Discovery (sitemaps, feeds, links) and its bounds, against a real HTTP server on 127.0.0.1.

Every hostile input of issue 14/15 is served for real: a malformed sitemap, a feed pointing off the
allow-list, a sitemap index of 50,000 sitemaps, a listing of 100,000 links, a robots.txt of megabytes.
Time bounds are generous multiples (the machine is shared), never tight.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from ocop_pipeline.raw.bounds import (
    MAX_LINKS_PER_LISTING,
    MAX_NEW_ARTICLES_PER_CRAWL,
    MAX_ROBOTS_BYTES,
    MAX_SITEMAPS_PER_CRAWL,
    MAX_URLS_PER_FEED,
)
from ocop_pipeline.raw.crawler import SiteSource, _join, crawl, normalize_url, pdf_links
from ocop_pipeline.raw.discovery import discover
from ocop_pipeline.raw.news_landing import land_news
from ocop_pipeline.raw.replay import SnapshotServer
from ocop_pipeline.settings import Paths
from ocop_pipeline.storage.store import connect, ensure_schema
from tests.support.sites import client_for

HOST = "tinh.test"
SM = "http://www.sitemaps.org/schemas/sitemap/0.9"
PAGE = '<html><head><meta charset="utf-8"></head><body><h1>{title}</h1><p>{text}</p></body></html>'


def site(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, body in files.items():
        f = root / HOST / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_bytes(body if isinstance(body, bytes) else body.encode("utf-8"))
    return root


def source(**kw) -> SiteSource:
    opts = {"name": "news_tinh_test", "base_url": f"https://{HOST}/", "allowed_hosts": (HOST,),
                "listing_urls": (f"https://{HOST}/tin/",), "link_selector": None}
    opts.update(kw)
    return SiteSource(**opts)


def urlset(paths: list[str]) -> str:
    locs = "".join(f"<url><loc>https://{HOST}{p}</loc></url>" for p in paths)
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="{SM}">{locs}</urlset>'


def run_discover(root: Path, src: SiteSource, **client_kw):
    with SnapshotServer(root) as srv:
        client = client_for(srv, [HOST], **client_kw)
        try:
            t0 = time.monotonic()
            found = discover(src, client, _join, normalize_url)
            return found, time.monotonic() - t0, list(srv.requests), client
        finally:
            client.close()


def test_sitemap_from_robots_keeps_ocop_pages_and_crawls_them(tmp_path: Path) -> None:
    root = site(tmp_path, {
        "robots.txt": f"User-agent: *\nDisallow: /admin/\nSitemap: https://{HOST}/sitemap-index.xml\n",
        "sitemap-index.xml": f'<sitemapindex xmlns="{SM}"><sitemap><loc>https://{HOST}/sm-1.xml</loc></sitemap>'
                             f"</sitemapindex>",
        "sm-1.xml": urlset(["/tin/ocop-hai-san-dat-4-sao-11.html", "/tin/giao-thong-12.html",
                            "/tin/mot-san-pham-13.html"]),
        "tin/ocop-hai-san-dat-4-sao-11.html": PAGE.format(title="OCOP hải sản", text="Đạt 4 sao."),
        "tin/mot-san-pham-13.html": PAGE.format(title="Mỗi xã một sản phẩm", text="3 sao."),
    })
    with SnapshotServer(root) as srv:
        client = client_for(srv, [HOST])
        report = crawl([source(discovery=("sitemap", "links"))], client)
        client.close()
    assert report.per_source["news_tinh_test"].discovery == "sitemap"
    assert sorted(p.result.url for p in report.articles()) == [
        f"https://{HOST}/tin/mot-san-pham-13.html", f"https://{HOST}/tin/ocop-hai-san-dat-4-sao-11.html"]
    assert sorted(p.result.url for p in report.pages if p.kind == "feed") == [
        f"https://{HOST}/sitemap-index.xml", f"https://{HOST}/sm-1.xml"]
    assert report.discovery_rejects == [] and report.failures == []


def test_malformed_sitemap_is_rejected_by_name_and_the_next_one_still_read(tmp_path: Path) -> None:
    bomb = ('<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
            f'<urlset xmlns="{SM}"><url><loc>&b;</loc></url></urlset>')
    root = site(tmp_path, {
        "broken.xml": f'<urlset xmlns="{SM}"><url><loc>https://{HOST}/tin/ocop-1.html</loc>',
        "bomb.xml": bomb,
        "html.xml": "<html><body>Not a sitemap</body></html>",
        "good.xml": urlset(["/tin/ocop-2.html"]),
    })
    urls = tuple(f"https://{HOST}/{n}.xml" for n in ("broken", "bomb", "html", "good"))
    found, _, _, _ = run_discover(root, source(discovery=("sitemap",), sitemap_urls=urls))
    assert found.urls == [f"https://{HOST}/tin/ocop-2.html"]
    reasons = {r["url"]: r["reason"] for r in found.rejects}
    assert reasons[urls[0]].startswith("malformed sitemap: not well-formed XML (no element found")
    assert reasons[urls[1]] == "malformed sitemap: refused XML (DTDForbidden: a DTD or entity declaration)"
    assert reasons[urls[2]] == "malformed sitemap: root element <html> is not urlset, sitemapindex, rss or feed"


def test_feed_pointing_off_the_allow_list_rejects_those_urls_and_never_asks_them(tmp_path: Path) -> None:
    items = "".join(
        f"<item><title>Sản phẩm OCOP {i}</title><link>{link}</link></item>"
        for i, link in enumerate([f"https://{HOST}/tin/ocop-1.html", "https://evil.example/ocop-2.html",
                                  "http://127.0.0.1:9/ocop-3.html", f"https://{HOST}/tin/thoi-tiet-4.html"]))
    root = site(tmp_path, {
        "index.html": '<html><head><link rel="alternate" type="application/rss+xml" href="/rss/kinh-te.rss">'
                      "</head><body></body></html>",
        "rss/kinh-te.rss": f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>T</title>'
                           f"{items}</channel></rss>",
        "tin/ocop-1.html": PAGE.format(title="OCOP", text="3 sao"),
    })
    with SnapshotServer(root) as srv:
        client = client_for(srv, [HOST])
        report = crawl([source(discovery=("feed",))], client)
        client.close()
        asked = {(r.host, r.path) for r in srv.requests}
    assert [p.result.url for p in report.articles()] == [f"https://{HOST}/tin/ocop-1.html"]
    rejects = {r["url"]: r["reason"] for r in report.discovery_rejects}
    feed = f"https://{HOST}/rss/kinh-te.rss"
    assert rejects == {
        "https://evil.example/ocop-2.html":
            f"listed by the rss feed {feed}, but its host is not in allowed_hosts ({HOST}); not fetched",
        "http://127.0.0.1:9/ocop-3.html":
            f"listed by the rss feed {feed}, but its host is not in allowed_hosts ({HOST}); not fetched",
    }
    assert all(host == HOST for host, _ in asked)  # the server was asked for nothing else


def test_sitemap_index_of_50000_sitemaps_is_bounded_polite_and_records_the_cut(tmp_path: Path) -> None:
    children = "".join(f"<sitemap><loc>https://{HOST}/sm/{i}.xml</loc></sitemap>" for i in range(50_000))
    files: dict[str, str | bytes] = {
        # Crawl-delay is what a polite crawler must honour: 20 sitemaps take >= 19 delays.
        "robots.txt": f"User-agent: *\nCrawl-delay: 0.05\nSitemap: https://{HOST}/index.xml\n",
        "index.xml": f'<sitemapindex xmlns="{SM}">{children}</sitemapindex>',
    }
    for i in range(30):
        files[f"sm/{i}.xml"] = urlset([f"/tin/ocop-{i}-{j}.html" for j in range(3)])
    root = site(tmp_path, files)
    found, seconds, requests, _ = run_discover(root, source(discovery=("sitemap",)))
    sitemap_requests = [r for r in requests if r.path.endswith(".xml")]
    assert len(sitemap_requests) == MAX_SITEMAPS_PER_CRAWL  # the index and 19 of its children
    assert len(found.urls) == (MAX_SITEMAPS_PER_CRAWL - 1) * 3
    spread = sitemap_requests[-1].t - sitemap_requests[0].t
    assert spread >= (MAX_SITEMAPS_PER_CRAWL - 1) * 0.05 * 0.9  # Crawl-delay kept between them
    assert seconds < 60
    reasons = [r["reason"] for r in found.rejects]
    assert f"{50_000 - MAX_URLS_PER_FEED} entries past the bound of {MAX_URLS_PER_FEED} per sitemap not read" in reasons
    cut = [r for r in found.rejects if "sitemaps past the bound" in r["reason"]]
    assert cut == [{"url": f"https://{HOST}/sm/19.xml", "reason": (
        f"{MAX_URLS_PER_FEED - 19} sitemaps past the bound of {MAX_SITEMAPS_PER_CRAWL} per crawl not fetched "
        "(this one first); their pages wait for a later crawl")}]


def test_listing_of_100000_links_reads_the_bound_and_records_the_rest(tmp_path: Path) -> None:
    anchors = "".join(f'<a href="/tin/ocop-{i}.html">Tin {i}</a>' for i in range(100_000))
    root = site(tmp_path, {"tin/index.html": f"<html><body>{anchors}</body></html>"})
    found, seconds, _, _ = run_discover(root, source(discovery=("links",)))
    assert seconds < 60
    assert len(found.urls) == MAX_LINKS_PER_LISTING
    assert found.urls[0] == f"https://{HOST}/tin/ocop-0.html"
    assert found.rejects == [{"url": f"https://{HOST}/tin/", "reason": (
        f"{100_000 - MAX_LINKS_PER_LISTING} links past the bound of {MAX_LINKS_PER_LISTING} per listing page not read")}]


def test_links_mode_keeps_same_host_links_that_mention_ocop() -> None:
    from ocop_pipeline.raw.links import article_links

    html = ('<a href="/tin/thoi-tiet.html">Thời tiết</a><a href="/tin/a-1.html">Huyện X có 5 sản phẩm OCOP</a>'
            '<a href="/tin/chuong-trinh-ocop-2.html">Tin</a><a href="https://other.vn/ocop-3.html">OCOP</a>'
            '<a href="/tin/b-4.html">Mỗi xã một sản phẩm</a><a href="javascript:void(0)">OCOP</a>')
    got = article_links(html, f"https://{HOST}/tin/", {HOST}, _join, normalize_url).urls
    assert got == [f"https://{HOST}/tin/a-1.html", f"https://{HOST}/tin/chuong-trinh-ocop-2.html",
                   f"https://{HOST}/tin/b-4.html"]


def test_huge_robots_txt_is_read_to_the_bound_and_the_cut_recorded(tmp_path: Path) -> None:
    filler = "".join(f"Disallow: /khong-co-{i}/\n" for i in range(150_000))  # ~3.5 MB
    robots = "User-agent: *\nDisallow: /admin/\n" + filler + "Disallow: /tin/\n"
    root = site(tmp_path, {"robots.txt": robots, "tin/index.html": '<a href="/tin/ocop-1.html">OCOP</a>',
                           "tin/ocop-1.html": PAGE.format(title="OCOP", text="3 sao")})
    size = len(robots.encode())
    assert size > 3 * MAX_ROBOTS_BYTES
    with SnapshotServer(root) as srv:
        client = client_for(srv, [HOST])
        t0 = time.monotonic()
        report = crawl([source(discovery=("links",))], client)
        seconds = time.monotonic() - t0
        client.close()
    assert seconds < 60
    # The "Disallow: /tin/" past the bound was not read: the listing and article were fetched.
    assert [p.result.url for p in report.articles()] == [f"https://{HOST}/tin/ocop-1.html"]
    assert report.discovery_rejects == [{"url": f"https://{HOST}/robots.txt", "source": "news_tinh_test",
                                         "reason": f"robots.txt of {size} bytes: read only its first "
                                                   f"{MAX_ROBOTS_BYTES} bytes"}]


def test_new_articles_per_crawl_are_bounded_and_the_rest_wait(tmp_path: Path) -> None:
    n = MAX_NEW_ARTICLES_PER_CRAWL + 50
    files: dict[str, str | bytes] = {"sitemap.xml": urlset([f"/tin/ocop-{i}.html" for i in range(n)])}
    for i in range(n):
        files[f"tin/ocop-{i}.html"] = PAGE.format(title=f"OCOP {i}", text="3 sao")
    root = site(tmp_path, files)
    with SnapshotServer(root) as srv:
        client = client_for(srv, [HOST], rates={HOST: 2000.0})
        first = crawl([source(discovery=("sitemap",))], client)
        second = crawl([source(discovery=("sitemap",))], client,
                       known={p.result.url: (None, None, p.result.sha256) for p in first.articles()},
                       last_fetched={p.result.url: p.result.fetched_at for p in first.articles()})
        client.close()
    assert len(first.articles()) == MAX_NEW_ARTICLES_PER_CRAWL
    assert [r["reason"] for r in first.discovery_rejects] == [
        (f"50 new article URLs past the bound of {MAX_NEW_ARTICLES_PER_CRAWL} per crawl not fetched "
        "(this one first); the next crawl takes them")]
    assert len(second.articles()) == 50 and second.fresh == MAX_NEW_ARTICLES_PER_CRAWL


def test_pdf_attachment_is_landed_as_a_document_never_as_html(tmp_path: Path) -> None:
    pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
    root = site(tmp_path / "sites", {
        "tin/index.html": '<a href="/tin/ocop-1.html">OCOP</a>',
        "tin/ocop-1.html": '<html><body><h1>Quyết định công nhận OCOP</h1><p>3 sao.</p>'
                           '<a href="/files/qd-123.pdf">Quyết định</a><a href="/files/fake.pdf">Phụ lục</a>'
                           '<a href="https://other.vn/x.pdf">x</a></body></html>',
        "files/qd-123.pdf": pdf,
        "files/fake.pdf": "<html><body>Không tìm thấy</body></html>",
    })
    data = tmp_path / "data"
    con = connect(data / "ocop.duckdb")
    try:
        ensure_schema(con)
        with SnapshotServer(root) as srv:
            client = client_for(srv, [HOST])
            report = land_news(con, Paths(data, data / "inbox", tmp_path), client, [source(discovery=("links",))])
            client.close()
        docs = con.execute("SELECT page_kind, uri, media_type, raw_path FROM documents ORDER BY page_kind, uri").fetchall()
        rejects = con.execute("SELECT stage, location, reason FROM rejects").fetchall()
    finally:
        con.close()
    assert report.attachments == 1
    attachment = [d for d in docs if d[0] == "attachment"]
    assert [(d[1], d[2]) for d in attachment] == [(f"https://{HOST}/files/qd-123.pdf", "pdf")]
    assert (data / attachment[0][3]).read_bytes() == pdf and attachment[0][3].endswith(".pdf")
    assert rejects == [("discovery", f"https://{HOST}/files/fake.pdf",
                        (f"linked as a PDF attachment from https://{HOST}/tin/ocop-1.html, but the body is not "
                        "a PDF (Content-Type application/pdf, first bytes b'<html><b'); not landed"))]


def test_ocop_discover_prints_the_urls_of_a_recorded_site_and_records_what_it_read(tmp_path: Path, capsys) -> None:
    from ocop_pipeline.cli import main

    sources = tmp_path / "sources"
    site(sources / "snapshot" / "sites", {
        "robots.txt": f"User-agent: *\nSitemap: https://{HOST}/sm.xml\n",
        "sm.xml": urlset(["/tin/ocop-1.html", "/tin/thoi-tiet-2.html"]),
    })
    (sources / "news_tinh_test.yaml").write_text(
        f"name: news_tinh_test\nkind: news\nbase_url: https://{HOST}/\nallowed_hosts: [{HOST}]\n", encoding="utf-8")
    assert main(["discover", "news_tinh_test", "--sources-dir", str(sources), "--record", str(tmp_path / "rec")]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == ["news_tinh_test: 1 article URLs by sitemap (tried: sitemap 1)",
                                f"  https://{HOST}/tin/ocop-1.html"]
    assert (tmp_path / "rec" / HOST / "sm.xml").read_text(encoding="utf-8") == urlset(
        ["/tin/ocop-1.html", "/tin/thoi-tiet-2.html"])
    assert main(["discover", "news_nope", "--sources-dir", str(sources)]) == 1


@pytest.mark.parametrize(("source", "method"), [
    ("news_baoquangninh_vn", "sitemap"),  # robots.txt names a sitemap index
    ("news_bentre_gov_vn", "feed"),  # RSS feeds announced on the home page
    ("news_baoninhbinh_org_vn", "links"),  # neither: OCOP-looking links of the listing pages
])
def test_the_bundled_sites_without_selectors_are_found_by_their_method(capsys, source: str, method: str) -> None:
    from ocop_pipeline.cli import main

    assert main(["discover", source, "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["method"] == method and len(found["urls"]) == 2 and found["rejects"] == []
    assert all(urlsplit(u).hostname in source.replace("news_", "").replace("_", ".") for u in found["urls"])


def test_pdf_links_reads_the_path_or_the_type_in_any_case_and_only_on_site() -> None:
    page = ('<p><a href="/files/QD-1234.PDF">Quyết định</a> <a href="/tai-ve?id=7" type="Application/PDF">Phụ lục</a>'
            ' <a href="https://other.example/x.pdf">elsewhere</a> <a href="/files/QD-1234.PDF#page=2">again</a>'
            ' <a href="/tin/bai-viet.html">a story</a></p>')
    assert pdf_links(page, "https://tinh.gov.vn/tin/1.html", {"tinh.gov.vn"}) == [
        "https://tinh.gov.vn/files/QD-1234.PDF", "https://tinh.gov.vn/tai-ve?id=7"]
    assert pdf_links('<a href="/tin/2.html">no document</a>', "https://tinh.gov.vn/", {"tinh.gov.vn"}) == []
