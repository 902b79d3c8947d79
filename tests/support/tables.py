"""What a database holds, as one comparable value: rows and a content hash per table."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

# Columns that record when something happened, not what: they differ between two correct builds.
TIME_COLUMNS = {"recorded_at", "fetched_at", "created_at", "updated_at", "built_at"}


def table_hashes(db: Path, tables: list[str] | None = None) -> dict[str, tuple[int, str]]:
    """{table: (rows, sha256 of every row in key order)}, timestamps left out; read-only."""
    from ocop_pipeline.storage.schema import ALL_TABLES

    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {}
        for table in ALL_TABLES:
            if tables is not None and table.name not in tables:
                continue
            columns = [c for c in table.column_names if c not in TIME_COLUMNS]
            col_sql = ", ".join(f'"{c}"' for c in columns)
            rows = con.execute(f"SELECT {col_sql} FROM {table.name} ORDER BY ALL").fetchall()
            digest = hashlib.sha256(repr(rows).encode()).hexdigest()
            out[table.name] = (len(rows), digest)
        return out
    finally:
        con.close()
