"""Published datasets: Parquet (zstd) and CSV (UTF-8 with BOM) per public table, and datapackage.json.

The CSV carries a byte-order mark because Excel, which many ministry and provincial users open CSV
with, reads BOM-less UTF-8 as the ANSI code page and garbles Vietnamese. `datapackage.json` follows
the Frictionless Tabular Data Package layout and documents every field from `schema.py`.
Files are written beside their final name and renamed, so a reader never opens half a file.
A table whose content has not changed since it was last published is not written again: what each
file was written from (a content fingerprint of the table) and what it is (size, mtime, sha256) are
kept in `publish/.published.json`, and a file that was moved, edited or deleted is written again.

CSV injection (OWASP): Excel evaluates a cell that starts with = + - @ (or a tab / carriage return)
as a formula, so a product named `=HYPERLINK(...)` would become a live link. In the CSV files only,
such text values are prefixed with a single quote ('), which Excel shows as text; Parquet and DuckDB
keep the true value. The datapackage description says so.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from ocop_pipeline.runtime.fingerprints import file_sha256
from ocop_pipeline.storage.schema import ALL_TABLES, Column, Table

_FRICTIONLESS_TYPES = {
    "VARCHAR": "string", "INTEGER": "integer", "BIGINT": "integer", "DOUBLE": "number",
    "DATE": "date", "TIMESTAMP": "datetime", "JSON": "object", "BOOLEAN": "boolean",
}


@dataclass(frozen=True)
class PublishedTable:
    table: str
    rows: int
    parquet: Path
    csv: Path
    parquet_sha256: str
    csv_sha256: str
    written: bool = True  # False: unchanged since the last publish, the files were kept


def published_tables() -> list[Table]:
    return [t for t in ALL_TABLES if t.published]





# Leading characters that make Excel (and LibreOffice) read a CSV cell as a formula (OWASP list).
FORMULA_START = r"^[=+\-@\t\r]"


def csv_safe(data: pa.Table) -> pa.Table:
    """The table with every text value that starts like a formula prefixed with ' (CSV output only)."""
    columns = []
    for column in data.columns:
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type) or pa.types.is_string_view(column.type):
            risky = pc.match_substring_regex(column, FORMULA_START)
            if pc.any(risky).as_py():  # prefixing copies the whole column: only when a value needs it
                column = pc.if_else(risky, pc.binary_join_element_wise("'", column, ""), column)
        columns.append(column)
    return pa.table(columns, names=data.column_names)


def _table_files(out_dir: Path, table: Table) -> tuple[Path, Path]:
    """Where a table's Parquet and CSV files go."""
    return out_dir / "parquet" / f"{table.name}.parquet", out_dir / "csv" / f"{table.name}.csv"


def write_table(con: duckdb.DuckDBPyConnection, table: Table, out_dir: Path) -> PublishedTable:
    """Write one table as Parquet and CSV, ordered by its key so files are reproducible."""
    order = ", ".join(f'"{c}"' for c in table.primary_key) or "1"
    columns = ", ".join(f'"{c}"' for c in table.column_names)
    data = con.sql(f"SELECT {columns} FROM {table.name} ORDER BY {order}").to_arrow_table()
    parquet_path, csv_path = _table_files(out_dir, table)
    parquet_path.parent.mkdir(parents=True, exist_ok=True)
    csv_path.parent.mkdir(parents=True, exist_ok=True)

    tmp = parquet_path.with_suffix(".parquet.tmp")
    pq.write_table(data, tmp, compression="zstd")
    parquet_sha = file_sha256(tmp)
    os.replace(tmp, parquet_path)

    tmp = csv_path.with_suffix(".csv.tmp")
    with tmp.open("wb") as fh:
        fh.write("\ufeff".encode())
        pa_csv.write_csv(csv_safe(data), fh)
    csv_sha = file_sha256(tmp)
    os.replace(tmp, csv_path)
    return PublishedTable(table.name, data.num_rows, parquet_path, csv_path, parquet_sha, csv_sha)


# Part of every table's fingerprint: change it when what a file holds for the same rows changes (a
# new CSV rule, another compression), so every table is written again.
PUBLISH_FORMAT = "publish-2"
STATE_FILE = ".published.json"


def content_fingerprint(con: duckdb.DuckDBPyConnection, table: Table) -> str:
    """What the table's files would be written from: its columns and the multiset of its rows (a sum
    of row hashes, so the scan order does not matter), with the writers' versions. About 0.2 s for
    every public table of the national corpus, against 1-3 s to write them."""
    columns = ", ".join(f'"{c}"' for c in table.column_names)
    rows, total = con.execute(f"SELECT count(*), sum(hash(row({columns}))::HUGEINT) FROM {table.name}").fetchall()[0]
    basis = (PUBLISH_FORMAT, duckdb.__version__, pa.__version__, table.column_names, table.primary_key, rows, str(total))
    return hashlib.sha256(repr(basis).encode()).hexdigest()[:32]


def _file_stamp(path: Path) -> list[int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def _load_state(out_dir: Path) -> dict:
    try:
        state = json.loads((out_dir / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def _kept(entry: object, fingerprint: str, table: Table, out_dir: Path) -> PublishedTable | None:
    """The files of the last publish, when they were written from the same content and are still
    exactly as written (same size and modification time); else None."""
    if not isinstance(entry, dict) or entry.get("fingerprint") != fingerprint:
        return None
    parquet, csv_file = _table_files(out_dir, table)
    if _file_stamp(parquet) != entry.get("parquet_stamp") or _file_stamp(csv_file) != entry.get("csv_stamp"):
        return None
    try:
        return PublishedTable(table.name, int(entry["rows"]), parquet, csv_file, str(entry["parquet_sha256"]),
                              str(entry["csv_sha256"]), written=False)
    except (KeyError, TypeError, ValueError):  # a record edited by hand: write the table again
        return None


def field_descriptor(column: Column) -> dict:
    """One Table Schema field: its type, description and the constraints the validator checks."""
    constraints: dict = {}
    if column.required:
        constraints["required"] = True
    if column.enum:
        constraints["enum"] = list(column.enum)
    if column.minimum is not None:
        constraints["minimum"] = column.minimum
    if column.maximum is not None:
        constraints["maximum"] = column.maximum
    return {"name": column.name, "type": _FRICTIONLESS_TYPES.get(column.sql_type, "string"),
            "description": column.description, **({"constraints": constraints} if constraints else {})}


def table_schema(table: Table, published_names: set[str]) -> dict:
    """The table's Table Schema: fields, primary key, and the foreign keys into published tables."""
    schema: dict = {"fields": [field_descriptor(c) for c in table.columns], "primaryKey": list(table.primary_key)}
    foreign = [{"fields": list(fk.fields), "reference": {"resource": fk.reference, "fields": list(fk.reference_fields)}}
               for fk in table.foreign_keys if fk.reference in published_names]
    if foreign:
        schema["foreignKeys"] = foreign
    return schema


def datapackage(published: list[PublishedTable], out_dir: Path) -> dict:
    """The Frictionless descriptor of the published files, every field described."""
    tables = {t.name: t for t in published_tables()}
    names = {item.table for item in published}
    resources = []
    for item in published:
        table = tables[item.table]
        resources.append({
            "name": table.name,
            # the Tabular Data Resource profile: validators then read the schema and check every row
            "profile": "tabular-data-resource",
            "path": item.csv.relative_to(out_dir).as_posix(),
            "format": "csv",
            "encoding": "utf-8-sig",
            "mediatype": "text/csv",
            "description": table.description,
            "layer": table.layer,
            "rows": item.rows,
            "hash": "sha256:" + item.csv_sha256,
            "parquet": {"path": item.parquet.relative_to(out_dir).as_posix(), "compression": "zstd",
                        "hash": "sha256:" + item.parquet_sha256},
            "schema": table_schema(table, names),
        })
    return {
        "profile": "tabular-data-package",
        "name": "ocop-vietnam",
        "title": "OCOP national database (Vietnam, One Commune One Product)",
        "description": "Products rated 3-5 stars under Vietnam's OCOP programme, their producers (chủ thể) "
        "and every recognition event, with the source of each. CSV files: UTF-8 with BOM; a text value that "
        "begins with = + - @, a tab or a carriage return is prefixed with a single quote (') so that "
        "spreadsheet programs show it as text instead of running it as a formula (OWASP CSV injection); "
        "the Parquet files keep the values unchanged.",
        "created": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}],
        "resources": resources,
    }


def publish(con: duckdb.DuckDBPyConnection, out_dir: Path, force: bool = False) -> list[PublishedTable]:
    """Write every public table whose content changed since the last publish (every table when
    `force`), and the descriptor, into `out_dir`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    # Two tables at a time: DuckDB's query and Arrow's Parquet and CSV writers release the interpreter
    # lock, so a second core has work. Each thread reads through its own cursor.
    from concurrent.futures import ThreadPoolExecutor

    state = {} if force else _load_state(out_dir).get("tables", {})
    fingerprints = {t.name: content_fingerprint(con, t) for t in published_tables()}

    def write(table: Table) -> PublishedTable:
        kept = _kept(state.get(table.name), fingerprints[table.name], table, out_dir)
        if kept is not None:
            return kept
        cursor = con.cursor()
        try:
            return write_table(cursor, table, out_dir)
        finally:
            cursor.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        published = list(pool.map(write, published_tables()))
    descriptor = datapackage(published, out_dir)
    tmp = out_dir / "datapackage.json.tmp"
    tmp.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, out_dir / "datapackage.json")
    # Written last: a publish cut short leaves the old record, and what it names is written again.
    record = {"format": PUBLISH_FORMAT, "tables": {
        p.table: {"fingerprint": fingerprints[p.table], "rows": p.rows, "parquet_sha256": p.parquet_sha256,
                  "csv_sha256": p.csv_sha256, "parquet_stamp": _file_stamp(p.parquet), "csv_stamp": _file_stamp(p.csv)}
        for p in published}}
    tmp = out_dir / (STATE_FILE + ".tmp")
    tmp.write_text(json.dumps(record, indent=1), encoding="utf-8")
    os.replace(tmp, out_dir / STATE_FILE)
    return published
