"""The core rebuild does only the work its inputs call for, and always ends with the tables a rebuild
from scratch gives: skipped when nothing it reads changed, scoped to the changed provinces' groups
when only some rows changed, whole otherwise."""

import itertools
import random
from datetime import date

import duckdb
import pytest

from ocop_pipeline.core import tables as core
from ocop_pipeline.core.tables import rebuild_core
from ocop_pipeline.entities.decisions import Decision
from ocop_pipeline.storage.store import connect, ensure_schema
from tests.support.rows import row, stage_rows

TABLES = ("subjects", "products", "ratings", "subject_aliases", "entity_review")
AS_OF = date(2026, 1, 1)
_SCRATCH = itertools.count()


def content(con) -> dict[str, list[tuple]]:
    out = {}
    for name in TABLES:
        cur = con.execute("SELECT * FROM " + name)
        out[name] = sorted(cur.fetchall(), key=repr)
    return out


def from_scratch(con, tmp_path, as_of=AS_OF, decisions=()) -> dict[str, list[tuple]]:
    """The five tables a rebuild from scratch gives on the same staging, in a database of its own (no
    kept resolution answers, no fingerprint)."""
    fresh = connect(tmp_path / f"scratch{next(_SCRATCH)}.duckdb")
    ensure_schema(fresh)
    for name, frame in (("stg_sheet_rows", con.execute("SELECT * FROM stg_sheet_rows").df()),
                        ("documents", con.execute("SELECT * FROM documents").df())):
        fresh.register("_frame", frame)
        fresh.execute("INSERT INTO " + name + " SELECT * FROM _frame")
        fresh.unregister("_frame")
    rebuild_core(fresh, as_of=as_of, decisions=list(decisions))
    try:
        return content(fresh)
    finally:
        fresh.close()


def rebuild(con, **kwargs) -> str:
    """Rebuild and say what was done: 'nothing', 'everything' or the provinces rebuilt."""
    lines = []
    kwargs.setdefault("as_of", AS_OF)
    kwargs.setdefault("decisions", [])
    rebuild_core(con, log=lines.append, **kwargs)
    assert len(lines) == 1
    line = lines[0]
    if "nothing rebuilt" in line:
        return "nothing"
    if "from scratch" in line:
        return "everything"
    return line.split(": ")[-1]


def provinces(con, *names, start=0):
    """One list per province, three producers each, in its own document."""
    for n, province in enumerate(names, start=start):
        stage_rows(con, [
            row("Mật ong", "HTX Hoàng Long", 3, 2021, "1/QĐ-UBND", date(2021, 5, 1),
                province=province, province_current=province),
            row("Mật ong hoa nhãn", "Hợp tác xã Hoàng Long", 4, 2023, "2/QĐ-UBND", date(2023, 5, 1),
                province=province, province_current=province),
            row("Chè xanh", "Công ty TNHH Chè Việt", 3, 2022, None, None, province=province, province_current=province),
            row("Gạo nếp", "Hộ kinh doanh Nguyễn Văn A", 5, 2024, "3/QĐ-BNN", date(2024, 8, 1),
                province=province, province_current=province),
        ], document_id=f"doc{n}", uri=f"{province}/list.xlsx")


def test_unchanged_inputs_skip_the_rebuild(con, tmp_path):
    provinces(con, "Hưng Yên", "Ninh Bình", "Phú Thọ")
    assert rebuild(con) == "everything"  # no fingerprint yet
    before = content(con)
    assert rebuild(con) == "nothing"
    assert content(con) == before == from_scratch(con, tmp_path)
    # The views are there even when nothing is rebuilt.
    con.execute("DROP VIEW v_active_products")
    assert rebuild(con) == "nothing"
    con.execute("SELECT count(*) FROM v_active_products").fetchone()


@pytest.mark.slow
def test_a_changed_row_rebuilds_its_province_only_and_equals_a_rebuild_from_scratch(con, tmp_path):
    provinces(con, "Hưng Yên", "Ninh Bình", "Phú Thọ")
    rebuild(con)
    con.execute("UPDATE stg_sheet_rows SET stars = 4 WHERE document_id = 'doc1' AND product_name = 'Chè xanh'")
    assert rebuild(con) == "Ninh Bình"
    assert content(con) == from_scratch(con, tmp_path)
    # A new spelling of a known producer, a new product.
    stage_rows(con, [row("Mật ong bạc hà", "HTX HOÀNG LONG", 4, 2025, "9/QĐ-UBND", date(2025, 9, 1),
                         province="Phú Thọ", province_current="Phú Thọ")], document_id="late", uri="late.xlsx")
    assert rebuild(con) == "Phú Thọ"
    assert content(con) == from_scratch(con, tmp_path)
    # A document's uri is read too (the latest row, the rating's source).
    con.execute("UPDATE documents SET uri = 'moved/list.xlsx' WHERE document_id = 'doc0'")
    assert rebuild(con) == "Hưng Yên"
    assert content(con) == from_scratch(con, tmp_path)
    assert rebuild(con) == "nothing"


@pytest.mark.slow
def test_a_province_that_leaves_staging_leaves_the_tables(con, tmp_path):
    provinces(con, "Hưng Yên", "Ninh Bình", "Phú Thọ")
    rebuild(con)
    con.execute("DELETE FROM stg_sheet_rows WHERE document_id = 'doc2'")
    assert rebuild(con) == "Phú Thọ"
    assert con.execute("SELECT count(*) FROM products WHERE province = 'Phú Thọ'").fetchone() == (0,)
    assert content(con) == from_scratch(con, tmp_path)


@pytest.mark.slow
def test_a_tax_code_shared_by_two_provinces_rebuilds_both(con, tmp_path):
    provinces(con, "Hưng Yên", "Ninh Bình", "Phú Thọ")
    rebuild(con)
    # One company on two provinces' lists: its rows resolve together, so the two are one group.
    con.execute("UPDATE stg_sheet_rows SET tax_code = '0601234567' WHERE subject_name = 'Công ty TNHH Chè Việt' "
                "AND document_id IN ('doc0', 'doc1')")
    assert rebuild(con) == "Hưng Yên, Ninh Bình"
    assert content(con) == from_scratch(con, tmp_path)
    # (The plain id of the tax code goes to the producer seen first: one province's rows decide the other's ids.)
    assert con.execute("SELECT count(DISTINCT province) FROM subjects WHERE tax_code = '0601234567'").fetchone() == (2,)
    # A change on one side of the tie rebuilds the other side too.
    con.execute("UPDATE stg_sheet_rows SET stars = 5 WHERE document_id = 'doc1' AND product_name = 'Mật ong'")
    assert rebuild(con) == "Hưng Yên, Ninh Bình"
    assert content(con) == from_scratch(con, tmp_path)
    # The tie undone: both provinces again, each on its own from now on.
    con.execute("UPDATE stg_sheet_rows SET tax_code = NULL WHERE document_id = 'doc1'")
    assert rebuild(con) == "Hưng Yên, Ninh Bình"
    assert content(con) == from_scratch(con, tmp_path)
    con.execute("UPDATE stg_sheet_rows SET stars = 4 WHERE document_id = 'doc1' AND product_name = 'Mật ong'")
    assert rebuild(con) == "Ninh Bình"
    assert content(con) == from_scratch(con, tmp_path)


@pytest.mark.slow
def test_a_changed_decisions_file_rebuilds_everything(con, tmp_path):
    provinces(con, "Hưng Yên", "Ninh Bình")
    decisions = tmp_path / "entity_decisions.csv"
    decisions.write_text("kind,left_name,right_name,province,decision,note,decided_by,decided_on\n", encoding="utf-8")
    assert rebuild(con, decisions=decisions) == "everything"
    assert rebuild(con, decisions=decisions) == "nothing"
    before = con.execute("SELECT count(*) FROM products").fetchone()[0]
    with decisions.open("a", encoding="utf-8") as fh:
        fh.write("product,Mật ong,Mật ong hoa nhãn,Ninh Bình,same,one honey,test,2026-01-01\n")
    assert rebuild(con, decisions=decisions) == "everything"
    assert con.execute("SELECT count(*) FROM products").fetchone()[0] == before - 1
    assert content(con) == from_scratch(
        con, tmp_path, decisions=[Decision("product", "Mật ong", "Mật ong hoa nhãn", "Ninh Bình", "same",
                                           "one honey", "test", "2026-01-01")])


@pytest.mark.slow
def test_another_as_of_date_rebuilds_everything(con, tmp_path):
    provinces(con, "Hưng Yên", "Ninh Bình")
    rebuild(con, as_of=date(2024, 1, 1))
    assert con.execute("SELECT count(*) FROM products WHERE status = 'expired'").fetchone() == (0,)
    assert rebuild(con, as_of=date(2024, 1, 1)) == "nothing"
    assert rebuild(con, as_of=date(2026, 1, 1)) == "everything"  # status depends on the date
    assert con.execute("SELECT count(*) FROM products WHERE status = 'expired'").fetchone()[0] > 0
    assert content(con) == from_scratch(con, tmp_path, as_of=date(2026, 1, 1))


@pytest.mark.parametrize("damage", [
    "DELETE FROM ratings", "UPDATE products SET current_stars = 3", "DROP TABLE products",
    *(pytest.param(damage, marks=pytest.mark.slow) for damage in (  # the same check on other tables
        "DELETE FROM subjects", "DELETE FROM entity_review WHERE true",
        "DELETE FROM products WHERE province = 'Ninh Bình'", "DROP TABLE subject_aliases")),
])
def test_a_core_table_emptied_dropped_or_edited_is_rebuilt(con, tmp_path, damage):
    provinces(con, "Hưng Yên", "Ninh Bình")
    # A pair the matcher cannot decide, so entity_review has a row to lose.
    stage_rows(con, [row("Bánh cáy", "HTX Nông nghiệp Song An", 3, 2021), row("Bánh cáy", "HTX Song Ân", 3, 2022)],
               document_id="pair", uri="pair.xlsx")
    rebuild(con)
    before = content(con)
    assert before["entity_review"]
    con.execute(damage)
    assert rebuild(con) == "everything"
    assert content(con) == before == from_scratch(con, tmp_path)


def test_a_failed_rebuild_keeps_the_old_tables_and_is_redone(con, tmp_path, monkeypatch):
    provinces(con, "Hưng Yên", "Ninh Bình")
    rebuild(con)
    before = content(con)
    con.execute("UPDATE stg_sheet_rows SET stars = 5 WHERE document_id = 'doc1'")

    def fail(_con):
        raise duckdb.InvalidInputException("killed before the commit")

    monkeypatch.setattr(core, "create_views", fail)
    with pytest.raises(duckdb.InvalidInputException):
        rebuild(con)
    assert content(con) == before  # one transaction: nothing of the scoped rebuild is left
    monkeypatch.undo()
    assert rebuild(con) == "Ninh Bình"  # the fingerprint was not kept either
    assert content(con) == from_scratch(con, tmp_path)


@pytest.mark.slow
def test_a_subject_id_outside_the_scope_falls_back_to_the_whole_rebuild(con, tmp_path, monkeypatch):
    provinces(con, "Hưng Yên", "Ninh Bình")
    rebuild(con)
    con.execute("UPDATE stg_sheet_rows SET stars = 5 WHERE document_id = 'doc1'")
    calls = []
    real = core._rebuild
    monkeypatch.setattr(core, "_rebuild", lambda *a: (calls.append(a[-1]), real(*a))[1])
    # Give a producer of the scope the id a producer outside it has (what the guard is for).
    other = con.execute("SELECT subject_id FROM subjects WHERE province = 'Hưng Yên' LIMIT 1").fetchone()[0]
    real_resolve = core.resolve_cached

    def colliding(*args, **kwargs):
        found, n = real_resolve(*args, **kwargs)
        victim = next(iter(found.subject_ids))
        if not calls[1:]:  # the scoped attempt only
            old = found.subject_ids[victim]
            found.subject_ids = {r: other if s == old else s for r, s in found.subject_ids.items()}
            found.product_ids = {type(p)(other if p.subject_id == old else p.subject_id, p.product_name): v
                                 for p, v in found.product_ids.items()}
        return found, n

    monkeypatch.setattr(core, "resolve_cached", colliding)
    assert rebuild(con) == "everything"
    assert calls == [["Ninh Bình"], None]


@pytest.mark.slow
def test_random_changes_always_end_as_a_rebuild_from_scratch(con, tmp_path):
    rng = random.Random(11)
    names = ["Hưng Yên", "Ninh Bình", "Phú Thọ", "Nghệ An"]
    provinces(con, *names)
    rebuild(con)
    done = []
    kinds = ["stars", "name", "tax", "tax", "tax", "add", "drop"] * 2
    rng.shuffle(kinds)
    for step, kind in enumerate(kinds):
        if kind == "stars":
            con.execute("UPDATE stg_sheet_rows SET stars = ? WHERE row = ? AND document_id = ?",
                        [rng.choice([3, 4, 5]), rng.choice([5, 6, 7, 8]), f"doc{rng.randrange(4)}"])
        elif kind == "name":
            con.execute("UPDATE stg_sheet_rows SET subject_name = upper(subject_name) WHERE row = ? AND document_id = ?",
                        [rng.choice([5, 6, 7, 8]), f"doc{rng.randrange(4)}"])
        elif kind == "tax":
            con.execute("UPDATE stg_sheet_rows SET tax_code = ? WHERE row = 7 AND document_id = ?",
                        [None if rng.random() < 0.25 else "0101010101", f"doc{rng.randrange(4)}"])
        elif kind == "add":
            provinces(con, rng.choice(names), start=10 + step)
        else:
            con.execute("DELETE FROM stg_sheet_rows WHERE document_id = (SELECT max(document_id) FROM stg_sheet_rows)")
        done.append(rebuild(con))
        assert content(con) == from_scratch(con, tmp_path), (step, kind)
    # Scoped rebuilds only, some of provinces tied by a tax code.
    assert "everything" not in done and any(", " in d for d in done), done
