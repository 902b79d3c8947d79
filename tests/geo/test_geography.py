"""The place reference: 63 provinces / 696 districts / 10,035 communes before 1 July 2025, 34 provinces /
3,321 communes from that day, the crosswalk between them, name variants, and staging that uses it."""

import re
from datetime import date

import pytest

from ocop_pipeline.geo.admin_units import (
    admin_unit_rows,
    communes,
    current_provinces,
    districts,
    find_district,
    legacy_provinces,
    lookup_commune,
    lookup_district,
    province_crosswalk_rows,
    province_for_commune,
    write_reference_tables,
)
from ocop_pipeline.raw.spreadsheet_landing import land_spreadsheets, record_sources
from ocop_pipeline.settings import Paths
from ocop_pipeline.sources.registry import load_registry
from ocop_pipeline.spreadsheets.staging import stage_spreadsheets
from tests.support import REPO
from tests.support.workbooks import write_simple_list as _write_simple_list


def test_counts_and_unique_codes():
    assert len(legacy_provinces()) == 63 and len(current_provinces()) == 34
    in_force = [d for d in districts() if d.code and d.valid_to == date(2025, 6, 30)]
    assert len(in_force) == 696  # ~700 in DOMAIN.md; 49 quận, 508 huyện, 52 thị xã, 87 thành phố
    assert len({d.code for d in in_force}) == 696
    assert {d.kind for d in in_force} == {"huyện", "quận", "thị xã", "thành phố"}
    legacy = [c for c in communes() if c.era == "legacy"]
    current = [c for c in communes() if c.era == "current"]
    assert len(legacy) == 10035 and len({c.code for c in legacy}) == 10035
    assert len(current) == 3321 and len({c.code for c in current}) == 3321
    # every district lies in a known old province; every old province has districts
    assert {d.province_code for d in in_force} == {p.legacy_code for p in legacy_provinces()}


def test_each_old_province_maps_to_exactly_one_new_one_and_communes_agree():
    crosswalk = province_crosswalk_rows()
    assert len(crosswalk) == 63 and len({r["legacy_province_code"] for r in crosswalk}) == 63
    assert sum(r["unchanged"] for r in crosswalk) == 11
    new_of_old = {r["legacy_province_code"]: r["province_code"] for r in crosswalk}
    assert set(new_of_old.values()) == {code for code, _n, _k in current_provinces()}
    # The old -> new commune links (from a separate file) never cross the province crosswalk.
    by_district = {d.code: d.province_code for d in districts() if d.code}
    new_province_of = {c.code: c.province_code for c in communes() if c.era == "current"}
    for c in communes():
        if c.era == "legacy":
            assert c.successor_code in new_province_of, c
            assert new_province_of[c.successor_code] == new_of_old[by_district[c.district_code]], c


def test_domain_md_merger_examples():
    members = {}
    for r in province_crosswalk_rows():
        members.setdefault(r["province"], set()).add(r["legacy_province"])
    assert members["Ninh Bình"] == {"Ninh Bình", "Hà Nam", "Nam Định"}
    assert members["Hưng Yên"] == {"Hưng Yên", "Thái Bình"}
    assert members["Phú Thọ"] == {"Phú Thọ", "Vĩnh Phúc", "Hòa Bình"}
    assert members["Vĩnh Long"] == {"Vĩnh Long", "Bến Tre", "Trà Vinh"}
    assert members["Hồ Chí Minh"] == {"Hồ Chí Minh", "Bình Dương", "Bà Rịa - Vũng Tàu"}
    assert members["Huế"] == {"Thừa Thiên Huế"}
    # a district follows its old province
    assert lookup_district("Huyện Hải Hậu").province_current == "Ninh Bình"
    assert lookup_district("Thành phố Thủ Dầu Một").province_current == "Hồ Chí Minh"


@pytest.mark.parametrize("written, province, code", [
    ("Huyện Kim Sơn", None, "376"),
    ("H. Kim Sơn", "Ninh Bình", "376"),
    ("huyện Kim Sơn", "tỉnh Ninh Bình", "376"),
    ("Quận 1", None, "760"),
    ("Q.1", "TP HCM", "760"),
    ("Q1", "TP. Hồ Chí Minh", "760"),
    ("Quận 01", "Hồ Chí Minh", "760"),
    ("Quận 2", "Thành phố Hồ Chí Minh", "769"),  # merged into TP Thủ Đức in 2021
    ("TX Phổ Yên", "Thái Nguyên", "172"),  # a town that became a city
    ("Thị xã Phổ Yên", None, "172"),
    ("Tp. Thủ Dầu Một", "Bình Dương", "718"),
    ("TP Hòa Bình", None, "148"),
    ("Huyện Kỳ Sơn", "Hòa Bình", "148"),  # merged into TP Hòa Bình
    ("huyện Thuỷ Nguyên", "Hải Phòng", "311"),  # new-style tone, became a city in 2025
    ("\u00d0ông Hưng", "Thái Bình", "340"),  # Ð (eth) for Đ
    ("Huyện Krông Pắc", "Đăk Lăk", "654"),
    ("Huyện Phong Điền", "Thừa Thiên - Huế", "476"),
    ("Huyện Trà Lĩnh", "Cao Bằng", "047"),  # hand-made history: went into Trùng Khánh
])
def test_district_name_variants(written, province, code):
    found = lookup_district(written, province)
    assert found is not None and found.code == code


def test_ambiguous_district_names_need_the_province():
    assert lookup_district("Huyện Châu Thành") is None  # eleven provinces have one
    tien_giang = lookup_district("Huyện Châu Thành", "Tiền Giang")
    assert (tien_giang.code, tien_giang.legacy_province, tien_giang.province_current) == ("821", "Tiền Giang", "Đồng Tháp")
    assert lookup_district("Châu Thành", "Bến Tre").province_current == "Vĩnh Long"
    # 2025 lists name the merged province: the district still finds its old one
    assert lookup_district("Huyện Vũ Thư", "Hưng Yên").legacy_province == "Thái Bình"
    assert lookup_district("Hòa Bình") is None  # TP Hòa Bình (Hòa Bình) or Huyện Hòa Bình (Bạc Liêu)
    assert lookup_district("Hòa Bình", "Bạc Liêu").code == "961"
    assert lookup_district("Kỳ Anh", "Hà Tĩnh") is None  # both a huyện and a thị xã
    assert lookup_district("Thị xã Kỳ Anh", "Hà Tĩnh").code == "449"
    assert lookup_district("Huyện Kim Sơn", "Thái Bình") is None  # not a district of that province
    assert lookup_district("Atlantis") is None and lookup_district("") is None
    huế = lookup_district("Thành phố Huế", "Thừa Thiên Huế", on=date(2023, 5, 1))
    assert (huế.code, huế.province_current) == (None, "Huế")  # divided in 2025: no single successor


def test_find_district_in_addresses():
    assert find_district("xã Yên Mông, TP Hòa Bình", "Hòa Bình").code == "148"
    # 'xã Kim Sơn' is a commune; the district is the marked one
    assert find_district("thôn Kim Sơn, xã Kim Sơn, huyện Kim Sơn, Ninh Bình", "Ninh Bình").code == "376"
    assert find_district("xã Nguyên Xá, Vũ Thư", "Thái Bình").code == "344"
    assert find_district("xã Yên Mông, tỉnh Hòa Bình", "Hòa Bình") is None  # the province, not a district
    assert find_district("Quận 1, TP HCM", "Hồ Chí Minh").code == "760"


def test_communes_to_provinces():
    # Before the reform: commune + district (+ province) -> the commune, its old and new units
    c = lookup_commune("xã Nguyên Xá", "Thái Bình", "huyện Vũ Thư")
    assert (c.era, c.district_code, c.legacy_province, c.province_current) == ("legacy", "344", "Thái Bình", "Hưng Yên")
    assert c.successor_name and c.successor_code
    # After it: commune + new province, as post-reform lists write them
    c = lookup_commune("Phường Ba Đình", "Hà Nội", on=date(2025, 9, 1))
    assert (c.era, c.province_current) == ("current", "Hà Nội")
    assert lookup_commune("Đặc khu Phú Quốc").province_current == "An Giang"
    assert lookup_commune("Xã Tân Lập") is None  # dozens of them
    assert province_for_commune("xã Nguyên Xá") == "Hưng Yên"  # every Nguyên Xá lay in Thái Bình
    assert province_for_commune("Xã Tân Lập") is None
    assert province_for_commune("Xã Tân Lập", "Tuyên Quang") == "Tuyên Quang"
    assert province_for_commune("P. 3", "Vĩnh Long") == "Vĩnh Long"


def test_admin_units_rows_are_keyed_and_dated():
    rows = admin_unit_rows()
    keys = [(r["level"], r["code"], r["name"], r["valid_from"]) for r in rows]
    assert len(keys) == len(set(keys))
    provinces = [r for r in rows if r["level"] == "province"]
    assert sum(r["valid_to"] == date(2025, 6, 30) for r in provinces) == 63
    assert sum(r["valid_from"] == date(2025, 7, 1) for r in provinces) == 34
    assert not any(r["level"] == "district" and r["valid_from"] for r in rows)  # no district after the reform


def write_simple_list(path, title, rows, province_line="UBND TỈNH THÁI BÌNH"):
    # The decision line names no province: the province must come from elsewhere (title, districts).
    _write_simple_list(path, title, rows, province_line, "(Kèm theo Quyết định số 3610/QĐ-UBND ngày 29/12/2022)")


@pytest.fixture
def staged(tmp_path, con):
    sources = tmp_path / "sources"
    (sources / "snapshot" / "tb").mkdir(parents=True)
    (sources / "tb.yaml").write_text(
        "name: tb_lists\nkind: spreadsheet\nprovince: Thái Bình\npath: snapshot/tb/*\n", encoding="utf-8")
    write_simple_list(sources / "snapshot" / "tb" / "2022.xlsx", "DANH SÁCH SẢN PHẨM OCOP NĂM 2022", [
        ["Bánh cáy", "HTX Nông nghiệp Nguyên Xá", "xã Nguyên Xá, H. Vũ Thư", "4 sao"],
        ["Chiếu cói", "Hộ kinh doanh Trần Văn Hải", "xã Hải Triều, huyện Hưng Hà, tỉnh Thái Bình", "3 sao"],
    ])
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    # No province in the title nor the addresses: the districts name it (Kim Sơn is only in Ninh Bình).
    write_simple_list(inbox / "list.xlsx", "DANH SÁCH SẢN PHẨM OCOP NĂM 2021", [
        ["Chiếu cói Kim Sơn", "HTX Cói Kim Sơn", "xã Kim Chính, huyện Kim Sơn", "3 sao"],
        ["Nước mắm", "Công ty TNHH Mắm Việt", "xã Bình An, huyện Châu Thành", "3 sao"],
    ], province_line="DANH SÁCH TỔNG HỢP")
    paths = Paths.resolve(tmp_path / "data", inbox, sources)
    registry = load_registry(sources)
    record_sources(con, registry)
    land_spreadsheets(con, paths, [s for s in registry if s.kind == "spreadsheet"])
    stage_spreadsheets(con, paths)
    return con


def test_staging_canonicalises_districts_and_codes(staged):
    got = {r[0]: r[1:] for r in staged.execute(
        "SELECT product_name, district, district_code, province, legacy_province_code, province_current, "
        "province_code FROM stg_sheet_rows").fetchall()}
    assert got["Bánh cáy"] == ("Huyện Vũ Thư", "344", "Thái Bình", "34", "Hưng Yên", "33")
    assert got["Chiếu cói"] == ("Huyện Hưng Hà", "339", "Thái Bình", "34", "Hưng Yên", "33")
    # province inferred from an unambiguous district
    assert got["Chiếu cói Kim Sơn"] == ("Huyện Kim Sơn", "376", "Ninh Bình", "37", "Ninh Bình", "37")
    # 'Châu Thành' is in eleven provinces: no guess, the row is rejected for want of a province
    assert "Nước mắm" not in got
    reasons = [r[0] for r in staged.execute("SELECT reason FROM rejects").fetchall()]
    assert any("no province" in r for r in reasons)


def _readme_query(number: int) -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    m = re.search(rf"^-- {number}\. .*?(?=^-- \d+\. |^```)", text, re.DOTALL | re.MULTILINE)
    assert m, f"README query {number} not found"
    return m.group(0)


def test_readme_query_counts_in_both_geographies(staged):
    write_reference_tables(staged)
    # products as the core would have them (the query only needs province / legacy_province)
    staged.execute("INSERT INTO products (product_id, name, subject_id, province, legacy_province, current_stars, "
                   "status, rating_count) VALUES ('p1', 'A', 's', 'Hưng Yên', 'Thái Bình', 4, 'active', 1), "
                   "('p2', 'B', 's', 'Hưng Yên', 'Hưng Yên', 3, 'active', 1), "
                   "('p3', 'C', 's', 'Hưng Yên', NULL, 3, 'active', 1)")
    rows = staged.execute(_readme_query(6)).fetchall()
    by_old = {r[1]: r for r in rows if r[0] == "63 provinces"}
    by_new = {r[1]: r for r in rows if r[0] == "34 provinces"}
    assert len(by_old) == 63 + 1 and len(by_new) == 34  # + one line for products rated after the reform
    assert by_new["Hưng Yên"][-1] == 3
    assert by_old["Thái Bình"][-1] == 1 and by_old["Hà Nam"][-1] == 0
