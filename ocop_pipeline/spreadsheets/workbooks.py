"""Open an official spreadsheet of any kind and return its sheets as grids of cell values.

The extension is never trusted: portals serve HTML tables named .xls, CSV named .xlsx, and "Unicode
text" exports in UTF-16; offices save an xlsx as .xls and name a BIFF .xls .xlsx. The first bytes
decide, and the file is opened by them, never by its name: PK zip -> xlsx/ods (python-calamine),
D0CF11E0 OLE -> legacy .xls (calamine) or an encrypted OOXML package, '<' -> HTML table or XML
Spreadsheet 2003, anything else -> delimited text. A PDF, a picture or a Word document named .xlsx is
rejected as what it is. Hidden rows and columns of an xlsx or a BIFF .xls are reported per sheet (the
reader leaves them out of the list). Merged ranges are filled with their top-left value, so a header
spanning two columns, or a subject cell spanning its three products, reads the same in every cell.
Sheets typed in the legacy TCVN3 or VNI fonts are converted to Unicode here, a sheet at a time, before
anyone looks for headers (legacy_fonts.py); CSV bytes from such files are read as Windows Latin-1.
"""

from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from xml.etree import ElementTree

import python_calamine

from ocop_pipeline.text import charsets
from ocop_pipeline.text.content import OLE_MAGIC, ZIP_EMPTY_MAGIC, ZIP_MAGIC, foreign_format
from ocop_pipeline.text.legacy_fonts import convert_legacy, detect_legacy_encoding

# Resource guards, applied before any parsing. Real provincial lists are well under 5 MB; a file
# two orders of magnitude larger is a mistake or an attack, not a list.
MAX_FILE_BYTES = 200 * 1024 * 1024
# An xlsx is a zip: refuse archives that would inflate past this, or inflate suspiciously well
# (zip bombs compress at 1000:1; real sheets at 5-20:1).
MAX_UNZIPPED_BYTES = 1024 * 1024 * 1024
MAX_ZIP_RATIO = 150
_RATIO_CHECK_FROM = 20 * 1024 * 1024
# A merged range larger than this is formatting noise; filling it would only cost memory.
_MAX_MERGE_CELLS = 20_000
# Legacy-font detection reads the title block, the header and the first data rows.
_LEGACY_SAMPLE_ROWS = 60
# Rows per file. A provincial list is a few hundred rows, a national compilation tens of thousands; a
# million-row sheet takes minutes and gigabytes to read, so past the cap the file is rejected (split
# it) before its cells are loaded. OCOP_MAX_SHEET_ROWS moves the cap.
DEFAULT_MAX_ROWS = 200_000
# Readers allocate a sheet's whole area (first to last used cell): one stray cell at XFD1048576 asks
# for 17 billion cells. Real lists are 200,000 x 50 at most.
MAX_CELLS = 10_000_000
_SCAN_CHUNK = 1 << 20
# Row and cell references in sheet XML (`<row r="12">`, `<c r="AB12">`), with or without a prefix.
_XLSX_REF = re.compile(rb'\sr="([A-Z]{0,3})([0-9]{1,7})"')
_TAG_ROWS = re.compile(rb"<(?:tr|row|ss:row)[\s>/]", re.IGNORECASE)

Cell = str | float | int | date | datetime | None


class SheetReadError(Exception):
    """The file cannot be read; str(e) is one line: 'name: reason'."""


@dataclass
class Grid:
    """One sheet: rows of cell values ('' or None for empty), 0-based, row 0 being spreadsheet row 1."""

    name: str
    rows: list[list[Cell]]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # r0, c0, r1, c1 inclusive
    visible: bool = True
    legacy_encoding: str | None = None  # 'tcvn3' | 'vni' when the sheet was typed in a legacy font
    hidden_rows: frozenset[int] = frozenset()  # 0-based rows hidden in the sheet (xlsx)
    hidden_cols: frozenset[int] = frozenset()  # 0-based columns hidden in the sheet (xlsx)


@dataclass
class Workbook:
    kind: str  # xlsx | xls | ods | html | xml2003 | csv
    grids: list[Grid]
    extra_title: list[str] = field(default_factory=list)  # text outside tables (HTML headings)
    images: int = 0  # pictures embedded in the workbook (a scanned list pasted in as an image)


def _fail(name: str, reason: str) -> SheetReadError:
    return SheetReadError(f"{name}: {reason}")


def max_rows() -> int:
    """The row cap per file: OCOP_MAX_SHEET_ROWS, else DEFAULT_MAX_ROWS."""
    try:
        return max(1, int(os.environ.get("OCOP_MAX_SHEET_ROWS") or DEFAULT_MAX_ROWS))
    except ValueError:
        return DEFAULT_MAX_ROWS


def _too_many_rows(name: str, rows: int, cap: int) -> SheetReadError:
    return _fail(name, f"too many rows ({rows:,} > {cap:,}): split the file (cap: OCOP_MAX_SHEET_ROWS)")


def _too_wide(name: str, sheet: str, rows: int, columns: int) -> SheetReadError:
    return _fail(name, f"refused: sheet {sheet} spans {rows:,} rows x {columns:,} columns "
                       f"(over {MAX_CELLS:,} cells; a stray cell far from the table?)")


def cell_text(value: Cell) -> str:
    """A cell as text: strings trimmed, whole floats without '.0', dates in ISO form, empty for None."""
    if type(value) is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def open_workbook(path: Path, name: str) -> Workbook:
    """Sniff and read `path`; raise SheetReadError naming `name` when it cannot be read."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise _fail(name, f"cannot open file ({exc.strerror or exc})") from None
    if size == 0:
        raise _fail(name, "file is empty (0 bytes)")
    if size > MAX_FILE_BYTES:
        raise _fail(
            name, f"file is too large ({size // (1024 * 1024)} MB > {MAX_FILE_BYTES // (1024 * 1024)} MB cap)"
        )
    with path.open("rb") as fh:
        head = fh.read(8192)
    book = _open(path, name, head)
    rows, cap = sum(len(g.rows) for g in book.grids), max_rows()
    if rows > cap:  # every format ends here; the cheaper checks before reading cover the big ones
        raise _too_many_rows(name, rows, cap)
    return fix_legacy_fonts(book)


# What the reject asks the office to send instead of a file that is no spreadsheet (text.content
# names the format); images are asked for as the original file, an RTF document for nothing.
_SEND_INSTEAD = {
    "a PDF document": "send the list as the Excel file it was typed in",
    "an RTF document": None,
    "a RAR archive": "unpack it and send the list",
    "a 7-Zip archive": "unpack it and send the list",
}
_EXTENSION_KINDS = {".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls", ".ods": "ods", ".csv": "csv"}


def _found_as(name: str, kind: str) -> str:
    """' (an xlsx workbook named .xls)' when the name says another format than the bytes, else ''."""
    ext = Path(name).suffix.lower()
    named = _EXTENSION_KINDS.get(ext)
    if named is None or named == kind:
        return ""
    return f" (an {kind} workbook named {ext})" if kind[0] in "aeiox" else f" (a {kind} workbook named {ext})"


def _open(path: Path, name: str, head: bytes) -> Workbook:
    what = foreign_format(head)
    if what:
        advice = _SEND_INSTEAD.get(what, "send the original file")
        raise _fail(name, f"{what}, not a spreadsheet" + (f": {advice}" if advice else ""))
    if head.startswith((ZIP_MAGIC, ZIP_EMPTY_MAGIC)):
        kind, hidden, images = _check_zip(path, name)
        book = Workbook(kind, _calamine_grids(path, name, kind), images=images)
        for grid in book.grids:
            rows, cols = hidden.get(grid.name, (frozenset(), frozenset()))
            grid.hidden_rows, grid.hidden_cols = rows, cols
        return book
    if head.startswith(OLE_MAGIC):
        data = path.read_bytes()
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise _fail(name, "file is password-protected (encrypted workbook)")
        book = Workbook("xls", _calamine_grids(path, name, "xls"))
        hidden = _xls_hidden(data)  # ~4 ms per 1,000 rows, about what calamine takes to read them
        for grid in book.grids:
            grid.hidden_rows, grid.hidden_cols = hidden.get(grid.name, (frozenset(), frozenset()))
        return book
    data = path.read_bytes()
    _check_text_rows(data, name)
    text = _decode(data, name)
    stripped = text.lstrip()
    if stripped.startswith("<"):
        low = stripped[:4000].lower()
        if "urn:schemas-microsoft-com:office:spreadsheet" in low and "<html" not in low:
            return Workbook("xml2003", _xml2003_grids(text, name))
        return _html_workbook(text, name)
    return Workbook("csv", [_csv_grid(text)])


def fix_legacy_fonts(book: Workbook) -> Workbook:
    """Convert every text cell of each sheet typed in TCVN3 or VNI to Unicode, in place.

    The decision is per sheet, on its first rows: one workbook may hold an old TCVN3 sheet beside a
    Unicode one. Cells already holding Unicode Vietnamese letters are left as they are.
    """
    for grid in book.grids:
        sample = [v for row in grid.rows[:_LEGACY_SAMPLE_ROWS] for v in row if type(v) is str]
        encoding = detect_legacy_encoding(sample)
        if encoding is None:
            continue
        grid.legacy_encoding = encoding
        grid.name = convert_legacy(grid.name, encoding)
        for row in grid.rows:
            for c, v in enumerate(row):
                if type(v) is str and not v.isascii():
                    row[c] = convert_legacy(v, encoding)
    if book.extra_title:
        encoding = next((g.legacy_encoding for g in book.grids if g.legacy_encoding), None)
        encoding = encoding or detect_legacy_encoding(book.extra_title)
        if encoding:
            book.extra_title = [convert_legacy(t, encoding) for t in book.extra_title]
    return book


def _check_zip(path: Path, name: str) -> tuple[str, dict[str, tuple[frozenset[int], frozenset[int]]], int]:
    """(kind, hidden rows and columns by sheet name, pictures) of a zip that is a workbook."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise _fail(name, "corrupt or truncated workbook (not a readable zip archive)") from None
    with zf:  # one open archive for the directory and the worksheet scan
        infos = zf.infolist()
        total = sum(i.file_size for i in infos)
        packed = sum(i.compress_size for i in infos) or 1
        if total > MAX_UNZIPPED_BYTES or (total > _RATIO_CHECK_FROM and total > MAX_ZIP_RATIO * packed):
            raise _fail(
                name, f"refused: zip would inflate to {total // (1024 * 1024)} MB (ratio {total // packed}:1)"
            )
        names = {i.filename for i in infos}
        images = sum(1 for n in names if n.startswith(("xl/media/", "Pictures/")))
        if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
            hidden_by_file = _check_xlsx_extent(zf, name, infos)
            hidden = _by_sheet_name(zf, hidden_by_file) if hidden_by_file else {}
            return "xlsx", hidden, images
    if "content.xml" in names:
        return "ods", {}, images
    if "word/document.xml" in names:
        raise _fail(name, "a Word document, not a spreadsheet: send the list as an Excel file")
    if "ppt/presentation.xml" in names:
        raise _fail(name, "a PowerPoint presentation, not a spreadsheet: send the list as an Excel file")
    raise _fail(name, "zip archive is not a spreadsheet (no xl/workbook.xml)")


# Hidden rows and columns in sheet XML: <row r="12" hidden="1">, <col min="5" max="5" hidden="1"/>.
_HIDDEN_MARK = (b'hidden="1"', b'hidden="true"')
_HIDDEN_TAG = re.compile(rb'<(?:\w+:)?(row|col)\b[^>]*?\bhidden="(?:1|true)"[^>]*>')
_ATTR = re.compile(rb'\b(r|min|max)="(\d+)"')


def _hidden_in(window: bytes, rows: set[int], cols: set[int]) -> None:
    for tag in _HIDDEN_TAG.finditer(window):
        attrs = dict(_ATTR.findall(tag.group(0)))
        if tag.group(1) == b"row" and b"r" in attrs:
            rows.add(int(attrs[b"r"]) - 1)
        elif tag.group(1) == b"col" and b"min" in attrs:
            low, high = int(attrs[b"min"]), int(attrs.get(b"max", attrs[b"min"]))
            cols.update(range(low - 1, min(high, low + 1000)))  # 'hide the rest' spans 16,000 columns


def _by_sheet_name(
    zf: zipfile.ZipFile, by_file: dict[str, tuple[frozenset[int], frozenset[int]]]
) -> dict[str, tuple[frozenset[int], frozenset[int]]]:
    """Sheet XML paths to the sheet names calamine reports (workbook.xml and its relationships)."""
    try:
        book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError, zipfile.BadZipFile, zlib.error):
        return {}
    targets = {}
    for rel in rels:
        target = rel.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        targets[rel.get("Id")] = target
    rel_id = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    out = {}
    for sheet in book.iter("{http://schemas.openxmlformats.org/spreadsheetml/2006/main}sheet"):
        target = targets.get(sheet.get(rel_id))
        if target in by_file:
            out[sheet.get("name", "")] = by_file[target]
    return out


def _xls_hidden(data: bytes) -> dict[str, tuple[frozenset[int], frozenset[int]]]:
    """Hidden rows and columns of a BIFF8 .xls by sheet name (calamine reports neither).

    Walks the records of the Workbook stream: BOUNDSHEET names each sheet and the offset of its BOF,
    COLINFO (0x7D) flags hidden column ranges (options bit 0), ROW (0x208) hidden rows (bit 5,
    fDyZero). Best effort: a stream it cannot walk gives no hidden rows or columns, never an error
    (calamine has read the values already and reports real damage).
    """
    import struct

    import olefile

    try:
        with olefile.OleFileIO(data) as ole:
            stream_name = "Workbook" if ole.exists("Workbook") else "Book"
            stream = ole.openstream(stream_name).read()
    except (OSError, ValueError, struct.error):
        return {}
    sheets: dict[int, str] = {}
    found: dict[str, tuple[set[int], set[int]]] = {}
    current: tuple[set[int], set[int]] | None = None
    pos, end = 0, len(stream)
    unpack = struct.unpack_from
    try:
        while pos + 4 <= end:
            kind, size = unpack("<HH", stream, pos)
            body = pos + 4
            if kind == 0x0085 and size >= 8:  # BOUNDSHEET: lbPlyPos, state, type, name
                offset, cch, high = unpack("<IxxBB", stream, body)
                raw = stream[body + 8 : body + 8 + cch * (2 if high & 1 else 1)]
                sheets[offset] = raw.decode("utf-16-le" if high & 1 else "latin-1", errors="replace")
            elif kind == 0x0809:  # BOF: a sheet's substream starts here (or the globals')
                sheet = sheets.get(pos)
                current = found.setdefault(sheet, (set(), set())) if sheet is not None else None
            elif current is not None and kind == 0x007D and size >= 10:
                first, last, _, _, options = unpack("<HHHHH", stream, body)
                if options & 1:
                    current[1].update(range(first, min(last, first + 1000) + 1))
            elif current is not None and kind == 0x0208 and size >= 16:
                row, options = unpack("<H10xI", stream, body)
                if options & 0x20:
                    current[0].add(row)
            pos = body + size
    except struct.error:
        return {}
    return {name: (frozenset(rows), frozenset(cols)) for name, (rows, cols) in found.items() if rows or cols}


def _check_xlsx_extent(
    zf: zipfile.ZipFile, name: str, infos: list[zipfile.ZipInfo]
) -> dict[str, tuple[frozenset[int], frozenset[int]]]:
    """Count the rows, and find the last used row and column, of every worksheet by streaming its XML
    (Python's inflater stops at the declared size), before the reader loads anything. The same pass
    notes hidden rows and columns (sheet XML path -> (rows, columns)), looked for only in the chunks
    that hold a hidden mark, so sheets without any cost one substring search a chunk."""
    cap, total = max_rows(), 0
    hidden: dict[str, tuple[frozenset[int], frozenset[int]]] = {}
    for info in infos:
        if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
            continue
        rows = last_row = last_col = 0
        tail = b""
        hidden_rows: set[int] = set()
        hidden_cols: set[int] = set()
        try:
            with zf.open(info) as fh:
                while chunk := fh.read(_SCAN_CHUNK):
                    window = tail + chunk
                    if any(mark in window for mark in _HIDDEN_MARK):
                        _hidden_in(window, hidden_rows, hidden_cols)
                    rows += sum(window.count(t) - tail.count(t) for t in (b"<row", b":row ", b":row>"))
                    if total + rows <= cap:  # past the cap only the count matters
                        refs = _XLSX_REF.findall(window)
                        if refs:
                            # A sheet repeats a few column letters over every row: each distinct one
                            # is converted once, and the row numbers are compared in C.
                            last_row = max(last_row, max(map(int, [digits for _, digits in refs])))
                            columns = {letters for letters, _ in refs}
                            columns.discard(b"")
                            if columns:
                                last_col = max(last_col, max(map(_column_number, columns)))
                    tail = window[-512:]  # a row or col tag cut by the chunk is whole in the next window
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError):
            # Python's inflater stops at the declared size; a bomb that lies about it fails its CRC.
            raise _fail(name, f"corrupt workbook ({info.filename} does not match its declared size "
                              "and checksum)") from None
        if total + rows <= cap and last_row * max(last_col, 1) > MAX_CELLS:
            raise _too_wide(name, info.filename, last_row, last_col)
        total += max(rows, last_row)
        if hidden_rows or hidden_cols:
            hidden[info.filename] = (frozenset(hidden_rows), frozenset(hidden_cols))
    if total > cap:
        raise _too_many_rows(name, total, cap)
    return hidden


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _check_text_rows(data: bytes, name: str) -> None:
    """Rows of a CSV (lines) or an HTML/XML table (row tags), counted on the bytes before decoding."""
    cap = max_rows()
    if len(data) < cap * 4:  # cannot hold that many rows
        return
    head = data[:4096].lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n\x00")
    if head.startswith(b"<"):
        rows = len(_TAG_ROWS.findall(data))
    else:  # UTF-16 writes each newline as two bytes, one of them the newline byte: the count holds
        rows = max(data.count(b"\n"), data.count(b"\r"))
    if rows > cap:
        raise _too_many_rows(name, rows, cap)


def _calamine_grids(path: Path, name: str, kind: str) -> list[Grid]:
    # Opened from the open file, not the path: given a path calamine picks the format by the
    # extension, and an xlsx saved as .xls (or a BIFF .xls named .xlsx) would fail as corrupt.
    # From a file object it reads the format from the bytes, as the sniffing above did.
    found = _found_as(name, kind)
    try:
        with path.open("rb") as fh:
            wb = python_calamine.load_workbook(fh)
    except python_calamine.PasswordError:
        raise _fail(name, "file is password-protected (encrypted workbook)") from None
    except Exception as exc:  # noqa: BLE001 - calamine raises many unrelated types for damaged files
        raise _fail(name, f"corrupt or unreadable {kind} workbook{found} ({_short(exc)})") from None
    grids: list[Grid] = []
    cap, total = max_rows(), 0
    try:
        for meta in wb.sheets_metadata:
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue
            sheet = wb.get_sheet_by_name(meta.name)
            # The values are still in the reader's compact form: refuse before making Python objects.
            total += sheet.height
            if total > cap:
                raise _too_many_rows(name, total, cap)
            if sheet.height * sheet.width > MAX_CELLS:
                raise _too_wide(name, meta.name, sheet.height, sheet.width)
            rows = sheet.to_python(skip_empty_area=False)
            try:
                merged = [(a[0], a[1], b[0], b[1]) for a, b in (sheet.merged_cell_ranges or [])]
            except Exception:  # noqa: BLE001 - not every format reports merges; values still read
                merged = []
            grid = Grid(meta.name, rows, merged, meta.visible == python_calamine.SheetVisibleEnum.Visible)
            fill_merged(grid)
            grids.append(grid)
    except SheetReadError:
        raise
    except Exception as exc:  # noqa: BLE001 - a damaged sheet deep in the file fails here, not at open
        raise _fail(name, f"corrupt or unreadable {kind} workbook{found} ({_short(exc)})") from None
    finally:
        wb.close()
    return grids


def _short(exc: Exception) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:120]


def fill_merged(grid: Grid) -> None:
    """Copy each merged range's top-left value into the rest of the range."""
    rows = grid.rows
    for r0, c0, r1, c1 in grid.merged:
        if (r1 - r0 + 1) * (c1 - c0 + 1) > _MAX_MERGE_CELLS or r0 >= len(rows):
            continue
        value = rows[r0][c0] if c0 < len(rows[r0]) else None
        if value in ("", None):
            continue
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            if len(row) <= c1:
                row.extend([""] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                if row[c] in ("", None):
                    row[c] = value


_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 13))
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd]")


def _decode(data: bytes, name: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
    else:
        sample = data[:65536]
        if b"\x00" in sample:
            raise _fail(name, "binary content: not a spreadsheet, HTML table or CSV file")
        # Control bytes other than tab/CR/LF do not occur in text files; random bytes are ~12% of them.
        controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))  # counted in C, not per byte
        if controls > max(2, len(sample) // 200):
            raise _fail(name, "binary content: not a spreadsheet, HTML table or CSV file")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            encoding = charsets.declared_charset(sample) or "cp1258"
            if encoding.startswith("utf-8"):
                encoding = "cp1258"  # declared UTF-8 but is not: Windows Vietnamese is the usual truth
            legacy = _legacy_font_text(data) if encoding in ("cp1258", "windows-1258") else None
            try:
                text = legacy or data.decode(encoding, errors="replace")
            except LookupError:
                text = data.decode("cp1258", errors="replace")
    # Whatever the decoding, text that is mostly control or undecodable characters is not a table.
    head = text[:65536]
    bad = len(_BAD_CHARS.findall(head))
    if bad > max(2, len(head) // 100):
        raise _fail(name, "binary content: not a spreadsheet, HTML table or CSV file")
    # cp1258 writes tone marks as combining characters; NFC composes them.
    return unicodedata.normalize("NFC", text)


def _legacy_font_text(data: bytes) -> str | None:
    """The text of a file saved from a TCVN3/VNI sheet: its bytes are the fonts' Latin-1 code points.

    cp1258 reads those bytes as a jumble of Vietnamese letters and stray combining tones, so the bytes
    are read as Windows Latin-1 instead when that reading is clearly legacy-font Vietnamese (the sheet
    is converted to Unicode after parsing, with everything else).
    """
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = data.decode("latin-1")  # the five bytes cp1252 leaves undefined
    sample = [
        cell
        for line in text[:65536].splitlines()[:_LEGACY_SAMPLE_ROWS]
        for cell in re.split(r"[,;\t|]", line)
    ]
    return text if detect_legacy_encoding(sample) else None


def _csv_grid(text: str) -> Grid:
    lines = text.splitlines()
    sample = "\n".join(lines[:60])
    best, best_score = ",", -1
    for delim in (",", ";", "\t", "|"):
        counts: dict[int, int] = {}
        for row in csv.reader(io.StringIO(sample), delimiter=delim):
            if len(row) > 1:
                counts[len(row)] = counts.get(len(row), 0) + 1
        score = max((n * w for w, n in counts.items()), default=0)
        if score > best_score:
            best, best_score = delim, score
    # A quoted cell may span lines: place each record at the line it starts on, so row numbers are
    # the line numbers a user sees in an editor.
    rows: list[list[Cell]] = []
    reader = csv.reader(io.StringIO(text), delimiter=best)
    start = 1
    for record in reader:
        rows.extend([] for _ in range(start - 1 - len(rows)))
        rows.append(list(record))
        start = reader.line_num + 1
    return Grid("csv", rows)


def _html_workbook(text: str, name: str) -> Workbook:
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(text)
    tables = [t for t in tree.css("table") if len(t.css("table")) <= 1]
    if not tables:
        raise _fail(name, "no product table found (HTML file without a <table>)")
    grids = []
    for i, table in enumerate(tables, 1):
        grids.append(_html_grid(table, f"Table{i}"))
    titles = [n.text(separator=" ", strip=True) for n in tree.css("title, h1, h2, h3, h4, caption, p")]
    return Workbook("html", grids, [t for t in titles if t])


def _html_grid(table, name: str) -> Grid:
    rows: list[list[Cell]] = []
    merged: list[tuple[int, int, int, int]] = []
    taken: dict[tuple[int, int], bool] = {}
    for r, tr in enumerate(table.css("tr")):
        row: list[Cell] = []
        c = 0
        for cell in tr.iter():
            if cell.tag not in ("td", "th"):
                continue
            while taken.get((r, c)):
                row.append("")
                c += 1
            value = cell.text(separator="\n", strip=True)
            colspan = _span(cell.attributes.get("colspan"))
            rowspan = _span(cell.attributes.get("rowspan"))
            row.append(value)
            row.extend([""] * (colspan - 1))
            if colspan > 1 or rowspan > 1:
                merged.append((r, c, r + rowspan - 1, c + colspan - 1))
                for rr in range(r + 1, r + rowspan):
                    for cc in range(c, c + colspan):
                        taken[(rr, cc)] = True
            c += colspan
        while taken.get((r, c)):
            row.append("")
            c += 1
        rows.append(row)
    width = max((len(r) for r in rows), default=0)
    for row in rows:
        row.extend([""] * (width - len(row)))
    grid = Grid(name, rows, merged)
    fill_merged(grid)
    return grid


def _span(value: str | None) -> int:
    if value is None:  # most cells: no colspan/rowspan (and a raised ValueError costs 1 us a cell)
        return 1
    try:
        return max(1, min(int(str(value).strip()), 200))
    except (TypeError, ValueError):
        return 1


_SS = "{urn:schemas-microsoft-com:office:spreadsheet}"


def _xml2003_grids(text: str, name: str) -> list[Grid]:
    """Excel 2003 'XML Spreadsheet' (.xls files some portals export)."""
    try:
        root = ElementTree.fromstring(text.encode("utf-8"))
    except ElementTree.ParseError as exc:
        raise _fail(name, f"corrupt XML spreadsheet ({_short(exc)})") from None
    grids = []
    for ws in root.iter(f"{_SS}Worksheet"):
        rows: list[list[Cell]] = []
        merged: list[tuple[int, int, int, int]] = []
        r = -1
        for row_el in ws.iter(f"{_SS}Row"):
            idx = row_el.get(f"{_SS}Index")
            r = int(idx) - 1 if idx else r + 1
            while len(rows) <= r:
                rows.append([])
            row = rows[r]
            c = -1
            for cell in row_el.iter(f"{_SS}Cell"):
                cidx = cell.get(f"{_SS}Index")
                c = int(cidx) - 1 if cidx else c + 1
                data = cell.find(f"{_SS}Data")
                value = "".join(data.itertext()) if data is not None else ""
                while len(row) <= c:
                    row.append("")
                row[c] = value
                across = int(cell.get(f"{_SS}MergeAcross", "0"))
                down = int(cell.get(f"{_SS}MergeDown", "0"))
                if across or down:
                    merged.append((r, c, r + down, c + across))
                c += across
        width = max((len(x) for x in rows), default=0)
        for row in rows:
            row.extend([""] * (width - len(row)))
        grid = Grid(ws.get(f"{_SS}Name") or f"Sheet{len(grids) + 1}", rows, merged)
        fill_merged(grid)
        grids.append(grid)
    return grids
