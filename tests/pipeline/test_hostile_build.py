"""A build over a site that serves ten hostile pages (issue 14) and one that hangs, among normal
articles: it finishes, each bad page is in `rejects` (stage "article", its URL, the reason) and every
other page is extracted."""

import signal
import time

import pytest

from assets.build import run_build
from ocop_pipeline.news import staging
from ocop_pipeline.storage.store import connect
from tests.support import hostile_pages as hp

HOST = "hostile.example.vn"
_YAML = f"""name: news_hostile_example
title: Báo Thử Nghiệm - Kinh tế
kind: news
language: vi
province: Ninh Bình
base_url: https://{HOST}/
allowed_hosts: [{HOST}]
listing_urls:
  - https://{HOST}/kinh-te
link_selector: ul.news a
expected_articles: [1, 40]
snapshot: snapshot/sites/{HOST}
"""

# Normal articles, written for this test: (slug, product names it reports).
_NORMAL = {
    "nem-chua": ("Nem chua Phú Thịnh", "Chè lam Hoa Lư"),
    "mien-lan": ("Miến lươn Vân Long", "Gạo nếp cái hoa vàng Kim Sơn"),
    "ruou-can": ("Rượu cần Cúc Phương", "Mật ong Nho Quan"),
    "de-nui": ("Thịt dê núi Tam Điệp", "Cơm cháy Ninh Bình"),
}


def _article(slug: str, products: tuple[str, str]) -> bytes:
    return (
        '<!doctype html><html><head><meta charset="utf-8"><title>Ninh Bình công nhận sản phẩm OCOP</title>'
        '<meta property="article:published_time" content="2024-03-12T08:00:00+07:00"></head><body>'
        f"<h1>Ninh Bình công nhận thêm sản phẩm OCOP ({slug})</h1>"
        "<p>Ngày 12/3/2024, UBND tỉnh Ninh Bình ban hành quyết định công nhận 2 sản phẩm đạt chuẩn OCOP "
        f"cấp tỉnh, trong đó có 1 sản phẩm đạt 4 sao và 1 sản phẩm đạt 3 sao, gồm: {products[0]} (4 sao) "
        f"và {products[1]} (3 sao). Các chủ thể được khuyến khích nâng hạng sản phẩm trong năm tới.</p>"
        "</body></html>").encode()


@pytest.fixture
def hostile_registry(tmp_path):
    sources = tmp_path / "sources"
    site = sources / "snapshot" / "sites" / HOST
    (site / "kinh-te").mkdir(parents=True)
    (sources / "news_hostile.yaml").write_text(_YAML, encoding="utf-8")
    pages = hp.write_all(site / "bai")
    (site / "bai" / "treo.html").write_bytes(_article("treo", ("Mắm tép", "Rượu Kim Sơn")))  # hangs, see below
    for slug, products in _NORMAL.items():
        (site / "bai" / f"{slug}.html").write_bytes(_article(slug, products))
    links = [p.name for p in pages.values()] + ["treo.html"] + [f"{s}.html" for s in _NORMAL]
    (site / "kinh-te" / "index.html").write_text(
        '<html><body><ul class="news">' + "".join(f'<li><a href="/bai/{n}">{n}</a></li>' for n in links)
        + "</ul></body></html>", encoding="utf-8")
    return sources


def _hang_on_treo(real):
    def extract(body, *, url=None, **kw):
        if url and url.endswith("/treo.html"):
            # As a C call that never returns would: SIGALRM blocked, so only the parent's kill ends it.
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
            time.sleep(600)
        return real(body, url=url, **kw)
    return extract


@pytest.mark.slow
def test_a_build_with_hostile_pages_rejects_them_by_name_and_extracts_the_rest(tmp_path, hostile_registry,
                                                                               monkeypatch):
    monkeypatch.setenv("OCOP_PAGE_BUDGET_S", "3")
    # The build runs in process and its workers are forked: they see this patch.
    monkeypatch.setattr(staging.articles, "extract_article", _hang_on_treo(staging.articles.extract_article))
    data = tmp_path / "data"
    started = time.perf_counter()
    summary = run_build(data_dir=data, inbox_dir=tmp_path / "inbox", sources_dir=hostile_registry)
    took = time.perf_counter() - started
    assert summary["success"], summary["failures"]
    con = connect(data / "ocop.duckdb", read_only=True)
    try:
        rejects = dict(con.execute("SELECT regexp_extract(location, '[^/]+$'), reason FROM rejects "
                                   "WHERE stage = 'article'").fetchall())
        articles = dict(con.execute("SELECT regexp_extract(url, '[^/]+$'), title FROM news_articles").fetchall())
        products = {r[0] for r in con.execute(
            "SELECT json_extract_string(p.value, '$.name') FROM news_articles, "
            "json_each(json_extract(extracted_json, '$.products')) p").fetchall()}
    finally:
        con.close()
    assert set(rejects) == {f"{n}.html" for n in hp.PAGES} | {"treo.html"}
    assert rejects["nested_divs_200k.html"] == "DOM deeper than 1024 levels"
    assert rejects["deep_lists_50k.html"] == "DOM deeper than 1024 levels"
    assert rejects["table_150k_rows.html"].startswith("more than 250000 tags")
    assert rejects["blocks_60k.html"] == "more than 20000 blocks (paragraphs, rows, lines)"
    assert rejects["paragraph_2m_chars.html"].endswith("characters (more than 100000)")
    assert rejects["pdf_as_html.html"] == "a PDF document, not a text page"
    assert rejects["png_as_html.html"] == "a PNG image, not a text page"
    for name in ("random_bytes", "nul_bytes", "mojibake"):
        assert rejects[f"{name}.html"].startswith("not a text page: "), rejects[f"{name}.html"]
    assert rejects["treo.html"] == "page took longer than 3 s"
    assert set(articles) == {f"{s}.html" for s in _NORMAL}
    assert all(t.startswith("Ninh Bình công nhận thêm sản phẩm OCOP") for t in articles.values())
    assert {p for ps in _NORMAL.values() for p in ps} <= products
    assert summary["rejects"]["by_stage"].get("article") == 11
    assert took < 300  # the hung page costs its hard limit (5.5 s), not ten minutes

    # The next build reads none of the refused pages again (same extractor version): no new hang.
    started = time.perf_counter()
    summary = run_build(data_dir=data, inbox_dir=tmp_path / "inbox", sources_dir=hostile_registry)
    assert summary["success"], summary["failures"]
    assert summary["rejects"]["by_stage"].get("article") == 11
