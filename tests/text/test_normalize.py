import unicodedata

import pytest

from ocop_pipeline.text.folding import fold_key
from ocop_pipeline.text.normalize import clean_text, parse_vn_decimal, parse_vn_int


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Hợp tác xã  Thuỷ sản Hoà Bình", "Hợp tác xã Thủy sản Hòa Bình"),
        (unicodedata.normalize("NFD", "Hoà Bình"), "Hòa Bình"),  # decomposed input
        ("\u00d0ồng Tháp", "Đồng Tháp"),  # eth typed for Đ
        ("Uỷ ban nhân dân", "Ủy ban nhân dân"),
        ("quý Quỳnh Huỳnh", "quý Quỳnh Huỳnh"),  # qu+y and closed syllables keep their tone
        ("kế hoạch khoẻ", "kế hoạch khỏe"),
        ("hoặc", "hoặc"),  # NFD puts the dot below before the breve: it must stay on the ă
        ("hoặc hoà", "hoặc hòa"),
        ("  Mật\u00a0ong\n bạc hà ", "Mật ong bạc hà"),
    ],
)
def test_clean_text_one_canonical_spelling(raw, expected):
    assert clean_text(raw) == expected
    assert unicodedata.is_normalized("NFC", clean_text(raw))


def test_both_tone_placements_in_one_sentence_fold_to_one_spelling():
    assert clean_text("hoà và hòa, thuỷ và thủy") == "hòa và hòa, thủy và thủy"


def test_fold_key_is_accent_and_case_free():
    assert fold_key("HỢP TÁC XÃ Đồng Tâm!") == "hop tac xa dong tam"
    assert fold_key(None) == ""


def test_vietnamese_numbers():
    assert parse_vn_int("10.322") == 10322
    assert parse_vn_int("02") == 2
    assert parse_vn_int("1 250") == 1250
    assert parse_vn_int("3,5") is None
    assert parse_vn_decimal("70,9") == pytest.approx(70.9)
    assert parse_vn_decimal("1.234,5") == pytest.approx(1234.5)
    assert parse_vn_decimal("abc") is None


def test_fold_text_equals_fold_key_on_long_and_awkward_texts():
    from ocop_pipeline.text.folding import fold_key, fold_text

    texts = [
        "", "Hợp tác xã Thuỷ sản Hoà Bình — HTX “Tân Sơn”; 10.322 sản phẩm, 70,9 điểm.",
        "Hîp t¸c x· N«ng nghiÖp",  # TCVN3
        "Ðặc sản ðồi chè\u00a0Tân Cương",  # eth for Đ, no-break space
        "Cà phê Buôn Ma Thuột — İstanbul, ñandú, 東京, x\u1dc0y",  # other scripts and marks
        "Ho\u0300a Bi\u0300nh thu\u0309y sa\u0309n",  # decomposed input
    ]
    assert [fold_text(t) for t in texts] == [fold_key(t) for t in texts]
    assert fold_text(None) == ""
