"""Mentions: news pages linked to the products and producers they name, and the names they must not link."""

from datetime import date

from ocop_pipeline.core.tables import rebuild_core
from ocop_pipeline.entities.keys import product_key, subject_key
from ocop_pipeline.mentions.matching import Entity, MentionIndex, find_mentions
from ocop_pipeline.news.staging import rebuild_mentions
from tests.support.rows import row, stage_rows


def test_mentions_fold_tone_marks_capitals_and_legal_forms():
    entities = [
        Entity("product", "p1", "Ổi Yên Mông", product_key("Ổi Yên Mông"), "Phú Thọ"),
        Entity("subject", "s1", "Hợp tác xã Nông nghiệp Yên Mông", subject_key("Hợp tác xã Nông nghiệp Yên Mông"), "Phú Thọ"),
        Entity("product", "p2", "Mật ong", product_key("Mật ong"), "Phú Thọ"),  # too generic alone? 2 tokens
        Entity("product", "p3", "Ổi Yên Mông", product_key("Ổi Yên Mông"), "Cà Mau"),  # another province
    ]
    text = "Xã Yên Mông xây dựng thương hiệu ỔI YÊN MÔNG; HTX NN Yên Mông có 30 ha ổi."
    found = {(m.entity_id, m.method) for m in find_mentions("a1", text, "Phú Thọ", entities)}
    assert ("p1", "exact") in found and ("s1", "exact") in found
    assert not any(eid == "p3" for eid, _ in found)
    assert not any(eid == "p2" for eid, _ in found)


def test_rebuild_mentions_links_articles_to_products_in_the_database(con):
    stage_rows(con, [row("Bánh cáy làng Nguyễn", "HTX Nông nghiệp Nguyên Xá", 4, 2022, "1/QĐ-UBND", date(2022, 1, 1))])
    rebuild_core(con, as_of=date(2023, 1, 1))
    con.execute("INSERT INTO news_articles (article_id, url, source_id, document_id, has_rating_results, "
                "parser_version, province, body_text) VALUES ('a1', 'https://x/1', 's', 'd', true, 't', 'Hưng Yên', "
                "'Sản phẩm bánh cáy làng Nguyễn của Hợp tác xã nông nghiệp Nguyên Xá đạt 4 sao.')")
    assert rebuild_mentions(con) == 2
    assert sorted(r[0] for r in con.execute("SELECT entity_kind FROM mentions").fetchall()) == ["product", "subject"]


def test_a_name_several_producers_share_links_none_of_them():
    entities = [
        Entity("product", "p1", "Nước mắm", product_key("Nước mắm"), "Ninh Bình"),
        Entity("product", "p2", "Nước mắm", product_key("Nước mắm"), "Ninh Bình"),
        Entity("product", "p3", "Nước mắm Sa Châu", product_key("Nước mắm Sa Châu"), "Ninh Bình"),
    ]
    text = "Nước mắm Sa Châu và nhiều sản phẩm nước mắm khác được công nhận 3 sao."
    found = {m.entity_id for m in find_mentions("a1", text, "Ninh Bình", entities)}
    assert found == {"p3"}


def test_a_name_from_another_province_links_only_when_no_one_else_in_the_country_has_it():
    name = "Trà túi lọc giảo cổ lam"

    def linked(provinces: list[str], article_province: str | None) -> set[str]:
        entities = [Entity("product", p, name, product_key(name), p) for p in provinces]
        text = f"Sản phẩm {name} được trưng bày tại hội chợ OCOP."
        return {m.entity_id for m in find_mentions("a1", text, article_province, entities)}

    assert linked(["Phú Thọ"], "Tuyên Quang") == {"Phú Thọ"}  # the only one: long and distinctive
    assert linked(["Phú Thọ", "Hòa Bình"], "Tuyên Quang") == set()  # which of the two? neither
    assert linked(["Phú Thọ", "Tuyên Quang"], "Tuyên Quang") == {"Tuyên Quang"}  # its own province's
    assert linked(["Phú Thọ", "Hòa Bình"], None) == set()  # no province on the page: ambiguous
    assert linked(["Phú Thọ"], None) == {"Phú Thọ"}


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


def test_a_long_name_with_one_word_misspelt_is_a_near_match_but_its_words_scattered_are_not():
    name = "Hợp tác xã Nông nghiệp Yên Mông"
    entities = [Entity("subject", "s1", name, subject_key(name), "Phú Thọ")]
    typo = "Hợp tác xã nông nghiệp Yên Mog đã có 3 sản phẩm OCOP."  # a letter dropped
    found = find_mentions("a1", typo, "Phú Thọ", entities)
    assert [(m.entity_id, m.method) for m in found] == [("s1", "fuzzy")]
    assert found[0].name_in_text == "htx nong nghiep yen mog" and 92 <= found[0].score < 100
    scattered = ("Hợp tác xã Thành Công mở rộng. Ngành nông nghiệp của xã Yên Lập phát triển; "
                 "giống lúa Mông Cổ cho năng suất cao.")
    assert find_mentions("a2", scattered, "Phú Thọ", entities) == []
    elsewhere = "Hợp tác xã nông nghiệp Yên Mog đã có 3 sản phẩm OCOP."
    assert find_mentions("a3", elsewhere, "Cà Mau", entities) == []  # near matches only in its province
