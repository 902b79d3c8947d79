"""What a file's bytes are, judged from the bytes: the one table of file signatures that the raw
store, the spreadsheet reader and the page reader go by, and the rule that refuses what is no page."""

from __future__ import annotations

import re

from ocop_pipeline.text.charsets import decode

ZIP_MAGIC = b"PK\x03\x04"  # xlsx, ods, docx: all zip archives
ZIP_EMPTY_MAGIC = b"PK\x05\x06"  # a zip archive with no member (an empty "workbook")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy Office: .xls, .doc, encrypted workbooks

# Formats that are neither a page nor a spreadsheet, by their first bytes: what a reject calls them.
# They are what offices and sites send in place of a list or a page: scans, PDFs of the decision, archives.
FOREIGN_FORMATS: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"II*\x00", "a TIFF image (a scan?)"),
    (b"MM\x00*", "a TIFF image (a scan?)"),
    (b"{\\rtf", "an RTF document"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
)


def foreign_format(head: bytes) -> str | None:
    """What `head` (a file's first bytes) is when it is one of FOREIGN_FORMATS, else None."""
    for magic, what in FOREIGN_FORMATS:
        if head.startswith(magic):
            return what
    return None


# Share of characters that no page has (NUL and other C0 controls besides tab and line ends, U+FFFD)
# above which the bytes are refused: real pages, even mis-declared ones, have next to none; random
# bytes read as cp1258 have about 12% controls. 5% leaves room for a page with a broken stretch.
UNREADABLE_SHARE = 0.05
_UNREADABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd]")
# Enough of the start of a document to judge it; a page is judged the same whatever its length.
_JUDGE_CHARS = 65_536


def not_text_reason(data: bytes, content_type: str | None = None) -> str | None:
    """Why `data` is not a text page (a PDF, an image, an office file, binary or undecodable bytes), or
    None when it is one. `ocop extract-article` refuses such bytes by name instead of reading them as
    an article without results, and the build's page staging records them in `rejects`."""
    if not data.strip():
        return "empty page (no content)"
    what = foreign_format(data)
    if what is None and data.startswith(ZIP_MAGIC):
        what = "a zip archive (office file)"
    elif what is None and data.startswith(OLE_MAGIC):
        what = "an old office file (OLE)"
    if what:
        return f"{what}, not a text page"
    text, _ = decode(data[:_JUDGE_CHARS * 4], content_type)
    sample = text[:_JUDGE_CHARS]
    bad = len(_UNREADABLE.findall(sample))
    if sample and bad / len(sample) > UNREADABLE_SHARE:
        return (f"not a text page: {100 * bad / len(sample):.0f}% of its characters are NUL, control or "
                f"undecodable bytes")
    return None
