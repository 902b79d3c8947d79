"""Small official lists as provinces write them: a title block, a header, numbered rows (real xlsx)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl

LIST_HEADER = ["STT", "Tên sản phẩm", "Chủ thể", "Địa chỉ", "Hạng sao"]
DECISION_LINE = "(Kèm theo Quyết định số 3610/QĐ-UBND ngày 29/12/2022 của UBND tỉnh Thái Bình)"


def write_simple_list(path: Path, title: str, rows: Sequence[Sequence[Any]],
                      province_line: str = "UBND TỈNH THÁI BÌNH",
                      decision_line: str = DECISION_LINE) -> None:
    """Write `rows` (product, subject, address, stars) under LIST_HEADER, numbered from 1."""
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


def xlsx(path: Path, sheets: dict[str, list[list[object]]], merges: dict[str, list[str]] | None = None) -> Path:
    """A real .xlsx (openpyxl) with these sheets, rows in order, and the merged ranges per sheet."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        for rng in (merges or {}).get(name, []):
            ws.merge_cells(rng)
    wb.save(path)
    return path
