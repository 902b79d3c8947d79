"""Small official lists as provinces write them: a title block, a header, numbered rows (real xlsx)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

LIST_HEADER = ["STT", "Tên sản phẩm", "Chủ thể", "Địa chỉ", "Hạng sao"]
DECISION_LINE = "(Kèm theo Quyết định số 3610/QĐ-UBND ngày 29/12/2022 của UBND tỉnh Thái Bình)"


def write_simple_list(path: Path, title: str, rows: Sequence[Sequence[Any]],
                      province_line: str = "UBND TỈNH THÁI BÌNH",
                      decision_line: str = DECISION_LINE) -> None:
    """Write `rows` (product, subject, address, stars) under LIST_HEADER, numbered from 1."""
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
