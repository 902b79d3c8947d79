"""Mention matching: the names a news page links to products and producers, and those it must not."""

from ocop_pipeline.entities.keys import product_key, subject_key
from ocop_pipeline.mentions.matching import Entity, Mention, MentionIndex, find_mentions, text_key
from ocop_pipeline.storage.schema import TABLES


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


def test_articles_matched_together_find_what_each_finds_alone():
    names = [("s1", "Hợp tác xã Nông nghiệp Yên Mông", "Phú Thọ"), ("s2", "Hợp tác xã Chè Shan Tuyết Suối Giàng", None),
             ("s3", "Trà túi lọc giảo cổ lam", "Hòa Bình")]
    index = MentionIndex([Entity("subject", sid, name, subject_key(name), province) for sid, name, province in names])
    articles = [
        ("a1", "Hợp tác xã nông nghiệp Yên Mog đã có 3 sản phẩm OCOP.", "Phú Thọ"),  # fuzzy, own province
        ("a2", "", "Phú Thọ"),
        ("a3", "HTX chè Shan tuyết Suối Giàg và trà túi lọc giảo cổ lam.", None),  # a name of no province
        ("a4", "Trà túi lọc giảo cổ lam; HTX Nông nghiệp Yên Mông.", "Cà Mau"),  # long names, exact, another province
    ]
    keyed = [(aid, text_key(text), province) for aid, text, province in articles]
    together = index.find_in_keys(keyed)
    assert together == [index.find_in_key(*article) for article in keyed]
    assert [[m.entity_id for m in found] for found in together] == [["s1"], [], ["s2", "s3"], ["s1", "s3"]]


def test_a_mention_is_a_row_of_the_mentions_table_in_column_order():
    assert list(Mention._fields) == TABLES["mentions"].column_names
