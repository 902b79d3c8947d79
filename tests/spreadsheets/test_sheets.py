"""The official-spreadsheet reader, one habit of provincial lists per test, on files built here."""

from __future__ import annotations

import io
import json
import random
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from devtools import sheetgen
from ocop_pipeline.entities.subject_types import product_group_of, subject_type_of
from ocop_pipeline.geo.addresses import parse_address, split_subject_address
from ocop_pipeline.spreadsheets import workbooks as sheet_files
from ocop_pipeline.spreadsheets.reader import PARSER_VERSION, SheetReadError, read_sheet_file
from ocop_pipeline.spreadsheets.stars import POTENTIAL_5_STAR, parse_stars, stars_from_label
from tests.support.workbooks import xlsx

# ---------------------------------------------------------------------------------------------------
# Builders




THANH_HOA = [
    ["UBND TỈNH THANH HÓA", None, None, None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
    [],
    ["DANH SÁCH SẢN PHẨM ĐẠT CHỨNG NHẬN OCOP NĂM 2021"],
    ["(Kèm theo Quyết định số 3610/QĐ-UBND ngày 29/12/2022 của UBND tỉnh Thanh Hóa)"],
    [],
    ["STT", "Tên sản phẩm", "Chủ thể", None, "Nhóm sản phẩm", "Kết quả", None, "Ghi chú"],
    [None, None, "Tên chủ thể", "Địa chỉ", None, "Điểm", "Hạng sao", None],
    ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)"],
    ["I. Huyện Quan Hóa"],
    [
        1,
        "Mật ong  bạc hà",
        "HTX Nông nghiệp Phú Lệ",
        "bản Phú Lệ, xã Phú Lệ",
        "Thực phẩm",
        "72,5",
        "4 sao",
        None,
    ],
    [2, "Chè Shan tuyết", "Hộ kinh doanh Hà Văn Thoại", "xã Phú Thanh", "Đồ uống", 65, "3*", None],
    ["II", "Thị xã Nghi Sơn"],
    [
        3,
        "Nước mắm Khúc Phụ",
        "Công ty TNHH Nước mắm Khúc Phụ",
        "phường Hải Thanh",
        "Thực phẩm",
        91,
        "★★★★★",
        None,
    ],
    [4, None, "Tổ hợp tác Dệt thổ cẩm", "xã Trường Lâm", "Vải và may mặc", 55, "3 sao", None],
    [5, "Rượu nếp Nghi Sơn", "THT Rượu Hải Nhân", "xã Hải Nhân", "Đồ uống", 90, "Tiềm năng 5 sao", None],
    [6, "Bánh gai", "Cơ sở sản xuất Bánh gai Tứ Trụ", "xã Tân Trường", "Thực phẩm", 45, "2 sao", None],
    [],
    ["Tổng cộng: 6 sản phẩm"],
    [None, None, None, None, None, "KT. CHỦ TỊCH"],
    [None, None, None, None, None, "PHÓ CHỦ TỊCH"],
    [None, None, None, None, None, "Lê Đức Giang"],
]
THANH_HOA_MERGES = ["A1:C1", "A3:H3", "A4:H4", "C6:D6", "F6:G6", "A6:A7", "B6:B7", "E6:E7", "H6:H7", "A9:H9",
                    "B12:H12", "A18:H18"]  # fmt: skip


@pytest.fixture
def thanh_hoa(tmp_path):
    return read_sheet_file(
        xlsx(tmp_path / "qd_3610.xlsx", {"Danh sách": THANH_HOA}, {"Danh sách": THANH_HOA_MERGES})
    )


# ---------------------------------------------------------------------------------------------------
# The reference layout: title block, merged two-level header, column numbers, sections, totals, signature


def test_title_block_gives_province_year_decision(thanh_hoa):
    assert thanh_hoa.province == "Thanh Hóa"
    assert thanh_hoa.year == 2021
    assert thanh_hoa.decision_no == "3610/QĐ-UBND"
    assert thanh_hoa.decision_date == date(2022, 12, 29)
    assert thanh_hoa.title == "DANH SÁCH SẢN PHẨM ĐẠT CHỨNG NHẬN OCOP NĂM 2021"


def test_two_level_header_and_district_sections(thanh_hoa):
    rows = {r.product_name: r for r in thanh_hoa.rows}
    assert list(rows) == ["Mật ong bạc hà", "Chè Shan tuyết", "Nước mắm Khúc Phụ"]
    honey = rows["Mật ong bạc hà"]
    assert (honey.sheet, honey.row) == ("Danh sách", 10)
    assert honey.product_name_raw == "Mật ong  bạc hà"
    assert honey.subject_name == "HTX Nông nghiệp Phú Lệ"
    assert honey.subject_type == "cooperative"
    assert honey.address == "bản Phú Lệ, xã Phú Lệ"
    assert (honey.commune, honey.district, honey.province, honey.province_current) == (
        "Xã Phú Lệ", "Huyện Quan Hóa", "Thanh Hóa", "Thanh Hóa")  # fmt: skip
    assert (honey.stars, honey.stars_raw, honey.score) == (4, "4 sao", 72.5)
    assert honey.product_group == "thực phẩm"
    assert (honey.year, honey.decision_no, honey.decision_date) == (2021, "3610/QĐ-UBND", date(2022, 12, 29))
    assert rows["Chè Shan tuyết"].subject_type == "household"
    assert rows["Chè Shan tuyết"].stars == 3
    fish_sauce = rows["Nước mắm Khúc Phụ"]
    assert fish_sauce.district == "Thị xã Nghi Sơn"  # the 'II | Thị xã Nghi Sơn' section row
    assert fish_sauce.commune == "Phường Hải Thanh"
    assert (fish_sauce.stars, fish_sauce.subject_type) == (5, "enterprise")


def test_rejects_carry_reason_row_and_raw_cells(thanh_hoa):
    rejects = {r.row: r for r in thanh_hoa.rejects}
    assert sorted(rejects) == [14, 15, 16]  # totals, blank rows, column numbers, signature are not rejects
    assert rejects[14].reason == "missing product name"
    assert "Tổ hợp tác Dệt thổ cẩm" in rejects[14].raw.values()
    assert rejects[15].reason == POTENTIAL_5_STAR == "potential 5-star is not a rating"
    assert rejects[16].reason.startswith("stars 2 outside 3..5")
    assert [v for k, v in rejects[16].raw.items() if "Hạng sao" in k] == ["2 sao"]


def test_json_dict_design_keys_first(thanh_hoa):
    data = thanh_hoa.rows[0].to_json_dict()
    assert list(data)[:14] == ["file", "sheet", "row", "product_name", "subject_name", "subject_type", "address",
                               "commune", "district", "province", "stars", "product_group", "year", "decision_no"]  # fmt: skip
    assert data["decision_date"] == "2022-12-29"
    json.dumps(data, ensure_ascii=False)
    assert PARSER_VERSION


# ---------------------------------------------------------------------------------------------------
# Stars, subjects, groups, addresses


@pytest.mark.parametrize(
    ("value", "stars"),
    [("4 sao", 4), ("4*", 4), ("4 *", 4), ("(****)", 4), ("★★★★", 4), ("⭐⭐⭐", 3), ("☆☆☆☆☆", 5), ("4", 4),
     (4.0, 4), (5, 5), ("Hạng 4 sao", 4), ("04", 4), ("3 SAO", 3), ("Đạt 3 sao", 3), ("ba sao", 3)],
)  # fmt: skip
def test_star_notations(value, stars):
    assert parse_stars(value) == (stars, None)


def test_star_rejections():
    assert parse_stars("Tiềm năng 5 sao") == (None, "potential 5-star is not a rating")
    assert parse_stars("2 sao")[1].startswith("stars 2 outside 3..5")
    assert parse_stars("6")[1].startswith("stars 6 outside 3..5")
    assert parse_stars("chưa xếp hạng")[1] == "unreadable star rating 'chưa xếp hạng'"
    assert parse_stars("") == (None, None)


@pytest.mark.parametrize(
    ("label", "stars"),
    [("3 sao", 3), ("4 SAO", 4), ("SP 3 sao", 3), ("Sheet 4*", 4), ("Sản phẩm đạt 5 sao", 5), ("Tổng hợp", None),
     ("Tiềm năng 5 sao", None)],
)  # fmt: skip
def test_stars_from_sheet_names(label, stars):
    assert stars_from_label(label) == stars


@pytest.mark.parametrize(
    ("name", "kind"),
    [("Công ty TNHH MTV Chè Hà Giang", "enterprise"), ("Cty CP Thực phẩm X", "enterprise"),
     ("CT TNHH Y", "enterprise"), ("DNTN Hoàng Long", "enterprise"), ("Doanh nghiệp tư nhân An Phú", "enterprise"),
     ("HTX Nông nghiệp Yên Mông", "cooperative"), ("Hợp tác xã Thủy sản", "cooperative"),
     ("HTXNN Hải Hậu", "cooperative"), ("THT Mây tre đan", "cooperative_group"),
     ("Tổ hợp tác Chè Tân Cương", "cooperative_group"), ("Hộ kinh doanh Nguyễn Văn A", "household"),
     ("Hộ SXKD Trần Thị B", "household"), ("Hộ KD Lê Văn C", "household"), ("Cơ sở sản xuất Bánh đa", "household"),
     ("CSSX Nem chua Thanh Hóa", "household"), ("Nguyễn Thị Hoa", "household"), ("Làng nghề Đông Hồ", "other")],
)  # fmt: skip
def test_subject_types(name, kind):
    assert subject_type_of(name) == kind


@pytest.mark.parametrize(
    ("label", "group"),
    [("Thực phẩm", "thực phẩm"), ("Nhóm đồ uống", "đồ uống"), ("Thảo dược", "dược liệu và sản phẩm từ dược liệu"),
     ("Vải và may mặc", "thủ công mỹ nghệ"), ("Lưu niệm - nội thất - trang trí", "thủ công mỹ nghệ"),
     ("Dịch vụ du lịch nông thôn", "dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch"),
     ("Hoa, cây cảnh", "sinh vật cảnh"), ("1. Thực phẩm", "thực phẩm"), ("Máy nông nghiệp", None)],
)  # fmt: skip
def test_product_groups_crosswalk(label, group):
    assert product_group_of(label) == group


@pytest.mark.parametrize(
    ("cell", "subject", "address"),
    [("HTX Nông nghiệp Yên Mông, xã Yên Mông, TP Hòa Bình", "HTX Nông nghiệp Yên Mông", "xã Yên Mông, TP Hòa Bình"),
     ("Công ty TNHH ABC (thôn X, xã Y, huyện Z)", "Công ty TNHH ABC", "thôn X, xã Y, huyện Z"),
     ("Hộ kinh doanh Nguyễn Văn A - xã Y", "Hộ kinh doanh Nguyễn Văn A", "xã Y"),
     ("Công ty CP Thương mại, Dịch vụ Hà Trung; Địa chỉ: thôn 2, xã Hà Lai", "Công ty CP Thương mại, Dịch vụ Hà Trung",
      "thôn 2, xã Hà Lai"),
     ("HTX Dịch vụ nông nghiệp xã Hải Hà", "HTX Dịch vụ nông nghiệp xã Hải Hà", None)],
)  # fmt: skip
def test_subject_and_address_in_one_cell(cell, subject, address):
    assert split_subject_address(cell) == (subject, address)


def test_address_units_and_abbreviations():
    a = parse_address("xã Yên Mông, TP Hòa Bình, tỉnh Hòa Bình")
    assert (a.commune, a.district, a.province.legacy_name, a.province.name) == (
        "Xã Yên Mông", "Thành phố Hòa Bình", "Hòa Bình", "Phú Thọ")  # fmt: skip
    b = parse_address("X. Khánh Nhạc, H. Yên Khánh, T. Ninh Bình")
    assert (b.commune, b.district, b.province.legacy_name) == (
        "Xã Khánh Nhạc",
        "Huyện Yên Khánh",
        "Ninh Bình",
    )
    c = parse_address("TT. Quan Hóa, huyện Quan Hóa")
    assert (c.commune, c.district) == ("Thị trấn Quan Hóa", "Huyện Quan Hóa")
    d = parse_address("P. Hồng Hải, TP. Hạ Long, Quảng Ninh")
    assert (d.commune, d.district, d.province.name) == ("Phường Hồng Hải", "Thành phố Hạ Long", "Quảng Ninh")
    e = parse_address("Quận 1, TP. Hồ Chí Minh")
    assert (e.district, e.province.name) == ("Quận 1", "Hồ Chí Minh")


# ---------------------------------------------------------------------------------------------------
# Layout variants


def test_one_sheet_per_star_level_with_summary(tmp_path):
    header = ["TT", "Tên SP", "Tên chủ thể", "Địa chỉ"]
    path = xlsx(tmp_path / "ninh_binh_2020.xlsx", {
        "Tổng hợp": [["Hạng", "Số sản phẩm"], ["3 sao", 2], ["4 sao", 1]],
        "SP 3 sao": [header, [1, "Cơm cháy", "Công ty TNHH Cơm cháy Thăng Long", "xã Ninh Vân, huyện Hoa Lư"],
                     [2, "Dê núi", "Hộ KD Đinh Văn Tú", "xã Gia Sinh, huyện Gia Viễn"]],
        "4 SAO": [header, [1, "Rượu Kim Sơn", "HTX Rượu Kim Sơn", "xã Kim Định, huyện Kim Sơn"]],
        "Sheet 5": [["Ghi chú: trang trống"]],
    })  # fmt: skip
    result = read_sheet_file(path)
    assert [(r.sheet, r.row, r.product_name, r.stars) for r in result.rows] == [
        ("SP 3 sao", 2, "Cơm cháy", 3), ("SP 3 sao", 3, "Dê núi", 3), ("4 SAO", 2, "Rượu Kim Sơn", 4)]  # fmt: skip
    assert result.rows[0].stars_raw == "SP 3 sao"
    # No title: province from the file name, year too.
    assert (result.province, result.year) == ("Ninh Bình", 2020)
    assert result.rows[2].district == "Huyện Kim Sơn"


def test_star_and_group_sections_any_column_order(tmp_path):
    path = xlsx(tmp_path / "list.xlsx", {"Sheet1": [
        ["Hạng OCOP", "Chủ thể sản xuất", "Số TT", "Sản phẩm", "Huyện", "Xã", "Mã số thuế", "SĐT", "Năm"],
        ["A. NHÓM ĐỒ UỐNG"],
        ["Sản phẩm đạt 4 sao"],
        [None, "Công ty CP Chè Tân Cương", 1, "Trà xanh Tân Cương", "Đại Từ", "Tân Cương", "4600123456",
         "0912 345 678", 2022],
        ["Sản phẩm đạt 3 sao"],
        ["", "HTX Chè La Bằng", 2, "Chè búp La Bằng", "huyện Đại Từ", "xã La Bằng", None, None, "2022"],
        ["Cộng: 2 sản phẩm"],
    ]})  # fmt: skip
    result = read_sheet_file(path)
    tea, bud = result.rows
    assert (tea.product_name, tea.stars, tea.product_group, tea.subject_type) == (
        "Trà xanh Tân Cương", 4, "đồ uống", "enterprise")  # fmt: skip
    assert (tea.commune, tea.district, tea.tax_code, tea.phone, tea.year) == (
        "Xã Tân Cương", "Huyện Đại Từ", "4600123456", "0912 345 678", 2022)  # bare names get their kind  # fmt: skip
    assert (bud.stars, bud.commune, bud.district) == (3, "Xã La Bằng", "Huyện Đại Từ")
    assert result.rejects == []


@pytest.mark.parametrize("variant", range(7))
def test_header_wording_variants_and_shuffled_columns(tmp_path, variant):
    rng = random.Random(variant)
    cols = [
        "product_name",
        "subject_name",
        "address",
        "stars",
        "score",
        "product_group",
        "ocop_code",
        "phone",
    ]
    rng.shuffle(cols)
    layout = sheetgen.Layout(columns=("stt", *cols), header_variant=variant, province="Nam Định", year=2023)
    recs = [{"product_name": "Gạo nếp cái hoa vàng", "subject_name": "HTX Nông nghiệp Hải Hậu",
             "address": "xã Hải Toàn, huyện Hải Hậu", "district": "Huyện Hải Hậu", "stars": 4, "score": 81.5,
             "product_group": "Thực phẩm", "ocop_code": "36-123-0001-4-2023", "phone": "0228 3877 123"}]  # fmt: skip
    (row,) = read_sheet_file(sheetgen.write_layout(tmp_path / "nd.xlsx", recs, layout)).rows
    assert (row.product_name, row.subject_name, row.stars, row.score, row.product_group) == (
        "Gạo nếp cái hoa vàng", "HTX Nông nghiệp Hải Hậu", 4, 81.5, "thực phẩm")  # fmt: skip
    assert (row.ocop_code, row.phone, row.district, row.province) == (
        "36-123-0001-4-2023", "0228 3877 123", "Huyện Hải Hậu", "Nam Định")  # fmt: skip


def test_combined_subject_address_cell_in_a_file(tmp_path):
    path = xlsx(tmp_path / "hb.xlsx", {"DS": [
        ["UBND TỈNH HÒA BÌNH"],
        ["DANH SÁCH SẢN PHẨM OCOP NĂM 2019"],
        ["STT", "Tên sản phẩm", "Chủ thể, địa chỉ", "Xếp hạng"],
        [1, "Cam Cao Phong", "HTX Cam Cao Phong, xã Thu Phong, huyện Cao Phong", "4"],
        [2, "Măng khô", "Công ty TNHH Măng Mai Châu (xóm Chiềng, xã Chiềng Châu, huyện Mai Châu)", "3"],
        [3, "Mật ong", "Hộ kinh doanh Bùi Văn Mật - xã Yên Mông, TP Hòa Bình", "(***)"],
    ]})  # fmt: skip
    rows = read_sheet_file(path).rows
    assert [(r.subject_name, r.commune, r.district, r.province, r.province_current) for r in rows] == [
        ("HTX Cam Cao Phong", "Xã Thu Phong", "Huyện Cao Phong", "Hòa Bình", "Phú Thọ"),
        ("Công ty TNHH Măng Mai Châu", "Xã Chiềng Châu", "Huyện Mai Châu", "Hòa Bình", "Phú Thọ"),
        ("Hộ kinh doanh Bùi Văn Mật", "Xã Yên Mông", "Thành phố Hòa Bình", "Hòa Bình", "Phú Thọ"),
    ]  # fmt: skip
    assert [r.subject_name_raw for r in rows][2] == "Hộ kinh doanh Bùi Văn Mật - xã Yên Mông, TP Hòa Bình"


def test_province_from_addresses_when_title_is_silent(tmp_path):
    path = xlsx(tmp_path / "export.xlsx", {"Sheet1": [
        ["DANH SÁCH SẢN PHẨM OCOP"],
        ["STT", "Tên sản phẩm", "Tên chủ thể", "Địa chỉ", "Hạng sao"],
        [1, "Kẹo dừa", "Cơ sở Thanh Long", "xã Tân Thạch, huyện Châu Thành, tỉnh Bến Tre", "3 sao"],
        [2, "Bánh tráng", "Cơ sở Mỹ Lồng", "xã Mỹ Thạnh, huyện Giồng Trôm, Bến Tre", "3 sao"],
        [3, "Mật hoa dừa", "Công ty TNHH Sokfarm", "xã Phước Long, huyện Giồng Trôm", "4 sao"],
    ]})  # fmt: skip
    result = read_sheet_file(path)
    assert result.province == "Bến Tre"
    assert [r.province for r in result.rows] == ["Bến Tre"] * 3
    assert {r.province_current for r in result.rows} == {"Vĩnh Long"}


def test_post_reform_list_gives_commune_and_new_province(tmp_path):
    path = xlsx(tmp_path / "phu_tho_2025.xlsx", {"DS": [
        ["UBND TỈNH PHÚ THỌ"],
        ["DANH SÁCH SẢN PHẨM OCOP NĂM 2025"],
        ["(Kèm theo Quyết định số 125/QĐ-UBND ngày 15 tháng 9 năm 2025 của UBND tỉnh Phú Thọ)"],
        ["STT", "Tên sản phẩm", "Chủ thể", "Địa chỉ", "Hạng sao"],
        [1, "Cam Cao Phong", "HTX Cam Cao Phong", "xã Cao Phong, tỉnh Phú Thọ", "4 sao"],
    ]})  # fmt: skip
    result = read_sheet_file(path)
    (row,) = result.rows
    assert (result.decision_no, result.decision_date, result.year) == ("125/QĐ-UBND", date(2025, 9, 15), 2025)
    assert (row.commune, row.district, row.province, row.province_current) == (
        "Xã Cao Phong", None, "Phú Thọ", "Phú Thọ")  # fmt: skip


def test_list_split_over_several_sheets_with_same_header(tmp_path):
    header = ["STT", "Tên sản phẩm", "Chủ thể", "Số sao"]
    path = xlsx(tmp_path / "qn.xlsx", {
        "Trang 1": [["UBND TỈNH QUẢNG NINH"], header, [1, "Chả mực Hạ Long", "Công ty CP Chả mực", "4"]],
        "Trang 2": [header, [2, "Ba kích", "HTX Ba kích Quảng Ninh", "5"]],
    })  # fmt: skip
    result = read_sheet_file(path)
    assert [(r.sheet, r.product_name, r.stars, r.province) for r in result.rows] == [
        ("Trang 1", "Chả mực Hạ Long", 4, "Quảng Ninh"), ("Trang 2", "Ba kích", 5, "Quảng Ninh")]  # fmt: skip


def test_empty_rows_are_silent_and_repeated_headers_skipped(tmp_path):
    header = ["STT", "Tên sản phẩm", "Chủ thể", "Hạng sao"]
    path = xlsx(tmp_path / "x.xlsx", {"S": [header, [], [1, "Nem chua", "Hộ KD Lê Thị Nem", "3 sao"], [None] * 4,
                                            header, [2, "Giò chả", "Hộ KD Lê Văn Giò", "3 sao"]]})  # fmt: skip
    result = read_sheet_file(path)
    assert [r.row for r in result.rows] == [3, 6]
    assert result.rejects == []


# ---------------------------------------------------------------------------------------------------
# Formats: CSV encodings and delimiters, HTML tables named .xls, real .xls


CSV_TEXT = (
    "UBND TỈNH THÁI BÌNH\n"
    "DANH SÁCH SẢN PHẨM OCOP NĂM 2022\n"
    "STT{d}Tên sản phẩm{d}Tên chủ thể{d}Địa chỉ{d}Hạng sao\n"
    '1{d}Bánh cáy làng Nguyễn{d}"HTX Bánh cáy Nguyễn{d} Đông Hưng"{d}"xã Nguyên Xá, huyện Đông Hưng"{d}4 sao\n'
    '2{d}Chiếu cói Hới{d}Hợp tác xã Chiếu cói Tân Lễ{d}"xã Tân Lễ, huyện Hưng Hà"{d}3*\n'
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1258"])
@pytest.mark.parametrize("delimiter", [",", ";"])
def test_csv_encodings_and_delimiters(tmp_path, encoding, delimiter):
    text = CSV_TEXT.format(d=delimiter)
    data = sheetgen.to_cp1258(text) if encoding == "cp1258" else text.encode(encoding)
    if encoding == "cp1258":
        assert b"\xf2" in data  # combining dot below: really the Windows Vietnamese form
    path = tmp_path / "thai_binh.csv"
    path.write_bytes(data)
    result = read_sheet_file(path)
    assert (result.province, result.year) == ("Thái Bình", 2022)
    first, second = result.rows
    assert first.product_name == "Bánh cáy làng Nguyễn"
    assert first.subject_name == f"HTX Bánh cáy Nguyễn{delimiter} Đông Hưng"
    assert (first.row, first.district, first.commune, first.stars) == (
        4,
        "Huyện Đông Hưng",
        "Xã Nguyên Xá",
        4,
    )
    assert (second.subject_type, second.stars, second.province_current) == ("cooperative", 3, "Hưng Yên")


def test_csv_named_xlsx_is_read_as_csv(tmp_path):
    path = tmp_path / "export.xlsx"
    path.write_text(CSV_TEXT.format(d=","), encoding="utf-8")
    assert len(read_sheet_file(path).rows) == 2


def test_html_table_named_xls(tmp_path):
    html = """<html><head><meta charset="utf-8"><title>Xuất Excel</title></head><body>
    <table><tr><td colspan="5">UBND TỈNH NAM ĐỊNH</td></tr>
    <tr><td colspan="5">DANH SÁCH SẢN PHẨM OCOP NĂM 2020</td></tr>
    <tr><th rowspan="2">STT</th><th rowspan="2">Tên sản phẩm</th><th colspan="2">Chủ thể</th>
        <th rowspan="2">Hạng sao</th></tr>
    <tr><th>Tên chủ thể</th><th>Địa chỉ</th></tr>
    <tr><td colspan="5">Huyện Hải Hậu</td></tr>
    <tr><td>1</td><td>Gạo Nàng thơm</td><td rowspan="2">HTX Nông nghiệp Hải Toàn</td>
        <td rowspan="2">xã Hải Toàn</td><td>4 sao</td></tr>
    <tr><td>2</td><td>Gạo nếp cái hoa vàng</td><td>3 sao</td></tr>
    </table></body></html>"""
    path = tmp_path / "nam_dinh.xls"
    path.write_text(html, encoding="utf-8")
    result = read_sheet_file(path)
    assert (result.province, result.year) == ("Nam Định", 2020)
    assert [(r.row, r.product_name, r.subject_name, r.commune, r.district, r.stars) for r in result.rows] == [
        (6, "Gạo Nàng thơm", "HTX Nông nghiệp Hải Toàn", "Xã Hải Toàn", "Huyện Hải Hậu", 4),
        # The subject cell spans both products (rowspan): the second product has it too.
        (7, "Gạo nếp cái hoa vàng", "HTX Nông nghiệp Hải Toàn", "Xã Hải Toàn", "Huyện Hải Hậu", 3),
    ]  # fmt: skip


@pytest.fixture(scope="module")
def real_xls(tmp_path_factory):
    """One LibreOffice conversion for the module (about 2 s)."""
    if sheetgen.soffice_path() is None:
        pytest.skip("LibreOffice (soffice) is not installed: cannot write a real .xls")
    folder = tmp_path_factory.mktemp("xls")
    src = xlsx(folder / "thanh_hoa_2021.xlsx", {"Danh sách": THANH_HOA}, {"Danh sách": THANH_HOA_MERGES})
    (out,) = sheetgen.convert_to_xls([src], folder / "out")
    assert out.read_bytes()[:8] == bytes.fromhex("D0CF11E0A1B11AE1")
    return out


@pytest.mark.slow
def test_real_xls_biff(real_xls):
    result = read_sheet_file(real_xls)
    assert (result.province, result.year, result.decision_no) == ("Thanh Hóa", 2021, "3610/QĐ-UBND")
    assert [(r.product_name, r.district, r.stars) for r in result.rows] == [
        ("Mật ong bạc hà", "Huyện Quan Hóa", 4), ("Chè Shan tuyết", "Huyện Quan Hóa", 3),
        ("Nước mắm Khúc Phụ", "Thị xã Nghi Sơn", 5)]  # fmt: skip
    assert (result.rejects[0].row, result.rejects[0].reason) == (14, "missing product name")


def test_xml_spreadsheet_2003(tmp_path):
    xml = """<?xml version="1.0"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"
 xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">
 <Worksheet ss:Name="4 sao"><Table>
  <Row><Cell ss:MergeAcross="2"><Data ss:Type="String">UBND TỈNH QUẢNG NINH</Data></Cell></Row>
  <Row><Cell><Data ss:Type="String">STT</Data></Cell><Cell><Data ss:Type="String">Tên sản phẩm</Data></Cell>
   <Cell><Data ss:Type="String">Chủ thể</Data></Cell></Row>
  <Row><Cell><Data ss:Type="Number">1</Data></Cell><Cell><Data ss:Type="String">Trà hoa vàng</Data></Cell>
   <Cell><Data ss:Type="String">Công ty CP Trà hoa vàng Ba Chẽ</Data></Cell></Row>
 </Table></Worksheet></Workbook>"""
    path = tmp_path / "qn.xls"
    path.write_text(xml, encoding="utf-8")
    (row,) = read_sheet_file(path).rows
    assert (row.product_name, row.stars, row.province) == ("Trà hoa vàng", 4, "Quảng Ninh")


# ---------------------------------------------------------------------------------------------------
# Bad files


def _err(path: Path, name: str | None = None) -> str:
    with pytest.raises(SheetReadError) as info:
        read_sheet_file(path, display_name=name)
    message = str(info.value)
    assert "\n" not in message
    return message


@pytest.mark.faults
def test_empty_file(tmp_path):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    assert _err(path, "empty.xlsx") == "empty.xlsx: file is empty (0 bytes)"


@pytest.mark.faults
def test_corrupt_zip(tmp_path):
    good = xlsx(tmp_path / "good.xlsx", {"S": THANH_HOA})
    path = tmp_path / "corrupt.xlsx"
    path.write_bytes(good.read_bytes()[:1500])
    assert (
        _err(path, "corrupt.xlsx")
        == "corrupt.xlsx: corrupt or truncated workbook (not a readable zip archive)"
    )


@pytest.mark.faults
def test_password_protected_workbook(tmp_path):
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = io.BytesIO(xlsx(tmp_path / "plain.xlsx", {"S": THANH_HOA}).read_bytes())
    encrypted = io.BytesIO()
    OOXMLFile(plain).encrypt("matkhau", encrypted)
    path = tmp_path / "bad.xlsx"
    path.write_bytes(encrypted.getvalue())
    assert _err(path, "bad.xlsx") == "bad.xlsx: file is password-protected (encrypted workbook)"


@pytest.mark.faults
def test_no_table_anywhere(tmp_path):
    path = xlsx(tmp_path / "memo.xlsx", {"S": [["Công văn số 12"], ["Kính gửi: các huyện"]]})
    assert _err(path, "memo.xlsx") == (
        "memo.xlsx: no product table found (looked for a header with product name and stars columns)"
    )


@pytest.mark.faults
def test_binary_garbage_named_csv(tmp_path):
    path = tmp_path / "data.csv"
    rng = random.Random(3)
    path.write_bytes(bytes(rng.randrange(256) for _ in range(4000)))
    assert _err(path, "data.csv") == "data.csv: binary content: not a spreadsheet, HTML table or CSV file"


@pytest.mark.faults
def test_zip_bomb_refused_before_parsing(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (30 * 1024 * 1024))
    assert _err(path, "bomb.xlsx").startswith("bomb.xlsx: refused: zip would inflate to 30 MB")


@pytest.mark.faults
def test_size_cap(tmp_path, monkeypatch):
    monkeypatch.setattr(sheet_files, "MAX_FILE_BYTES", 100)
    path = tmp_path / "big.csv"
    path.write_text(CSV_TEXT.format(d=","), encoding="utf-8")
    assert "file is too large" in _err(path)


def test_message_names_the_path_when_no_display_name(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    assert _err(path) == f"{path}: file is empty (0 bytes)"


# ---------------------------------------------------------------------------------------------------
# Round trip through every generated layout


def _records(n: int) -> list[dict]:
    rng = random.Random(7)
    names = [
        "Mật ong bạc hà",
        "Nem chua",
        "Chè Shan tuyết",
        "Gạo nếp cái hoa vàng",
        "Bánh cáy",
        "Rượu làng Vân",
    ]
    subjects = ["HTX Nông nghiệp Yên Mông", "Công ty TNHH Hòa Phát", "Hộ kinh doanh Nguyễn Văn Tâm",
                "Cơ sở sản xuất Minh Hằng", "Tổ hợp tác Mây tre Phú Vinh"]  # fmt: skip
    districts = ["Huyện Kim Sơn", "Huyện Yên Khánh", "Thành phố Tam Điệp"]
    out = []
    for i in range(n):
        district = districts[i % 3]
        out.append({
            "product_name": f"{names[i % len(names)]} {i}", "subject_name": subjects[i % len(subjects)],
            "address": f"xã Khánh {i % 4}, {district.replace('Huyện', 'huyện')}, tỉnh Ninh Bình", "district": district,
            "stars": rng.choice((3, 3, 4, 5)), "product_group": rng.choice(("Thực phẩm", "Đồ uống", "Thảo dược")),
            "score": 60 + i % 30, "ocop_code": f"37-{i:04d}",
        })  # fmt: skip
    return out


@pytest.mark.parametrize("seed", range(24))
def test_generated_layouts_round_trip(tmp_path, seed):
    rng = random.Random(seed)
    fmt = ("xlsx", "xlsx_per_star", "csv", "html_xls")[seed % 4]
    layout = sheetgen.random_layout(rng, fmt=fmt, province="Ninh Bình", year=2021)
    records = _records(12)
    ext = {"xlsx": "xlsx", "xlsx_per_star": "xlsx", "csv": "csv", "html_xls": "xls"}[fmt]
    result = read_sheet_file(sheetgen.write_layout(tmp_path / f"ds.{ext}", records, layout))
    got = sorted((r.product_name, r.stars, r.subject_name, r.district, r.province) for r in result.rows)
    want = sorted(
        (r["product_name"], r["stars"], r["subject_name"], r["district"], "Ninh Bình") for r in records
    )
    assert got == want, layout
    assert result.rejects == []


def test_national_list_with_province_column_and_vertical_merges(tmp_path):
    path = tmp_path / "bo_nn.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in [
        ["BỘ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN"], [], ["DANH SÁCH SẢN PHẨM OCOP 5 SAO NĂM 2023"],
        ["(Kèm theo Quyết định số 2890/QĐ-BNN-VPĐP ngày 10/7/2023 của Bộ trưởng Bộ Nông nghiệp và PTNT)"],
        [], [], [], [],
        ["Tỉnh", "Tên sản phẩm", "Tên chủ thể/địa chỉ", "Hạng sao đạt được", "Mã OCOP"],
        ["Thanh Hóa", "Nước mắm Ba Làng", "Công ty CP Nước mắm Ba Làng, phường Hải Thanh, thị xã Nghi Sơn", "5",
         "38-111-1-5-2023"],
        ["Quảng Ninh", "Trà hoa vàng Ba Chẽ", "HTX Ba Chẽ", "5 sao", None],
        [None, "Ba kích Ba Chẽ", None, "★★★★★", None],
    ]:  # fmt: skip
        ws.append(row)
    ws.merge_cells("A11:A12")
    ws.merge_cells("C11:C12")  # one subject for two products
    wb.save(path)
    result = read_sheet_file(path)
    assert (result.province, result.year, result.decision_no, result.decision_date) == (
        None, 2023, "2890/QĐ-BNN-VPĐP", date(2023, 7, 10))  # fmt: skip
    assert [(r.row, r.subject_name, r.district, r.province, r.stars, r.ocop_code) for r in result.rows] == [
        (10, "Công ty CP Nước mắm Ba Làng", "Thị xã Nghi Sơn", "Thanh Hóa", 5, "38-111-1-5-2023"),
        (11, "HTX Ba Chẽ", None, "Quảng Ninh", 5, None),
        (12, "HTX Ba Chẽ", None, "Quảng Ninh", 5, None),
    ]  # fmt: skip


def test_csv_row_numbers_are_line_numbers_with_multiline_cells(tmp_path):
    path = tmp_path / "thai_binh.csv"
    path.write_text(
        'STT,Tên sản phẩm,Chủ thể,Hạng sao\n1,Nem chua,"Hộ KD Lê Văn An\nxã Đông Hà, huyện Đông Hưng",3 sao\n'
        "2,Giò lụa,Hộ KD Bùi Thị Bình,4 sao\n",
        encoding="utf-8",
    )
    first, second = read_sheet_file(path).rows
    assert (first.row, first.subject_name, first.commune, first.district) == (
        2, "Hộ KD Lê Văn An", "Xã Đông Hà", "Huyện Đông Hưng")  # fmt: skip
    assert second.row == 4


def test_district_level_list_names_its_district_in_the_issuer(tmp_path):
    path = xlsx(tmp_path / "kim_son.xlsx", {"DS": [
        ["UBND HUYỆN KIM SƠN"],
        ["DANH SÁCH SẢN PHẨM ĐẠT 3 SAO NĂM 2024"],
        ["(Kèm theo Quyết định số 812/QĐ-UBND ngày 5/9/2024 của UBND huyện Kim Sơn)"],
        ["STT", "Tên sản phẩm", "Chủ thể", "Địa chỉ", "Hạng sao"],
        [1, "Cói mỹ nghệ", "HTX Cói Kim Sơn", "xã Kim Định, tỉnh Ninh Bình", "3 sao"],
        [2, "Rượu Kim Sơn", "Hộ kinh doanh Phạm Văn Tâm", "xã Yên Mật", "3 sao"],
    ]})  # fmt: skip
    result = read_sheet_file(path)
    assert (result.province, result.year, result.decision_no) == ("Ninh Bình", 2024, "812/QĐ-UBND")
    assert [(r.commune, r.district, r.province) for r in result.rows] == [
        ("Xã Kim Định", "Huyện Kim Sơn", "Ninh Bình"), ("Xã Yên Mật", "Huyện Kim Sơn", "Ninh Bình")]  # fmt: skip


def test_unnumbered_rows_dated_notes_and_footnotes(tmp_path):
    path = xlsx(tmp_path / "x.xlsx", {"S": [
        ["Tên sản phẩm", "Chủ thể", "Hạng sao", "Ghi chú"],
        ["Nem chua", "Hộ KD Lê Thị Nga", "3 sao", "Cấp ngày 12 tháng 3 năm 2022"],  # a date is not a signature
        ["Giò lụa", "Hộ KD Bùi Văn Giang", "4 sao", None],
        ["* Sản phẩm nâng hạng từ 3 sao"],
        ["Người lập biểu", None, None, "KT. CHỦ TỊCH"],
        ["Nguyễn Văn Ký"],
    ]})  # fmt: skip
    result = read_sheet_file(path)
    assert [(r.row, r.product_name, r.note) for r in result.rows] == [
        (2, "Nem chua", "Cấp ngày 12 tháng 3 năm 2022"), (3, "Giò lụa", None)]  # fmt: skip
    assert result.rejects == []


def test_subject_column_preferred_over_unit_column_and_excel_serial_dates(tmp_path):
    path = xlsx(tmp_path / "x.xlsx", {"S": [
        ["STT", "Đơn vị", "Tên sản phẩm", "Tên chủ thể", "Hạng sao", "Số QĐ", "Ngày QĐ"],
        [1, "Huyện Hải Hậu", "Gạo Tám Hải Hậu", "HTX Nông nghiệp Hải Toàn", "4 sao", "2745/QĐ-UBND", 44910],
    ]})  # fmt: skip
    (row,) = read_sheet_file(path).rows
    assert (row.subject_name, row.subject_type) == ("HTX Nông nghiệp Hải Toàn", "cooperative")
    assert (row.decision_no, row.decision_date) == ("2745/QĐ-UBND", date(2022, 12, 15))


# ---------------------------------------------------------------------------------------------------
# Legacy fonts (TCVN3 .VnTime, VNI-Times) and the level that issued the list

# Written exactly as the legacy fonts store them: Latin-1 code points standing for Vietnamese letters.
# The title is in the capitals font (.VnTimeH), whose letters are the lower-case code points.
TCVN3_LIST = [
    ["UBND TØNH THANH HO¸"],
    ["DANH S¸CH S¶N PHÈM §¹T CHøNG NHËN OCOP N¡M 2021"],
    ["(KÌm theo QuyÕt ®Þnh sè 3610/Q§-UBND ngµy 29/12/2022 cña UBND tØnh Thanh Ho¸)"],
    ["STT", "Tªn s¶n phÈm", "Tªn chñ thÓ", "§Þa chØ", "H¹ng sao"],
    [1, "MËt ong b¹c hµ", "Hîp t¸c x· N«ng nghiÖp Phó LÖ", "b¶n Phó LÖ, x· Phó LÖ, huyÖn Quan Ho¸", "4 sao"],
    [2, "ChÌ Shan tuyÕt", "Hé kinh doanh Hµ V¨n Tho¹i", "x· Phó Thanh, huyÖn Quan Ho¸", "3 sao"],
    [3, "N\xadíc m¾m Khóc Phô", "C«ng ty TNHH N\xadíc m¾m Khóc Phô", "ph\xadêng H¶i Thanh, thÞ x· Nghi S¬n", "5 sao"],
    ["Tæng céng: 3 s¶n phÈm"],
]  # fmt: skip
VNI_LIST = [
    ["UBND TÆNH THANH HOAÙ"],
    ["DANH SAÙCH SAÛN PHAÅM ÑAÏT CHÖÙNG NHAÄN OCOP NAÊM 2021"],
    ["STT", "Teân saûn phaåm", "Teân chuû theå", "Ñòa chæ", "Haïng sao"],
    [1, "Maät ong baïc haø", "Hôïp taùc xaõ Noâng nghieäp Phuù Leä", "baûn Phuù Leä, xaõ Phuù Leä, huyeän Quan Hoaù",
     "4 sao"],
    [2, "Cheø Shan tuyeát", "Hoä kinh doanh Haø Vaên Thoaïi", "xaõ Phuù Thanh, huyeän Quan Hoaù", "3 sao"],
    [3, "Nöôùc maém Khuùc Phuï", "Coâng ty TNHH Nöôùc maém Khuùc Phuï", "phöôøng Haûi Thanh, thò xaõ Nghi Sôn",
     "5 sao"],
]  # fmt: skip


def _assert_thanh_hoa_legacy(result, subject_first: str) -> None:
    assert (result.province, result.year, result.level) == ("Thanh Hóa", 2021, "province")
    assert result.title == "DANH SÁCH SẢN PHẨM ĐẠT CHỨNG NHẬN OCOP NĂM 2021"
    got = [(r.product_name, r.subject_name, r.subject_type, r.address, r.commune, r.district, r.province,
            r.stars, r.level) for r in result.rows]  # fmt: skip
    assert got == [
        ("Mật ong bạc hà", subject_first, "cooperative", "bản Phú Lệ, xã Phú Lệ, huyện Quan Hóa", "Xã Phú Lệ",
         "Huyện Quan Hóa", "Thanh Hóa", 4, "province"),
        ("Chè Shan tuyết", "Hộ kinh doanh Hà Văn Thoại", "household", "xã Phú Thanh, huyện Quan Hóa",
         "Xã Phú Thanh", "Huyện Quan Hóa", "Thanh Hóa", 3, "province"),
        ("Nước mắm Khúc Phụ", "Công ty TNHH Nước mắm Khúc Phụ", "enterprise", "phường Hải Thanh, thị xã Nghi Sơn",
         "Phường Hải Thanh", "Thị xã Nghi Sơn", "Thanh Hóa", 5, "province"),
    ]  # fmt: skip
    assert result.rejects == []


def test_tcvn3_xlsx_is_converted_before_header_detection(tmp_path):
    result = read_sheet_file(xlsx(tmp_path / "tcvn3.xlsx", {"Danh s¸ch": TCVN3_LIST}))
    _assert_thanh_hoa_legacy(result, "Hợp tác xã Nông nghiệp Phú Lệ")
    assert result.decision_no == "3610/QĐ-UBND"
    assert result.rows[0].product_name_raw == "Mật ong bạc hà"  # the text as the font showed it
    assert result.rows[0].sheet == "Danh sách"


def test_vni_xlsx_is_converted(tmp_path):
    _assert_thanh_hoa_legacy(
        read_sheet_file(xlsx(tmp_path / "vni.xlsx", {"DS": VNI_LIST})), "Hợp tác xã Nông nghiệp Phú Lệ"
    )


def test_tcvn3_csv_bytes_read_as_latin1_then_converted(tmp_path):
    import csv as csv_module

    buf = io.StringIO()
    csv_module.writer(buf).writerows(TCVN3_LIST)
    data = buf.getvalue().encode("cp1252")  # what Excel wrote when saving a .VnTime sheet as CSV
    path = tmp_path / "tcvn3.csv"
    path.write_bytes(data)
    _assert_thanh_hoa_legacy(read_sheet_file(path), "Hợp tác xã Nông nghiệp Phú Lệ")


def test_one_legacy_sheet_beside_a_unicode_sheet(tmp_path):
    path = xlsx(tmp_path / "mixed.xlsx", {"Cu": TCVN3_LIST, "Moi": THANH_HOA})
    book = sheet_files.open_workbook(path, "mixed.xlsx")
    assert [g.legacy_encoding for g in book.grids] == ["tcvn3", None]
    assert book.grids[1].rows == xlsx_rows(THANH_HOA)


def xlsx_rows(rows: list[list[object]]) -> list[list[object]]:
    """The rows as calamine gives them back from a sheet written with openpyxl (no merges)."""
    width = max(len(r) for r in rows)
    return [[("" if v is None else float(v) if isinstance(v, int) else v) for v in r] + [""] * (width - len(r))
            for r in rows]  # fmt: skip


UNICODE_LATIN1_ONLY = [
    # Unicode Vietnamese whose letters all happen to be Latin-1, and foreign words: never legacy text.
    ["DANH SÁCH SẢN PHẨM OCOP NĂM 2022"],
    ["STT", "Tên sản phẩm", "Chủ thể", "Hạng sao"],
    [1, "Café Hòa", "Hộ kinh doanh Café Hòa", "3 sao"],
    [2, "Bánh tét", "Cơ sở Bánh tét Bà Tám", "3 sao"],
    [3, "Crème brûlée Pâté", "Công ty TNHH Nestlé Việt Nam", "4 sao"],
    [4, "Cà phê", "HTX Cà phê Ea Tu", "4 sao"],
]


def test_unicode_and_foreign_words_are_untouched(tmp_path):
    result = read_sheet_file(xlsx(tmp_path / "u.xlsx", {"S": UNICODE_LATIN1_ONLY}))
    assert [r.product_name for r in result.rows] == ["Café Hòa", "Bánh tét", "Crème brûlée Pâté", "Cà phê"]
    assert result.rows[2].subject_name == "Công ty TNHH Nestlé Việt Nam"
    book = sheet_files.open_workbook(xlsx(tmp_path / "en.xlsx", {"S": [
        ["Product", "Producer", "Stars"], ["Crème brûlée", "Café Hòa ©2020 ®", "4"], ["Müller Pâté", "Nestlé", "3"],
    ]}), "en.xlsx")  # fmt: skip
    assert book.grids[0].legacy_encoding is None
    assert book.grids[0].rows[1] == ["Crème brûlée", "Café Hòa ©2020 ®", "4"]


def test_cp1258_csv_is_not_mistaken_for_tcvn3(tmp_path):
    text = "STT,Tên sản phẩm,Chủ thể,Hạng sao\n1,Nước mắm Khúc Phụ,Công ty TNHH Khúc Phụ,5 sao\n2,Bánh tét,Hộ KD Bà Tám,3 sao\n"
    path = tmp_path / "u.csv"
    path.write_bytes(sheetgen.to_cp1258(text))
    assert [r.product_name for r in read_sheet_file(path).rows] == ["Nước mắm Khúc Phụ", "Bánh tét"]


@pytest.mark.parametrize(
    ("title", "level"),
    [
        (["UBND TỈNH THANH HÓA", "DANH SÁCH SẢN PHẨM OCOP NĂM 2021"], "province"),
        (["UBND HUYỆN KIM SƠN", "DANH SÁCH SẢN PHẨM ĐẠT 3 SAO NĂM 2024"], "district"),
        (["DANH SÁCH SẢN PHẨM OCOP CẤP HUYỆN NĂM 2024"], "district"),
        (["BỘ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN", "DANH SÁCH SẢN PHẨM OCOP 5 SAO NĂM 2022"], "national"),
        (["DANH SÁCH SẢN PHẨM OCOP NĂM 2022", "(Kèm theo Quyết định số 2890/QĐ-BNN-VPĐP ngày 1/7/2022)"],
         "national"),
        (["DANH SÁCH SẢN PHẨM OCOP NĂM 2022", "(Kèm theo Quyết định số 12/QĐ-UBND của UBND tỉnh Nam Định)"],
         "province"),
        (["TỔNG HỢP SẢN PHẨM OCOP CẤP HUYỆN VÀ CẤP TỈNH"], None),  # a mixed list names no single level
        (["DANH SÁCH SẢN PHẨM OCOP NĂM 2022"], None),
    ],
)  # fmt: skip
def test_level_that_issued_the_list(tmp_path, title, level):
    header = [["STT", "Tên sản phẩm", "Chủ thể", "Hạng sao"], [1, "Gạo tám", "HTX Hải Toàn", "4 sao"]]
    rows = [[t] for t in title] + [[]] + header
    result = read_sheet_file(xlsx(tmp_path / "l.xlsx", {"S": rows}))
    assert result.level == level
    assert result.rows[0].level == level
    data = result.rows[0].to_json_dict()
    assert list(data)[14] == "level" and data["level"] == level


# ---------------------------------------------------------------------------------------------------
# Provincial habits met on real layouts


def test_issuer_split_over_two_rows_and_bare_name_subheader(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "DS OCOP"
    ws.append(["ỦY BAN NHÂN DÂN", None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"])
    ws.append(["HUYỆN YÊN KHÁNH", None, None, "Độc lập - Tự do - Hạnh phúc"])
    ws.append([])
    ws.append(["DANH SÁCH SẢN PHẨM ĐƯỢC CÔNG NHẬN ĐẠT 3 SAO CẤP HUYỆN NĂM 2023"])
    ws.append(["(Kèm theo Quyết định số 1234/QĐ-UBND ngày 15 tháng 9 năm 2023 của UBND huyện Yên Khánh)"])
    ws.append(["Số TT", "Tên sản phẩm", "Tên chủ thể sản xuất", None, "Nhóm sản phẩm", "Số điểm", "Xếp hạng"])
    ws.append([None, None, "Tên", "Địa chỉ", None, None, None])
    ws.append(
        [
            "1",
            "Gạo hữu cơ Khánh Thiện",
            "HTX DVNN Khánh Thiện",
            "xã Khánh Thiện",
            "Thực phẩm",
            "65,5",
            "3 sao",
        ]
    )
    ws.append(
        ["2", "Nem chua Yên Ninh", "Hộ SXKD Phạm Thị Lan", "thị trấn Yên Ninh", "Thực phẩm", "62", "***"]
    )
    ws.append(["", "Tổng cộng: 03 sản phẩm"])
    ws.append([])
    ws.append([None, None, None, None, "KT. CHỦ TỊCH"])
    ws.merge_cells("C6:D6")
    ws.merge_cells("A6:A7")
    ws.merge_cells("B6:B7")
    wb.save(tmp_path / "yk.xlsx")
    result = read_sheet_file(tmp_path / "yk.xlsx")
    assert (result.province, result.level, result.decision_no) == ("Ninh Bình", "district", "1234/QĐ-UBND")
    rice, nem = result.rows
    assert (rice.subject_name, rice.address, rice.commune, rice.district, rice.province) == (
        "HTX DVNN Khánh Thiện", "xã Khánh Thiện", "Xã Khánh Thiện", "Huyện Yên Khánh", "Ninh Bình")  # fmt: skip
    assert (rice.stars, rice.score, rice.decision_date) == (3, 65.5, date(2023, 9, 15))
    assert (nem.commune, nem.district, nem.province, nem.stars) == (
        "Thị trấn Yên Ninh", "Huyện Yên Khánh", "Ninh Bình", 3)  # fmt: skip
    assert result.rejects == []


_ISSUER_HEADER = [["STT", "Tên sản phẩm", "Chủ thể", "Hạng sao"], [1, "Gạo tám", "HTX Hải Toàn", "4 sao"]]


@pytest.mark.parametrize(
    ("block", "province", "district", "level"),
    [
        # the issuer block in the right-hand half, the motto on the left
        ([["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", None, None, "UBND TỈNH NINH BÌNH"]], "Ninh Bình", None, "province"),
        ([["UBND TỈNH", None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
          ["NINH BÌNH", None, None, "Độc lập - Tự do - Hạnh phúc"]], "Ninh Bình", None, "province"),
        ([["UBND TỈNH NINH BÌNH"], ["SỞ NÔNG NGHIỆP VÀ PTNT"]], "Ninh Bình", None, "province"),
        ([["SỞ NÔNG NGHIỆP VÀ PTNT", None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"], ["TỈNH HÒA BÌNH"]],
         "Hòa Bình", None, "province"),
        ([["VĂN PHÒNG ĐIỀU PHỐI NTM TỈNH QUẢNG NINH"]], "Quảng Ninh", None, "province"),
        ([[None, None, "ỦY BAN NHÂN DÂN"], [None, None, "HUYỆN YÊN MÔ"]], "Ninh Bình", "Huyện Yên Mô", "district"),
        # an ambiguous district name: no province guessed
        ([["ỦY BAN NHÂN DÂN"], ["HUYỆN CHÂU THÀNH"]], None, "Huyện Châu Thành", "district"),
    ],
)  # fmt: skip
def test_issuer_block_habits(tmp_path, block, province, district, level):
    rows = [*block, [], ["DANH SÁCH SẢN PHẨM OCOP NĂM 2023"], *_ISSUER_HEADER]
    result = read_sheet_file(xlsx(tmp_path / "i.xlsx", {"S": rows}))
    row = result.rows[0]
    assert (result.province, row.province, row.district, result.level) == (
        province,
        province,
        district,
        level,
    )


def test_header_over_three_rows(tmp_path):
    rows = [
        ["UBND TỈNH NINH BÌNH"],
        ["DANH SÁCH SẢN PHẨM OCOP NĂM 2022"],
        ["STT", "Tên sản phẩm", "Chủ thể sản xuất", None, None, "Kết quả đánh giá", None],
        [None, None, "Tên chủ thể", "Địa chỉ", None, "Điểm", "Hạng sao"],
        [None, None, None, "Xã", "Huyện", None, None],
        [1, "Gạo ST25", "HTX Yên Lâm", "Yên Lâm", "Yên Mô", 75, "4 sao"],
    ]
    merges = ["C3:E3", "D4:E4", "F3:G3", "A3:A5", "B3:B5", "C4:C5", "F4:F5", "G4:G5"]
    result = read_sheet_file(xlsx(tmp_path / "t.xlsx", {"S": rows}, {"S": merges}))
    (row,) = result.rows
    assert (row.product_name, row.subject_name, row.commune, row.district, row.province) == (
        "Gạo ST25", "HTX Yên Lâm", "Xã Yên Lâm", "Huyện Yên Mô", "Ninh Bình")  # fmt: skip
    assert (row.score, row.stars, row.year) == (75, 4, 2022)
    assert result.rejects == []


def test_unit_column_holding_districts(tmp_path):
    beside_subject = [
        ["DANH SÁCH SẢN PHẨM OCOP TỈNH NINH BÌNH NĂM 2022"],
        ["STT", "Đơn vị", "Tên sản phẩm", "Chủ thể", "Hạng sao"],
        [1, "Huyện Yên Mô", "Gạo ST25", "HTX Yên Lâm", "4 sao"],
        [2, "Kim Sơn", "Chiếu cói", "HTX Cói Kim Sơn", "3 sao"],
    ]
    result = read_sheet_file(xlsx(tmp_path / "a.xlsx", {"S": beside_subject}))
    assert [(r.subject_name, r.district, r.province) for r in result.rows] == [
        ("HTX Yên Lâm", "Huyện Yên Mô", "Ninh Bình"), ("HTX Cói Kim Sơn", "Huyện Kim Sơn", "Ninh Bình")]  # fmt: skip
    alone = [
        ["DANH SÁCH SẢN PHẨM OCOP NĂM 2022"],
        ["STT", "Tên sản phẩm", "Đơn vị", "Hạng sao"],
        [1, "Gạo ST25", "Yên Mô", "4 sao"],
        [2, "Chiếu cói", "TP Tam Điệp", "3 sao"],
    ]
    result = read_sheet_file(xlsx(tmp_path / "b.xlsx", {"S": alone}))
    assert [(r.subject_name, r.district, r.province) for r in result.rows] == [
        (None, "Huyện Yên Mô", "Ninh Bình"), (None, "Thành phố Tam Điệp", "Ninh Bình")]  # fmt: skip
    assert result.province == "Ninh Bình"
    subjects = [["STT", "Tên sản phẩm", "Đơn vị", "Hạng sao"], [1, "Gạo ST25", "HTX Yên Lâm", "4 sao"]]
    assert read_sheet_file(xlsx(tmp_path / "c.xlsx", {"S": subjects})).rows[0].subject_name == "HTX Yên Lâm"


def test_separate_commune_and_district_columns_with_bare_names(tmp_path):
    rows = [
        ["UBND TỈNH NINH BÌNH"],
        ["STT", "Tên sản phẩm", "Chủ thể", "Xã/phường/thị trấn", "Huyện/thị xã/thành phố", "Hạng sao"],
        [1, "Gạo", "HTX Yên Lâm", "Yên Lâm", "Yên Mô", "4 sao"],
        [2, "Thịt dê", "HTX Nam Bình", "Nam Bình", "TP. Ninh Bình", "3sao"],
    ]
    result = read_sheet_file(xlsx(tmp_path / "s.xlsx", {"S": rows}))
    assert [(r.commune, r.district, r.province, r.stars) for r in result.rows] == [
        ("Xã Yên Lâm", "Huyện Yên Mô", "Ninh Bình", 4), ("Phường Nam Bình", "Thành phố Ninh Bình", "Ninh Bình", 3)]  # fmt: skip


def test_abbreviated_and_bare_addresses(tmp_path):
    rows = [
        ["STT", "Tên sản phẩm", "Chủ thể", "Địa chỉ", "Hạng sao"],
        [1, "Gạo ST25", "HTX A", "Thôn 3, X. Yên Lâm, H. Yên Mô, T. Ninh Bình", "3 SAO"],
        [2, "Thịt dê", "HTX B", "Khu phố 2, P. Nam Bình, TP. Ninh Bình", "Hạng 3"],
        [3, "Cam", "HTX C", "xã Yên Mông - TP Hòa Bình - tỉnh Hòa Bình", "3★"],
        [4, "Chè", "HTX D", "xã Yên Mông - TP Hòa Bình", "3 *"],
        [5, "Mắm", "HTX E", "xóm 1, xã Kim Định, Kim Sơn", "đạt 4 sao"],
        [6, "Mật ong", "HTX F", "Yên Mô, Ninh Bình", 3.0],
    ]
    result = read_sheet_file(xlsx(tmp_path / "a.xlsx", {"S": rows}))
    assert [(r.product_name, r.commune, r.district, r.province, r.stars) for r in result.rows] == [
        ("Gạo ST25", "Xã Yên Lâm", "Huyện Yên Mô", "Ninh Bình", 3),
        ("Thịt dê", "Phường Nam Bình", "Thành phố Ninh Bình", "Ninh Bình", 3),
        ("Cam", "Xã Yên Mông", "Thành phố Hòa Bình", "Hòa Bình", 3),
        ("Chè", "Xã Yên Mông", "Thành phố Hòa Bình", "Hòa Bình", 3),  # the district's province, not the majority
        ("Mắm", "Xã Kim Định", "Huyện Kim Sơn", "Ninh Bình", 4),
        ("Mật ong", None, "Huyện Yên Mô", "Ninh Bình", 3),
    ]  # fmt: skip


def test_decision_columns_per_row_override_the_title(tmp_path):
    rows = [
        ["UBND TỈNH NINH BÌNH"],
        ["DANH SÁCH SẢN PHẨM OCOP (Kèm theo Quyết định số 100/QĐ-UBND ngày 1/2/2022)"],
        ["STT", "Tên sản phẩm", "Chủ thể", "Hạng sao", "Số QĐ", "Ngày công nhận", "Năm công nhận", "Ghi chú"],
        [1, "Gạo", "HTX A", "4 sao", "555/QĐ-UBND", "12/10/2023", "2023", "Tiềm năng 5 sao"],
        [2, "Thịt dê", "HTX B", "3 sao", "Quyết định số 666/QĐ-UBND ngày 3/4/2021", None, "Năm 2021", None],
        [3, "Cam", "HTX C", "4 sao (tiềm năng 5 sao)", None, None, None, None],
    ]
    result = read_sheet_file(xlsx(tmp_path / "d.xlsx", {"S": rows}))
    assert [(r.stars, r.year, r.decision_no, r.decision_date, r.note) for r in result.rows] == [
        (4, 2023, "555/QĐ-UBND", date(2023, 10, 12), "Tiềm năng 5 sao"),  # a 4-star row, not a reject
        (3, 2021, "666/QĐ-UBND", date(2021, 4, 3), None),
        (4, 2022, "100/QĐ-UBND", date(2022, 2, 1), None),
    ]  # fmt: skip
    assert result.rejects == []
    rated = [["Tên sản phẩm", "Hạng sao", "Năm đánh giá"], ["Gạo", "3 sao", 2024]]
    assert read_sheet_file(xlsx(tmp_path / "y.xlsx", {"S": rated})).rows[0].year == 2024


def test_several_decisions_in_one_sheet(tmp_path):
    rows = [
        ["UBND TỈNH NINH BÌNH"],
        ["DANH SÁCH SẢN PHẨM OCOP"],
        ["STT", "Tên sản phẩm", "Chủ thể", "Hạng sao"],
        ["Quyết định số 100/QĐ-UBND ngày 1/2/2022"],
        [1, "Gạo", "HTX A", "4 sao"],
        [None, "Quyết định số 200/QĐ-UBND ngày 5/8/2023 của UBND tỉnh Ninh Bình"],
        [2, "Thịt dê", "HTX B", "3 sao"],
        ["II. QĐ số 300/QĐ-UBND ngày 9/9/2024"],
        [3, "Cam", "HTX C", "3 sao"],
    ]
    result = read_sheet_file(xlsx(tmp_path / "m.xlsx", {"S": rows}, {"S": ["A4:D4"]}))
    assert [(r.product_name, r.decision_no, r.decision_date, r.year) for r in result.rows] == [
        ("Gạo", "100/QĐ-UBND", date(2022, 2, 1), 2022),
        ("Thịt dê", "200/QĐ-UBND", date(2023, 8, 5), 2023),
        ("Cam", "300/QĐ-UBND", date(2024, 9, 9), 2024),
    ]  # fmt: skip
    assert result.rejects == []


def test_english_headers_of_national_exports(tmp_path):
    rows = [
        ["NATIONAL OCOP PRODUCT LIST"],
        ["No.", "Product", "Producer", "Address", "Province", "Stars", "Year", None, None],
        [1, "Gạo ST25", "Công ty TNHH Hồ Quang Cua", "Sóc Trăng", "Sóc Trăng", "5 stars", 2023, None, None],
        [2, "Nước mắm", "Công ty TNHH Khúc Phụ", "Thanh Hóa", "Thanh Hóa", 5, 2023, None, None],
    ]
    result = read_sheet_file(xlsx(tmp_path / "e.xlsx", {"S": rows}))
    assert [(r.product_name, r.subject_type, r.province, r.stars, r.year) for r in result.rows] == [
        ("Gạo ST25", "enterprise", "Sóc Trăng", 5, 2023), ("Nước mắm", "enterprise", "Thanh Hóa", 5, 2023)]  # fmt: skip
    assert result.province is None  # a national list
