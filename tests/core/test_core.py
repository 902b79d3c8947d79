from datetime import date

from ocop_pipeline.core.tables import rebuild_core
from tests.support.rows import row, stage_rows


def test_variants_of_one_subject_and_product_resolve_to_one_row_each(con):
    stage_rows(con, [
        row("Bánh cáy làng Nguyễn", "Hợp tác xã Nông nghiệp Song An", 3, 2020, "123/QĐ-UBND", date(2020, 12, 1)),
        row("BÁNH CÁY LÀNG NGUYỄN", "HTX NN Song An", 4, 2023, "55/QĐ-UBND", date(2023, 6, 1)),
    ])
    counts = rebuild_core(con, as_of=date(2026, 1, 1))
    assert counts == {"subjects": 1, "products": 1, "ratings": 2}
    name, stars, status, valid_until, first, last, n = con.execute(
        "SELECT name, current_stars, status, valid_until, first_rated, last_rated, rating_count FROM products").fetchone()
    assert (stars, status, n) == (4, "active", 2)
    assert name == "BÁNH CÁY LÀNG NGUYỄN"  # latest rating's spelling
    assert valid_until == date(2026, 6, 1)
    assert (first, last) == (date(2020, 12, 1), date(2023, 6, 1))


def test_ids_are_stable_across_rebuilds_and_new_rows(con):
    stage_rows(con, [row("Chè xanh", "Công ty TNHH Chè Việt", 3, 2021, "1/QĐ-UBND", date(2021, 3, 1))])
    rebuild_core(con, as_of=date(2026, 1, 1))
    before = con.execute("SELECT product_id, subject_id FROM products").fetchall()
    stage_rows(con, [row("Gạo nếp", "Cty TNHH Chè Việt", 4, 2022, "2/QĐ-UBND", date(2022, 3, 1))], document_id="doc2")
    rebuild_core(con, as_of=date(2026, 1, 1))
    after = con.execute("SELECT product_id, subject_id FROM products").fetchall()
    assert set(before) <= set(after)
    assert len({s for _, s in after}) == 1  # "Cty" and "Công ty" are the same legal form


def test_level_follows_the_regime_at_the_decision_date(con):
    stage_rows(con, [
        row("A", "HTX A", 3, 2022, "1/QĐ-UBND", date(2022, 12, 29)),   # 1048: province rates 3 stars
        row("B", "HTX B", 3, 2024, "2/QĐ-UBND", date(2024, 5, 10)),    # 148: district rates 3 stars
        row("C", "HTX C", 4, 2024, "3/QĐ-UBND", date(2024, 5, 10)),    # 148: province rates 4 stars
        row("D", "HTX D", 3, 2025, "4/QĐ-UBND", date(2025, 9, 1)),     # 1489: province again
        row("E", "HTX E", 5, 2023, "5/QĐ-BNN-VPĐP", date(2023, 8, 1)),  # only the ministry confers 5 stars
    ])
    rebuild_core(con, as_of=date(2026, 11, 22))
    levels = dict(con.execute(
        "SELECT p.name, r.level FROM ratings r JOIN products p USING (product_id)").fetchall())
    assert levels == {"A": "province", "B": "district", "C": "province", "D": "province", "E": "national"}


def test_status_expires_36_months_after_the_decision(con):
    stage_rows(con, [row("Old", "HTX Old", 3, 2020, "9/QĐ-UBND", date(2020, 6, 30))])
    rebuild_core(con, as_of=date(2026, 11, 22))
    assert con.execute("SELECT status, valid_until FROM products").fetchone() == ("expired", date(2023, 6, 30))


def test_disagreeing_sources_are_both_kept(con):
    stage_rows(con, [row("Mắm", "HTX Mắm", 3, 2021, "7/QĐ-UBND", date(2021, 5, 1))], document_id="a", uri="a.xlsx")
    stage_rows(con, [row("Mắm", "HTX Mắm", 4, 2021, "7/QĐ-UBND", date(2021, 5, 1))], document_id="b", uri="b.csv")
    stage_rows(con, [row("Mắm", "HTX Mắm", 3, 2021, "7/QĐ-UBND", date(2021, 5, 1))], document_id="c", uri="c.csv")
    counts = rebuild_core(con, as_of=date(2022, 1, 1))
    assert counts["ratings"] == 2  # 3 stars (twice, kept once) and 4 stars (a disagreement, kept)
    assert sorted(con.execute("SELECT stars, source_url FROM ratings").fetchall()) == [(3, "a.xlsx"), (4, "b.csv")]


def test_same_name_in_two_provinces_are_two_subjects(con):
    stage_rows(con, [
        row("Mật ong", "HTX Hoàng Long", 3, 2021, province="Thái Bình", province_current="Hưng Yên"),
        row("Mật ong", "HTX Hoàng Long", 3, 2021, province="Nam Định", province_current="Ninh Bình"),
    ])
    assert rebuild_core(con, as_of=date(2022, 1, 1))["subjects"] == 2


def test_tax_code_decides_identity(con):
    stage_rows(con, [
        row("Nước mắm", "Công ty CP Hải Hậu", 4, 2021, tax_code="0601234567"),
        row("Nước mắm cốt", "Công ty Cổ phần Hải Hậu", 4, 2022),
    ])
    rebuild_core(con, as_of=date(2022, 1, 1))
    assert con.execute("SELECT count(*), min(tax_code) FROM subjects").fetchone() == (1, "0601234567")


def test_rebuild_is_idempotent(con):
    stage_rows(con, [row("X", "HTX X", 3, 2021, "1/QĐ", date(2021, 1, 1)), row("Y", "Hộ kinh doanh Y", 4, 2022)])
    rebuild_core(con, as_of=date(2023, 1, 1))
    first = con.execute("SELECT * FROM products ORDER BY 1").fetchall()
    rebuild_core(con, as_of=date(2023, 1, 1))
    assert con.execute("SELECT * FROM products ORDER BY 1").fetchall() == first


def test_standing_of_a_product_on_any_date_with_upgrades_and_downgrades(con):
    stage_rows(con, [
        row("Mật ong bạc hà", "HTX Ong Mèo Vạc", 3, 2019, "1/QĐ-UBND", date(2019, 12, 1)),
        row("Mật ong bạc hà", "HTX Ong Mèo Vạc", 4, 2022, "2/QĐ-UBND", date(2022, 12, 1)),
        row("Mật ong bạc hà", "HTX Ong Mèo Vạc", 3, 2025, "3/QĐ-UBND", date(2025, 12, 1)),
    ])
    rebuild_core(con, as_of=date(2026, 1, 1))

    def as_of(d):
        return con.execute("SELECT stars_as_of, status_as_of, last_change, valid_until FROM products_as_of(?)",
                           [d]).fetchall()

    assert as_of(date(2019, 1, 1)) == []  # not yet rated
    assert as_of(date(2020, 6, 1)) == [(3, "active", "new", date(2022, 12, 1))]
    assert as_of(date(2022, 11, 30)) == [(3, "active", "new", date(2022, 12, 1))]
    assert as_of(date(2023, 1, 1)) == [(4, "active", "upgrade", date(2025, 12, 1))]
    assert as_of(date(2025, 12, 2)) == [(3, "active", "downgrade", date(2028, 12, 1))]
    assert as_of(date(2029, 1, 1)) == [(3, "expired", "downgrade", date(2028, 12, 1))]


def test_the_issuer_named_by_the_list_beats_the_regime_rule(con):
    stage_rows(con, [
        row("A", "HTX A", 3, 2022, "1/QĐ-UBND", date(2022, 6, 1), level="district"),  # a district list in 2022
        row("B", "HTX B", 3, 2024, "2/QĐ-UBND", date(2024, 6, 1)),  # no issuer named: 148/QĐ-TTg says district
        row("C", "HTX C", 5, 2024, "3/QĐ-UBND", date(2024, 6, 1), level="province"),  # 5 stars are national
    ])
    rebuild_core(con, as_of=date(2025, 1, 1))
    levels = dict(con.execute("SELECT p.name, r.level FROM ratings r JOIN products p USING (product_id)").fetchall())
    assert levels == {"A": "district", "B": "district", "C": "national"}
