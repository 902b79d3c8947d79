"""One charset policy (text/charsets.py): pages, HTTP responses and HTML spreadsheets read a declared
charset the same way, as browsers read it."""

from __future__ import annotations

import unicodedata

from ocop_pipeline.news.page_text import decode_bytes
from ocop_pipeline.raw.http_client import detect_encoding
from ocop_pipeline.spreadsheets.workbooks import open_workbook
from ocop_pipeline.text import charsets, content

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


# -- bytes that are not a page ------------------------------------------------------------------

_PAGE = ("<html><head><meta charset='utf-8'><title>Ninh Bình công nhận 45 sản phẩm OCOP</title></head>"
         "<body><p>Ngày 12/3/2024, UBND tỉnh công nhận 45 sản phẩm đạt 3 sao và 4 sao.</p></body></html>")


def test_real_pages_in_any_charset_are_text():
    assert content.not_text_reason(_PAGE.encode("utf-8")) is None
    assert content.not_text_reason(_PAGE.replace("utf-8", "windows-1258").encode("cp1258", "replace")) is None
    assert content.not_text_reason("Bánh cáy làng Nguyễn đạt 4 sao.\n".encode()) is None


def test_pdf_image_archive_nul_and_random_bytes_are_refused_by_name():
    import random

    rng = random.Random(7)
    assert content.not_text_reason(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj") == "a PDF document, not a text page"
    assert content.not_text_reason(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR") == "a PNG image, not a text page"
    assert content.not_text_reason(b"\x00" * 300_000).startswith("not a text page: 100% of its characters")
    assert content.not_text_reason(b"   \n ") == "empty page (no content)"
    noise = bytes(rng.randrange(256) for _ in range(300_000))
    assert content.not_text_reason(noise, "text/html").startswith("not a text page: ")
    # A page with a short broken stretch is still a page.
    assert content.not_text_reason(_PAGE.encode() * 20 + b"\x00" * 40) is None


def test_extract_article_refuses_what_is_not_a_page_with_one_line_and_status_1(tmp_path, capsys):
    from ocop_pipeline.cli import main

    nul = tmp_path / "nul.html"
    nul.write_bytes(b"\x00" * 10_000)
    assert main(["extract-article", str(nul)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip().splitlines() == [
        f"ocop extract-article: {nul}: not a text page: 100% of its characters are NUL, control or undecodable bytes"]
    page = tmp_path / "page.html"
    page.write_text(_PAGE, encoding="utf-8")
    assert main(["extract-article", str(page)]) == 0
    assert '"province": "Ninh Bình"' in capsys.readouterr().out
