"""The programme's rules (core/rules.py): regimes at their boundaries, validity, status, in Python and SQL."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from ocop_pipeline.core import rules
from ocop_pipeline.news.levels import regime_level


@pytest.mark.parametrize(("stars", "on", "level"), [
    (3, date(2022, 12, 29), "province"),   # 1048/QĐ-TTg: the province rates 3 stars
    (3, date(2023, 2, 23), "province"),    # the last day before 148/QĐ-TTg
    (3, date(2023, 2, 24), "district"),    # 148/QĐ-TTg signed
    (4, date(2023, 2, 24), "province"),
    (3, date(2025, 7, 5), "district"),
    (3, date(2025, 7, 6), "province"),     # 1489/QĐ-TTg
    (5, date(2024, 1, 1), "national"),
    (5, None, "national"),
    (3, None, None),
])
def test_level_follows_the_regime_in_force(stars, on, level):
    assert rules.level_of(stars, on) == level


def test_news_and_lists_agree_on_early_february_2023():
    # The news reading once started the 148 regime on 1 February: a 3-star district council on
    # 10 February 2023 would have been read as district level while the lists said province.
    assert regime_level({"3"}, date(2023, 2, 10), has_district=True) == "province"
    assert regime_level({"3"}, date(2023, 2, 24), has_district=True) == "district"
    assert rules.level_of(3, date(2023, 2, 10)) == "province"


def test_sql_level_and_validity_match_the_python_rule(tmp_path):
    con = duckdb.connect(str(tmp_path / "rules.duckdb"))
    level_sql, params = rules.level_sql("stars", "written", "d")
    rows = con.execute(
        f"""
        SELECT stars, d, {level_sql} AS level, {rules.valid_until_sql("d")}, {rules.ends_on_sql("d")}
        FROM (VALUES (3, DATE '2023-02-23', NULL), (3, DATE '2023-02-24', NULL), (3, DATE '2025-07-06', NULL),
                     (5, DATE '2020-06-30', NULL), (3, DATE '2024-03-01', 'province'))
             AS t(stars, d, written)
        """,
        params,
    ).fetchall()
    assert [r[2] for r in rows] == ["province", "district", "province", "national", "province"]
    assert all(r[2] == (rules.level_of(r[0], r[1]) if r != rows[-1] else "province") for r in rows)
    assert rows[0][3] == date(2026, 2, 23) and rows[0][4] == date(2026, 2, 24)


def test_status_on_the_last_valid_day_and_the_next(tmp_path):
    con = duckdb.connect(str(tmp_path / "rules.duckdb"))
    effective = rules.effective_date_sql("decision", "yr")
    status = rules.status_sql(effective, "as_of")
    got = con.execute(
        f"""
        SELECT {effective}, {status} FROM (VALUES
          (DATE '2022-12-29', 2022, DATE '2025-12-29'), (DATE '2022-12-29', 2022, DATE '2025-12-30'),
          (NULL, 2021, DATE '2024-12-31'), (NULL, 2021, DATE '2025-01-01')) AS t(decision, yr, as_of)
        """
    ).fetchall()
    # an undated list of 2021 counts from 31 December 2021 and holds through 2024
    assert got == [(date(2022, 12, 29), "active"), (date(2022, 12, 29), "expired"),
                   (date(2021, 12, 31), "active"), (date(2021, 12, 31), "expired")]
