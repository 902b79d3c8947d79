"""News facts besides products: counts, running totals, level, event date, has_rating_results.

Each test is a page written for one construction found on real OCOP news pages (the devset's
conventions, ../shared/news_devset/README.md); the sentences are ours, the facts and figures are of
the kind those pages give.
"""

from __future__ import annotations

from datetime import date

import pytest

from ocop_pipeline.news.article import extract_article
from ocop_pipeline.news.numbers import digits_for_words


def counts(r: dict) -> dict:
    return {k: v for k, v in r["counts"].items() if v is not None}


def cumulative(r: dict) -> dict:
    return {k: v for k, v in r["cumulative"].items() if v is not None}


def page(*paragraphs: str) -> str:
    return "\n".join(paragraphs) + "\n"


# --- batch, running total, snapshot ---------------------------------------------------------------


def test_batch_beside_the_new_running_total():
    r = extract_article(page(
        "Phú Ninh có thêm 8 sản phẩm OCOP",
        "Theo quyết định của UBND tỉnh, huyện Phú Ninh có 8 sản phẩm của 7 chủ thể được xếp hạng 3 sao, nâng tổng số "
        "lên 11 sản phẩm OCOP 3 sao của huyện.",
    ))
    assert counts(r) == {"total": 8, "stars_3": 8, "subjects": 7}
    assert cumulative(r) == {"total": 11, "stars_3": 11}
    assert r["has_rating_results"] is True


def test_parts_in_the_next_sentence_take_the_stock_they_break_down():
    # "được phân hạng" in the parts does not make them a batch: they are the stock's.
    r = extract_article(page(
        "Sản phẩm OCOP Đắk Nông ngày càng đa dạng",
        "Sau bốn năm thực hiện chương trình, đến nay Đắk Nông đã có 60 sản phẩm OCOP. Trong đó 7 sản phẩm được phân "
        "hạng 4 sao, các sản phẩm còn lại đạt 3 sao.",
    ))
    assert counts(r) == {}
    assert cumulative(r) == {"total": 60, "stars_4": 7}
    assert r["has_rating_results"] is True  # aggregate statistics are results
    assert r["level"] == "province"  # the scope of the statistic: a province named, no district


def test_parts_after_cu_the_take_the_batch_and_potential_five_stars_are_not_counted():
    r = extract_article(page(
        "UBND thành phố Hà Nội phê duyệt kết quả phân hạng sản phẩm OCOP năm 2019",
        "Theo đó, Hà Nội phân hạng 26 sản phẩm OCOP đạt từ 3 sao trở lên.",
        "Cụ thể, có 11 sản phẩm đạt 3 sao, 13 sản phẩm đạt 4 sao và 2 sản phẩm có tiềm năng đạt 5 sao, đề nghị Trung "
        "ương đánh giá, công nhận là sản phẩm OCOP cấp Quốc gia.",
    ))
    assert counts(r) == {"total": 26, "stars_3": 11, "stars_4": 13}
    # The city's committee of a centrally-run city is the province; the Centre is only asked.
    assert r["level"] == "province"


def test_earlier_batch_with_another_whole_is_not_the_batch():
    r = extract_article(page(
        "Tuyên Quang có thêm 40 sản phẩm OCOP",
        "UBND tỉnh vừa công nhận 40 sản phẩm đạt tiêu chuẩn OCOP đợt 2. Trong 40 sản phẩm được công nhận có 9 sản "
        "phẩm đạt 4 sao, 31 sản phẩm đạt 3 sao. Trước đó, tỉnh đã công nhận 20 sản phẩm (đợt 1), gồm: 4 sản phẩm đạt "
        "4 sao, 16 sản phẩm đạt 3 sao.",
        "Như vậy, đến nay toàn tỉnh có 60 sản phẩm OCOP. Trong đó, có 13 sản phẩm đạt 4 sao, 47 sản phẩm đạt 3 sao.",
    ))
    assert counts(r) == {"total": 40, "stars_3": 31, "stars_4": 9}
    assert cumulative(r) == {"total": 60, "stars_3": 47, "stars_4": 13}


def test_a_whole_at_one_star_level_gives_total_and_that_level():
    r = extract_article(page(
        "Huyện Cẩm Thủy có thêm 6 sản phẩm OCOP 3 sao",
        "UBND huyện Cẩm Thủy đã công nhận thêm 6 sản phẩm đạt chuẩn OCOP 3 sao.",
    ))
    assert counts(r) == {"total": 6, "stars_3": 6}


def test_stars_written_after_the_subjects_and_subjects_of_one_level_are_not_the_batch_s():
    r = extract_article(page(
        "Hải Phòng có thêm 40 sản phẩm OCOP",
        "Hội đồng cấp thành phố đã quyết định công nhận 40 sản phẩm của 15 chủ thể đạt chuẩn. Trong đó có 22 sản phẩm "
        "của 5 chủ thể đạt tiêu chuẩn OCOP 4 sao và 18 sản phẩm của 10 chủ thể đạt OCOP 3 sao.",
    ))
    assert counts(r) == {"total": 40, "stars_3": 18, "stars_4": 22, "subjects": 15}
    assert r["level"] == "province"  # Hải Phòng is a centrally-run city


def test_subjects_of_each_level_without_a_whole_give_no_subject_count():
    r = extract_article(page(
        "Cần Thơ công nhận 15 sản phẩm OCOP",
        "UBND thành phố Cần Thơ công nhận 15 sản phẩm, gồm 9 sản phẩm của 6 chủ thể đạt 3 sao và 6 sản phẩm của 3 "
        "chủ thể đạt 4 sao.",
    ))
    assert counts(r) == {"total": 15, "stars_3": 9, "stars_4": 6}


def test_one_level_split_in_two_parts_gives_no_figure_for_it_and_the_title_gives_the_whole():
    r = extract_article(page(
        "Provincial People's Committee rewards 120 products recognised as OCOP in 2024",
        "Accordingly, the Provincial People's Committee awarded 95 3-star OCOP products, each VND 8,000,000; awarded 20 "
        "4-star OCOP products (first recognition), each VND 10,000,000; and awarded 5 4-star OCOP products (upgraded "
        "from 3 stars to 4 stars), each VND 2,000,000.",
    ), "https://bacninh.gov.vn/en/news/x")
    assert counts(r) == {"total": 120, "stars_3": 95}  # 20 + 5 four-star would be a sum


def test_a_share_in_per_cent_is_not_a_count():
    r = extract_article(page(
        "Thừa Thiên Huế có 44 sản phẩm OCOP",
        "Tính đến nay, toàn tỉnh đã có 44 sản phẩm được công nhận, trong đó 12 sản phẩm đạt 4 sao (27,3%), 28 sản phẩm "
        "đạt 3 sao (63,6%).",
        "Phấn đấu có 70% số sản phẩm đăng ký đạt hạng 3 sao trở lên.",
    ))
    assert cumulative(r) == {"total": 44, "stars_3": 28, "stars_4": 12}
    assert counts(r) == {}


def test_figures_of_one_producer_are_not_the_page_s():
    r = extract_article(page(
        "Nam Định công nhận 109 sản phẩm OCOP năm 2021",
        "Ngày 13/12/2021, UBND tỉnh Nam Định đã công bố kết quả phân hạng. Theo đó, 02 sản phẩm của hợp tác xã Nghĩa "
        "Bình đã được chứng nhận OCOP.",
        "Tại Quyết định này, 109 sản phẩm OCOP của tỉnh được phê duyệt như sau:",
        "1. Công nhận 11 sản phẩm OCOP đạt hạng 4 sao (trong đó có 01 sản phẩm tiềm năng 5 sao).",
        "2. Công nhận 98 sản phẩm OCOP đạt hạng 3 sao.",
        "Công ty cổ phần Xuân Nguyên có 4 sản phẩm đạt chuẩn 4 sao.",
    ))
    assert counts(r) == {"total": 109, "stars_3": 98, "stars_4": 11}
    assert r["event_date"] == "2021-12-13"


def test_a_list_of_figures_by_place_is_not_the_page_s():
    r = extract_article(page(
        "Hà Nam có 150 sản phẩm OCOP",
        "Lũy kế đến hết năm 2024, toàn tỉnh có 150 sản phẩm OCOP, trong đó: Thị xã Duy Tiên có 40 sản phẩm (10 sản phẩm "
        "4 sao, 30 sản phẩm 3 sao); thành phố Phủ Lý có 35 sản phẩm 3 sao; Lý Nhân có 15 sản phẩm 3 sao.",
    ))
    assert cumulative(r) == {"total": 150}


def test_a_district_s_own_figure_is_the_page_s():
    r = extract_article(page(
        "Huyện Tây Sơn có thêm 9 sản phẩm OCOP",
        "Theo công bố của Hội đồng OCOP tỉnh, năm 2022 huyện Tây Sơn có 9 sản phẩm OCOP hạng 3 sao.",
    ))
    assert counts(r) == {"total": 9, "stars_3": 9}


def test_re_recognised_products_are_not_the_new_batch():
    r = extract_article(page(
        "Thanh Hóa công nhận thêm 14 sản phẩm OCOP",
        "Theo đó, công nhận lại các sản phẩm OCOP năm 2022 gồm 3 sản phẩm, trong đó có 1 sản phẩm 4 sao và 2 sản phẩm "
        "3 sao. Đồng thời, công nhận sản phẩm đạt hạng 3 sao, 4 sao gồm 14 sản phẩm, trong đó có 1 sản phẩm 4 sao và 13 "
        "sản phẩm 3 sao.",
    ))
    assert counts(r) == {"total": 14, "stars_3": 13, "stars_4": 1}


def test_participants_are_not_rated_and_the_stock_is_the_page_s_figure():
    r = extract_article(page(
        "Bắc Ninh phê duyệt 60 sản phẩm tham gia Chương trình OCOP",
        "Tỉnh Bắc Ninh phê duyệt 60 sản phẩm của 30 chủ thể tham gia Chương trình OCOP năm 2022.",
        "Đến nay, toàn tỉnh đã có 90 sản phẩm OCOP cấp tỉnh (55 sản phẩm đạt 4 sao và 35 sản phẩm đạt 3 sao) của 36 "
        "chủ thể.",
    ))
    assert counts(r) == {}
    assert cumulative(r) == {"total": 90, "stars_3": 35, "stars_4": 55, "subjects": 36}


def test_a_part_with_a_star_level_among_participants_is_a_result():
    r = extract_article(page(
        "Quảng Ninh: 330 sản phẩm OCOP đạt từ 3 sao",
        "Đến nay Quảng Ninh có 200 chủ thể sản xuất tham gia chương trình với 550 sản phẩm, trong đó có 330 sản phẩm "
        "đạt từ 3-5 sao.",
    ))
    assert counts(r) == {"total": 330}
    assert r["has_rating_results"] is True and r["level"] == "province"


def test_numbers_written_as_words():
    r = extract_article(page(
        "Công nhận bốn sản phẩm OCOP tỉnh năm 2022",
        "UBND tỉnh vừa có quyết định công nhận sản phẩm đạt tiêu chuẩn OCOP tỉnh đợt 2/2022 đối với bốn sản phẩm của "
        "bốn chủ thể.",
        "Cụ thể, một sản phẩm được công nhận đạt tiêu chuẩn bốn sao là cà phê của Công ty TNHH A. Ba sản phẩm được công "
        "nhận đạt tiêu chuẩn ba sao, gồm: nước rửa chén của hộ kinh doanh B; trà của HTX C; gạo của HTX D.",
    ))
    assert counts(r) == {"total": 4, "stars_3": 3, "stars_4": 1, "subjects": 4}
    assert r["level"] == "province"


@pytest.mark.parametrize("text,expected", [
    ("đối với bốn sản phẩm của bốn chủ thể", "đối với 4 sản phẩm của 4 chủ thể"),
    ("có hai mươi lăm sản phẩm đạt ba sao", "có 25 sản phẩm đạt 3 sao"),
    ("Eight products from seven producers were awarded three-star status", "8 products from 7 producers were awarded 3-star status"),
    ("Chương trình Mỗi xã, phường một sản phẩm năm 2023", "Chương trình Mỗi xã, phường một sản phẩm năm 2023"),
    ("One Commune One Product", "One Commune One Product"),
    ("có 29/31 sản phẩm đạt chuẩn", "có 29 sản phẩm đạt chuẩn"),
])
def test_digits_for_words(text, expected):
    assert digits_for_words(text) == expected


def test_english_counts_in_words_and_an_opener():
    r = extract_article(page(
        "Quang Ngai recognises 12 more OCOP products rated three to four stars",
        "QUẢNG NGÃI - The Provincial People's Committee has signed Decision No. 1898/QĐ-UBND recognising 12 additional "
        "products meeting the OCOP standards in the second round of 2025.",
        "Accordingly, four products from two producers were rated four stars.",
        "Eight products from seven producers were awarded three-star status.",
    ))
    assert counts(r) == {"total": 12, "stars_3": 8, "stars_4": 4}
    assert r["level"] == "province"


def test_a_provincial_five_stars_is_not_national():
    r = extract_article(page(
        "Quảng Bình có 10 sản phẩm OCOP năm 2024",
        "Theo quyết định phê duyệt kết quả đánh giá, phân hạng 10 sản phẩm OCOP cấp tỉnh năm 2024 thì có 3 sản phẩm đạt "
        "tiêu chuẩn 5 sao, 6 sản phẩm đạt 4 sao và 1 sản phẩm đạt 3 sao.",
    ))
    assert counts(r) == {"total": 10, "stars_3": 1, "stars_4": 6}
    assert r["level"] == "province"


def test_national_five_stars_count_and_the_national_total_is_cumulative():
    r = extract_article(page(
        "OCOP programme reaches 120 five-star products",
        "The National Council for the Evaluation of OCOP Products on Tuesday announced the recognition of 40 new "
        "five-star-rated products, bringing the national total to 120 five-star products.",
    ))
    assert counts(r) == {"total": 40, "stars_5": 40}
    assert cumulative(r) == {"total": 120, "stars_5": 120}
    assert r["level"] == "national"


def test_scores_say_the_stars_and_an_evaluated_number_is_not_the_batch():
    r = extract_article(page(
        "Hội đồng OCOP tỉnh chấm điểm sản phẩm đợt 2",
        "Hội đồng đánh giá, phân hạng sản phẩm OCOP tỉnh đã tổ chức đánh giá 50 sản phẩm. Kết quả có 41 sản phẩm đạt từ "
        "50 điểm trở lên, trong đó 3 sản phẩm đạt trên 90 điểm, tiềm năng 5 sao.",
    ))
    assert counts(r) == {"total": 41}
    assert not any(f["kind"] == "count" and f["value"] == 3 for f in r["facts"])


def test_products_below_three_stars_are_not_ocop_counts():
    r = extract_article(page(
        "Kon Tum có thêm sản phẩm OCOP",
        "Hội đồng đánh giá, phân hạng sản phẩm OCOP tỉnh đã xác định được 50 sản phẩm đạt OCOP 3 sao trở lên và 3 sản phẩm đạt 2 sao; trong đó, có hai "
        "sản phẩm đạt 4 sao.",
    ))
    assert counts(r) == {"total": 50, "stars_4": 2}


def test_a_revocation_is_not_a_result():
    r = extract_article(page(
        "Đồng Tháp thu hồi giấy chứng nhận của 40 sản phẩm OCOP",
        "UBND tỉnh Đồng Tháp đã ban hành quyết định thu hồi giấy chứng nhận sản phẩm OCOP đối với 40 sản phẩm (trong "
        "đó có 37 sản phẩm đạt 3 sao và 3 sản phẩm đạt 4 sao) của 25 chủ thể.",
    ))
    assert r["has_rating_results"] is False and counts(r) == {} and cumulative(r) == {}


def test_a_plan_document_s_objectives_are_targets():
    r = extract_article(page(
        "KẾ HOẠCH",
        "Thực hiện Chương trình mỗi xã một sản phẩm trên địa bàn tỉnh năm 2024",
        "Ninh Bình, ngày",
        "15 tháng 3 năm 2024",
        "I. MỤC TIÊU",
        "- Năm 2024 có thêm 25 sản phẩm",
        "được công nhận từ 3 sao trở lên (nâng tổng số sản phẩm đạt 3 sao trở lên đạt 190 sản phẩm).",
    ))
    assert r["has_rating_results"] is False and counts(r) == {} and cumulative(r) == {}
    assert r["event_date"] == "2024-03-15"  # the document's own date line


@pytest.mark.parametrize("text", [
    # a fair: booths and localities, not products
    ("Hội chợ sản phẩm OCOP năm 2022 diễn ra từ 21 - 25/1/2022, có quy mô 90 gian hàng với sự tham gia của 13 địa "
    "phương. Tại đây trưng bày, giới thiệu trên 150 sản phẩm OCOP."),
    # a training: classes and districts
    ("Từ ngày 11/7/2023 đến 16/8/2023, Chi cục Phát triển nông thôn tổ chức tập huấn tại mỗi huyện 01 lớp (09 huyện, "
    "thị xã, thành phố) và 11 lớp tại UBND các xã."),
])
def test_fairs_and_trainings_are_not_results(text):
    r = extract_article(page("Tin OCOP", text))
    assert r["has_rating_results"] is False and counts(r) == {}


# --- level ----------------------------------------------------------------------------------------


def test_a_district_level_city_s_council_is_district():
    r = extract_article(page(
        "Thành phố Bắc Kạn: thêm 07 sản phẩm OCOP đạt 3 sao",
        "Ngày 26/11, thành phố Bắc Kạn tổ chức đánh giá, phân hạng các sản phẩm tham gia Chương trình OCOP năm 2021.",
    ))
    assert counts(r) == {"total": 7, "stars_3": 7}
    assert r["level"] == "district"
    assert r["event_date"] == "2021-11-26"  # the year of the round written in the sentence


def test_the_prime_minister_of_a_criteria_decision_is_not_the_level():
    r = extract_article(page(
        "Huyện Cẩm Thủy có thêm 7 sản phẩm OCOP 3 sao",
        "Căn cứ kết quả chấm điểm sản phẩm OCOP đợt 1 năm 2024 theo Quyết định số 148/QĐ-TTg ngày 24/2/2023 của Thủ "
        "tướng Chính phủ, UBND huyện Cẩm Thủy đã công nhận thêm 7 sản phẩm đạt chuẩn OCOP 3 sao.",
    ))
    assert r["level"] == "district"
    assert r["event_date"] is None  # the criteria decision's date is not the event


def test_the_country_s_statistics_are_national():
    r = extract_article(page(
        "OCOP enters its sixth year",
        "To date, the country has more than 13,000 OCOP products rated 3 stars or higher and more than 7,000 OCOP "
        "entities.",
    ))
    assert r["has_rating_results"] is True and r["level"] == "national"
    assert cumulative(r) == {"total": 13000, "subjects": 7000}


# --- event date -----------------------------------------------------------------------------------


def test_day_and_month_take_the_year_of_the_crawl_dateline():
    r = extract_article(page(
        "date 2024-11 (THTG) Ngày 12/11, UBND huyện Cái Bè tổ chức hội nghị công bố và trao chứng nhận sản phẩm OCOP.",
    ))
    assert r["event_date"] == "2024-11-12"


def test_english_morning_of_with_the_source_dateline_below_the_lead():
    r = extract_article(page(
        "Evaluation of 20 provincial OCOP products",
        "On the morning of April 17, the Provincial Council held a conference to evaluate 20 products.",
        "Báo Thái BìnhBáo Thái Bình17/04/2025",
    ))
    assert r["event_date"] == "2025-04-17"


def test_a_site_banner_above_the_title_is_not_the_page_s_date():
    r = extract_article(page(
        "Thứ Năm, 3/7/2025 7:30 (GMT +7)",
        "Sóc Trăng: 99 sản phẩm OCOP đạt chuẩn 3 đến 4 sao",
        "Thứ Bảy 21/11/2020 , 11:05 (GMT+7)",
        "Đến nay, tỉnh Sóc Trăng có 99 sản phẩm OCOP, trong đó có 24 sản phẩm đạt 4 sao và 75 sản phẩm đạt 3 sao.",
    ))
    assert r["published"] == "2020-11-21"


@pytest.mark.parametrize("lead,expected", [
    (("UBND tỉnh Cao Bằng cấp Giấy chứng nhận theo Quyết định số 124/QĐ-UBND ngày 20/2/2023 của UBND tỉnh cho 41 "
     "sản phẩm OCOP."), "2023-02-20"),
    (("UBND tỉnh ban hành quyết định công nhận 6 sản phẩm đạt hạng 4 sao. Giấy chứng nhận có giá trị trong thời hạn 36 "
     "tháng kể từ ngày 28/12/2023."), "2023-12-28"),
    ("Năm 2024, thành phố Nam Định chính thức công nhận thêm 9 sản phẩm đạt chuẩn OCOP 3 sao vào ngày 15/11.",
     "2024-11-15"),
    ("Tuần lễ OCOP 2022 diễn ra liên tục từ ngày 22 đến 26-6 tại Trung tâm thương mại.", "2022-06-22"),
    ("Ngày 12 tháng 3 năm 2024, UBND tỉnh tổ chức hội nghị công bố sản phẩm OCOP.", "2024-03-12"),
])
def test_event_date_constructions(lead, expected):
    assert extract_article(page("Tin OCOP", lead))["event_date"] == expected


def test_a_year_less_date_takes_the_published_year():
    r = extract_article(page("Hà Tĩnh công nhận 8 sản phẩm OCOP 4 sao",
                             "Ngày 15/10, Phó Chủ tịch UBND tỉnh đã ký Quyết định công nhận 8 sản phẩm đạt 4 sao."),
                        published_hint=date(2024, 10, 20))
    assert r["event_date"] == "2024-10-15"


def test_entries_to_a_contest_are_not_the_stock():
    r = extract_article(page(
        "Đồng Tháp đánh giá sản phẩm OCOP năm 2023",
        "Năm 2023, toàn tỉnh có 200 sản phẩm tham gia dự thi đánh giá, phân hạng sản phẩm OCOP của 100 chủ thể.",
    ))
    assert r["has_rating_results"] is False and counts(r) == {} and cumulative(r) == {}


def test_a_participation_in_another_clause_does_not_undo_the_batch():
    r = extract_article(page(
        "Thanh Hóa: sản phẩm OCOP đợt 1 năm 2021",
        "Trong đợt 1 năm 2021, đã có 9 sản phẩm được xếp hạng sản phẩm OCOP cấp tỉnh và tiếp tục rà soát lựa chọn những "
        "sản phẩm tham gia đánh giá đợt 2.",
    ))
    assert counts(r) == {"total": 9} and r["has_rating_results"] is True


def test_a_whole_without_a_verb_takes_its_parts_standing():
    r = extract_article(page(
        "Chương Mỹ phát triển sản phẩm OCOP",
        "Năm 2020, toàn huyện Chương Mỹ có 50 sản phẩm được đánh giá, phân hạng chương trình OCOP: trong đó 40 sản phẩm "
        "phân hạng 4 sao; 10 sản phẩm được phân hạng 3 sao.",
    ))
    assert counts(r) == {"total": 50, "stars_3": 10, "stars_4": 40}


def test_parts_of_the_total_just_named_are_the_batch_s():
    r = extract_article(page(
        "Cà Mau công nhận thêm 30 sản phẩm OCOP",
        "UBND tỉnh Cà Mau vừa ban hành quyết định công nhận thêm 30 sản phẩm đạt chuẩn OCOP 3 sao và 4 sao.",
        "Theo quyết định phê duyệt, trong tổng số sản phẩm được công nhận, có 4 sản phẩm của 2 chủ thể đạt hạng 4 sao và "
        "26 sản phẩm của 10 chủ thể đạt hạng 3 sao.",
    ))
    assert counts(r) == {"total": 30, "stars_3": 26, "stars_4": 4}


def test_the_others_are_a_part_and_the_title_gives_the_whole():
    r = extract_article(page(
        "Kien Giang has 16 more star-rated OCOP products",
        "Nine have received four-star rating, namely rice and fish sauce.",
        "Seven others were rated three stars including rice paper and black pepper.",
    ))
    assert counts(r) == {"total": 16, "stars_3": 7}


def test_english_parts_without_their_noun():
    r = extract_article(page(
        "Can Tho expands OCOP products",
        "Can Tho has 800 OCOP products rated from three to five stars. Among them, three products are rated five stars, "
        "200 are rated four stars and 597 are rated three stars.",
    ))
    assert r["counts"]["total"] == 800 and r["counts"]["stars_4"] == 200 and r["counts"]["stars_3"] == 597


def test_the_revoked_products_named_again_are_not_a_batch():
    r = extract_article(page(
        "Đồng Tháp: 45 sản phẩm bị thu hồi giấy chứng nhận OCOP",
        "UBND tỉnh Đồng Tháp đã ban hành quyết định thu hồi giấy chứng nhận sản phẩm OCOP đối với 45 sản phẩm của 25 chủ thể.",
        "Trong 45 sản phẩm (được cấp chứng nhận OCOP năm 2021), có 40 sản phẩm không tham gia đánh giá lại.",
    ))
    assert r["has_rating_results"] is False and counts(r) == {}


def test_the_year_so_far_is_a_batch_beside_the_new_running_total():
    r = extract_article(page(
        "Thêm 60 sản phẩm được công nhận OCOP",
        "Từ đầu năm đến nay, toàn tỉnh có 60 sản phẩm được cấp giấy chứng nhận OCOP, trong đó, có 5 sản phẩm đạt OCOP 4 "
        "sao, 55 sản phẩm đạt OCOP 3 sao, nâng tổng số sản phẩm đạt OCOP lên 140 sản phẩm.",
        "Các sản phẩm OCOP vừa được công nhận thuộc 40 chủ thể, bao gồm: 12 hợp tác xã, 5 tổ hợp tác và 23 hộ sản xuất.",
    ))
    assert counts(r) == {"total": 60, "stars_3": 55, "stars_4": 5, "subjects": 40}
    assert cumulative(r) == {"total": 140}


def test_products_taking_part_in_a_council_round_are_entries():
    r = extract_article(page(
        "Đánh giá, phân hạng sản phẩm OCOP cấp tỉnh đợt 1",
        "Chiều 28/11, Hội đồng đánh giá, phân hạng sản phẩm OCOP tỉnh tổ chức hội nghị đánh giá, phân hạng đợt 1 năm 2025.",
        "Đợt đánh giá, phân hạng này có 70 sản phẩm tham gia từ 29 xã, phường trên địa bàn tỉnh.",
        "Hội đồng chấm điểm, dự kiến có 60 sản phẩm đề nghị Chủ tịch UBND tỉnh công nhận trong đợt này.",
    ))
    assert r["has_rating_results"] is False and counts(r) == {}
    assert r["event_date"] == "2025-11-28"


def test_a_provincial_capital_named_after_its_province_is_a_district():
    # Under 148/QĐ-TTg a city under the province rates 3 stars; "toàn tỉnh" naming the programme's
    # scope is not the level.
    r = extract_article(page(
        "Thành phố Nam Định phát triển sản phẩm OCOP",
        "Năm 2024, thành phố Nam Định tiếp tục là điểm sáng của chương trình OCOP toàn tỉnh khi công nhận thêm 8 sản "
        "phẩm đạt chuẩn OCOP 3 sao vào ngày 15/11.",
    ))
    assert r["district"] == "Nam Định" and r["district_type"] == "thành phố"
    assert r["level"] == "district" and r["event_date"] == "2024-11-15"
    assert counts(r) == {"total": 8, "stars_3": 8}


def test_hard_wrapped_lines_are_read_as_their_sentences():
    text = (
        "Hoa Binh grants provincial OCOP certificates\n"
        "There were 28 products of 22 units participating in the provincial OCOP product\n"
        "evaluation programme in the first phase of 2019.\n"
        "Of those, six products received four-star ranking and 14 others received three-star ranking. The 20 products were\n"
        "certified by the provincial People's Committee to use the OCOP label.\n"
    )
    r = extract_article(text)
    assert counts(r) == {"total": 20, "stars_3": 14, "stars_4": 6}
    assert r["level"] == "province"


@pytest.mark.parametrize("lead,expected", [
    ("UBND tỉnh Hải Dương vừa ban hành quyết định ngày 29/12 công nhận 30 sản phẩm đạt OCOP 4 sao năm 2023.", "2023-12-29"),
    ("The Hanoi People's Committee on March 4, 2024 issued a decision recognising 100 four-star OCOP products.",
     "2024-03-04"),
])
def test_dates_inside_the_lead_sentence(lead, expected):
    assert extract_article(page("Tin OCOP", lead))["event_date"] == expected


def test_english_province_names_without_marks():
    r = extract_article(page(
        "Kien Giang has 16 more star-rated OCOP products",
        "Sixteen more local specialties have been recognised as OCOP products in the Mekong Delta province of Kien Giang.",
    ))
    assert r["province"] == "An Giang" and r["legacy_province"] == "Kiên Giang"  # the 2025 merger
    r = extract_article(page("Vinh Long news", "In total, Vinh Long province currently has 230 OCOP products."))
    assert r["legacy_province"] == "Vĩnh Long"


def test_a_popularity_vote_is_not_a_rating():
    r = extract_article(page(
        "Đồng Tháp bình chọn top 20 sản phẩm OCOP",
        "Qua triển khai bình chọn, Hội đồng đã tổ chức đánh giá 90 sản phẩm tham gia. Kết quả, có Top 20 sản phẩm OCOP "
        "được cộng đồng bình chọn nhiều nhất.",
    ))
    assert counts(r) == {} and r["has_rating_results"] is False


def test_one_star_level_for_a_whole_whose_parts_name_none():
    r = extract_article(page(
        "Trà Vinh trao giấy chứng nhận sản phẩm OCOP",
        "Có 9 sản phẩm tái công nhận và công nhận mới; trong đó, 04 sản phẩm tái công nhận: bánh tét A, dừa sáp B; 05 sản "
        "phẩm mới: mật hoa dừa C, bánh D đạt OCOP 4 sao của 04 chủ thể.",
    ))
    assert counts(r)["total"] == 9 and counts(r)["stars_4"] == 9


def test_a_part_of_a_part_in_parentheses_is_not_another_part():
    r = extract_article(page(
        "Hậu Giang công nhận 20 sản phẩm OCOP",
        "Theo đó tỉnh công nhận 20 sản phẩm của 15 chủ thể đạt từ 3 sao trở lên gồm: 5 sản phẩm đạt 4 sao (có 1 sản phẩm "
        "thăng hạng từ 3 sao lên 4 sao), 15 sản phẩm đạt 3 sao.",
    ))
    assert counts(r) == {"total": 20, "stars_3": 15, "stars_4": 5, "subjects": 15}


def test_all_the_parts_of_a_stock_after_an_opener_stay_the_stock_s():
    r = extract_article(page(
        "Hà Nội dẫn đầu về sản phẩm OCOP",
        "Tính đến giữa năm 2025, toàn thành phố đã có 3.300 sản phẩm OCOP được đánh giá và phân hạng từ 3 sao trở lên. "
        "Trong đó, có 6 sản phẩm được công nhận đạt tiêu chuẩn 5 sao cấp quốc gia, 1.570 sản phẩm đạt 4 sao và 1.724 sản "
        "phẩm đạt 3 sao.",
    ))
    assert counts(r) == {}
    assert cumulative(r) == {"total": 3300, "stars_3": 1724, "stars_4": 1570, "stars_5": 6}
    # "5 sao cấp quốc gia" is the level of the 5-star part; the city's statistics are its own.
    assert r["level"] == "province"


def test_a_place_in_parentheses_does_not_open_parts():
    r = extract_article(page(
        "Can Lộc có thêm 6 sản phẩm OCOP 3 sao",
        "Với 6 sản phẩm được công nhận OCOP 3 sao đợt này, đến nay, huyện Can Lộc (Hà Tĩnh) đã có 20 sản phẩm OCOP được "
        "công nhận đạt tiêu chuẩn 3 sao.",
    ))
    assert counts(r) == {"total": 6, "stars_3": 6}
    assert cumulative(r) == {"total": 20, "stars_3": 20}
