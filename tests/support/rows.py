"""Staging rows written straight into a test database, so core tests need no spreadsheet."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from ocop_pipeline.entities.keys import product_key, subject_key
from ocop_pipeline.storage.store import frame_for, insert_frame


def stage_rows(con: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]], document_id: str = "doc1",
               source_id: str = "test_source", uri: str = "test/list.xlsx") -> None:
    """Insert a document and its staging rows (only the interesting fields need be given)."""
    if not con.execute("SELECT 1 FROM documents WHERE document_id = ?", [document_id]).fetchall():
        insert_frame(con, "documents", frame_for("documents", [{
            "document_id": document_id, "source_id": source_id, "uri": uri, "file_name": Path(uri).name,
            "media_type": "xlsx", "size_bytes": 1, "sha256": document_id, "fetched_at": datetime(2026, 1, 1),
            "raw_path": f"raw/{document_id}.xlsx", "parser_version": "test",
        }]))
    records = []
    for i, r in enumerate(rows, start=5):
        record = {"document_id": document_id, "file": Path(uri).name, "sheet": "Sheet1", "row": i,
                  "parser_version": "test", "subject_type": "cooperative", **r}
        record.setdefault("product_name_raw", record["product_name"])
        record["subject_key"] = subject_key(record.get("subject_name"))
        record["product_key"] = product_key(record["product_name"])
        records.append(record)
    insert_frame(con, "stg_sheet_rows", frame_for("stg_sheet_rows", records))


def row(product: str, subject: str | None, stars: int | None, year: int | None,
        decision_no: str | None = None, decision_date: date | None = None, **extra: Any) -> dict[str, Any]:
    """One staging row of a Thái Bình list (now Hưng Yên); `extra` overrides or adds fields."""
    base = {"product_name": product, "subject_name": subject, "stars": stars, "year": year,
            "decision_no": decision_no, "decision_date": decision_date, "province": "Thái Bình",
            "province_current": "Hưng Yên", "district": "Huyện Vũ Thư", "commune": "Xã Song An"}
    base.update(extra)
    return base
