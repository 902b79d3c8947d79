"""Products named in news pages (ocop_pipeline.news.products through extract_article).

Each test is a page written for it that reproduces one construction of real OCOP news writing; the
names, subjects and figures may be real, the sentences are not copied from any page."""

from __future__ import annotations

from datetime import date

from ocop_pipeline.news.article import extract_article
from ocop_pipeline.news.products import plausible_name, star_info


def products(text: str, title: str | None = None) -> dict[str, dict]:
    page = (title + "\n\n" + text) if title else text
    r = extract_article(page, published_hint=date(2024, 11, 20))
    return {p["name"]: p for p in r["products"]}


def test_counted_header_with_star_and_comma_list_with_places():
    got = products(
        "Năm 2024, UBND huyện Bình Giang ra quyết định công nhận các sản phẩm OCOP của huyện.\n"
        "Cụ thể, 4 sản phẩm đạt 3 sao gồm: dưa lưới xã Cổ Bì, gạo Bắc thơm (xã Nhân Quyền), "
        "mì mòi (xã Vĩnh Hưng) và lược Vạc (xã Thái Học)."
    )
    assert set(got) == {"dưa lưới xã Cổ Bì", "gạo Bắc thơm", "mì mòi", "lược Vạc"}
    assert all(p["stars"] == 3 and p["subject"] is None for p in got.values())


def test_semicolon_list_shared_subject_and_stars_from_the_batch_count():
    got = products(
        "Năm 2023, huyện Đồng Hỷ có 4 sản phẩm của 3 chủ thể được UBND huyện cấp giấy chứng nhận OCOP 3 sao.\n"
        "4 sản phẩm gồm: Măng tươi lục trúc MTQ và Măng khô lục trúc MTQ của HTX măng lục trúc MTQ (thị trấn "
        "Trại Cau); Mật ong Phúc Thành của HTX nuôi ong Phúc Thành (xã Hóa Trung); Trà TN GABA của Công ty CP "
        "Thương mại và Sản xuất TNTea (xã Hòa Bình).\n"
        "Tính đến nay, huyện có 44 sản phẩm OCOP, gồm 26 sản phẩm 3 sao, 17 sản phẩm 4 sao và 1 sản phẩm 5 sao."
    )
    assert got["Măng tươi lục trúc MTQ"]["subject"] == "HTX măng lục trúc MTQ"
    assert got["Măng khô lục trúc MTQ"]["subject"] == "HTX măng lục trúc MTQ"
    assert got["Trà TN GABA"]["subject"] == "Công ty CP Thương mại và Sản xuất TNTea"
    assert {p["stars"] for p in got.values()} == {3} and len(got) == 4


def test_several_star_headers_in_one_sentence():
    got = products(
        "Đợt này, thành phố có 4 sản phẩm được tỉnh công nhận gồm: 01 sản phẩm 4 sao là Chả mực Kitasea của "
        "Công ty TNHH MTV KITA xã Tịnh Khê và 3 sản phẩm 3 sao là: Cá bống sông Trà Phi Yến của bà Phạm Thị Yến "
        "xã Tịnh Ấn Tây; Chả lụa Lê Vinh và Chả bò Lê Vinh của ông Lê Văn Vinh xã Nghĩa Dũng."
    )
    assert got["Chả mực Kitasea"]["stars"] == 4 and got["Chả mực Kitasea"]["subject"] == "Công ty TNHH MTV KITA"
    assert got["Cá bống sông Trà Phi Yến"] | {} and got["Cá bống sông Trà Phi Yến"]["subject"] == "bà Phạm Thị Yến"
    assert got["Chả bò Lê Vinh"]["stars"] == 3 and got["Chả bò Lê Vinh"]["subject"] == "ông Lê Văn Vinh"
    assert len(got) == 4


def test_star_in_the_predicate_after_the_list():
    got = products(
        "Sản phẩm công nhận đợt 1 gồm nước cốt hoa Atiso Ngọc Hoàn của Công ty TNHH Hoàn Ngọc, phường Hải Lĩnh "
        "đạt 4 sao. Sữa hạt dinh dưỡng và sữa hạt cho người tiểu đường của Công ty TNHH Hồng Hoa Organic Care, "
        "phường Nguyệt Viên đạt 3 sao."
    )
    assert got["nước cốt hoa Atiso Ngọc Hoàn"]["stars"] == 4
    assert got["nước cốt hoa Atiso Ngọc Hoàn"]["subject"] == "Công ty TNHH Hoàn Ngọc"
    assert got["Sữa hạt dinh dưỡng"]["stars"] == 3 and got["sữa hạt cho người tiểu đường"]["stars"] == 3
    assert "phường Hải Lĩnh" not in got and len(got) == 3


def test_item_lines_under_a_header_line_and_subjects_with_commas():
    got = products(
        "UBND huyện Cần Đước cấp giấy chứng nhận sản phẩm OCOP 3 sao cho các sản phẩm như sau:\n"
        "Khô cá dứa, khô cá sặc của Công ty TNHH thương mại dịch vụ Quý Phước, ấp Rạch Cát xã Long Hựu Đông.\n"
        "Sản phẩm Dưa leo, Bầu sao, Bí xanh của Hợp tác xã nông nghiệp, thương mại, dịch vụ Thuận Giàu, Ấp 2 xã "
        "Long Định.\n"
        "Các chủ thể được sử dụng nhãn hiệu chứng nhận OCOP trên bao bì, nhãn hàng hóa theo quy định."
    )
    assert set(got) == {"Khô cá dứa", "khô cá sặc", "Dưa leo", "Bầu sao", "Bí xanh"}  # "Bầu sao" is a gourd
    assert got["Bí xanh"]["subject"] == "Hợp tác xã nông nghiệp, thương mại, dịch vụ Thuận Giàu"
    assert all(p["stars"] == 3 for p in got.values())


def test_subject_has_n_products_and_the_title_gives_the_star():
    got = products(
        "Công ty cổ phần Ong Tam Đảo có 3 sản phẩm Tacumin, mật ong quất, mật ong hoa rừng. Công ty TNHH Nấm "
        "Phùng Gia với sản phẩm nấm đùi gà Phùng Gia.",
        title="Vĩnh Phúc: 4 sản phẩm tiếp tục được xếp hạng OCOP 4 sao",
    )
    assert got["Tacumin"]["subject"] == "Công ty cổ phần Ong Tam Đảo" and got["Tacumin"]["stars"] == 4
    assert got["nấm đùi gà Phùng Gia"]["subject"] == "Công ty TNHH Nấm Phùng Gia"
    assert len(got) == 4


def test_potential_five_star_products_are_not_five_star():
    got = products(
        "Hà Nội công nhận 10 sản phẩm đạt 3 sao, 8 sản phẩm đạt 4 sao và 2 sản phẩm có tiềm năng đạt 5 sao, "
        "đề nghị Trung ương công nhận. Hai sản phẩm được đề xuất là: Bộ bát đĩa gốm sứ hoa sen đỏ của Công ty "
        "TNHH Gốm sứ Quang Vinh, và Bộ sản phẩm gốm men suối ngọc của Hợp tác xã gốm sứ Tân Thịnh."
    )
    assert set(got) == {"Bộ bát đĩa gốm sứ hoa sen đỏ", "Bộ sản phẩm gốm men suối ngọc"}
    assert all(p["stars"] is None and p["status"] == "potential_5_star" for p in got.values())


def test_table_flattened_one_cell_per_line():
    got = products(
        "Ngày 01/8/2022, UBND tỉnh phê duyệt kết quả chấm điểm 2 sản phẩm OCOP tiềm năng 5 sao.\n"
        "2 sản phẩm gồm\nTT\nSản phẩm\nChủ thể\nĐịa chỉ\nKết quả chấm điểm\n"
        "1\nNước mắm Lú Huế\nHTX nước mắm truyền thống Phú Thuận\nThôn An Dương, xã Phú Thuận\n94\n"
        "2\nBộ đèn trang trí, rổ, rá\nHTX mây tre đan Bao La\nxã Quảng Phú, huyện Quảng Điền\n96\n"
        "Đây là 2 sản phẩm của làng nghề truyền thống."
    )
    assert set(got) == {"Nước mắm Lú Huế", "Bộ đèn trang trí, rổ, rá"}
    assert got["Nước mắm Lú Huế"]["subject"] == "HTX nước mắm truyền thống Phú Thuận"
    assert all(p["status"] == "potential_5_star" and p["stars"] is None for p in got.values())


def test_english_list_after_a_star_sentence():
    got = products(
        "The provincial People's Committee has recognised 5 more OCOP products. Accordingly, four products "
        "from two producers were rated four stars. These include honey-soaked deer velvet, dried deer velvet "
        "and deer velvet powder produced by Dong Tien Agricultural Cooperative in Ia Toi Commune, and black "
        "garlic by Phu Sinh Trading Co., Ltd in Ly Son Special Zone."
    )
    assert set(got) == {"honey-soaked deer velvet", "dried deer velvet", "deer velvet powder", "black garlic"}
    assert got["dried deer velvet"]["subject"] == "Dong Tien Agricultural Cooperative"
    assert got["black garlic"]["subject"] == "Phu Sinh Trading Co. Ltd"
    assert all(p["stars"] == 4 for p in got.values())


def test_and_inside_a_name_that_is_not_the_last_of_its_list():
    got = products(
        "Có 3 sản phẩm mới được công nhận OCOP 4 sao: bánh Vicosap dừa sáp và khoai lang, bánh Vicosap dừa sáp "
        "và bí đỏ, mật hoa dừa tươi Organic Sokfarm."
    )
    assert set(got) == {"bánh Vicosap dừa sáp và khoai lang", "bánh Vicosap dừa sáp và bí đỏ",
                        "mật hoa dừa tươi Organic Sokfarm"}


def test_unrated_names_places_units_and_examples_are_not_products():
    fair = products(
        "Hội chợ sản phẩm OCOP năm 2022 có 100 gian hàng, quy tụ nhiều sản phẩm tiêu biểu như: giò me Tiến "
        "Giáp (Hương Khê), nước mắm Hoài Yến (Thạch Hà), cam Hoài Luân (Vũ Quang)."
    )
    assert fair == {}
    places = products(
        "Hội đồng đã đánh giá 7 sản phẩm OCOP có tiềm năng đạt 4 sao, 5 sao thuộc 5 địa phương là Cẩm Thành, "
        "Bình Sơn, Trà Bồng, Thọ Phong, Lý Sơn."
    )
    assert places == {}
    units = products(
        "9 đơn vị có sản phẩm OCOP 4 sao được tỉnh trao cúp gồm: HTX Nông nghiệp Sen quê Bác; Công ty TNHH "
        "Đức Phong; Công ty CP Tập đoàn Bometa."
    )
    assert units == {}
    stock = products(
        "Lũy kế đến hết năm 2024, toàn tỉnh có 157 sản phẩm OCOP, trong đó 140 sản phẩm đạt 3 sao. Một số sản "
        "phẩm tiêu biểu như: Cá kho Nhân Hậu, chuối ngự Đại Hoàng, lụa tơ tằm Nha Xá."
    )
    assert stock == {}


def test_an_excerpt_cut_inside_the_last_name_leaves_it_out():
    text = (
        "UBND tỉnh công nhận 9 sản phẩm OCOP 3 sao.\n"
        "Huyện Long Mỹ có 3 sản phẩm đạt 3 sao gồm chả cá thát lát nguyên chất, cá thát lát tẩm gia vị và "
        "chả cá thát lát cuộn. Sản phẩm đặc biệt của huyện còn có các loại cá thát lát rút xương khô và Rượu cam sà"
    )
    got = products(text)
    assert set(got) == {"chả cá thát lát nguyên chất", "cá thát lát tẩm gia vị", "chả cá thát lát cuộn"}


def test_cut_inside_an_address_keeps_the_whole_name():
    got = products(
        "Đợt 02 năm 2024 có 3 sản phẩm xếp hạng 03 sao được công nhận như: Sản phẩm gạo ST25, gạo hương lài "
        "của Công ty TNHH Giàu Thanh Hồng (ấp An Thái, xã An Cư); Sản phẩm bánh kẹp xếp của cơ sở Thanh Hương "
        "(ấp Lương Nhơn, x"
    )
    assert set(got) == {"gạo ST25", "gạo hương lài", "bánh kẹp xếp"}
    assert got["bánh kẹp xếp"]["subject"] == "cơ sở Thanh Hương" and got["bánh kẹp xếp"]["stars"] == 3


def test_upgrade_and_proposal_stars():
    assert star_info("được nâng hạng từ 3 sao lên 4 sao") == (4, None)
    assert star_info("được tham gia nâng hạng từ 4 sao lên 5 sao") == (4, "proposed_5_star")
    assert star_info("có tiềm năng đạt 5 sao") == (None, "potential_5_star")
    assert star_info("đạt 3 sao, 4 sao") == (None, None)
    assert star_info("đạt từ 3 sao trở lên") == (None, None)
    assert star_info("(4*)") == (4, None) and star_info("rated four stars") == (4, None)


def test_plausible_names():
    for bad in ("thành phố Tây Ninh", "HTX Nông nghiệp Phú Mỹ", "các sản phẩm thuộc 12 công ty", "sau", "xã Tam Dân)",
                "In particular", "huyện Phụng Hiệp", "rated five stars", "Thanh Miện", "Bắc Giang", "du lịch",
                "đường Nguyễn Lương Bằng"):
        assert not plausible_name(bad), bad
    for good in ("Bầu sao", "Viên Hà thủ ô 5 trong 1", "đường thốt nốt Palmania", "Bộ sản phẩm gốm men suối ngọc", "gạo ST25", "DAKA rice"):
        assert plausible_name(good), good


def test_points_give_the_star_band():
    got = products(
        "Hội đồng OCOP tỉnh họp đánh giá 3 sản phẩm. Qua đánh giá, cả 3 sản phẩm đều đạt trên 70 điểm, gồm Lục bình "
        "gốm Mỹ Thiện của hộ kinh doanh Đặng Văn Trịnh, Tỏi đen Lý Sơn DORI và Cao tỏi đen của Công ty cổ phần Dori."
    )
    assert set(got) == {"Lục bình gốm Mỹ Thiện", "Tỏi đen Lý Sơn DORI", "Cao tỏi đen"}
    assert all(p["stars"] == 4 for p in got.values()) and got["Cao tỏi đen"]["subject"] == "Công ty cổ phần Dori"
    scored = products(
        "Tỉnh đề nghị Bộ đánh giá 2 sản phẩm. Các sản phẩm bao gồm: Sản phẩm Trà trái mãng cầu xiêm (đạt 94 điểm) "
        "của Công ty TNHH Travipha (xã Tân Thạnh); Sản phẩm Điểm du lịch Trại rắn Đồng Tâm (đạt 92,7 điểm) của Trung "
        "tâm nghiên cứu chế biến dược liệu, Quân Khu 9 (xã Bình Đức)."
    )
    assert set(scored) == {"Trà trái mãng cầu xiêm", "Điểm du lịch Trại rắn Đồng Tâm"}  # "Quân Khu" is the subject's
    assert all(p["stars"] is None and p["status"] == "potential_5_star" for p in scored.values())


def test_english_star_before_the_noun_and_counted_descriptions():
    got = products(
        "Ten have received four-star rating, namely Nang Huong rice and two types of unhusked rice produced by Rach "
        "Gia cooperative, and five kinds of sedge baskets and bags by Toan Tuyen workshop. Meanwhile, there were "
        "3-star OCOP products, namely They are sesame rice paper by the Tran Thi Chung household-run facility, "
        "cordyceps mushroom and Lingzhi mushroom by the Quynh Tam family-run facility."
    )
    assert got["Nang Huong rice"]["stars"] == 4
    assert "bags" not in got and not any(n.startswith(("two", "five")) for n in got)
    assert {n for n, p in got.items() if p["stars"] == 3} == {"sesame rice paper", "cordyceps mushroom", "Lingzhi mushroom"}
    assert got["Lingzhi mushroom"]["subject"] == "Quynh Tam family-run facility"


def test_names_joined_before_a_capital_and_a_shared_producer_after_them():
    got = products(
        "2 sản phẩm khác được Bộ công nhận đạt OCOP 5 sao cấp quốc gia gồm: Trà phun sương Atiso Sapa và Cao mềm "
        "Atiso Sapa, cùng do Công ty TNHH MTV Traphaco Sapa (Lào Cai) sản xuất. Yến sào Linh Hường của Hộ kinh doanh "
        "Đỗ Ngọc Linh đạt 3 sao. Mắm tôm Ba Làng và Mắm tép Ba Làng, Nước mắm cốt Ba Làng của Hộ kinh doanh Nguyễn Thị"
    )
    assert got["Cao mềm Atiso Sapa"]["stars"] == 5 and got["Cao mềm Atiso Sapa"]["subject"] == "Công ty TNHH MTV Traphaco Sapa"
    assert "cùng" not in got
    # The excerpt ends inside the subject: the names are whole, their subject and star are not known.
    assert {"Mắm tôm Ba Làng", "Mắm tép Ba Làng", "Nước mắm cốt Ba Làng"} <= set(got)
    assert got["Mắm tép Ba Làng"]["subject"] is None and got["Mắm tép Ba Làng"]["stars"] is None


def test_a_prose_clause_before_a_list_and_two_products_of_one_name():
    got = extract_article(
        "Kết quả, có 3 sản phẩm đạt từ 3 đến 4 sao cấp tỉnh. Trong đó, sản phẩm na Chi Lăng (huyện Chi Lăng) được "
        "nâng cấp lên sản phẩm OCOP 4 sao; 2 sản phẩm đạt 3 sao gồm: bánh chưng cẩm Hồng Lý, na Chi Lăng (huyện "
        "Hữu Lũng)."
    )["products"]
    assert [(p["name"], p["stars"]) for p in got] == [("na Chi Lăng", 4), ("bánh chưng cẩm Hồng Lý", 3), ("na Chi Lăng", 3)]


def test_a_product_proposed_to_the_ministry_is_not_five_star():
    got = products(
        "Theo đó, tỉnh trình Hội đồng cấp Trung ương xem xét công nhận sản phẩm OCOP cấp quốc gia 5 sao đối với sản "
        "phẩm Đèn lồng treo mây tre đan của Công ty TNHH Đức Phong."
    )
    assert got == {"Đèn lồng treo mây tre đan": {"name": "Đèn lồng treo mây tre đan", "subject": "Công ty TNHH Đức Phong",
                                                "stars": None, "status": "proposed_5_star", "address": None}}


def test_counted_products_of_a_subject_with_the_names_in_parentheses():
    got = products(
        "Trong 9 sản phẩm được đánh giá, có 5 sản phẩm mới gồm: 03 sản phẩm thực phẩm bảo vệ sức khỏe của Công ty "
        "cổ phần Curcumin Bắc Hà (VICUMAX NANO CURCUMIN, VICUMAX LIMITED NANO CURCUMIN, VICUMAX MẬT ONG NANO "
        "CURCUMIN); 02 sản phẩm của Nhà hàng Tám Cương (Lạp sườn và thịt treo gác bếp).",
        title="Thành phố Bắc Kạn: thêm 05 sản phẩm OCOP đạt 3 sao",
    )
    assert set(got) == {"VICUMAX NANO CURCUMIN", "VICUMAX LIMITED NANO CURCUMIN", "VICUMAX MẬT ONG NANO CURCUMIN",
                        "Lạp sườn", "thịt treo gác bếp"}
    assert got["Lạp sườn"]["subject"] == "Nhà hàng Tám Cương" and all(p["stars"] == 3 for p in got.values())


def test_national_ocop_products_are_five_star():
    got = products(
        "Tỉnh có 2 sản phẩm được Thủ tướng Chính phủ công nhận OCOP quốc gia; đó là sản phẩm Trà Nhất Diệp Nguyên "
        "Hương và Cao ống Atiso của Công ty Cổ phần Dược Lâm Đồng."
    )
    assert set(got) == {"Trà Nhất Diệp Nguyên Hương", "Cao ống Atiso"}
    assert all(p["stars"] == 5 and p["subject"] == "Công ty Cổ phần Dược Lâm Đồng" for p in got.values())


def test_counted_products_with_the_names_in_parentheses_then_their_star():
    got = products(
        "UBND tỉnh Lào Cai công nhận 4 sản phẩm đạt từ 3 sao trở lên gồm: 1 sản phẩm (gạo Séng Cù của HTX Tiên "
        "Phong Mường Vi, Bát Xát) đạt tiêu chuẩn 4 sao; 3 sản phẩm (tương ớt Mường Khương; bưởi Múc Hoa, mận Tam "
        "hoa) đạt 3 sao. Tỉnh có 5 sản phẩm (hai sản phẩm mới) tham gia hội chợ."
    )
    assert got["gạo Séng Cù"]["stars"] == 4 and got["gạo Séng Cù"]["subject"] == "HTX Tiên Phong Mường Vi"
    assert {n for n, p in got.items() if p["stars"] == 3} == {"tương ớt Mường Khương", "bưởi Múc Hoa", "mận Tam hoa"}
    assert len(got) == 4


def test_subject_with_an_abbreviation_and_commas_then_its_address():
    got = products(
        "Sản phẩm đạt hạng 4 sao là gạo hữu cơ An Lỗ của Hợp tác xã (HTX) sản xuất, kinh doanh, dịch vụ nông "
        "nghiệp An Lỗ (thôn An Lỗ, xã Phong Hiền, huyện Phong Điền)."
    )
    assert got["gạo hữu cơ An Lỗ"]["subject"] == "Hợp tác xã sản xuất, kinh doanh, dịch vụ nông nghiệp An Lỗ"
    assert got["gạo hữu cơ An Lỗ"]["stars"] == 4 and len(got) == 1


def test_criteria_lines_under_a_star_header_are_not_products():
    got = products(
        "Theo Bộ tiêu chí, các chủ thể cần nắm rõ yêu cầu với từng hạng sao.\n"
        "Sản phẩm đạt hạng 3 sao phải đáp ứng các tiêu chí sau:\n- Nguồn gốc xuất xứ rõ ràng\n- Bao bì nhãn mác\n"
        "Sản phẩm đạt hạng 4 sao gồm các điều kiện:\n- Hệ thống quản lý chất lượng\n- Truy xuất nguồn gốc"
    )
    assert got == {}


def test_revoked_products_keep_no_rating_and_an_address_is_not_a_name():
    r = extract_article(
        "UBND tỉnh Đồng Tháp ban hành quyết định thu hồi giấy chứng nhận OCOP của 47 sản phẩm. Ở thành phố Cao "
        "Lãnh, việc thu hồi chỉ áp dụng với sản phẩm túi giấy lá sen Ecolotus của Công ty TNHH Ecolotus Việt Nam, "
        "tại địa chỉ 40/1, Trần Thị Nhượng, khóm 2, phường 4."
    )
    assert [(p["name"], p["subject"], p["status"]) for p in r["products"]] == [
        ("túi giấy lá sen Ecolotus", "Công ty TNHH Ecolotus Việt Nam", "revoked")]
    assert r["has_rating_results"] is False


def test_a_quoted_part_of_a_name_keeps_its_closing_quote():
    page = ('Công nhận 02 sản phẩm đạt 4 sao gồm: Gạo "Cái quạt mo" của HTX Nông nghiệp Bình An '
            '(xã Bình An) và Bộ đèn “Thôn nữ” của Công ty TNHH Gỗ Âu Lạc (xã Điện Phong).')
    names = {p["name"] for p in extract_article(page)["products"]}
    assert names == {'Gạo "Cái quạt mo"', 'Bộ đèn "Thôn nữ"'}  # curly quotes read as straight ones


def test_nhat_la_is_above_all_not_the_la_that_opens_a_list():
    # "nhất là" ("above all") names who is helped, never products; the real list after "gồm" still counts.
    text = ("Năm 2024, huyện Lục Ngạn có 2 sản phẩm đạt 4 sao gồm: Mật ong hoa vải, Vải thiều sấy khô. "
            "Nhiều sản phẩm sau khi đạt OCOP đã bán được giá cao hơn, giúp nhiều lao động có việc làm, "
            "nhất là phụ nữ và người cao tuổi.")
    got = products(text)
    assert set(got) == {"Mật ong hoa vải", "Vải thiều sấy khô"}
    assert "phụ nữ" not in " ".join(got).lower()


def test_a_grade_number_stays_in_the_name_and_a_pronoun_subject_is_no_subject():
    # A profile of one producer: "loại 1" (grade one) and "số 1" are part of the name, not a trailing list
    # index; "của đơn vị" / "của HTX" point back at the producer of the title, they name nobody.
    title = "Công ty TNHH Phúc Lộc Hiệp Mỹ Đông nâng tầm ruốc quê hương"
    text = ("Sản phẩm Ruốc tôm loại 1 của đơn vị đã được công nhận đạt 3 sao OCOP năm 2023, được người tiêu "
            "dùng trong và ngoài tỉnh đón nhận.\n"
            "Năm 2024, sản phẩm Nước mắm cá cơm số 1 của HTX tiếp tục được công nhận đạt 4 sao OCOP.")
    got = products(text, title)
    assert got["Ruốc tôm loại 1"]["stars"] == 3
    assert got["Nước mắm cá cơm số 1"]["stars"] == 4
    assert got["Ruốc tôm loại 1"]["subject"] is None and got["Nước mắm cá cơm số 1"]["subject"] is None
    assert "Ruốc tôm loại" not in got


def test_a_trailing_list_index_still_goes():
    # A score or an index after a name (not after "loại"/"số") is not part of it.
    got = products("Năm 2024, huyện có 2 sản phẩm đạt 3 sao gồm: Bánh đa kê 62, Chè lam Phủ Quảng.")
    assert set(got) == {"Bánh đa kê", "Chè lam Phủ Quảng"}


def test_a_profile_page_gives_its_producer_to_the_products_of_the_unit():
    # The title opens with the producer and the body writes its whole name again: "của đơn vị" is it.
    title = "HTX Giỏ mây tre đan Nghĩa Đức nâng tầm nước mắm quê hương"
    text = ("Những ngày cuối năm, không khí sản xuất tại HTX Giỏ mây tre đan Nghĩa Đức (phường Nghĩa Đức) "
            "luôn tấp nập.\n"
            "Sản phẩm Nước mắm hộp quà của đơn vị đã được công nhận đạt 4 sao OCOP năm 2020.\n"
            "Sản phẩm Mắm ruốc Hải Hậu của Công ty TNHH Hải Hà đạt 3 sao.")
    got = products(text, title)
    assert got["Nước mắm hộp quà"]["subject"] == "HTX Giỏ mây tre đan Nghĩa Đức"
    assert got["Mắm ruốc Hải Hậu"]["subject"] == "Công ty TNHH Hải Hà"  # a subject the text names stays


def test_a_title_the_body_does_not_repeat_profiles_nobody():
    got = products("Sản phẩm Nước mắm hộp quà của đơn vị đạt 4 sao OCOP năm 2020.",
                   "HTX Phúc Lộc nâng tầm nước mắm quê hương")
    assert got["Nước mắm hộp quà"]["subject"] is None


def test_a_capitalised_verb_word_is_part_of_the_subject_name():
    got = products("Sản phẩm Lạp xưởng túi 500g Thân Thuộc của HTX Lụa tơ tằm Thân Thuộc đạt 4 sao OCOP năm 2023.\n"
                   "Sản phẩm Giò me của Công ty TNHH Hồng Đài Việt thuộc Trung tâm dịch vụ nông nghiệp đạt 3 sao.")
    assert got["Lạp xưởng túi 500g Thân Thuộc"]["subject"] == "HTX Lụa tơ tằm Thân Thuộc"
    assert got["Giò me"]["subject"] == "Công ty TNHH Hồng Đài Việt"


def test_a_count_put_to_the_central_council_gives_no_five_stars_to_a_list_of_that_size():
    # "Trình Hội đồng ... xem xét công nhận 2 sản phẩm OCOP cấp Quốc gia 5 sao": proposed, not rated; a
    # later list of two products ("Hai sản phẩm đánh giá lần đầu gồm: ...") does not take 5 stars from it.
    text = ("UBND tỉnh Nghệ An vừa công nhận thêm 9 sản phẩm OCOP đạt 4 sao. Trình Hội đồng đánh giá, phân hạng "
            "cấp Trung ương xem xét công nhận 2 sản phẩm OCOP cấp Quốc gia 5 sao.\n"
            "Hai sản phẩm đánh giá lần đầu gồm: Nhóm gương mây tre của Công ty TNHH Đức Phong; Nước mắm Cửa Lò "
            "CL28 của Công ty cổ phần Thủy sản Nghệ An.")
    got = products(text)
    assert all(p["stars"] != 5 for p in got.values())
