"""Name variants real sources write (issue 15): words solid or apart, a brand in parentheses, the
"Sản phẩm" prefix without punctuation, news names against list names, and the traps beside them."""

from datetime import date

import pytest

from ocop_pipeline.core.tables import rebuild_core
from ocop_pipeline.entities.matching import ProductRecord, SubjectRecord, resolve_products, resolve_subjects
from ocop_pipeline.entities.names import join_split_words, parse_product, parse_subject, product_pair
from tests.support.rows import row, stage_rows

LD = "Lâm Đồng"


def _subject(name, commune="Xã Lát", district="Huyện Lạc Dương"):
    return SubjectRecord(LD, name, commune, district, None, None)


def _same_subject(a, b, **kw_b):
    left, right = _subject(a), _subject(b, **kw_b)
    res = resolve_subjects([left, right])
    return res.ids[left] == res.ids[right], res.reviews


def _products(a, b, subject="HTX Ong Vàng"):
    left, right = ProductRecord("s", a), ProductRecord("s", b)
    res = resolve_products([left, right], {"s": [subject]}, {"s": LD})
    return res.ids[left] == res.ids[right], res.reviews


# ---------------------------------------------------------------- solid or apart

def test_join_split_words_glues_the_split_side_only_where_the_other_writes_it_solid():
    assert join_split_words("lang biang farm", "langbiang farm") == ("langbiang farm", "langbiang farm")
    assert join_split_words("da lat", "dalat xanh") == ("dalat", "dalat xanh")
    # short words are never targets: "an" in one name does not glue "a n" elsewhere
    assert join_split_words("hoa an", "hoa a n") == ("hoa an", "hoa a n")


@pytest.mark.parametrize(("left", "right"), [
    ("HTX Lang Biang", "Hợp tác xã LangBiang"),
    ("Công ty TNHH Đà Lạt Farm", "Cty TNHH DaLat Farm"),
    ("Công ty CP Tây Nguyên Xanh", "Công ty Cổ phần Taynguyen Xanh"),
])
def test_a_subject_written_solid_or_apart_is_one(left, right):
    same, reviews = _same_subject(left, right)
    assert same and reviews == []


def test_solid_or_apart_in_another_commune_stays_apart():
    same, reviews = _same_subject("HTX Lang Biang", "HTX LangBiang", commune="Xã Đạ Sar")
    assert not same
    assert [r.evidence["reason"] for r in reviews] == ["communes differ"]


@pytest.mark.parametrize(("left", "right"), [
    ("Cà phê Lang Biang", "Cà phê LangBiang"),
    ("Cà phê Lang Biang", "CÀ PHÊ LANGBIANG"),
    ("Trà atiso Đà Lạt", "Trà atiso Dalat"),
])
def test_a_product_written_solid_or_apart_is_one(left, right):
    assert product_pair(parse_product(left), parse_product(right))[:3:2] == ("same", "written solid or apart")


# ---------------------------------------------------------------- brand in parentheses

@pytest.mark.parametrize("variant", [
    "Mật ong hoa cam (Ong Vàng)", "MẬT ONG HOA CAM (ONG VÀNG)", "mật ong hoa cam (ong vàng)",
    "Mật ong hoa cam Ong Vàng",
])
def test_a_brand_in_parentheses_repeating_a_word_of_the_name_is_the_same_product(variant):
    same, reviews = _products("Mật ong hoa cam", variant)
    assert same and reviews == []


def test_the_parenthesised_brand_is_kept_in_the_parsed_name_and_apart():
    p = parse_product("Mật ong hoa cam (Ong Vàng) (hũ 500g)")
    assert p.key == "mat ong hoa cam ong vang"  # the key (and so the product id) is unchanged
    assert p.asides == (frozenset({"ong", "vang"}),)
    assert p.bare == ("mat", "ong", "hoa", "cam")


def test_two_products_under_one_brand_in_parentheses_stay_apart():
    # the shared brand must not lift the score of two different products above the threshold
    same, _ = _products("Rượu ngô men lá (Rượu Mẫu Sơn)", "Rượu nếp men lá (Rượu Mẫu Sơn)", "HTX Rượu Mẫu Sơn")
    assert not same
    same, _ = _products("Mật ong hoa cam (Ong Vàng)", "Mật ong hoa nhãn (Ong Vàng)")
    assert not same


def test_an_ordinary_word_in_parentheses_is_not_a_brand():
    verdict, _, reason = product_pair(parse_product("Trà hoa vàng"), parse_product("Trà hoa vàng (sấy lạnh)"))
    assert (verdict, reason) == ("review", "words added")


# ---------------------------------------------------------------- "Sản phẩm" prefix

@pytest.mark.parametrize("variant", [
    "Sản phẩm Mật ong hoa cam", "SẢN PHẨM MẬT ONG HOA CAM", "sản phẩm mật ong hoa cam", "Sản phẩm: Mật ong hoa cam",
    "Tên sản phẩm Mật ong hoa cam",
])
def test_the_san_pham_prefix_goes_with_or_without_punctuation(variant):
    assert parse_product(variant).key == "mat ong hoa cam"


def test_san_pham_alone_or_inside_a_name_stays():
    assert parse_product("Sản phẩm").key == "san pham"
    assert parse_product("Bộ sản phẩm gốm men").key == "bo san pham gom men"


def test_two_products_both_with_the_prefix_stay_apart():
    same, _ = _products("Sản phẩm Mật ong hoa cam", "Sản phẩm Mật ong hoa nhãn")
    assert not same


# ---------------------------------------------------------------- news names against list names

@pytest.mark.parametrize("news", [
    "hợp tác xã nông nghiệp Lát", "Hợp tác xã Nông nghiệp Lát (xã lát)",
    "Hợp tác xã Nông nghiệp Lát, xã lát, huyện lạc dương",
])
def test_a_news_spelling_of_a_listed_cooperative_is_the_same_subject(news):
    same, reviews = _same_subject("HTX NN Lát", news)
    assert same and reviews == []


def test_ampersand_is_va():
    assert parse_subject("HTX TM&DV Lát").core == parse_subject("HTX Thương mại và Dịch vụ Lát").core == "lát"


@pytest.mark.parametrize(("listed", "news"), [
    ("Miến dong Lát", "miến dong Lát"),
    ("Miến dong Lát", "Miến dong xã Lát"),
    ("Chè xanh Lát", "Chè xanh đặc sản Lát"),
])
def test_a_news_spelling_of_a_listed_product_is_the_same_product(listed, news):
    same, reviews = _products(listed, news, "HTX Lát")
    assert same and reviews == []


def test_nhan_alone_is_longan_not_a_label():
    # "nhãn hiệu" beside a brand says nothing; "nhãn" alone names another honey
    verdict, *_ = product_pair(parse_product("Mật ong hoa"), parse_product("Mật ong hoa nhãn Tam Đảo"))
    assert verdict == "review"
    verdict, *_ = product_pair(parse_product("Mật ong hoa"), parse_product("Mật ong hoa nhãn hiệu Tam Đảo"))
    assert verdict == "same"


# ---------------------------------------------------------------- words that look like address words

@pytest.mark.parametrize(("name", "core"), [
    ("HTX Tinh Hoa Đất Việt", "tinh hoa đất việt"),  # tinh (essence), not tỉnh
    ("HTX Tinh Hoa Tay Bac", "tinh hoa tay bac"),  # no accents: still not an address before the name
    ("HTX Quán Hòa", "quán hòa"),  # quán, not quận
    ("HTX Cói Cúc Phương", "cói cúc phương"),  # phương, not phường
    ("CTCP Nam Phuong", "nam phuong"),  # no place after it: not an address
    ("HTX Ong Vàng", "ong vàng"),  # ong (bee), not ông
    ("Hộ ông Nguyễn Văn An", "nguyễn văn an"),  # after a household form it is ông
    ("HTX Yên Mông xã Yên Mông", "yên mông"),  # a real address still goes
    ("HTX DVNN xã Hải Hưng", "hải hưng"),
])
def test_address_words_are_read_with_their_accents(name, core):
    assert parse_subject(name).core == core


def test_htx_tinh_and_another_cooperative_of_one_commune_go_to_review_not_merged():
    same, reviews = _same_subject("HTX Nông nghiệp Nga Thanh", "HTX Tinh Nga Thanh")
    assert not same
    assert len(reviews) == 1 and reviews[0].evidence["reason"] == "names similar"


def test_variants_resolve_end_to_end_in_the_core_tables(con):
    stage_rows(con, [
        row("Mật ong hoa cam", "HTX Ong Vàng", 3, 2021),
        row("Mật ong hoa cam (Ong Vàng)", "Hợp tác xã Ong Vàng", 3, 2023),
        row("Sản phẩm Mật ong hoa cam", "HTX Ong Vàng", 4, 2024),
        row("Cà phê Lang Biang", "HTX Lang Biang", 3, 2022),
        row("Cà phê LangBiang", "Hợp tác xã LangBiang", 4, 2024),
        row("Tinh dầu sả", "HTX Tinh Ong Vàng", 3, 2022),
    ])
    rebuild_core(con, as_of=date(2025, 1, 1), decisions=[])
    assert con.execute("SELECT count(*) FROM subjects").fetchone() == (3,)
    assert con.execute("SELECT count(*) FROM products").fetchone() == (3,)
    # the display name is the latest spelling; the ratings of all three spellings are on one product
    assert con.execute("SELECT name, current_stars, rating_count FROM products ORDER BY 1").fetchall() == [
        ("Cà phê LangBiang", 4, 2), ("Sản phẩm Mật ong hoa cam", 4, 3), ("Tinh dầu sả", 3, 1)]
