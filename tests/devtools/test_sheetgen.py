"""Layout writers and the bundled snapshot they produced."""

from __future__ import annotations

import hashlib
import importlib.util
import sys

import pytest
import yaml

from devtools import sheetgen
from ocop_pipeline.spreadsheets.reader import SheetReadError, read_sheet_file
from tests.support import REPO

SNAPSHOT = REPO / "sources" / "snapshot" / "spreadsheets"


def _generator():
    spec = importlib.util.spec_from_file_location(
        "generate_snapshot", REPO / "sources" / "generate_snapshot.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


RECORDS = [{"product_name": "Nem chua", "subject_name": "Hộ kinh doanh Lê Thị Hòa", "address": "xã Đông Hà",
            "district": "Huyện Đông Hưng", "stars": 3}]  # fmt: skip


def test_xlsx_bytes_are_deterministic(tmp_path):
    a = sheetgen.write_layout(tmp_path / "a.xlsx", RECORDS, sheetgen.Layout())
    b = sheetgen.write_layout(tmp_path / "b.xlsx", RECORDS, sheetgen.Layout())
    assert hashlib.sha256(a.read_bytes()).digest() == hashlib.sha256(b.read_bytes()).digest()


def test_cp1258_writes_combining_tones():
    # 'ộ' is ô (0xF4) + combining dot below (0xF2) in Windows Vietnamese; 'Đ' is 0xD0.
    assert sheetgen.to_cp1258("Đội") == b"\xd0\xf4\xf2i"


@pytest.mark.parametrize("style", sheetgen.STAR_STYLES)
def test_every_star_notation_reads_back(tmp_path, style):
    layout = sheetgen.Layout(star_style=style, columns=("stt", "product_name", "subject_name", "stars"))
    records = [dict(RECORDS[0], stars=n, product_name=f"SP {n}") for n in (3, 4, 5)]
    rows = read_sheet_file(sheetgen.write_layout(tmp_path / "s.xlsx", records, layout)).rows
    assert [r.stars for r in rows] == [3, 4, 5]


def test_benchmark_mode_writes_the_requested_rows(tmp_path):
    written = _generator().generate_benchmark(tmp_path, rows=120, files=6, seed=5, xls_share=0)
    files = sorted(tmp_path.iterdir())
    assert (written, len(files)) == (120, 6)
    assert sum(len(read_sheet_file(f).rows) for f in files) == 120


def test_bundled_snapshot_reads_within_every_registry_band():
    total_rows = total_rejects = 0
    for yaml_path in sorted((REPO / "sources").glob("*_ocop_lists.yaml")):
        source = yaml.safe_load(yaml_path.read_text(encoding="utf-8"))
        files = sorted((REPO / "sources").glob(source["path"]))
        assert len(files) >= 2, yaml_path.name
        results = [read_sheet_file(f) for f in files]
        rows = sum(len(r.rows) for r in results)
        low, high = source["expected_rows"]
        assert low <= rows <= high, yaml_path.name
        assert {r.province for r in results} == {source["legacy_province"]}
        total_rows += rows
        total_rejects += sum(len(r.rejects) for r in results)
    assert 300 <= total_rows <= 600
    assert total_rejects == 9  # three deliberately bad rows in three files


def test_bundled_bad_files_fail_with_one_line():
    messages = []
    for path in sorted((SNAPSHOT / "_bad").iterdir()):
        with pytest.raises(SheetReadError) as info:
            read_sheet_file(path, display_name=path.name)
        messages.append(str(info.value))
    assert messages == [
        "empty_list.xlsx: file is empty (0 bytes)",
        "truncated_download.xlsx: corrupt or truncated workbook (not a readable zip archive)",
    ]
