"""Every table is declared in storage/schema.py, and a database made by an older schema gets the same
values in the same columns as a fresh one, although `ensure_schema` appended its new columns."""

import dataclasses
import re
from datetime import date

from ocop_pipeline.core.reconcile import rebuild_reconciliation
from ocop_pipeline.core.tables import rebuild_core
from ocop_pipeline.storage.schema import ALL_TABLES, BOOKKEEPING_TABLES, TABLES, create_table_sql
from ocop_pipeline.storage.store import connect, ensure_schema
from tests.support import REPO
from tests.support.rows import row, stage_rows

# A column from the middle of each table the core rebuild and reconciliation write, as if declared
# after the database was made: ensure_schema then adds it at the end.
ADDED_LATER = {
    "products": "legacy_province", "subjects": "commune", "ratings": "level", "subject_aliases": "name_key",
    "entity_review": "left_name", "reconciliation": "round_year", "stg_sheet_rows": "district",
}


def _columns(con, table: str) -> list[str]:
    return [c for (c,) in con.execute("SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                                      "ORDER BY ordinal_position", [table]).fetchall()]


def _older_database(path):
    """A database whose tables of ADDED_LATER lack their column, brought up to date by ensure_schema."""
    con = connect(path)
    for name, column in ADDED_LATER.items():
        table = TABLES[name]
        con.execute(create_table_sql(dataclasses.replace(
            table, columns=tuple(c for c in table.columns if c.name != column))))
    ensure_schema(con)
    return con


def _build(con) -> dict[str, list[tuple]]:
    stage_rows(con, [
        row("Bánh cáy làng Nguyễn", "HTX Nông nghiệp Nguyên Xá", 4, 2022, "3610/QĐ-UBND", date(2022, 12, 29)),
        row("Chiếu cói", "Hộ kinh doanh Trần Văn Hải", 3, 2022, "3610/QĐ-UBND", date(2022, 12, 29),
            commune="Xã Hải Triều", district="Huyện Hưng Hà"),
        # Two spellings of one name the matcher cannot decide: a row of entity_review.
        row("Mật ong hoa nhãn", "HTX Ong Yên Mông", 3, 2023, "12/QĐ-UBND", date(2023, 6, 1)),
        row("Mật ong hoa nhãn rừng", "HTX Ong Yên Mông", 3, 2023, "12/QĐ-UBND", date(2023, 6, 1)),
    ])
    con.execute("INSERT INTO news_articles (article_id, url, source_id, document_id, has_rating_results, "
                "parser_version, province, level, event_date, batch_total, batch_stars_3, batch_stars_4) "
                "VALUES ('a1', 'https://news.example/a1', 'news', 'd', true, 't', 'Hưng Yên', 'province', "
                "DATE '2022-12-30', 2, 1, 1)")
    rebuild_core(con, as_of=date(2024, 1, 1))
    rebuild_reconciliation(con)
    out = {}
    for name in ADDED_LATER:
        columns = ", ".join(f'"{c}"' for c in TABLES[name].column_names)  # by name, in the declared order
        out[name] = con.execute(f"SELECT {columns} FROM {name} ORDER BY ALL").fetchall()
    return out


def test_a_database_of_an_older_schema_gets_every_value_in_its_column(tmp_path):
    old = _older_database(tmp_path / "old.duckdb")
    fresh = connect(tmp_path / "fresh.duckdb")
    ensure_schema(fresh)
    try:
        for name, column in ADDED_LATER.items():
            assert _columns(old, name)[-1] == column != _columns(fresh, name)[-1]  # the orders differ
            assert sorted(_columns(old, name)) == sorted(_columns(fresh, name))
        got, expected = _build(old), _build(fresh)
        for name in ADDED_LATER:
            assert expected[name], f"the test writes no {name} row"
            assert got[name] == expected[name], name
    finally:
        old.close()
        fresh.close()


def test_ensure_schema_creates_every_declared_table_bookkeeping_included(con):
    for table in (*ALL_TABLES, *BOOKKEEPING_TABLES):
        assert _columns(con, table.name) == table.column_names, table.name
    assert all(t.name.startswith("_") and not t.published for t in BOOKKEEPING_TABLES)
    assert not any(t.name.startswith("_") for t in ALL_TABLES)


def test_only_the_schema_creates_tables():
    """Temporary tables aside, a table exists because schema.py declares it (ensure_schema makes it)."""
    create = re.compile(r"CREATE\s+(?:OR\s+REPLACE\s+)?TABLE", re.IGNORECASE)
    offenders = [str(path.relative_to(REPO)) for path in sorted((REPO / "ocop_pipeline").rglob("*.py"))
                 if path.name != "schema.py" and create.search(path.read_text(encoding="utf-8"))]
    assert offenders == []
