"""The one transaction helper (storage/transactions.py), on real DuckDB files."""

import duckdb
import pytest

from ocop_pipeline.storage.transactions import transaction


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "t.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE t (k VARCHAR, v INTEGER)")
    con.execute("INSERT INTO t VALUES ('kept', 1)")
    yield path, con
    con.close()


def rows(path) -> list[tuple]:
    """The table as a fresh connection to the file sees it (what was committed, not what one connection holds)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("SELECT k, v FROM t ORDER BY k").fetchall()
    finally:
        con.close()


def committed(con) -> list[tuple]:
    """The table as another transaction sees it while `con` is still open (a cursor has its own)."""
    with con.cursor() as other:
        return other.execute("SELECT k, v FROM t ORDER BY k").fetchall()


def test_the_block_is_committed_when_it_ends(db):
    path, con = db
    with transaction(con):
        con.execute("DELETE FROM t")
        con.execute("INSERT INTO t VALUES ('new', 2)")
    con.close()
    assert rows(path) == [("new", 2)]


def test_a_python_error_rolls_the_block_back_and_is_raised_again(db):
    path, con = db
    with pytest.raises(RuntimeError, match="half way"), transaction(con):
        con.execute("DELETE FROM t")
        con.execute("INSERT INTO t VALUES ('half', 3)")
        raise RuntimeError("stopped half way")
    con.execute("INSERT INTO t VALUES ('after', 4)")  # no transaction left open: autocommit again
    con.close()
    assert rows(path) == [("after", 4), ("kept", 1)]


def test_a_failing_statement_rolls_back_the_statements_before_it(db):
    path, con = db
    with pytest.raises(duckdb.CatalogException), transaction(con):
        con.execute("DELETE FROM t")
        con.execute("INSERT INTO no_such_table VALUES (1)")
    with transaction(con):  # the aborted transaction is gone: a new one begins
        con.execute("INSERT INTO t VALUES ('next', 5)")
    con.close()
    assert rows(path) == [("kept", 1), ("next", 5)]


def test_an_interrupt_rolls_back_too(db):
    path, con = db
    with pytest.raises(KeyboardInterrupt), transaction(con):
        con.execute("DELETE FROM t")
        raise KeyboardInterrupt
    con.close()
    assert rows(path) == [("kept", 1)]


def test_a_nested_block_joins_the_open_transaction(db):
    """DuckDB cannot nest (a second BEGIN aborts the first): the inner block is part of the outer one."""
    path, con = db
    with transaction(con):
        con.execute("INSERT INTO t VALUES ('outer', 6)")
        with transaction(con):
            con.execute("INSERT INTO t VALUES ('inner', 7)")
        assert committed(con) == [("kept", 1)]  # nothing committed when the inner block ends
    assert committed(con) == [("inner", 7), ("kept", 1), ("outer", 6)]

    with pytest.raises(ValueError), transaction(con):
        con.execute("INSERT INTO t VALUES ('outer 2', 8)")
        with transaction(con):
            con.execute("INSERT INTO t VALUES ('inner 2', 9)")
            raise ValueError("inner failure")
    con.close()
    assert rows(path) == [("inner", 7), ("kept", 1), ("outer", 6)]  # the whole outer block rolled back


def test_a_cursor_has_a_transaction_of_its_own(db):
    path, con = db
    cursor = con.cursor()
    with transaction(con):
        con.execute("INSERT INTO t VALUES ('on con', 10)")
        with transaction(cursor):  # not nested: BEGIN on the cursor's own connection
            cursor.execute("INSERT INTO t VALUES ('on cursor', 11)")
        assert committed(cursor) == [("kept", 1), ("on cursor", 11)]  # committed alone, before con's row
    cursor.close()
    con.close()
    assert rows(path) == [("kept", 1), ("on con", 10), ("on cursor", 11)]

