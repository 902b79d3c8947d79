"""The DuckDB store: opening the one database file, creating the schema, replacing rows safely.

DuckDB allows one writing process. A second writer fails at once with "Conflicting lock is held",
so `connect` waits a bounded time for the lock and then stops with a message that says what to do,
instead of a traceback from deep inside a build.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from ocop_pipeline.storage.schema import ALL_TABLES, BOOKKEEPING_TABLES, TABLES, Table, create_table_sql


class StoreLockedError(RuntimeError):
    """Another process holds the database file."""


def connect(path: str | Path, *, read_only: bool = False, wait_seconds: float = 30.0) -> duckdb.DuckDBPyConnection:
    """Open the database, waiting up to `wait_seconds` while another process holds its lock."""
    path = Path(path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait_seconds
    delay = 0.2
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise
            if time.monotonic() >= deadline:
                raise StoreLockedError(
                    f"{path}: the database is in use by another process (another build or an open "
                    f"writer); waited {wait_seconds:.0f} s. Wait for it to finish, or close it, and run again."
                ) from exc
            time.sleep(delay)
            delay = min(delay * 2, 2.0)


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table that does not exist yet, and add columns declared since a file was made
    (existing data is untouched), so a database from an older version keeps working. The bookkeeping
    tables too."""
    ensure_tables(con, (*ALL_TABLES, *BOOKKEEPING_TABLES))


def ensure_tables(con: duckdb.DuckDBPyConnection, tables: Iterable[Table]) -> None:
    """`ensure_schema` for some tables: what a step that writes a bookkeeping table calls first, so that
    one dropped by hand (or a database older than the table) is made again from its declaration.

    An added column comes last in an existing table, wherever it is declared: a table's column order
    may differ between two databases, which is why every insert names its columns."""
    existing: dict[str, set[str]] = {}
    for table_name, column in con.execute(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'main'"
    ).fetchall():
        existing.setdefault(table_name, set()).add(column)
    for table in tables:
        if table.name not in existing:
            con.execute(create_table_sql(table))
            continue
        for column in table.columns:
            if column.name not in existing[table.name]:
                con.execute(f'ALTER TABLE {table.name} ADD COLUMN "{column.name}" {column.sql_type}')


def frame_for(table_name: str, rows: Iterable[dict[str, Any]]) -> pd.DataFrame:
    """A DataFrame with exactly the table's columns, in order (missing keys become nulls)."""
    columns = TABLES[table_name].column_names
    frame = pd.DataFrame.from_records(list(rows), columns=columns)
    return frame


def insert_frame(con: duckdb.DuckDBPyConnection, table_name: str, frame: pd.DataFrame) -> int:
    """Append a DataFrame to a table by column name. Values travel as data, never as SQL text."""
    if frame.empty:
        return 0
    _insert_columns(con, table_name, frame[TABLES[table_name].column_names])
    return len(frame)


def _insert_columns(con: duckdb.DuckDBPyConnection, table_name: str, data: object) -> None:
    """INSERT the table's columns from `data` (a DataFrame or an Arrow table) by name."""
    con.register("_incoming", data)
    try:
        col_list = ", ".join(f'"{c}"' for c in TABLES[table_name].column_names)
        con.execute(f"INSERT INTO {table_name} ({col_list}) SELECT {col_list} FROM _incoming")
    finally:
        con.unregister("_incoming")


def insert_rows(con: duckdb.DuckDBPyConnection, table_name: str, rows: Sequence[dict[str, Any]]) -> int:
    """`insert_frame(con, table_name, frame_for(table_name, rows))`, through Arrow columns: pyarrow
    converts a list of Python values in C, where a DataFrame of objects costs three to five times as
    much to build and to hand to DuckDB (0.6 s of the parent's time on the national page staging).
    DuckDB casts each column to the table's type on insert, as from a DataFrame. A column pyarrow
    cannot give one type (an int beside a string) goes the DataFrame way, which accepts it."""
    import pyarrow as pa  # deferred: a dependency of pandas and DuckDB's, imported only by writers

    if not rows:
        return 0
    columns = TABLES[table_name].column_names
    try:
        data = pa.table({c: pa.array([r.get(c) for r in rows]) for c in columns})
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        return insert_frame(con, table_name, frame_for(table_name, rows))
    _insert_columns(con, table_name, data)
    return len(rows)


def delete_where_in(con: duckdb.DuckDBPyConnection, table_name: str, column: str, values: Sequence[str]) -> None:
    """Delete the rows whose `column` is one of `values` (bound as a list parameter)."""
    if not values:
        return
    if column not in TABLES[table_name].column_names:
        raise ValueError(f"{table_name} has no column {column}")
    con.execute(f'DELETE FROM {table_name} WHERE "{column}" IN (SELECT unnest(?))', [list(values)])


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] | None = None) -> Any:
    """The single value of a query. Fetches all rows: DuckDB 2 treats a half-read result as still
    running and refuses the next relation query on the connection."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0][0] if rows else None


def table_counts(con: duckdb.DuckDBPyConnection, names: Iterable[str] | None = None) -> dict[str, int]:
    """Row count of each table (all declared tables by default)."""
    names = list(names) if names is not None else [t.name for t in ALL_TABLES]
    return {name: scalar(con, f"SELECT count(*) FROM {TABLES[name].name}") for name in names}
