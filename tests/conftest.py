"""Shared fixtures: a temporary DuckDB file per test, and staging rows written straight into it."""

from datetime import date, datetime
from pathlib import Path

import pytest

from ocop_pipeline.entities.keys import product_key, subject_key
from ocop_pipeline.storage.store import connect, ensure_schema, frame_for, insert_frame

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def con(tmp_path):
    connection = connect(tmp_path / "ocop.duckdb")
    ensure_schema(connection)
    yield connection
    connection.close()


def stage_rows(con, rows, document_id="doc1", source_id="test_source", uri="test/list.xlsx"):
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


def row(product, subject, stars, year, decision_no=None, decision_date=None, **extra):
    base = {"product_name": product, "subject_name": subject, "stars": stars, "year": year,
            "decision_no": decision_no, "decision_date": decision_date, "province": "Thái Bình",
            "province_current": "Hưng Yên", "district": "Huyện Vũ Thư", "commune": "Xã Song An"}
    base.update(extra)
    return base


LIST_HEADER = ["STT", "Tên sản phẩm", "Chủ thể", "Địa chỉ", "Hạng sao"]


def write_simple_list(path, title, rows, province_line="UBND TỈNH THÁI BÌNH",
                      decision_line="(Kèm theo Quyết định số 3610/QĐ-UBND ngày 29/12/2022 của UBND tỉnh Thái Bình)"):
    """A small official list as provinces write it: title block, header, numbered rows (real xlsx)."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([province_line])
    ws.append([title])
    ws.append([decision_line])
    ws.append([])
    ws.append(LIST_HEADER)
    for i, r in enumerate(rows, start=1):
        ws.append([i, *r])
    wb.save(path)


__all__ = ["REPO", "date", "row", "stage_rows", "write_simple_list"]

