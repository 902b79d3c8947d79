"""TCVN3 and VNI text back to Unicode, and the cases that must stay as they are."""

from __future__ import annotations

import pytest

from ocop_pipeline.text.legacy_fonts import (
    convert_legacy,
    detect_legacy_encoding,
    fix_legacy_text,
    is_syllable,
)
from ocop_pipeline.text.normalize import clean_text


@pytest.mark.parametrize(
    ("legacy", "unicode"),
    [
        ("Hîp t¸c x·", "Hợp tác xã"),
        ("s¶n phÈm", "sản phẩm"),
        ("N\xadíc m¾m", "Nước mắm"),
        ("§¾k L¾k", "Đắk Lắk"),
        ("Ninh B×nh", "Ninh Bình"),
        ("B¶o Th¾ng, M\xadêng Kh\xad\xacng", "Bảo Thắng, Mường Khương"),
        ("DANH S¸CH S¶N PHÈM N¡M 2021", "DANH SÁCH SẢN PHẨM NĂM 2021"),  # capitals font: upper-cased
        ("UBND TØNH THANH HO¸", "UBND TỈNH THANH HOÁ"),
    ],
)
def test_tcvn3(legacy, unicode):
    assert fix_legacy_text(legacy) == unicode


@pytest.mark.parametrize(
    ("legacy", "unicode"),
    [
        ("Hôïp taùc xaõ", "Hợp tác xã"),
        ("saûn phaåm", "sản phẩm"),
        ("Nöôùc maém Khuùc Phuï", "Nước mắm Khúc Phụ"),
        ("Ñaêk Laêk", "Đăk Lăk"),
        ("ÑAÏT CHÖÙNG NHAÄN", "ĐẠT CHỨNG NHẬN"),
        ("thò xaõ Nghi Sôn", "thị xã Nghi Sơn"),
    ],
)
def test_vni(legacy, unicode):
    assert fix_legacy_text(legacy) == unicode


@pytest.mark.parametrize(
    "text",
    ["Hợp tác xã Nông nghiệp", "Café Hòa", "Bánh tét", "Cà phê", "Crème brûlée", "Nestlé", "Müller", "Pâté",
     "Công ty ABC® ©2020", "5µm", "OCOP 4*", "« Sản phẩm »", "Ðồng Tháp", ""],
)  # fmt: skip
def test_unicode_and_foreign_text_untouched(text):
    assert fix_legacy_text(text) == text


def test_a_lone_ambiguous_word_stays_but_a_sheet_decides():
    assert fix_legacy_text("H¹") == "H¹"  # one short word: not enough to tell
    assert convert_legacy("Thanh Ho¸", "tcvn3") == "Thanh Hoá"
    assert convert_legacy("Hợp tác xã", "tcvn3") == "Hợp tác xã"  # Unicode cells in a legacy sheet stay


def test_detect_per_sheet():
    assert detect_legacy_encoding(["Tªn s¶n phÈm", "H¹ng sao", "Thanh Ho¸"]) == "tcvn3"
    assert detect_legacy_encoding(["Teân saûn phaåm", "Haïng sao", "Thanh Hoaù"]) == "vni"
    assert detect_legacy_encoding(["Tên sản phẩm", "Hạng sao", "Café Hòa", "Bánh tét"]) is None
    assert detect_legacy_encoding(["Product", "Crème brûlée", "Nestlé", "Müller"]) is None
    # Mostly Unicode with one legacy cell: the sheet is Unicode.
    assert detect_legacy_encoding(["Tên sản phẩm", "Hạng sao", "Chủ thể", "Địa chỉ", "Hîp t¸c x·"]) is None
    assert detect_legacy_encoding([]) is None


def test_clean_text_fixes_clear_legacy_cells():
    assert clean_text("Hîp t¸c x·  Thanh Ho¸") == "Hợp tác xã Thanh Hóa"
    assert clean_text("Café Hòa") == "Café Hòa"


def test_syllables():
    assert all(
        is_syllable(w) for w in ["hợp", "nghiệp", "người", "khuya", "quý", "gìn", "huyện", "hoà", "hòa"]
    )
    assert not any(is_syllable(w) for w in ["café", "haò", "taùc", "hụùp", "abcđ", "crème"])
