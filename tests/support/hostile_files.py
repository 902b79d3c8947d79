"""Hostile spreadsheets: zip and XML bombs, a million rows, encrypted workbooks, a stray far cell.

Every file here is built in a fraction of a second: bombs are written as compressed streams (the
inflated bytes never exist on the test's side), and the big CSV is written in blocks.
"""

from __future__ import annotations

import io
import os
import random
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)
_SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8"?><worksheet '
               'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
_SHEET_TAIL = "</sheetData></worksheet>"


def _skeleton(zf: zipfile.ZipFile) -> None:
    zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
    zf.writestr("_rels/.rels", _RELS)
    zf.writestr("xl/workbook.xml", _WORKBOOK)
    zf.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)


def _deflate_repeated(head: bytes, block: bytes, copies: int, tail: bytes) -> tuple[bytes, int, int]:
    """Raw deflate of head + block*copies + tail, built block by block: (stream, crc32, size)."""
    # A full flush empties the compressor's window, so every copy of the block deflates to the same
    # bytes: compress it once and repeat them (2 GB of sheet in well under a second).
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = comp.compress(head) + comp.flush(zlib.Z_FULL_FLUSH)
    one = comp.compress(block) + comp.flush(zlib.Z_FULL_FLUSH) if copies else b""
    end = comp.compress(tail) + comp.flush()
    crc = zlib.crc32(head)
    for _ in range(copies):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    return start + one * copies + end, crc & 0xFFFFFFFF, len(head) + len(block) * copies + len(tail)


def _raw_zip(path: Path, members: list[tuple[str, bytes, int, int, int]]) -> None:
    """A zip of pre-deflated members (name, stream, crc, declared size) written by hand, so the
    declared size can lie (a bomb that says it inflates to a few KB)."""
    body, central = io.BytesIO(), io.BytesIO()
    for name, stream, crc, _true_size, declared in members:
        offset = body.tell()
        encoded = name.encode()
        body.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(stream), declared,
                               len(encoded), 0) + encoded + stream)
        central.write(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, len(stream), declared,
                                  len(encoded), 0, 0, 0, 0, 0, offset) + encoded)
    cd = central.getvalue()
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(cd), body.tell(), 0)
    path.write_bytes(body.getvalue() + cd + end)


def _member(name: str, data: bytes) -> tuple[str, bytes, int, int, int]:
    stream, crc, size = _deflate_repeated(data, b"", 0, b"")
    return name, stream, crc, size, size


def zip_bomb_xlsx(path: Path, inflated_mb: int = 2048, lie: bool = False) -> Path:
    """A workbook whose sheet XML inflates to `inflated_mb` MB of one repeated cell (about 1000:1).
    With `lie`, the zip's headers declare the sheet 4 KB, so only a reader that counts the bytes it
    actually inflates can stop it."""
    block = b'<row r="1"><c r="A1" t="inlineStr"><is><t>' + b"A" * 65000 + b"</t></is></c></row>"
    copies = inflated_mb * 1024 * 1024 // len(block)
    stream, crc, size = _deflate_repeated(_SHEET_HEAD.encode(), block, copies, _SHEET_TAIL.encode())
    sheet = ("xl/worksheets/sheet1.xml", stream, crc, size, 4096 if lie else size)
    members = [_member("[Content_Types].xml", _CONTENT_TYPES.encode()), _member("_rels/.rels", _RELS.encode()),
               _member("xl/workbook.xml", _WORKBOOK.encode()),
               _member("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS.encode()), sheet]
    if size > 0xFFFFFFFF:
        raise ValueError("keep bombs under 4 GB (no zip64 here)")
    _raw_zip(path, members)
    return path


def xml_bomb_xlsx(path: Path, where: str = "xl/worksheets/sheet1.xml") -> Path:
    """'Billion laughs': ten levels of ten entity references (10^9 'lol's) in a DOCTYPE of a sheet part."""
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{"".join(f"&lol{i - 1};" for _ in range(10))}">' for i in range(1, 10)
    ]
    doctype = f"<!DOCTYPE worksheet [{''.join(entities)}]>"
    body = ('<?xml version="1.0" encoding="UTF-8"?>' + doctype +
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            '<row r="1"><c r="A1" t="inlineStr"><is><t>Tên sản phẩm</t></is></c>'
            '<c r="B1" t="inlineStr"><is><t>Hạng sao</t></is></c></row>'
            '<row r="2"><c r="A2" t="inlineStr"><is><t>&lol9;</t></is></c>'
            '<c r="B2" t="inlineStr"><is><t>3 sao</t></is></c></row></sheetData></worksheet>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        _skeleton(zf)
        if where == "xl/worksheets/sheet1.xml":
            zf.writestr(where, body)
        else:
            zf.writestr("xl/worksheets/sheet1.xml", _SHEET_HEAD + _SHEET_TAIL)
            zf.writestr(where, body.replace("worksheet", "sst"))
    return path


CSV_HEADER = "STT,Tên sản phẩm,Chủ thể,Địa chỉ,Hạng sao,Năm\n"


def big_csv(path: Path, rows: int) -> Path:
    """A plausible product list of `rows` rows (about 80 bytes each), written in blocks."""
    with path.open("w", encoding="utf-8") as fh:
        fh.write("DANH SÁCH SẢN PHẨM OCOP TỈNH THÁI BÌNH NĂM 2022\n" + CSV_HEADER)
        for start in range(1, rows + 1, 10_000):
            fh.write("".join(
                f'{i},Bánh cáy số {i},HTX Nông nghiệp Số {i % 997},"xã Nguyên Xá, huyện Vũ Thư",{3 + i % 3} sao,2022\n'
                for i in range(start, min(start + 10_000, rows + 1))))
    return path


def encrypted_xlsx(plain: Path, path: Path, password: str = "matkhau") -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    with plain.open("rb") as fh:
        OOXMLFile(fh).encrypt(password, out)
    path.write_bytes(out.getvalue())
    return path


def big_xlsx(path: Path, rows: int, dimension: bool = True) -> Path:
    """A one-sheet workbook of `rows` identical product rows under a header, built in a second:
    rows without `r` attributes (optional in SpreadsheetML) deflate to the same bytes each time."""
    def cells(values: list[str]) -> str:
        return "<row>" + "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in values) + "</row>"

    head = _SHEET_HEAD
    if dimension:
        head = head.replace("<sheetData>", f'<dimension ref="A1:F{rows + 2}"/><sheetData>')
    head += cells(["DANH SÁCH SẢN PHẨM OCOP TỈNH THÁI BÌNH NĂM 2022"]) + cells(CSV_HEADER.strip().split(","))
    rng = random.Random(1)

    def row() -> str:
        n = rng.randrange(10**9)
        return cells([str(n % 1000), f"Bánh cáy {n}", f"HTX Nông nghiệp {n % 99991}", "xã Nguyên Xá, huyện Vũ Thư",
                      f"{3 + n % 3} sao", "2022"])

    # A block of 1,000 varied rows, repeated: it compresses like a real sheet (about 10:1), so the
    # zip-bomb ratio guard does not stop it and the row cap must.
    block, rest = divmod(rows, 1000)
    stream, crc, size = _deflate_repeated(head.encode(), "".join(row() for _ in range(1000)).encode(), block,
                                          ("".join(row() for _ in range(rest)) + _SHEET_TAIL).encode())
    members = [_member("[Content_Types].xml", _CONTENT_TYPES.encode()), _member("_rels/.rels", _RELS.encode()),
               _member("xl/workbook.xml", _WORKBOOK.encode()),
               _member("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS.encode()),
               ("xl/worksheets/sheet1.xml", stream, crc, size, size)]
    _raw_zip(path, members)
    return path


def stray_cell_xlsx(path: Path) -> Path:
    """A table at A1 and one cell at XFD1048576: the reader would allocate 17 billion cells."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        _skeleton(zf)
        zf.writestr("xl/worksheets/sheet1.xml", _SHEET_HEAD + '<row r="1"><c r="A1" t="inlineStr"><is><t>Tên sản phẩm'
                    '</t></is></c></row><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
                    + _SHEET_TAIL)
    return path


def _plain_list(path: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH SẢN PHẨM OCOP TỈNH THÁI BÌNH NĂM 2022"])
    ws.append(["STT", "Tên sản phẩm", "Chủ thể", "Địa chỉ", "Hạng sao"])
    ws.append([1, "Bánh cáy làng Nguyễn", "HTX Nông nghiệp Nguyên Xá", "xã Nguyên Xá, huyện Vũ Thư", "4 sao"])
    wb.save(path)
    return path


# The hostile files one `ocop parse-sheet` must reject (tests/faults/test_faults.py says with what
# reason; benchmarks/bench_bounds.py times them): {file name: builder}.
HOSTILE_FILES: dict[str, Callable[[Path], object]] = {
    "bomb.xlsx": lambda p: zip_bomb_xlsx(p, 2048),
    "lying_bomb.xlsx": lambda p: zip_bomb_xlsx(p, 2048, lie=True),
    "laughs.xlsx": xml_bomb_xlsx,
    "laughs_in_strings.xlsx": lambda p: xml_bomb_xlsx(p, "xl/sharedStrings.xml"),
    "million.csv": lambda p: big_csv(p, 1_000_000),
    "million.xlsx": lambda p: big_xlsx(p, 1_000_000),
    "million_no_dimension.xlsx": lambda p: big_xlsx(p, 1_000_000, dimension=False),
    "empty.xlsx": lambda p: p.write_bytes(b""),
    "locked.xlsx": lambda p: encrypted_xlsx(_plain_list(p.with_name("plain.xlsx")), p),
    "binary.csv": lambda p: p.write_bytes(os.urandom(200_000)),
    "stray_cell.xlsx": stray_cell_xlsx,
}


def write_hostile_files(root: Path) -> dict[str, Path]:
    """Every file of HOSTILE_FILES written into `root`: {name: path}."""
    paths = {}
    for name, build in HOSTILE_FILES.items():
        build(root / name)
        paths[name] = root / name
    (root / "plain.xlsx").unlink(missing_ok=True)  # the clear text of locked.xlsx
    return paths
