from datetime import date

from ocop_pipeline.core.quality import core_checks, source_row_bands
from ocop_pipeline.core.tables import rebuild_core
from tests.support.rows import row, stage_rows


def _failed(con):
    return {table: [o.description for o in outcomes if not o.passed] for table, outcomes in core_checks(con).items()}


def test_checks_pass_on_a_clean_build(con):
    stage_rows(con, [row("Chè", "HTX Chè", 3, 2021, "1/QĐ", date(2021, 1, 1)), row("Gạo", "Cty Gạo", 5, 2022)])
    rebuild_core(con, as_of=date(2022, 6, 1))
    assert _failed(con) == {"subjects": [], "products": [], "ratings": []}


def test_checks_fail_on_duplicate_keys_bad_stars_and_dangling_references(con):
    stage_rows(con, [row("Chè", "HTX Chè", 3, 2021, "1/QĐ", date(2021, 1, 1))])
    rebuild_core(con, as_of=date(2022, 6, 1))
    con.execute("INSERT INTO products SELECT * FROM products")  # duplicate key
    con.execute("UPDATE ratings SET stars = 2")  # impossible stars
    con.execute("INSERT INTO ratings SELECT * REPLACE ('r2' AS rating_id, 'nope' AS product_id) FROM ratings")
    con.execute("DELETE FROM subjects")  # products now point at nothing
    failed = _failed(con)
    assert "products: (product_id) is unique and not null" in failed["products"]
    assert "every product has a subject (in subjects) and a province" in failed["products"]
    assert "ratings.stars is between 3 and 5" in failed["ratings"]
    assert "every rating references a product and a document" in failed["ratings"]
    outcome = next(o for o in core_checks(con)["ratings"] if o.description.startswith("ratings.stars"))
    assert outcome.failing_rows == 2 and outcome.sample[0]["stars"] == "2"


def test_row_count_outside_the_expected_band_is_reported(con):
    con.execute("INSERT INTO sources (source_id, kind, expected_min, expected_max) VALUES ('test_source', 'spreadsheet', 10, 20)")
    stage_rows(con, [row("Chè", "HTX Chè", 3, 2021)])
    assert source_row_bands(con) == ["test_source: 1 rows, expected 10-20"]
