"""News from the registry to the database: crawl (over a real loopback server), extract, link."""

import shutil
from datetime import date

import pytest

from assets.build import run_build
from ocop_pipeline.core.tables import rebuild_core
from ocop_pipeline.entities.keys import product_key
from ocop_pipeline.mentions.matching import Entity, MentionIndex
from ocop_pipeline.mentions.rebuild import rebuild_mentions
from ocop_pipeline.news.staging import stage_news
from ocop_pipeline.raw.http_client import PoliteClient
from ocop_pipeline.raw.news_landing import land_news, load_sites
from ocop_pipeline.raw.replay import SnapshotServer
from ocop_pipeline.settings import Paths
from ocop_pipeline.storage.store import connect
from tests.support import REPO, SEED_NEWS_SOURCES
from tests.support.faults import Fault, FaultyServer
from tests.support.rows import row, stage_rows

VHDS = "https://vhds.baothanhhoa.vn/doi-song/thanh-hoa-sau-2-nam-thuc-hien-chuong-trinh-ocop"


@pytest.fixture
def news_registry(tmp_path):
    """A registry of the five recorded news sites, and no spreadsheets."""
    sources = tmp_path / "sources"
    (sources / "snapshot").mkdir(parents=True)
    for name in SEED_NEWS_SOURCES:
        shutil.copy(REPO / "sources" / name, sources / name)
    shutil.copytree(REPO / "sources" / "snapshot" / "sites", sources / "snapshot" / "sites")
    return sources


def _query(db, sql):
    con = connect(db, read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.mark.slow
def test_build_crawls_the_recorded_sites_and_extracts_the_seed_facts(tmp_path, news_registry):
    data = tmp_path / "data"
    summary = run_build(data_dir=data, inbox_dir=tmp_path / "inbox", sources_dir=news_registry)
    assert summary["success"], summary["failures"]
    assert summary["tables"]["news_articles"] == 5
    db = data / "ocop.duckdb"
    vhds = _query(db, "SELECT province, level, has_rating_results, batch_total, batch_stars_3, batch_stars_4, "
                      f"published FROM news_articles WHERE url LIKE '{VHDS}%'")
    assert vhds == [("Thanh Hóa", "province", True, 30, 24, 6, date(2020, 7, 21))]
    # Every recorded page's date is found where its site's YAML says ("14:05, 21/07/2020", ISO ...).
    assert _query(db, "SELECT count(*) FROM news_articles WHERE published IS NULL") == [(0,)]
    # The page's batch is set beside the official lists of its round (none bundled for Thanh Hóa 2020).
    assert _query(db, "SELECT province, round_year, news_total, status FROM reconciliation") == [
        ("Thanh Hóa", 2020, 30, "news_only")]
    no_results = _query(db, "SELECT count(*) FROM news_articles WHERE NOT has_rating_results")
    assert no_results == [(4,)]  # a plan, two trainings/launches, a candidate list
    facts = _query(db, "SELECT f.key, f.value, f.sentence FROM news_facts f JOIN news_articles a USING (article_id) "
                       f"WHERE a.url LIKE '{VHDS}%' AND f.kind = 'count' ORDER BY f.key")
    assert [(k, v) for k, v, _ in facts] == [("stars_3", 24.0), ("stars_4", 6.0), ("total", 30.0)]
    assert all("30 sản phẩm đạt chuẩn" in s for _, _, s in facts)

    # A second build fetches nothing new: unchanged pages answer 304 and keep their rows.
    documents_before = _query(db, "SELECT count(*) FROM documents")
    summary = run_build(data_dir=data, inbox_dir=tmp_path / "inbox", sources_dir=news_registry)
    assert summary["tables"]["news_articles"] == 5
    assert _query(db, "SELECT count(*) FROM documents WHERE page_kind = 'article'") == [(5,)]
    assert _query(db, "SELECT count(*) FROM documents") >= documents_before


@pytest.mark.faults
def test_a_failing_page_is_recorded_and_the_rest_is_kept(tmp_path, news_registry):
    paths = Paths.resolve(tmp_path / "data", tmp_path / "inbox", news_registry)
    sites = load_sites(paths)
    con = connect(paths.db_path)
    from ocop_pipeline.storage.store import ensure_schema

    ensure_schema(con)
    broken = "vhds.baothanhhoa.vn/doi-song/thanh-hoa-sau-2-nam-thuc-hien-chuong-trinh-ocop/12345.htm"
    with FaultyServer(news_registry / "snapshot" / "sites",
                      faults={broken: Fault.http_status(500, times=None)}) as server:
        hosts = sorted({h for s in sites for h in s.allowed_hosts})
        client = PoliteClient(hosts, host_map={h: server.base_url for h in hosts}, rates={h: 100 for h in hosts},
                              max_retries=1, backoff_base=0.01, timeout=(1, 2))
        report = land_news(con, paths, client, sites)
        client.close()
    staged = stage_news(con, paths, sites)
    rejects = con.execute("SELECT location, reason FROM rejects WHERE stage = 'fetch'").fetchall()
    articles = con.execute("SELECT count(*) FROM news_articles").fetchall()
    con.close()
    assert report.failures, "the injected 500 must be reported"
    assert any("500" in reason and "vhds.baothanhhoa.vn" in location for location, reason in rejects)
    assert articles == [(4,)] and staged.extracted == 4


def test_landed_articles_are_not_asked_for_again_within_the_window(tmp_path, news_registry):
    from datetime import UTC, datetime, timedelta
    from urllib.parse import urlsplit

    from ocop_pipeline.storage.store import ensure_schema

    paths = Paths.resolve(tmp_path / "data", tmp_path / "inbox", news_registry)
    sites = load_sites(paths)  # revalidate_after_days: 30
    con = connect(paths.db_path)
    ensure_schema(con)
    with SnapshotServer(news_registry / "snapshot" / "sites") as server:
        hosts = sorted({h for s in sites for h in s.allowed_hosts})
        client = PoliteClient(hosts, host_map={h: server.base_url for h in hosts}, rates={h: 100 for h in hosts},
                              max_retries=1, backoff_base=0.01, timeout=(1, 2))
        first = land_news(con, paths, client, sites)
        urls = [u for (u,) in con.execute("SELECT uri FROM documents WHERE page_kind = 'article'").fetchall()]
        wanted = {(urlsplit(u).hostname, urlsplit(u).path) for u in urls}

        def article_requests(since: int) -> int:
            return sum(1 for r in server.requests[since:] if (r.host, r.path.split("?")[0]) in wanted)

        mark = len(server.requests)
        again = land_news(con, paths, client, sites)
        asked_again = article_requests(mark)
        # Landed 31 days ago (the age injected in the table): every article is asked about, a 304
        # each, and that check is recorded...
        con.execute("UPDATE documents SET fetched_at = fetched_at - INTERVAL 31 DAY WHERE page_kind = 'article'")
        mark = len(server.requests)
        stale = land_news(con, paths, client, sites)
        asked_stale = article_requests(mark)
        # ...so the next build asks nothing again, and neither does one 29 days later (the clock injected).
        mark = len(server.requests)
        rechecked = land_news(con, paths, client, sites)
        later = land_news(con, paths, client, sites, now=datetime.now(UTC) + timedelta(days=29))
        asked_rechecked = article_requests(mark)
        client.close()
    con.close()
    assert first.articles_fetched == 5 and len(urls) == 5
    assert asked_again == 0 and again.fresh == 5 and again.articles_fetched == 0 and again.listing_pages == 10
    assert asked_stale == 5 and stale.not_modified == 5 and stale.fresh == 0 and stale.new_documents == 0
    assert asked_rechecked == 0 and rechecked.fresh == 5 and later.fresh == 5


def test_rebuild_mentions_links_articles_to_products_in_the_database(con):
    stage_rows(con, [row("Bánh cáy làng Nguyễn", "HTX Nông nghiệp Nguyên Xá", 4, 2022, "1/QĐ-UBND", date(2022, 1, 1))])
    rebuild_core(con, as_of=date(2023, 1, 1))
    con.execute("INSERT INTO news_articles (article_id, url, source_id, document_id, has_rating_results, "
                "parser_version, province, body_text) VALUES ('a1', 'https://x/1', 's', 'd', true, 't', 'Hưng Yên', "
                "'Sản phẩm bánh cáy làng Nguyễn của Hợp tác xã nông nghiệp Nguyên Xá đạt 4 sao.')")
    assert rebuild_mentions(con) == 2
    assert sorted(r[0] for r in con.execute("SELECT entity_kind FROM mentions").fetchall()) == ["product", "subject"]


def test_a_namesake_in_another_province_unlinks_on_an_incremental_rebuild(con):
    name = "Trà túi lọc giảo cổ lam"
    stage_rows(con, [row(name, "HTX Giảo cổ lam Tân Sơn", 4, 2022, "1/QĐ-UBND", date(2022, 1, 1),
                         province="Phú Thọ", province_current="Phú Thọ", district=None, commune=None)])
    rebuild_core(con, as_of=date(2023, 1, 1))
    con.execute("INSERT INTO news_articles (article_id, url, source_id, document_id, has_rating_results, "
                "parser_version, province, body_text) VALUES ('a1', 'https://x/1', 's', 'd', true, 't', 'Tuyên Quang', "
                "?)", [f"Sản phẩm {name} được trưng bày tại hội chợ."])
    assert rebuild_mentions(con) == 1
    stage_rows(con, [row(name, "HTX Dược liệu Pù Mát", 3, 2023, "2/QĐ-UBND", date(2023, 1, 1),
                         province="Nghệ An", province_current="Nghệ An", district=None, commune=None)],
               document_id="doc2", uri="test/list2.xlsx")
    rebuild_core(con, as_of=date(2024, 1, 1))
    assert rebuild_mentions(con) == 0  # two producers now have the name: the page names neither


def test_incremental_mentions_equal_a_full_rebuild(con):
    stage_rows(con, [row("Bánh cáy làng Nguyễn", "HTX Nông nghiệp Nguyên Xá", 4, 2022, "1/QĐ-UBND", date(2022, 1, 1))])
    rebuild_core(con, as_of=date(2023, 1, 1))
    for i, body in enumerate(["Bánh cáy làng Nguyễn đạt 4 sao.", "HTX Nông nghiệp Nguyên Xá mở rộng sản xuất."]):
        con.execute("INSERT INTO news_articles (article_id, url, source_id, document_id, has_rating_results, "
                    "parser_version, province, body_text) VALUES (?, ?, 's', ?, true, 't', 'Hưng Yên', ?)",
                    [f"a{i}", f"https://x/{i}", f"d{i}", body])
    assert rebuild_mentions(con) == 2  # the product in a0, the producer in a1
    # A second producer of the same product name arrives: the bare name no longer says which one.
    stage_rows(con, [row("Bánh cáy làng Nguyễn", "Hộ kinh doanh Trần Văn Nam", 3, 2023, "2/QĐ-UBND",
                         date(2023, 1, 1))], document_id="doc2", uri="test/list2.xlsx")
    rebuild_core(con, as_of=date(2024, 1, 1))
    incremental = rebuild_mentions(con)
    rows = sorted(con.execute("SELECT article_id, entity_kind, entity_id FROM mentions").fetchall())
    con.execute("DELETE FROM mentions")
    con.execute("DROP TABLE _mention_inputs")
    assert rebuild_mentions(con) == incremental
    assert sorted(con.execute("SELECT article_id, entity_kind, entity_id FROM mentions").fetchall()) == rows
    assert all(kind == "subject" for _, kind, _ in rows)  # the shared product name links nothing now


def test_rematching_one_changed_name_counts_its_namesakes_elsewhere(con):
    """Only changed names are matched again against old articles; whether a name is shared must still
    be counted over every producer, or a lone re-matched namesake would link across provinces."""
    name = "Trà túi lọc giảo cổ lam"
    entities = [Entity("product", p, name, product_key(name), p) for p in ("Phú Thọ", "Nghệ An")]
    text = f"Sản phẩm {name} được trưng bày tại hội chợ."
    assert MentionIndex(entities[:1]).find("a1", text, "Tuyên Quang")  # alone, it would link
    assert not MentionIndex(entities[:1], population=entities).find("a1", text, "Tuyên Quang")

    for doc, province, subject in (("doc1", "Phú Thọ", "HTX Giảo cổ lam Tân Sơn"), ("doc2", "Nghệ An", "HTX Pù Mát")):
        stage_rows(con, [row(name, subject, 4, 2022, "1/QĐ-UBND", date(2022, 1, 1), province=province,
                             province_current=province, district=None, commune=None)],
                   document_id=doc, uri=f"test/{doc}.xlsx")
    rebuild_core(con, as_of=date(2023, 1, 1))
    con.execute("INSERT INTO news_articles (article_id, url, source_id, document_id, has_rating_results, "
                "parser_version, province, body_text) VALUES ('a1', 'https://x/1', 's', 'd', true, 't', "
                "'Tuyên Quang', ?)", [text])
    assert rebuild_mentions(con) == 0
    # As if one of the two had changed since the last run (its recorded inputs no longer match).
    con.execute("UPDATE _mention_inputs SET fingerprint = 'changed' WHERE id = "
                "(SELECT min(product_id) FROM products)")
    assert rebuild_mentions(con) == 0


def test_the_recordings_answer_the_same_in_process_as_over_loopback(tmp_path, news_registry):
    """The default offline crawl skips the socket; what it lands must be what the HTTP crawl lands,
    and a second crawl must revalidate the same way (304s from the same validators)."""
    from ocop_pipeline.raw.news_landing import snapshot_client
    from ocop_pipeline.storage.store import ensure_schema

    landed = {}
    for over_http in (False, True):
        paths = Paths.resolve(tmp_path / f"data-{over_http}", tmp_path / "inbox", news_registry)
        sites = load_sites(paths)
        con = connect(paths.db_path)
        ensure_schema(con)
        with snapshot_client(paths, sites, over_http=over_http) as client:
            first = land_news(con, paths, client, sites)
            con.execute("UPDATE documents SET fetched_at = fetched_at - INTERVAL 31 DAY")
            second = land_news(con, paths, client, sites)
        landed[over_http] = (
            con.execute("SELECT uri, sha256, http_status, etag, last_modified, encoding, page_kind FROM documents "
                        "ORDER BY uri, sha256").fetchall(),
            (first.listing_pages, first.articles_fetched, first.new_documents, first.failures),
            (second.not_modified, second.articles_fetched, second.new_documents, second.failures))
        con.close()
    assert landed[False] == landed[True]
    documents, first, second = landed[False]
    assert first == (10, 5, 15, []) and second == (5, 0, 0, [])
    assert {kind for *_, kind in documents} == {"listing", "article"}


def test_the_in_process_recordings_still_obey_robots_and_the_allow_list(tmp_path, news_registry):
    from ocop_pipeline.raw.replay import RecordedTransport

    root = news_registry / "snapshot" / "sites"
    client = PoliteClient(["baothanhhoa.vn"], transport=RecordedTransport(root), rates={"baothanhhoa.vn": 1000})
    refused = client.fetch("https://baothanhhoa.vn/admin/secret.htm")  # robots.txt: Disallow: /admin/
    missing = client.fetch("https://baothanhhoa.vn/kinh-te/no-such-page.htm")
    offlist = client.fetch("https://hoabinh.gov.vn/tin-tuc/tin-kinh-te")
    page = client.fetch("https://baothanhhoa.vn/kinh-te/nong-nghiep")
    again = client.fetch("https://baothanhhoa.vn/kinh-te/nong-nghiep", etag=page.headers["etag"])
    assert "disallowed by robots.txt" in refused.error
    assert missing.status == 404 and "404" in missing.error
    assert offlist.error == "fetch of hoabinh.gov.vn refused (host not allowed)"
    assert page.ok and page.status == 200 and b"quan-hoa-trien-khai-chuong-trinh" in page.body
    assert again.not_modified and again.status == 304 and again.body == b""


def test_recorded_files_never_come_from_outside_the_recordings(tmp_path):
    from ocop_pipeline.raw.replay import recorded_file

    root = tmp_path / "sites"
    (root / "site.test" / "news").mkdir(parents=True)
    (root / "site.test" / "news" / "index.html").write_text("<p>list</p>")
    (root / "site.test" / "a%3Fpage=2").write_text("<p>page 2</p>")
    (tmp_path / "secret.txt").write_text("no")
    assert recorded_file(root, "site.test", "/news/") == root / "site.test" / "news" / "index.html"
    assert recorded_file(root, "site.test", "/a?page=2") == root / "site.test" / "a%3Fpage=2"
    assert recorded_file(root, "site.test", "/../../secret.txt") is None
    assert recorded_file(root, "site.test", "/news/../../secret.txt") is None
    assert recorded_file(root, "..", "/secret.txt") is None
    assert recorded_file(root, "site.test", "/missing.htm") is None


def test_a_new_extractor_reextracts_the_landed_pages_without_fetching(tmp_path, news_registry, monkeypatch):
    from ocop_pipeline.news import article
    from ocop_pipeline.raw.news_landing import snapshot_client

    paths = Paths.resolve(tmp_path / "data", tmp_path / "inbox", news_registry)
    sites = load_sites(paths)
    con = connect(paths.db_path)
    from ocop_pipeline.storage.store import ensure_schema

    ensure_schema(con)
    with snapshot_client(paths, sites) as client:
        land_news(con, paths, client, sites)
    first = stage_news(con, paths, sites)
    again = stage_news(con, paths, sites)
    assert (first.extracted, again.extracted, again.unchanged) == (5, 0, 5)
    # Another extractor (its code changed): every landed page is read again from data/raw/; the
    # staging step has no client, so nothing can be fetched.
    monkeypatch.setattr(article, "extractor_version", lambda: "articles-test+new")
    redone = stage_news(con, paths, sites)
    versions = con.execute("SELECT DISTINCT parser_version FROM news_articles").fetchall()
    con.close()
    assert redone.extracted == 5 and versions == [("articles-test+new",)]


def test_the_extractor_version_follows_its_code():
    from ocop_pipeline.news.article import PARSER_VERSION, extract_article, extractor_version

    version = extractor_version()
    assert version.startswith(PARSER_VERSION + "+") and len(version) == len(PARSER_VERSION) + 13
    assert extract_article("<p>Tỉnh Thanh Hóa có 30 sản phẩm OCOP.</p>")["parser_version"] == version
