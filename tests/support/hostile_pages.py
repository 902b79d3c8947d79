"""Hostile and broken news pages, as a broken CMS or a hostile site may serve them (all under the
crawler's 10 MB body cap). Written here, never copied from a real site; each is built in well under
a second. `PAGES` names each maker; `write_all` puts them in a folder for the CLI or a build."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

_HEAD = ('<!doctype html><html><head><meta charset="utf-8"><title>Công nhận sản phẩm OCOP</title></head><body>'
         '<h1>Tỉnh công nhận thêm sản phẩm OCOP năm 2024</h1>')
_TAIL = "</body></html>"
_LEAD = ("<p>Ngày 12/3/2024, UBND tỉnh ban hành quyết định công nhận các sản phẩm đạt chuẩn OCOP "
         "cấp tỉnh, gồm các sản phẩm được liệt kê trong bảng dưới đây.</p>")


def nested_divs(depth: int = 200_000) -> bytes:
    """`depth` nested <div>s around one paragraph (200,000 of them: 2.2 MB)."""
    return (_HEAD + "<div>" * depth + _LEAD + "</div>" * depth + _TAIL).encode()


def product_table(rows: int = 8_000, *, short: bool = False) -> bytes:
    """An article whose annex is a table of `rows` product rows (a decision annex pasted as HTML);
    `short` rows (three cells) keep 150,000 of them under the crawler's 10 MB cap."""
    names = ("Bánh cáy", "Chè búp", "Mật ong", "Gạo tám", "Nước mắm", "Miến dong")
    body = "".join(
        f"<tr><td>{i + 1}</td><td>{names[i % 6]} {i}</td><td>{3 + i % 3} sao</td></tr>" if short else
        f"<tr><td>{i + 1}</td><td>{names[i % 6]} {i}</td><td>HTX Nông nghiệp xã Số {i}</td>"
        f"<td>xã Số {i}, huyện Vũ Thư</td><td>{3 + i % 3} sao</td></tr>"
        for i in range(rows))
    return (_HEAD + _LEAD + "<table><tr><th>TT</th><th>Tên sản phẩm</th><th>Chủ thể</th><th>Địa chỉ</th>"
            "<th>Hạng</th></tr>" + body + "</table>" + _TAIL).encode()


def random_bytes(size: int = 300_000, seed: int = 14) -> bytes:
    """`size` random bytes, as a page served as text/html."""
    return random.Random(seed).randbytes(size)


def nul_page(size: int = 300_000) -> bytes:
    return b"\x00" * size


def pdf_as_html() -> bytes:
    return b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + b"0" * 5000


def png_as_html() -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 20


def many_blocks(blocks: int = 60_000) -> bytes:
    """An article followed by `blocks` short paragraphs (more blocks than any article has)."""
    return (_HEAD + _LEAD + "".join(f"<p>Dòng số {i}</p>" for i in range(blocks)) + _TAIL).encode()


def huge_paragraph(chars: int = 2_000_000) -> bytes:
    """One paragraph of `chars` characters without a block break (a page pasted as one line)."""
    unit = "Sản phẩm Bánh cáy 4 sao, chè búp 3 sao và 12 sản phẩm OCOP khác được công nhận; "
    return (_HEAD + "<p>" + unit * (chars // len(unit)) + "</p>" + _TAIL).encode()


def mojibake_page(size: int = 200_000) -> bytes:
    """Declared utf-8, bytes that are not (a mis-set charset): decodes to mostly replacement characters."""
    rnd = random.Random(7)
    junk = bytes(rnd.choice(range(0x80, 0x100)) for _ in range(size))
    return b'<html><head><meta charset="utf-8"></head><body><p>' + junk + b"</p></body></html>"


def deep_lists(depth: int = 50_000) -> bytes:
    """Nested <ul><li> `depth` deep (a broken menu that never closes its items)."""
    return (_HEAD + _LEAD + "<ul><li>mục" * depth + _TAIL).encode()


# name -> maker; each gives a page the extractor must refuse or answer within its bounds.
PAGES: dict[str, Callable[[], bytes]] = {
    "nested_divs_200k": nested_divs,
    "table_150k_rows": lambda: product_table(150_000, short=True),
    "random_bytes": random_bytes,
    "nul_bytes": nul_page,
    "pdf_as_html": pdf_as_html,
    "png_as_html": png_as_html,
    "blocks_60k": many_blocks,
    "paragraph_2m_chars": huge_paragraph,
    "mojibake": mojibake_page,
    "deep_lists_50k": deep_lists,
}


def write_all(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for name, make in PAGES.items():
        p = folder / f"{name}.html"
        p.write_bytes(make())
        out[name] = p
    return out
