"""News-reported ratings: staged from the articles' products, attached or created, one per round,
disagreements kept beside the lists, and the coverage table (temporary DuckDB files, real rebuilds)."""

import json
from datetime import date

from ocop_pipeline.core.coverage import rebuild_coverage
from ocop_pipeline.core.news_ratings import rebuild_news_ratings, refresh_news_ratings
from ocop_pipeline.core.reconcile import rebuild_reconciliation
from ocop_pipeline.core.tables import rebuild_core
from ocop_pipeline.entities.attachment import ListProduct, NewsProduct, attach
from ocop_pipeline.news.ratings import news_rating_rows, stage_news_ratings
from tests.support.rows import row, stage_rows

AS_OF = date(2023, 6, 1)
DECISION = "1234/QĐ-UBND"


def _lists(con):
    rows = [
        row("Mật ong hoa nhãn", "HTX Nông nghiệp Yên Mông", 3, 2022, DECISION, date(2022, 12, 20),
            province="Thanh Hóa", province_current="Thanh Hóa", district="Huyện Hoằng Hóa", commune="Xã Yên Mông"),
        row("Chè xanh Bát Tiên", "Công ty TNHH Chè Việt", 4, 2022, DECISION, date(2022, 12, 20),
            province="Thanh Hóa", province_current="Thanh Hóa", district="Huyện Như Thanh", commune="Xã Xuân Du",
            subject_type="enterprise"),
    ]
    stage_rows(con, rows)
    rebuild_core(con, as_of=AS_OF)


def _article(con, article_id, products, *, decisions=(), event=date(2022, 12, 30), province="Thanh Hóa",
             batch_total=None, legacy_province=None):
    extracted = json.dumps({
        "decisions": [{"number": d, "date": "2022-12-20", "issuer": "people_committee"} for d in decisions],
        "products": [{"name": n, "subject": s, "stars": str(st), "status": "rated", "address": a,
                      "sentence": f"{n} - {s}: {st} sao"} for n, s, st, a in products]}, ensure_ascii=False)
    con.execute(
        "INSERT INTO news_articles (article_id, url, source_id, document_id, has_rating_results, parser_version, "
        "province, legacy_province, level, event_date, published, batch_total, extracted_json) "
        "VALUES (?, ?, 'news', ?, true, 't', ?, ?, 'province', ?, ?, ?, ?)",
        [article_id, f"https://news.example/{article_id}", f"doc-{article_id}", province, legacy_province, event,
         event, batch_total, extracted])


def _list_rows(con):
    return con.execute("SELECT * EXCLUDE (known_from) FROM products WHERE known_from <> 'news' "
                       "ORDER BY product_id").fetchall(), \
        con.execute("SELECT * FROM ratings WHERE origin = 'list' ORDER BY rating_id").fetchall()


def _build(con):
    staged = stage_news_ratings(con)
    counts = rebuild_news_ratings(con, as_of=AS_OF)
    rebuild_reconciliation(con)
    rebuild_coverage(con)
    return staged, counts


def test_attached_confirmed_disagreeing_and_news_only_ratings(con):
    _lists(con)
    before = _list_rows(con)
    _article(con, "a1", [("Mật ong hoa nhãn", "HTX NN Yên Mông", 3, None),
                         ("Chè xanh Bát Tiên", "Cty TNHH Chè Việt", 3, None),
                         ("Nem chua Thanh", "Hộ kinh doanh Lê Văn An", 3, None)], decisions=[DECISION], batch_total=3)
    _article(con, "a2", [("Nem chua Thanh", "Hộ kinh doanh Lê Văn An", 3, None)], decisions=[DECISION],
             event=date(2023, 1, 5))
    staged, counts = _build(con)
    assert staged == 4
    # honey: the list's rating, with the article as evidence; no second row
    assert counts["confirmed_list_ratings"] == 1
    honey = con.execute("SELECT r.rating_id, r.origin, p.known_from, p.current_stars FROM ratings r JOIN products p "
                        "USING (product_id) WHERE p.name = 'Mật ong hoa nhãn'").fetchall()
    assert [h[1:] for h in honey] == [("list", "both", 3)]
    assert con.execute("SELECT rating_origin, url, matched_by FROM rating_evidence WHERE rating_id = ?",
                       [honey[0][0]]).fetchall() == [("list", "https://news.example/a1", "attached")]
    # tea: list says 4, the article 3, same decision: both kept, side by side; stars follow the list
    tea = con.execute("SELECT r.origin, r.stars, p.current_stars, p.known_from FROM ratings r JOIN products p "
                      "USING (product_id) WHERE p.name = 'Chè xanh Bát Tiên' ORDER BY r.origin").fetchall()
    assert tea == [("list", 4, 4, "both"), ("news", 3, 4, "both")]
    assert con.execute("SELECT round_key, list_stars, news_stars, list_source_url, news_urls "
                       "FROM rating_disagreements").fetchall() == [
        ("1234/QĐ-UBND", 4, 3, "test/list.xlsx", "https://news.example/a1")]
    # nem chua: two articles, one decision -> one rating, a product and producer known only from news
    nem = con.execute("SELECT r.stars, r.news_reports, r.valid_until_basis, r.decision_date, r.valid_until, "
                      "r.article_date, r.source_url, r.level, p.known_from, p.status, p.current_stars, s.known_from, "
                      "s.name, s.subject_type FROM ratings r JOIN products p USING (product_id) "
                      "JOIN subjects s USING (subject_id) WHERE p.name = 'Nem chua Thanh'").fetchall()
    assert nem == [(3, 2, "decision_date", date(2022, 12, 20), date(2025, 12, 20), date(2022, 12, 30),
                    "https://news.example/a1", "province", "news", "active", 3, "news",
                    "Hộ kinh doanh Lê Văn An", "household")]
    assert counts["news_ratings"] == 2 and counts["news_only_products"] == 1 and counts["disagreements"] == 1
    # every list-derived row is as the list rebuild left it
    after = _list_rows(con)
    assert after[1] == before[1]
    assert after[0] == before[0]
    # the reconciliation still counts the lists alone
    assert con.execute("SELECT official_total FROM reconciliation").fetchall() == [(2,)]
    cov = con.execute("SELECT list_products, list_ratings, news_articles, news_batch_reports, news_batch_max, "
                      "news_ratings, news_only_products, news_rounds_without_list FROM coverage "
                      "WHERE geography = 'current' AND province = 'Thanh Hóa' AND year = 2022").fetchall()
    assert cov == [(2, 2, 1, 1, 3, 2, 1, 0)]


def test_rerun_gives_the_same_rows_and_the_list_rebuild_keeps_its_fingerprint(con):
    _lists(con)
    _article(con, "a1", [("Nem chua Thanh", "Hộ kinh doanh Lê Văn An", 3, None)])
    _build(con)
    first = con.execute("SELECT * FROM ratings ORDER BY rating_id").fetchall()
    lines = []
    rebuild_core(con, as_of=AS_OF, log=lines.append)
    assert "nothing rebuilt" in lines[0]  # the news rows did not make the list rebuild start over
    _build(con)
    assert con.execute("SELECT * FROM ratings ORDER BY rating_id").fetchall() == first


def _news_rows(con):
    return [con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
            for t in ("stg_news_ratings", "ratings", "products", "subjects", "rating_evidence")]


def test_refresh_skips_only_when_articles_code_date_and_tables_are_as_it_left_them(con):
    _lists(con)
    _article(con, "a1", [("Nem chua Thanh", "Hộ kinh doanh Lê Văn An", 3, None),
                         ("Mật ong hoa nhãn", "HTX NN Yên Mông", 3, None)], decisions=[DECISION])
    counts, skipped = refresh_news_ratings(con, as_of=AS_OF)
    assert not skipped and counts["staged"] == 2 and counts["news_only_products"] == 1
    first = _news_rows(con)
    again, skipped = refresh_news_ratings(con, as_of=AS_OF)
    assert skipped and again == counts and _news_rows(con) == first

    # A row of a written table deleted by hand: redone, and the row is back.
    con.execute("DELETE FROM ratings WHERE origin = 'news'")
    counts, skipped = refresh_news_ratings(con, as_of=AS_OF)
    assert not skipped and _news_rows(con) == first

    # Another day: statuses may change, so it is redone.
    assert refresh_news_ratings(con, as_of=date(2023, 6, 2))[1] is False
    assert refresh_news_ratings(con, as_of=date(2023, 6, 2))[1] is True

    # An article with rating results added: redone, with its product.
    _article(con, "a2", [("Chè lam Phủ Quảng", "HTX Chè lam", 4, None)])
    counts, skipped = refresh_news_ratings(con, as_of=date(2023, 6, 2))
    assert not skipped and counts["staged"] == 3 and counts["news_only_products"] == 2
    names = {r[0] for r in con.execute("SELECT name FROM products WHERE known_from = 'news'").fetchall()}
    assert names == {"Nem chua Thanh", "Chè lam Phủ Quảng"}


def _staged(con):
    return con.execute("SELECT * FROM stg_news_ratings ORDER BY news_rating_id").fetchall()


def test_staging_since_the_last_reads_only_the_articles_that_changed(con, monkeypatch):
    from ocop_pipeline.news import ratings

    _article(con, "a1", [("Nem chua Thanh", "Hộ kinh doanh Lê Văn An", 3, None)])
    _article(con, "a2", [("Mật ong hoa nhãn", "HTX NN Yên Mông", 3, None)])
    _article(con, "a3", [("Chè lam Phủ Quảng", "HTX Chè lam", 4, None)])
    assert stage_news_ratings(con, "v1") == 3
    read = []
    real = ratings.news_rating_rows
    monkeypatch.setattr(ratings, "news_rating_rows", lambda a: read.append(a["article_id"]) or real(a))

    # a2's stars edited, a3 without results now, a4 new: those three are read (a3's rows dropped), not a1.
    con.execute("UPDATE news_articles SET extracted_json = replace(extracted_json, '\"3\"', '\"4\"') "
                "WHERE article_id = 'a2'")
    con.execute("UPDATE news_articles SET has_rating_results = false WHERE article_id = 'a3'")
    _article(con, "a4", [("Bánh gai Tứ Trụ", "Cơ sở Bánh gai Lê Thị Hà", 3, None)])
    assert stage_news_ratings(con, "v1", since_last=True) == 3
    assert sorted(read) == ["a2", "a4"]
    since = _staged(con)
    assert {(r[5], r[10]) for r in since} == {("Nem chua Thanh", 3), ("Mật ong hoa nhãn", 4), ("Bánh gai Tứ Trụ", 3)}
    # The same rows as staging every article again; another code version reads every article.
    read.clear()
    assert stage_news_ratings(con, "v2", since_last=True) == 3 and sorted(read) == ["a1", "a2", "a4"]
    assert _staged(con) == since
    read.clear()
    assert stage_news_ratings(con, "v2", since_last=True) == 3 and read == []


def test_refresh_stages_every_article_again_when_the_staged_rows_were_edited(con):
    _lists(con)
    _article(con, "a1", [("Nem chua Thanh", "Hộ kinh doanh Lê Văn An", 3, None)])
    refresh_news_ratings(con, as_of=AS_OF)
    first = _staged(con)
    con.execute("DELETE FROM stg_news_ratings")  # by hand: the bookkeeping still lists a1
    counts, skipped = refresh_news_ratings(con, as_of=AS_OF)
    assert not skipped and counts["staged"] == 1 and _staged(con) == first


def test_news_only_rating_without_decision_counts_from_the_article_date_and_flags_it(con):
    _lists(con)
    _article(con, "a1", [("Bánh gai Tứ Trụ", "Cơ sở sản xuất Bánh gai Hà", 4, None)], event=date(2021, 3, 2),
             legacy_province="Thanh Hóa", batch_total=1)
    _build(con)
    assert con.execute("SELECT decision_no, rating_year, valid_until_basis, valid_until, origin FROM ratings "
                       "WHERE origin = 'news'").fetchall() == [(None, 2021, "article_date", date(2024, 3, 2), "news")]
    assert con.execute("SELECT status FROM products WHERE known_from = 'news'").fetchall() == [("active",)]
    rebuild_news_ratings(con, as_of=date(2024, 3, 3))  # 36 months after the article: it counts as lapsed
    assert con.execute("SELECT status FROM products WHERE known_from = 'news'").fetchall() == [("expired",)]
    # a round the news reports that no list covers
    assert con.execute("SELECT news_ratings, news_only_products, news_rounds_without_list FROM coverage "
                       "WHERE geography = 'legacy' AND province = 'Thanh Hóa' AND year = 2021").fetchall() == [(1, 1, 1)]


def test_attach_rules_commune_and_ambiguity():
    listed = [ListProduct("p1", "Mật ong hoa nhãn", "s1", "HTX Yên Mông", "Thanh Hóa", "Xã Yên Mông"),
              ListProduct("p2", "Giò chả", "s2", "Hộ kinh doanh Lê Thị Ba", "Thanh Hóa", "Xã A"),
              ListProduct("p3", "Giò chả", "s3", "Hộ kinh doanh Trần Văn Tư", "Thanh Hóa", "Xã B")]
    news = [NewsProduct("n1", "Mật ong hoa nhãn", "HTX Yên Mông", "Thanh Hóa", "xã Hoằng Lộc", "u"),  # other commune
            NewsProduct("n2", "Mật ong hoa nhãn", "HTX Yên Mông", "Thanh Hóa", "xã Yên Mông, huyện Hoằng Hóa", "u"),
            NewsProduct("n3", "Giò chả", None, "Thanh Hóa", None, "u"),  # two list products: undecided
            NewsProduct("n4", "Mật ong hoa nhãn", "HTX Yên Mông", "Nghệ An", None, "u"),  # another province
            NewsProduct("n5", "Giò chả", None, None, None, "u")]  # no province: left out
    found = attach(news, listed)
    assert found.by_row["n1"].matched_by == "created" and found.by_row["n1"].new_subject
    assert (found.by_row["n2"].product_id, found.by_row["n2"].matched_by) == ("p1", "attached")
    assert found.by_row["n3"].matched_by == "created"
    assert found.by_row["n4"].matched_by == "created"
    assert "n5" not in found.by_row
    assert sorted((r["kind"], r["right_id"]) for r in found.reviews) == [("product", "p2"), ("product", "p3")]
    assert all(json.loads(r["evidence"])["source"] == "news" for r in found.reviews)


def test_namesake_producers_are_told_apart_by_the_product_only_when_one_has_it():
    # Two producers of one province share a name (other communes, kept apart by the lists); an article
    # that names neither commune means the one whose product it names, and stays undecided otherwise.
    listed = [ListProduct("p1", "Trà hoa vàng Bình Chuẩn", "s1", "Hộ SXKD Đỗ Ngọc Thủy", "Hồ Chí Minh", "Phường Bình Chuẩn"),
              ListProduct("p2", "Bánh tráng hữu cơ", "s2", "Hộ SXKD Đỗ Ngọc Thủy", "Hồ Chí Minh", "Phường 14"),
              ListProduct("p3", "Bánh tráng hữu cơ", "s1", "Hộ SXKD Đỗ Ngọc Thủy", "Hồ Chí Minh", "Phường Bình Chuẩn")]
    news = [NewsProduct("n1", "Trà hoa vàng Bình Chuẩn", "Hộ SXKD Đỗ Ngọc Thủy", "Hồ Chí Minh", None, "u"),
            NewsProduct("n2", "Bánh tráng hữu cơ", "Hộ SXKD Đỗ Ngọc Thủy", "Hồ Chí Minh", None, "u"),
            NewsProduct("n3", "Nem chua", "Hộ SXKD Đỗ Ngọc Thủy", "Hồ Chí Minh", None, "u")]
    found = attach(news, listed)
    assert (found.by_row["n1"].product_id, found.by_row["n1"].matched_by) == ("p1", "attached")
    assert found.by_row["n2"].matched_by == "created" and found.by_row["n2"].new_subject  # both have it
    assert found.by_row["n3"].matched_by == "created" and found.by_row["n3"].new_subject
    assert {r["right_id"] for r in found.reviews if r["kind"] == "subject"} == {"s1", "s2"}


def test_a_product_recalled_with_its_own_year_takes_that_round_not_the_pages_decision():
    # A 2025 profile recalls a 2022 rating; another product of the page is rated by its 2025 decision,
    # and a "năm 2024" round decided in early 2025 keeps that decision.
    article = {"article_id": "a", "url": "u", "source_id": "s", "document_id": "d", "province": "Đắk Lắk",
               "level": "province", "event_date": date(2025, 9, 19), "published": date(2025, 9, 19),
               "extracted_json": json.dumps({
                   "decisions": [{"number": "812/QĐ-UBND", "date": "2025-03-10", "issuer": "people_committee"}],
                   "products": [
                       {"name": "Nước mắm hộp quà", "subject": "HTX X", "stars": "3", "status": "rated",
                        "sentence": "Sản phẩm Nước mắm hộp quà của đơn vị đã được công nhận đạt 3 sao OCOP năm 2022."},
                       {"name": "Cà phê rang xay", "subject": "HTX X", "stars": "4", "status": "rated",
                        "sentence": "Cà phê rang xay vừa được UBND tỉnh công nhận đạt 4 sao."},
                       {"name": "Mật ong", "subject": "HTX X", "stars": "4", "status": "rated",
                        "sentence": "Mật ong của HTX X đạt 4 sao OCOP năm 2024."}]}),
               "body_text": ""}
    rows = {r["product_name"]: r for r in news_rating_rows(article)}
    assert (rows["Nước mắm hộp quà"]["round_year"], rows["Nước mắm hộp quà"]["decision_no"]) == (2022, None)
    assert (rows["Cà phê rang xay"]["round_year"], rows["Cà phê rang xay"]["decision_no"]) == (2025, "812/QĐ-UBND")
    assert (rows["Mật ong"]["round_year"], rows["Mật ong"]["decision_no"]) == (2025, "812/QĐ-UBND")


def test_only_single_rated_products_become_rows():
    article = {"article_id": "a", "url": "u", "source_id": "s", "document_id": "d", "province": "Thanh Hóa",
               "level": None, "event_date": None, "published": date(2024, 5, 1), "extracted_json": json.dumps({
                   "decisions": [{"number": "148/QĐ-TTg", "date": "2023-02-24", "issuer": "prime_minister"}],
                   "products": [{"name": "A", "stars": "3-4", "status": "rated"},
                                {"name": "B", "stars": "5", "status": "potential"},
                                {"name": "C", "stars": "2", "status": "rated"},
                                {"name": "Bưởi da xanh", "subject": "đơn vị", "stars": "4", "status": "rated"}]}),
               "body_text": "Tin OCOP.\nSản phẩm Bưởi da xanh của đơn vị đạt 4 sao. Giá bán tăng."}
    rows = news_rating_rows(article)
    assert [(r["product_name"], r["subject_name"], r["stars"], r["decision_no"], r["round_year"], r["sentence"])
            for r in rows] == [("Bưởi da xanh", None, 4, None, 2024, "Sản phẩm Bưởi da xanh của đơn vị đạt 4 sao.")]
    assert news_rating_rows({**article, "extracted_json": "{not json"}) == []


def test_monthly_extract_and_report_show_coverage_and_news_only_ratings(con):
    from ocop_pipeline.publish.extract import build_extract
    from ocop_pipeline.publish.report import COVERAGE_HEADING, render_report

    _lists(con)
    _article(con, "a1", [("Nem chua Thanh", "Hộ kinh doanh Lê Văn An", 3, None)], decisions=[DECISION])
    _build(con)
    extract = build_extract(con, "2023-01")
    assert ("Thanh Hóa", 2022, 2, 1, None, 1, 1, 0) in extract.facts["coverage"]
    note = dict(extract.notes)["Xếp hạng chỉ biết qua báo chí"]
    assert note.startswith("1 lần xếp hạng của 1 sản phẩm")
    page = render_report(extract)
    assert COVERAGE_HEADING in page and "<td>Thanh Hóa</td><td>2022</td><td>2</td>" in page


def test_later_articles_attach_to_a_product_earlier_news_made():
    news = [NewsProduct("n1", "Nem chua Thanh", "Hộ kinh doanh Lê Văn An", "Thanh Hóa", None, "u1"),
            NewsProduct("n2", "Nem chua Thanh", None, "Thanh Hóa", None, "u2"),  # no producer: the one name there is
            NewsProduct("n3", "Nem chua Thanh (hộp 500g)", "HKD Lê Văn An", "Thanh Hóa", None, "u3"),
            NewsProduct("n4", "Nem chua Thanh", "Hộ kinh doanh Phạm Thị Bình", "Thanh Hóa", None, "u4")]
    found = attach(news, [])
    ids = {k: (a.product_id, a.matched_by, a.new_subject) for k, a in found.by_row.items()}
    assert ids["n1"][1:] == ("created", True)
    assert ids["n2"] == (ids["n1"][0], "created", False) and ids["n3"] == (ids["n1"][0], "created", False)
    assert ids["n4"][0] != ids["n1"][0] and ids["n4"][2]  # another producer: another product
