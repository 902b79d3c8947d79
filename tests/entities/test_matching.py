"""Entity resolution: spellings of one producer, names of one product, and what must stay apart."""

import json
from datetime import date

import pytest

from ocop_pipeline.core.tables import rebuild_core
from ocop_pipeline.entities.decisions import Decision, load_decisions
from ocop_pipeline.entities.matching import ProductRecord, SubjectRecord, resolve_products, resolve_subjects
from ocop_pipeline.entities.names import parse_subject
from tests.support.rows import row, stage_rows
from tests.support.subjects import ten_thousand_subjects

HY = "Hưng Yên"


def _subject(name, commune="Xã Yên Mông", district="Huyện Vũ Thư", tax=None, province="Thái Bình"):
    return SubjectRecord(HY, name, commune, district, province, tax)


def _ids(resolution, records):
    return [resolution.ids[r] for r in records]


def test_spellings_of_one_cooperative_are_one_subject():
    records = [_subject(n) for n in (
        "HTX Nông nghiệp Yên Mông", "Hợp tác xã nông nghiệp Yên Mông", "HTX NN Yên Mông",
        "HỢP TÁC XÃ NÔNG NGHIỆP YÊN MÔNG", "HTX Yên Mông - xã Yên Mông", "Hợp tác xã Nông nghiệp Yên Mông")]
    records.append(_subject("HTX NN Yên Mông", commune=None, district=None))  # no address at all
    records.append(_subject("Hợp tác xã Nông nghiệp Yên Mông", commune="Xã Yên Mông", district=None,
                            province=HY))  # after the reform: no district
    res = resolve_subjects(records)
    assert len(set(_ids(res, records))) == 1
    assert res.reviews == []


def test_company_and_household_spellings():
    companies = [_subject(n) for n in ("Công ty TNHH MTV Chè Việt", "Cty TNHH Chè Việt", "Công ty TNHH Một thành viên Chè Việt")]
    cp = [_subject(n) for n in ("Công ty CP Hải Hậu", "Công ty Cổ phần Hải Hậu", "CÔNG TY CỔ PHẦN HẢI HẬU")]
    houses = [_subject(n) for n in ("Hộ kinh doanh Nguyễn Văn An", "Nguyễn Văn An", "Hộ ông Nguyễn Văn An", "Hộ SXKD Nguyễn Văn An")]
    res = resolve_subjects(companies + cp + houses)
    assert len(set(_ids(res, companies))) == 1
    assert len(set(_ids(res, cp))) == 1
    assert len(set(_ids(res, houses))) == 1
    assert len(set(_ids(res, companies + cp + houses))) == 3


def test_hard_negatives_stay_apart():
    pairs = [
        # same name, two communes
        (_subject("HTX Nông nghiệp Hòa Bình", commune="Xã Vũ Hội"), _subject("HTX Nông nghiệp Hòa Bình", commune="Xã Vũ Vinh")),
        # same name, two districts
        (_subject("HTX Hoàng Long", district="Huyện Hưng Hà"), _subject("HTX Hoàng Long", district="Huyện Kiến Xương")),
        # HTX vs company with the same proper name
        (_subject("HTX Yên Mông"), _subject("Công ty TNHH Yên Mông")),
        # two people
        (_subject("Hộ kinh doanh Nguyễn Văn An"), _subject("Hộ kinh doanh Nguyễn Văn Anh")),
        (_subject("Nguyễn Văn Hùng"), _subject("Nguyễn Văn Hưng")),
        # similar-looking producers
        (_subject("Công ty TNHH Minh Phát"), _subject("Công ty TNHH Minh Phương")),
        (_subject("HTX Yên Mông 1"), _subject("HTX Yên Mông 2")),
        # a limited company and a joint-stock company are different legal persons
        (_subject("Công ty TNHH Hải Hậu"), _subject("Công ty CP Hải Hậu")),
    ]
    for left, right in pairs:
        res = resolve_subjects([left, right])
        assert res.ids[left] != res.ids[right], (left.subject_name, right.subject_name)


def test_an_address_less_spelling_does_not_chain_two_communes():
    a = _subject("HTX Nông nghiệp Hòa Bình", commune="Xã Vũ Hội")
    b = _subject("HTX Nông nghiệp Hòa Bình", commune="Xã Vũ Vinh")
    c = _subject("HTX NN Hòa Bình", commune=None, district=None)
    res = resolve_subjects([a, b, c])
    assert res.ids[a] != res.ids[b]
    assert res.ids[c] in (res.ids[a], res.ids[b])
    assert any(r.evidence["commune"] == "differ" for r in res.reviews)  # a person may confirm


def test_tax_code_decides_both_ways():
    same = [_subject("Công ty TNHH Thực phẩm Sao Mai", tax="0601234567"),
            _subject("Công ty TNHH Sao Mai Food", tax="0601234567", commune="Xã Khác")]
    different = [_subject("Công ty TNHH Sao Mai", tax="0601234567"), _subject("Công ty TNHH Sao Mai", tax="0609999999")]
    res = resolve_subjects(same)
    assert len(set(_ids(res, same))) == 1
    assert res.matched_by[same[1]] == "tax_code"
    res = resolve_subjects(different)
    assert len(set(_ids(res, different))) == 2


def test_curated_decisions_override_both_ways(tmp_path):
    csv_path = tmp_path / "entity_decisions.csv"
    csv_path.write_text(
        "kind,left_name,right_name,province,decision,note,decided_by,decided_on\n"
        "subject,HTX Yên Mông,Công ty TNHH Yên Mông,Hưng Yên,same,HTX became a company in 2023,curator,2026-01-05\n"
        "subject,Hợp tác xã Nông nghiệp Đông Hải,HTX Đông Hải,Hưng Yên,different,two cooperatives,curator,2026-01-05\n"
        "product,Mật ong,Mật ong hoa nhãn,Hưng Yên,same,one product renamed,curator,2026-01-05\n",
        encoding="utf-8")
    decisions = load_decisions(csv_path)
    assert len(decisions) == 3 and decisions[0] == Decision(
        "subject", "HTX Yên Mông", "Công ty TNHH Yên Mông", "Hưng Yên", "same", "HTX became a company in 2023",
        "curator", "2026-01-05")
    merge = [_subject("HTX Yên Mông"), _subject("CÔNG TY TNHH YÊN MÔNG")]
    split = [_subject("HTX NN Đông Hải"), _subject("HTX Đông Hải")]
    assert len(set(_ids(resolve_subjects(merge), merge))) == 2
    assert len(set(_ids(resolve_subjects(split), split))) == 1
    res = resolve_subjects(merge + split, decisions)
    assert len(set(_ids(res, merge))) == 1
    assert res.matched_by[merge[1]] == "curated"
    assert len(set(_ids(res, split))) == 2

    products = [ProductRecord("s1", "Mật ong"), ProductRecord("s1", "Mật ong hoa nhãn")]
    assert len(set(resolve_products(products, {}, {"s1": HY}).ids.values())) == 2
    assert len(set(resolve_products(products, {}, {"s1": HY}, decisions).ids.values())) == 1


def test_product_variants_attach_and_different_products_stay_apart():
    names = {
        "honey": ["Mật ong hoa nhãn", "Mật ong hoa nhãn Yên Mông", "MẬT ONG HOA NHÃN", "Sản phẩm: Mật ong hoa nhãn",
                  "Mật ong hoa nhãn (chai 500ml)", '"Mật ong hoa nhãn" Yên Mông'],
        "coffee honey": ["Mật ong hoa cà phê"],
        "tea": ["Trà hoa vàng Ba Chẽ (hộp 50g)", "Trà hoa vàng Ba Chẽ", "Trà hoa vàng"],
        "bud": ["Chè búp khô"],
        "green": ["Chè xanh"],
        "fish sauce 30": ["Nước mắm 30 độ đạm"],
        "fish sauce 40": ["Nước mắm 40 độ đạm"],
    }
    records = {k: [ProductRecord("s1", n) for n in v] for k, v in names.items()}
    res = resolve_products([r for v in records.values() for r in v], {"s1": ["HTX Nông nghiệp Yên Mông"]}, {"s1": HY})
    ids = {k: {res.ids[r] for r in v} for k, v in records.items()}
    assert all(len(v) == 1 for v in ids.values()), ids
    assert len(set.union(*ids.values())) == len(names)


def test_review_table_gets_the_uncertain_pairs(con):
    stage_rows(con, [
        row("Mật ong", "HTX Nông nghiệp Yên Mông", 3, 2021),
        row("Mật ong hoa nhãn", "HTX Nông nghiệp Yên Mông", 3, 2021),
        row("Gạo nếp", "Công ty TNHH Minh Phát", 3, 2021),
        row("Gạo tẻ", "Công ty TNHH Minh Phát Đạt", 3, 2021),
        row("Chè", "HTX Hòa Bình", 3, 2021, commune="Xã Vũ Hội"),
        row("Miến", "HTX Hòa Bình", 3, 2021, commune="Xã Vũ Vinh"),
    ])
    rebuild_core(con, as_of=date(2022, 1, 1), decisions=[])
    reviews = con.execute(
        "SELECT kind, left_name, right_name, province, score, evidence, decision FROM entity_review ORDER BY 1, 2").fetchall()
    pairs = {(k, ln, rn) for k, ln, rn, *_ in reviews}
    assert ("product", "Mật ong", "Mật ong hoa nhãn") in pairs
    assert ("subject", "Công ty TNHH Minh Phát", "Công ty TNHH Minh Phát Đạt") in pairs
    assert ("subject", "HTX Hòa Bình", "HTX Hòa Bình") in pairs
    hoa_binh = next(json.loads(r[5]) for r in reviews if r[1] == "HTX Hòa Bình")
    assert hoa_binh["commune"] == "differ" and hoa_binh["district"] == "agree"
    assert all(r[3] == HY and r[6] is None and 0 <= r[4] <= 100 for r in reviews)
    # nothing was merged on an uncertain pair
    assert con.execute("SELECT count(*) FROM subjects").fetchone() == (5,)
    assert con.execute("SELECT count(*) FROM products").fetchone() == (6,)


def test_subject_aliases_list_every_spelling(con):
    stage_rows(con, [
        row("Bánh cáy", "Hợp tác xã Nông nghiệp Song An", 3, 2020),
        row("BÁNH CÁY", "HTX NN Song An", 4, 2023),
        row("Bánh cáy làng Nguyễn", "HTX Song An - xã Song An", 4, 2024),
    ])
    rebuild_core(con, as_of=date(2025, 1, 1), decisions=[])
    assert con.execute("SELECT count(*) FROM subjects").fetchone() == (1,)
    assert con.execute("SELECT count(*), count(DISTINCT subject_id) FROM subject_aliases").fetchone() == (3, 1)
    assert con.execute("SELECT count(*) FROM products").fetchone() == (2,)  # 'làng Nguyễn' is a brand added


def test_ids_stay_put_when_a_new_file_arrives(con):
    stage_rows(con, [
        row("Mật ong hoa nhãn", "HTX Nông nghiệp Yên Mông", 3, 2020, "1/QĐ-UBND", date(2020, 12, 1)),
        row("Chè xanh", "Công ty TNHH Chè Việt", 3, 2020, "1/QĐ-UBND", date(2020, 12, 1)),
        row("Chiếu cói", "Hộ kinh doanh Trần Văn Hải", 3, 2020, "1/QĐ-UBND", date(2020, 12, 1)),
        row("Miến gạo", "HTX Hòa Bình", 3, 2020, "1/QĐ-UBND", date(2020, 12, 1), commune="Xã Vũ Hội"),
    ], document_id="doc2020", uri="2020.xlsx")
    rebuild_core(con, as_of=date(2026, 1, 1), decisions=[])
    before = dict(con.execute("SELECT name, subject_id FROM subjects").fetchall())
    products_before = set(con.execute("SELECT product_id FROM products").fetchall())
    stage_rows(con, [  # the next year's list: new spellings, re-ratings, new producers, a namesake
        row("MẬT ONG HOA NHÃN YÊN MÔNG", "Hợp tác xã NN Yên Mông", 4, 2023, "2/QĐ-UBND", date(2023, 6, 1)),
        row("Chè xanh (hộp 100g)", "Cty TNHH MTV Chè Việt", 4, 2023, "2/QĐ-UBND", date(2023, 6, 1)),
        row("Chiếu cói", "Trần Văn Hải", 4, 2023, "2/QĐ-UBND", date(2023, 6, 1)),
        row("Bánh đa", "HTX Hòa Bình", 3, 2023, "2/QĐ-UBND", date(2023, 6, 1), commune="Xã Vũ Vinh"),
        row("Gạo", "Công ty CP Gạo Việt", 3, 2023, "2/QĐ-UBND", date(2023, 6, 1)),
        row("Mật ong hoa cà phê", "HTX NN Yên Mông", 3, 2023, "2/QĐ-UBND", date(2023, 6, 1)),
    ], document_id="doc2023", uri="2023.xlsx")
    rebuild_core(con, as_of=date(2026, 1, 1), decisions=[])
    after = con.execute("SELECT subject_id FROM subjects").fetchall()
    assert set(before.values()) <= {s for (s,) in after}
    assert len(after) == 6  # 4 known + Gạo Việt + the second HTX Hòa Bình
    assert products_before <= set(con.execute("SELECT product_id FROM products").fetchall())
    assert con.execute("SELECT count(*) FROM products").fetchone() == (7,)
    assert con.execute("SELECT count(*) FROM ratings").fetchone() == (10,)


def test_parse_subject_separates_form_and_core():
    assert parse_subject("HTX DVNN xã Hải Hưng").core == "hải hưng"
    assert parse_subject("Hồ Văn An").core == "hồ văn an"  # Hồ the surname, not Hộ the household
    assert parse_subject("Công ty TNHH MTV Chè Việt").detail == "tnhh"
    assert parse_subject("HTX Yên Mông thôn Đông").core == "yên mông"


@pytest.mark.slow
def test_ten_thousand_subjects_resolve_with_each_upper_case_spelling_joined():
    records = ten_thousand_subjects()
    res = resolve_subjects(records)  # its time is a figure of benchmarks/bench_bounds.py
    assert len(set(res.ids.values())) <= 10_000
    assert all(res.ids[a] == res.ids[b] for a, b in zip(records[::2], records[1::2], strict=True))
