"""One charset policy (text/charsets.py): pages, HTTP responses and HTML spreadsheets read a declared
charset the same way, as browsers read it."""

from __future__ import annotations

import unicodedata

from ocop_pipeline.news.page_text import decode_bytes
from ocop_pipeline.raw.http_client import detect_encoding
from ocop_pipeline.spreadsheets.workbooks import open_workbook
from ocop_pipeline.text import charsets

# 0x93/0x94 are curly quotes in windows-1252 and invisible C1 controls in ISO-8859-1 proper: a page
# labelled latin-1 was written (and shown by every browser) as windows-1252.
LATIN1_PAGE = b'<html><head><meta charset="ISO-8859-1"></head><body><p>Caf\xe9 \x93OCOP\x94</p></body></html>'


def test_a_latin1_label_means_windows_1252_everywhere(tmp_path):
    assert charsets.declared_charset(LATIN1_PAGE) == "cp1252"
    assert detect_encoding(LATIN1_PAGE) == "cp1252"
    text, codec = decode_bytes(LATIN1_PAGE)
    assert codec == "cp1252" and "Café “OCOP”" in text
    sheet = tmp_path / "list.xls"
    sheet.write_bytes(LATIN1_PAGE.replace(b"<p>Caf\xe9 \x93OCOP\x94</p>",
                                          b"<table><tr><td>T\xean</td><td>\x93Caf\xe9\x94</td></tr></table>"))
    grid = open_workbook(sheet, "list.xls").grids[0]
    assert grid.rows[0] == ["Tên", "“Café”"]


def test_declarations_in_order_and_lies_passed_over():
    meta = b'<meta http-equiv="Content-Type" content="text/html; charset=windows-1258">'
    assert charsets.declared_charset(meta) == "cp1258"
    assert charsets.declared_charset(meta, "text/html; charset=utf-8") == "utf-8"  # the header first
    assert charsets.declared_charset(b"\xef\xbb\xbf" + meta, "text/html; charset=latin-1") == "utf-8-sig"
    assert charsets.declared_charset(b"<meta charset=no-such-codec>") is None
    # declared UTF-8 but written in Windows Vietnamese: the declaration fails, cp1258 reads it
    text, codec = charsets.decode(b'<meta charset="utf-8"><p>' + unicodedata.normalize("NFD", "Hòa Bình").encode("cp1258") + b"</p>")
    assert codec == "cp1258" and "Hòa Bình" in unicodedata.normalize("NFC", text)
    # bytes that neither UTF-8 nor cp1258 read (0x81 is unassigned in cp1258): replaced, and said so
    text, codec = charsets.decode(b"<p>\x81\xff</p>")
    assert codec == "utf-8?" and text == "<p>\ufffd\ufffd</p>"
