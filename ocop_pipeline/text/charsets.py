"""One charset policy for every document we decode: which charset bytes declare, what codec that is.

Pages, HTML tables saved as .xls and HTTP responses all declare their charset the same ways (a byte
order mark, the Content-Type header, `<meta charset>`), and all lie the same ways, so one module
reads the declaration for all of them. Labels are read as browsers read them (the WHATWG Encoding
standard): a page labelled ISO-8859-1 or ASCII is decoded as windows-1252, which is what its author's
browser showed; Windows Vietnamese (windows-1258) is Python's cp1258.
"""

from __future__ import annotations

import codecs
import re

# Where a declaration is looked for: the head of the document (browsers prescan 1024 bytes; CMS
# templates put long <head> blocks first, so a little more).
SNIFF_BYTES = 4096

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.IGNORECASE)
_HEADER = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9_:.\-]+)""", re.IGNORECASE)

# Labels whose WHATWG meaning differs from Python's codec of the same name, and Vietnamese spellings.
_WHATWG = {
    "iso-8859-1": "cp1252", "iso8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "l1": "cp1252",
    "ascii": "cp1252", "us-ascii": "cp1252", "windows-1252": "cp1252",
    "windows-1258": "cp1258", "x-cp1258": "cp1258",
    "utf8": "utf-8", "unicode": "utf-8", "unicode-1-1-utf-8": "utf-8",
}


def codec_for(label: str) -> str | None:
    """Python's codec for a declared charset label, read as browsers read it; None when unknown."""
    name = label.strip().strip("\"'").lower()
    name = _WHATWG.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def bom_codec(data: bytes) -> str | None:
    """The codec a byte order mark names (it beats every declaration), or None."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    return None


def declared_charset(data: bytes, content_type: str | None = None) -> str | None:
    """The codec the bytes declare: a BOM, then the HTTP Content-Type charset, then `<meta charset>`
    in the first SNIFF_BYTES bytes. Labels no codec knows are skipped; None when nothing is declared."""
    bom = bom_codec(data)
    if bom:
        return bom
    labels: list[str] = []
    if content_type:
        m = _HEADER.search(content_type)
        if m:
            labels.append(m.group(1))
    m = _META.search(data[:SNIFF_BYTES])
    if m:
        labels.append(m.group(1).decode("ascii", "replace"))
    for label in labels:
        codec = codec_for(label)
        if codec:
            return codec
    return None


def decode(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode a document: (text, codec used). The declared charset first; one that fails is passed
    over (pages lie), then UTF-8, then Windows Vietnamese (cp1258), the usual code page of old
    government sites; bytes none of them read come out as UTF-8 with replacement characters
    (codec reported as 'utf-8?')."""
    tried: list[str] = []
    for codec in (declared_charset(data, content_type), "utf-8", "cp1258"):
        if not codec or codec in tried:
            continue
        tried.append(codec)
        try:
            return data.decode(codec), codec
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("utf-8", errors="replace"), "utf-8?"
