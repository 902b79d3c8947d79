from ocop_pipeline.geo.admin_units import (
    current_province_for,
    current_province_names,
    find_provinces,
    legacy_provinces,
    lookup_province,
)


def test_reference_has_63_legacy_and_34_current_provinces():
    assert len(legacy_provinces()) == 63
    assert len({p.legacy_code for p in legacy_provinces()}) == 63
    assert len(current_province_names()) == 34


def test_crosswalk_matches_the_2025_mergers_in_domain_md():
    assert {p.legacy_name for p in legacy_provinces() if p.new_name == "Ninh Bình"} == {"Ninh Bình", "Hà Nam", "Nam Định"}
    assert {p.legacy_name for p in legacy_provinces() if p.new_name == "Phú Thọ"} == {"Phú Thọ", "Vĩnh Phúc", "Hòa Bình"}
    assert {p.legacy_name for p in legacy_provinces() if p.new_name == "Vĩnh Long"} == {"Vĩnh Long", "Bến Tre", "Trà Vinh"}
    assert current_province_for("Thái Bình") == "Hưng Yên"
    assert current_province_for("Bình Dương") == "Hồ Chí Minh"
    members: dict[str, int] = {}
    for p in legacy_provinces():
        members[p.new_name] = members.get(p.new_name, 0) + 1
    assert sum(1 for n in members.values() if n == 1) == 11  # unchanged, Huế among them
    assert sum(1 for n in members.values() if n > 1) == 23  # 52 merged into 23
    assert sum(n for n in members.values() if n > 1) == 52


def test_name_variants_resolve():
    assert lookup_province("Thừa Thiên - Huế").name == "Huế"
    assert lookup_province("TP. HCM").name == "Hồ Chí Minh"
    assert lookup_province("Đăk Lăk").legacy_name == "Đắk Lắk"
    assert lookup_province("tỉnh \u00d0ồng Tháp").legacy_name == "Đồng Tháp"
    assert lookup_province("Hoà Bình").name == "Phú Thọ"
    assert lookup_province("Atlantis") is None


def test_find_provinces_in_free_text_keeps_accents():
    found = find_provinces("UBND tỉnh Thanh Hoá và hoa huệ ở Thừa Thiên Huế")
    assert [m.legacy_name for m in found] == ["Thanh Hóa", "Thừa Thiên Huế"]
