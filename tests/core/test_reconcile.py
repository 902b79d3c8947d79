import json
from datetime import date

from ocop_pipeline.core.reconcile import rebuild_reconciliation
from ocop_pipeline.core.tables import rebuild_core
from tests.support.rows import row, stage_rows


def _article(con, article_id, *, total, s3, s4, decisions=(), event=date(2020, 7, 1), province="Thanh Hóa"):
    extracted = json.dumps({"decisions": [{"number": d, "date": None} for d in decisions]})
    con.execute(
        "INSERT INTO news_articles (article_id, url, source_id, document_id, has_rating_results, parser_version, "
        "province, level, event_date, batch_total, batch_stars_3, batch_stars_4, extracted_json) "
        "VALUES (?, ?, 'news', 'doc', true, 't', ?, 'province', ?, ?, ?, ?, ?)",
        [article_id, f"https://news.example/{article_id}", province, event, total, s3, s4, extracted])


def _lists(con):
    rows = [row(f"Sản phẩm {i}", f"HTX Số {i}", 3, 2020, "1234/QĐ-UBND", date(2020, 6, 30),
                province="Thanh Hóa", province_current="Thanh Hóa") for i in range(4)]
    rows += [row(f"Đặc sản {i}", f"Công ty TNHH Số {i}", 4, 2020, "1234/QĐ-UBND", date(2020, 6, 30),
                 province="Thanh Hóa", province_current="Thanh Hóa") for i in range(2)]
    stage_rows(con, rows)
    rebuild_core(con, as_of=date(2021, 1, 1))


def test_news_and_lists_of_one_round_are_compared_and_both_kept(con):
    _lists(con)
    _article(con, "agrees", total=6, s3=4, s4=2, decisions=["1234/QĐ-UBND"])
    _article(con, "disagrees", total=7, s3=5, s4=2)  # same province, year and level; no decision named
    _article(con, "elsewhere", total=10, s3=10, s4=None, province="Cà Mau")
    assert rebuild_reconciliation(con) == {"agree": 1, "disagree": 1, "news_only": 1}
    got = {r[0]: r[1:] for r in con.execute(
        "SELECT article_id, matched_on, news_total, official_total, news_stars_3, official_stars_3, status, "
        "official_sources FROM reconciliation").fetchall()}
    assert got["agrees"][:6] == ("decision", 6, 6, 4, 4, "agree")
    assert got["disagrees"][:6] == ("province_year_level", 7, 6, 5, 4, "disagree")
    assert got["elsewhere"][:6] == ("province_year_level", 10, None, 10, None, "news_only")
    assert got["disagrees"][6] == "test/list.xlsx"  # the official side names its source


def test_reconciliation_is_rebuilt_not_accumulated(con):
    _lists(con)
    _article(con, "a", total=6, s3=4, s4=2)
    rebuild_reconciliation(con)
    rebuild_reconciliation(con)
    assert con.execute("SELECT count(*) FROM reconciliation").fetchall() == [(1,)]
