"""Data-quality rules on the core tables, as plain functions (the Dagster asset checks call them).

Each rule returns a `CheckOutcome`: passed, how many rows break it, and a few of them to look at.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from ocop_pipeline.storage.schema import LEVELS, PRODUCT_STATUSES, SUBJECT_TYPES, TABLES
from ocop_pipeline.storage.store import scalar


@dataclass
class CheckOutcome:
    passed: bool
    failing_rows: int
    description: str
    sample: list[dict] = field(default_factory=list)


def _outcome(con: duckdb.DuckDBPyConnection, description: str, failing_sql: str, params: list | None = None,
             sample_size: int = 5) -> CheckOutcome:
    count = scalar(con, f"SELECT count(*) FROM ({failing_sql})", params)
    sample: list[dict] = []
    if count:
        cur = con.execute(f"SELECT * FROM ({failing_sql}) LIMIT {int(sample_size)}", params or [])
        names = [d[0] for d in cur.description]
        sample = [dict(zip(names, (str(v) for v in row), strict=True)) for row in cur.fetchall()]
    return CheckOutcome(count == 0, count, description, sample)


def unique_key(con: duckdb.DuckDBPyConnection, table: str) -> CheckOutcome:
    """The table's key is unique and not null."""
    key = TABLES[table].primary_key
    cols = ", ".join(f'"{c}"' for c in key)
    nulls = " OR ".join(f'"{c}" IS NULL' for c in key)
    sql = (f"SELECT {cols}, count(*) AS n FROM {table} GROUP BY ALL HAVING count(*) > 1 OR bool_or({nulls})")
    return _outcome(con, f"{table}: ({', '.join(key)}) is unique and not null", sql)


def stars_in_range(con: duckdb.DuckDBPyConnection, table: str, column: str) -> CheckOutcome:
    """Stars are 3, 4 or 5: OCOP products are rated 3 stars or more."""
    sql = f'SELECT * FROM {table} WHERE "{column}" IS NULL OR "{column}" NOT BETWEEN 3 AND 5'
    return _outcome(con, f"{table}.{column} is between 3 and 5", sql)


def products_have_subject_and_province(con: duckdb.DuckDBPyConnection) -> CheckOutcome:
    """Every product names an existing subject and a current province."""
    sql = ("SELECT p.product_id, p.name, p.subject_id, p.province FROM products p "
           "LEFT JOIN subjects s USING (subject_id) WHERE s.subject_id IS NULL OR p.province IS NULL")
    return _outcome(con, "every product has a subject (in subjects) and a province", sql)


def ratings_reference_products(con: duckdb.DuckDBPyConnection) -> CheckOutcome:
    """Every rating points at a product and a landed document."""
    sql = ("SELECT r.rating_id, r.product_id, r.document_id FROM ratings r "
           "LEFT JOIN products p USING (product_id) LEFT JOIN documents d USING (document_id) "
           "WHERE p.product_id IS NULL OR d.document_id IS NULL")
    return _outcome(con, "every rating references a product and a document", sql)


def values_in(con: duckdb.DuckDBPyConnection, table: str, column: str, allowed: tuple[str, ...]) -> CheckOutcome:
    """A categorical column holds only its documented values."""
    sql = f'SELECT * FROM {table} WHERE "{column}" IS NULL OR NOT list_contains(?, "{column}")'
    return _outcome(con, f"{table}.{column} is one of {', '.join(allowed)}", sql, [list(allowed)])


def core_checks(con: duckdb.DuckDBPyConnection) -> dict[str, list[CheckOutcome]]:
    """All rules, grouped by the table they guard (the asset they are attached to)."""
    return {
        "subjects": [unique_key(con, "subjects"), values_in(con, "subjects", "subject_type", SUBJECT_TYPES)],
        "products": [
            unique_key(con, "products"),
            stars_in_range(con, "products", "current_stars"),
            products_have_subject_and_province(con),
            values_in(con, "products", "status", PRODUCT_STATUSES),
        ],
        "ratings": [
            unique_key(con, "ratings"),
            stars_in_range(con, "ratings", "stars"),
            ratings_reference_products(con),
            values_in(con, "ratings", "level", LEVELS),
        ],
    }


def source_row_bands(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Spreadsheet sources whose staged row count falls outside their expected band (the feed changed)."""
    rows = con.execute(
        """
        SELECT s.source_id, s.expected_min, s.expected_max, count(r.document_id) AS n
        FROM sources s
        LEFT JOIN documents d ON d.source_id = s.source_id
        LEFT JOIN stg_sheet_rows r ON r.document_id = d.document_id
        WHERE s.kind = 'spreadsheet' AND s.expected_min IS NOT NULL
        GROUP BY ALL HAVING n NOT BETWEEN s.expected_min AND s.expected_max
        ORDER BY s.source_id
        """
    ).fetchall()
    return [f"{sid}: {n} rows, expected {lo}-{hi}" for sid, lo, hi, n in rows]
