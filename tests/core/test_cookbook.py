"""Every SQL block of docs/cookbook.md runs on a small built database; several answers are checked."""

import re
from datetime import date, timedelta

import pytest

from ocop_pipeline.core.tables import rebuild_core
from ocop_pipeline.core.views import VIEWS
from tests.support import REPO
from tests.support.rows import row, stage_rows

COOKBOOK = REPO / "docs" / "cookbook.md"
BLOCK = re.compile(r"```sql\n(.*?)```", re.DOTALL)
ID = re.compile(r"^-- id: (\S+)", re.MULTILINE)


def _blocks() -> dict[str, str]:
    blocks = {}
    for sql in BLOCK.findall(COOKBOOK.read_text(encoding="utf-8")):
        m = ID.search(sql)
        assert m, f"every cookbook query starts with '-- id: name':\n{sql}"
        assert m.group(1) not in blocks, f"duplicate id {m.group(1)}"
        blocks[m.group(1)] = sql
    return blocks


def _years_back(day: date, years: int) -> date:
    return day.replace(year=day.year - years)  # days used here exist in every year (no 29 Feb)


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, day.day)


@pytest.fixture
def built(con):
    today = date.today()
    quarter_end = _add_months(_quarter_start(today), 3) - timedelta(days=1)  # 31 Mar, 30 Jun, 30 Sep or 31 Dec
    next_quarter = _add_months(_quarter_start(today), 3) + timedelta(days=10)
    nb = {"province_current": "Ninh Bình", "district": None}
    ht = {"province": "Thái Bình"}  # legacy Thái Bình, now Hưng Yên (the row() default)
    stage_rows(con, [
        # certificate ends on the last day of this quarter
        row("Giò chả", "HTX Ninh Hải", 4, quarter_end.year - 3, "1/QĐ-UBND", _years_back(quarter_end, 3),
            province="Ninh Bình", **nb),
        row("Mắm tép", "Công ty CP Hà Nam Food", 4, 2021, "2/QĐ-UBND", date(2021, 6, 1),
            province="Hà Nam", subject_type="enterprise", **nb),
        row("Nem nắm", "Hộ kinh doanh Bình", 3, 2021, province="Nam Định", subject_type="household", **nb),
        row("Trà hoa vàng", "HTX Phú Thọ Xanh", 4, 2021, "3/QĐ-UBND", date(2021, 5, 10), province="Vĩnh Phúc",
            province_current="Phú Thọ", district=None),
        row("Trà hoa vàng", "HTX Phú Thọ Xanh", 5, today.year - 1, "4/QĐ-BNN-VPĐP", _years_back(today.replace(day=2), 1),
            province="Vĩnh Phúc", province_current="Phú Thọ", district=None),
        row("Bánh cáy", "HTX Nguyên Xá", 3, 2022, "3610/QĐ-UBND", date(2022, 12, 29), **ht),
        row("Bánh cáy", "HTX Nguyên Xá", 4, today.year, "9/QĐ-UBND", today.replace(day=1), **ht),
        row("Bánh nhãn", "HTX Nguyên Xá", 3, today.year, "9/QĐ-UBND", today.replace(day=1), **ht),
        row("Chiếu cói", "Hộ kinh doanh Trần Văn Hải", 3, 2021, "5/QĐ-UBND", date(2021, 3, 1),
            subject_type="household", **ht),
        row("Rượu nếp", "HTX Em", 4, 2023, "6/QĐ-UBND", date(2023, 5, 1), province="Hưng Yên"),
        row("Rượu nếp", "HTX Em", 3, today.year, "7/QĐ-UBND", today.replace(day=1), province="Hưng Yên"),
        # certificate ends 10 days into next quarter
        row("Mật ong bạc hà", "Tổ hợp tác Đồng Văn", 4, next_quarter.year - 3, "8/QĐ-UBND", _years_back(next_quarter, 3),
            province="Hà Giang", province_current="Tuyên Quang", district=None, subject_type="cooperative_group"),
    ])
    # the same decision seen with other stars in a second source: kept, not overwritten
    stage_rows(con, [row("Bánh cáy", "HTX Nguyên Xá", 4, 2022, "3610/QĐ-UBND", date(2022, 12, 29), **ht)],
               document_id="doc2", source_id="other_source", uri="other/list.xlsx")
    rebuild_core(con, as_of=today)
    return con


def _run(con, sql):
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def test_the_cookbook_has_at_least_ten_questions_and_every_query_runs(built):
    blocks = _blocks()
    assert len(blocks) >= 10
    for name, sql in blocks.items():
        try:
            _run(built, sql)
        except Exception as exc:  # noqa: BLE001 -- name the failing query
            pytest.fail(f"cookbook query {name} failed: {exc}")


def test_the_views_exist_with_their_descriptions(built):
    comments = dict(built.execute("SELECT view_name, comment FROM duckdb_views() WHERE NOT internal").fetchall())
    for view in VIEWS:
        assert comments.get(view.name) == view.description


def test_cookbook_answers(built):
    q = {name: _run(built, sql) for name, sql in _blocks().items()}

    assert [r["name"] for r in q["ninh_binh_4_star_expiring_this_quarter"]] == ["Giò chả"]
    assert [(r["province"], r["products"]) for r in q["expiring_next_quarter_by_province"]] == [("Tuyên Quang", 1)]
    assert q["cooperatives_with_5_stars"] == [{"cooperatives": 1}]

    by_old = {r["legacy_province"]: r["products"] for r in q["ninh_binh_by_old_province"]}
    assert by_old == {"Ninh Bình": 1, "Hà Nam": 1, "Nam Định": 1}

    current = {r["province"]: r for r in q["active_by_province_stars"]}
    assert (current["Phú Thọ"]["stars_5"], current["Phú Thọ"]["total"]) == (1, 1)
    legacy = {r["legacy_province"]: r["active_products"] for r in q["active_by_legacy_province"]}
    assert legacy["Vĩnh Phúc"] == 1 and legacy["Nam Định"] == 0  # Nem nắm (2021, undated) has expired

    history = q["upgrades_by_year"]
    assert sum(r["upgrades"] for r in history) == 2  # Trà hoa vàng 4->5; Bánh cáy 3->4 (the other source gives 4 for the same decision)
    assert sum(r["downgrades"] for r in history) == 1  # Rượu nếp 4->3
    assert [r["product_name"] for r in q["four_to_five_stars"]] == ["Trà hoa vàng"]

    top = q["top_subjects"][0]
    assert (top["name"], top["products"]) == ("HTX Nguyên Xá", 2)

    households = {r["province"]: r for r in q["household_share_by_province"]}
    assert households["Hưng Yên"]["household_pct"] == pytest.approx(33.3)  # Trần Văn Hải of 3 producers
    types = {r["subject_type"]: r["subjects"] for r in q["subject_types_national"]}
    assert types == {"cooperative": 4, "household": 2, "enterprise": 1, "cooperative_group": 1}

    assert {(r["level"], r["stars"]): r["products"] for r in q["rated_in_2022_by_level"]} == {
        ("province", 3): 1, ("province", 4): 1}
    [conflict] = q["conflicting_ratings"]
    assert (conflict["name"], conflict["stars_seen"], conflict["sources"]) == (
        "Bánh cáy", [3, 4], ["other_source", "test_source"])
