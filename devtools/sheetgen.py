"""Write product records as official lists are written: the layouts `sheets.py` must read.

Used by the tests, the bundled snapshot (sources/generate_snapshot.py) and the benchmarks. A record is
a dict with product_name, subject_name, address, district, stars (an int, or a raw string such as
'Tiềm năng 5 sao' to make a bad row), and optionally product_group, score, ocop_code, tax_code,
phone, note, year. A `Layout` says how to render them: format, title block, one- or two-level header,
header wording, column order, section rows, star notation, subject and address in one cell, totals
and signature. Every layout is first rendered to a grid of cells plus merged ranges, then written as
xlsx (openpyxl), CSV (utf-8, utf-8-sig, cp1258; ',' or ';'), an HTML table named .xls, or real BIFF
.xls (LibreOffice converts the xlsx). Deterministic: the same records and layout give the same bytes
(xlsx timestamps aside).
"""

from __future__ import annotations

import csv
import html
import io
import random
import re
import shutil
import subprocess
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

FORMATS = ("xlsx", "xlsx_per_star", "csv", "html_xls", "xls")
STAR_STYLES = ("sao", "star", "star_sp", "paren", "glyph", "num", "float", "hang", "pad", "upper")

# Header wordings seen in provincial lists; index 0 is the most common.
HEADER_VARIANTS: dict[str, tuple[str, ...]] = {
    "stt": ("STT", "TT", "Số TT"),
    "product_name": ("Tên sản phẩm", "Sản phẩm", "Tên SP", "TÊN SẢN PHẨM OCOP"),
    "subject_name": ("Chủ thể", "Tên chủ thể", "Đơn vị sản xuất (chủ thể)", "Chủ thể sản xuất", "Tên đơn vị"),
    "address": ("Địa chỉ", "Địa chỉ chủ thể", "ĐỊA CHỈ"),
    "district": ("Huyện", "Huyện/TX/TP", "Đơn vị cấp huyện"),
    "commune": ("Xã", "Xã/phường/thị trấn"),
    "stars": (
        "Hạng sao",
        "Số sao",
        "Xếp hạng",
        "Kết quả phân hạng",
        "Hạng sao đạt được",
        "Phân hạng",
        "Hạng OCOP",
    ),
    "score": ("Điểm", "Tổng điểm", "Số điểm"),
    "product_group": ("Nhóm sản phẩm", "Nhóm", "Ngành", "Phân nhóm", "Bộ sản phẩm"),
    "ocop_code": ("Mã số", "Mã OCOP"),
    "tax_code": ("Mã số thuế",),
    "phone": ("Điện thoại", "SĐT"),
    "note": ("Ghi chú",),
    "year": ("Năm",),
}
# Two-level headers: a parent cell merged over its sub-columns.
PARENTS = {("subject_name", "address"): "Chủ thể", ("score", "stars"): "Kết quả"}
SUB_LABELS = {"subject_name": "Tên chủ thể", "address": "Địa chỉ", "score": "Điểm", "stars": "Hạng sao"}


@dataclass
class Layout:
    """How to render one list. Defaults give a typical provincial decision annex."""

    fmt: str = "xlsx"
    columns: tuple[str, ...] = ("stt", "product_name", "subject_name", "address", "product_group", "stars")
    header_variant: int = 0
    two_level: bool = False
    sections: str | None = "district"  # district | commune | stars | group | None
    combined_subject: str | None = (
        None  # None, or "comma" | "paren" | "dash": subject and address in one cell
    )
    star_style: str = "sao"
    title: bool = True
    column_numbers: bool = False  # a "(1) (2) (3)" row under the header
    totals: bool = True
    signature: bool = True
    province: str = "Thái Bình"
    year: int | None = 2021
    decision_no: str | None = "3610/QĐ-UBND"
    decision_date: date | None = date(2022, 12, 29)
    encoding: str = "utf-8"  # CSV only: utf-8 | utf-8-sig | cp1258
    delimiter: str = ","
    sheet_name: str = "Danh sách"
    star_sheet_names: tuple[str, ...] = ("{n} sao",)  # per-star workbook sheet names, {n} = stars
    extra: dict = field(default_factory=dict)


@dataclass
class Rendered:
    rows: list[list[object]]
    merges: list[tuple[int, int, int, int]]  # r0, c0, r1, c1 (0-based, inclusive)


def star_text(stars: object, style: str) -> object:
    """Stars in one of the notations lists use; a non-int passes through as written."""
    if not isinstance(stars, int):
        return stars
    n = stars
    return {
        "sao": f"{n} sao",
        "star": f"{n}*",
        "star_sp": f"{n} *",
        "paren": "(" + "*" * n + ")",
        "glyph": "★" * n,
        "num": n,
        "float": float(n),
        "hang": f"Hạng {n} sao",
        "pad": f"0{n}",
        "upper": f"{n} SAO",
    }[style]


def _roman(n: int) -> str:
    vals = ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    out = ""
    for v, s in vals:
        while n >= v:
            out += s
            n -= v
    return out


def _subject_cell(rec: dict, how: str | None) -> str:
    subject = rec.get("subject_name") or ""
    address = rec.get("address") or ""
    if not how or not address:
        return subject
    return {
        "comma": f"{subject}, {address}",
        "paren": f"{subject} ({address})",
        "dash": f"{subject} - {address}",
    }[how]


def _title_rows(layout: Layout, width: int) -> list[list[object]]:
    if not layout.title:
        return []
    pad = [""] * max(0, width - 2)
    prov = layout.province
    rows: list[list[object]] = [
        [f"UBND TỈNH {prov.upper()}", "", *pad[:-1], "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"][:width]
        if width > 3
        else [f"UBND TỈNH {prov.upper()}"],
        [""] * width,
    ]
    year = f" NĂM {layout.year}" if layout.year else ""
    rows.append(["DANH SÁCH SẢN PHẨM ĐẠT CHỨNG NHẬN OCOP" + year] + [""] * (width - 1))
    if layout.decision_no:
        when = f" ngày {layout.decision_date:%d/%m/%Y}" if layout.decision_date else ""
        rows.append(
            [f"(Kèm theo Quyết định số {layout.decision_no}{when} của UBND tỉnh {prov})"] + [""] * (width - 1)
        )
    rows.append([""] * width)
    return rows


def render(records: list[dict], layout: Layout) -> Rendered:
    """Render records into one sheet's grid of cells and merged ranges."""
    cols = list(layout.columns)
    if layout.combined_subject and "address" in cols:
        cols.remove("address")
    if layout.sections == "stars" and "stars" in cols:
        cols.remove("stars")
    width = len(cols)
    rows: list[list[object]] = []
    merges: list[tuple[int, int, int, int]] = []

    for r in _title_rows(layout, width):
        rows.append(r)
        if r[0] and width > 1:
            # The issuer (UBND ...) is merged over the first columns, the rest across the table.
            end = min(2, width - 2) if str(r[0]).startswith("UBND") and width > 3 else width - 1
            merges.append((len(rows) - 1, 0, len(rows) - 1, end))

    def label(f: str) -> str:
        variants = HEADER_VARIANTS[f]
        return variants[layout.header_variant % len(variants)]

    top = len(rows)
    if layout.two_level:
        parent_row: list[object] = []
        sub_row: list[object] = []
        c = 0
        while c < width:
            f = cols[c]
            pair = tuple(cols[c : c + 2])
            if pair in PARENTS:
                parent_row += [PARENTS[pair], ""]
                sub_row += [SUB_LABELS[pair[0]], SUB_LABELS[pair[1]]]
                merges.append((top, c, top, c + 1))
                c += 2
                continue
            parent_row.append(label(f))
            sub_row.append("")
            merges.append((top, c, top + 1, c))
            c += 1
        rows += [parent_row, sub_row]
    else:
        rows.append([label(f) for f in cols])
    if layout.column_numbers:
        rows.append([f"({i + 1})" for i in range(width)])

    def section(text: str) -> None:
        rows.append([text] + [""] * (width - 1))
        merges.append((len(rows) - 1, 0, len(rows) - 1, width - 1))

    key = {
        "district": lambda r: r.get("district") or "",
        "commune": lambda r: r.get("commune") or "",
        "stars": lambda r: r.get("stars") if isinstance(r.get("stars"), int) else 0,
        "group": lambda r: r.get("product_group_label") or r.get("product_group") or "",
    }.get(layout.sections or "")
    ordered = records
    if key is not None:
        order: dict[object, int] = {}
        for rec in records:
            order.setdefault(key(rec), len(order))
        ordered = sorted(records, key=lambda r: order[key(r)])
    current: object = object()
    n_section = 0
    stt = 0
    for rec in ordered:
        if key is not None and key(rec) != current:
            current = key(rec)
            n_section += 1
            if layout.sections == "stars":
                text = f"Sản phẩm đạt {current} sao" if current else "Sản phẩm khác"
            elif layout.sections == "group":
                text = f"Nhóm {current}"
            else:
                text = str(current)
            section(f"{_roman(n_section)}. {text}" if n_section % 2 else text)
        stt += 1
        row: list[object] = []
        for f in cols:
            if f == "stt":
                row.append(stt)
            elif f == "subject_name":
                row.append(_subject_cell(rec, layout.combined_subject))
            elif f == "stars":
                row.append(star_text(rec.get("stars"), layout.star_style))
            elif f == "product_group":
                row.append(rec.get("product_group_label") or rec.get("product_group") or "")
            else:
                v = rec.get(f)
                row.append("" if v is None else v)
        rows.append(row)
    if layout.totals:
        rows.append(["Tổng cộng", f"{stt} sản phẩm"] + [""] * (width - 2))
    if layout.signature:
        rows.append([""] * width)
        rows.append(["Ghi chú: Danh sách xếp theo đơn vị hành chính cấp huyện."] + [""] * (width - 1))
        rows.append([""] * width)
        left = ["Người lập biểu"] + [""] * (width - 2) + ["KT. CHỦ TỊCH"]
        rows.append(left if width > 1 else ["KT. CHỦ TỊCH"])
        rows.append([""] * (width - 1) + ["PHÓ CHỦ TỊCH"])
    return Rendered(rows, merges)


# ---------------------------------------------------------------------------------------------------
# Writers


def write_xlsx_sheets(path: Path, sheets: list[tuple[str, Rendered]]) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="center")
    for name, rendered in sheets:
        ws = wb.create_sheet(name[:31])
        for row in rendered.rows:
            ws.append([None if v == "" else v for v in row])
        for r0, c0, r1, c1 in rendered.merges:
            if (r0, c0) != (r1, c1):
                ws.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1)
        for cell in ws[1]:
            cell.font = bold
        ws.column_dimensions["B"].width = 40
        ws.column_dimensions["C"].width = 45
        if ws.max_row < 300:  # styling every cell is slow; real lists only wrap short tables
            for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, 12)):
                for cell in row:
                    cell.alignment = wrap
    wb.save(path)
    _freeze_zip(path)
    return path


_FROZEN_TIME = (2020, 1, 1, 0, 0, 0)
_STAMP = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def _freeze_zip(path: Path) -> None:
    """Same bytes on every run: fixed zip entry times and document dates (openpyxl stamps 'now')."""
    with zipfile.ZipFile(path) as zin:
        entries = [(info, zin.read(info)) for info in zin.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in entries:
            if info.filename == "docProps/core.xml":
                data = _STAMP.sub(rb"\g<1>2020-01-01T00:00:00Z\g<2>", data)
            frozen = zipfile.ZipInfo(info.filename, date_time=_FROZEN_TIME)
            frozen.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(frozen, data)


def write_csv(path: Path, rendered: Rendered, encoding: str = "utf-8", delimiter: str = ",") -> Path:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    for row in rendered.rows:
        writer.writerow(["" if v is None else v for v in row])
    text = buf.getvalue()
    if encoding == "cp1258":
        data = to_cp1258(text)
    else:
        data = text.encode(encoding)
    path.write_bytes(data)
    return path


_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")


def to_cp1258(text: str) -> bytes:
    """Windows Vietnamese bytes as Word/Excel write them: letters with their hat, breve or horn are
    precomposed (â, ă, ơ, ư, đ are in cp1258), tone marks follow as combining characters ('ộ' = ô + ̣)."""
    out = []
    for ch in text:
        if ord(ch) < 128:
            out.append(ch)
            continue
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(m for m in parts if m in _TONE_MARKS)
        base = unicodedata.normalize("NFC", "".join(m for m in parts if m not in _TONE_MARKS))
        try:
            (base + tones).encode("cp1258")
            out.append(base + tones)
        except UnicodeEncodeError:
            out.append(unicodedata.normalize("NFC", ch))
    return "".join(out).encode("cp1258", errors="replace")


def write_html_xls(path: Path, rendered: Rendered) -> Path:
    """An "Excel export" that is really an HTML table (what many portals serve as .xls)."""
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    covered: set[tuple[int, int]] = set()
    for r0, c0, r1, c1 in rendered.merges:
        spans[(r0, c0)] = (r1 - r0 + 1, c1 - c0 + 1)
        covered.update((r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1) if (r, c) != (r0, c0))
    head = (
        '<html xmlns:x="urn:schemas-microsoft-com:office:excel"><head>'
        '<meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body><table border="1">'
    )
    out = [head]
    for r, row in enumerate(rendered.rows):
        out.append("<tr>")
        for c, v in enumerate(row):
            if (r, c) in covered:
                continue
            rs, cs = spans.get((r, c), (1, 1))
            attrs = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
            out.append(f"<td{attrs}>{html.escape(str(v)) if v not in ('', None) else ''}</td>")
        out.append("</tr>\n")
    out.append("</table></body></html>")
    path.write_text("".join(out), encoding="utf-8")
    return path


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_xls(xlsx_paths: list[Path], out_dir: Path) -> list[Path]:
    """Real BIFF8 .xls files via LibreOffice headless (one process for the whole batch)."""
    exe = soffice_path()
    if exe is None:
        raise RuntimeError("LibreOffice (soffice) is not installed: cannot write .xls")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [exe, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "xls",
             "--outdir", str(out_dir), *map(str, xlsx_paths)],
            check=True, capture_output=True, timeout=300,
        )  # fmt: skip
    outs = [out_dir / (p.stem + ".xls") for p in xlsx_paths]
    missing = [p for p in outs if not p.exists()]
    if missing:
        raise RuntimeError(f"LibreOffice did not write {missing[0].name}")
    return outs


def write_layout(path: Path, records: list[dict], layout: Layout) -> Path:
    """Write records at `path` in `layout` (for fmt 'xls' the xlsx is converted next to it)."""
    path = Path(path)
    if layout.fmt == "xlsx":
        return write_xlsx_sheets(path, [(layout.sheet_name, render(records, layout))])
    if layout.fmt == "xlsx_per_star":
        return write_per_star(path, records, layout)
    if layout.fmt == "csv":
        return write_csv(
            path, render(records, replace(layout, signature=False)), layout.encoding, layout.delimiter
        )
    if layout.fmt == "html_xls":
        return write_html_xls(path, render(records, layout))
    if layout.fmt == "xls":
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / (path.stem + ".xlsx")
            write_xlsx_sheets(src, [(layout.sheet_name, render(records, layout))])
            out = convert_to_xls([src], Path(tmp) / "out")[0]
            shutil.move(str(out), path)
        return path
    raise ValueError(f"unknown format {layout.fmt!r}")


def write_per_star(path: Path, records: list[dict], layout: Layout) -> Path:
    """One sheet per star level plus a summary sheet ('Tổng hợp') first."""
    by_stars: dict[object, list[dict]] = {}
    for rec in records:
        by_stars.setdefault(rec.get("stars") if isinstance(rec.get("stars"), int) else 3, []).append(rec)
    levels = sorted(by_stars)
    summary = Rendered(
        [["TỔNG HỢP SẢN PHẨM OCOP"], ["STT", "Hạng sao", "Số sản phẩm"]]
        + [[i + 1, f"{n} sao", len(by_stars[n])] for i, n in enumerate(levels)]
        + [["", "Tổng cộng", len(records)]],
        [],
    )
    sheets = [("Tổng hợp", summary)]
    # Stars come from the sheet name; a bad rating (a string) keeps its own column so it stays visible.
    keep_stars = any(not isinstance(r.get("stars"), int) for r in records)
    cols = tuple(c for c in layout.columns if c != "stars" or keep_stars)
    for i, n in enumerate(levels):
        pattern = layout.star_sheet_names[i % len(layout.star_sheet_names)]
        sub = replace(layout, columns=cols, sections=None)
        sheets.append((pattern.format(n=n), render(by_stars[n], sub)))
    return write_xlsx_sheets(path, sheets)


# ---------------------------------------------------------------------------------------------------
# Random layouts (seeded) for snapshots and benchmarks


OPTIONAL_COLUMNS = ("product_group", "score", "ocop_code", "phone", "note")


def random_layout(rng: random.Random, fmt: str | None = None, **overrides: object) -> Layout:
    """A plausible layout drawn from the habits above: wording, order, sections, notation, encoding."""
    fmt = fmt or rng.choice(("xlsx", "xlsx", "xlsx", "xlsx_per_star", "csv", "html_xls"))
    two_level = rng.random() < 0.4 and fmt != "csv"
    combined = rng.choice((None, None, "comma", "paren", "dash"))
    core = ["product_name", "subject_name", "address"]
    extras = [c for c in OPTIONAL_COLUMNS if rng.random() < 0.4]
    if two_level:
        blocks: list[tuple[str, ...]] = [("product_name",), ("subject_name", "address"), ("score", "stars")]
        combined = None
        extras = [c for c in extras if c != "score"]
    else:
        blocks = [(c,) for c in core] + [("stars",)]
    blocks += [(c,) for c in extras]
    if rng.random() < 0.5:
        rng.shuffle(blocks)
    columns = ("stt",) + tuple(c for b in blocks for c in b)
    sections = rng.choice(("district", "district", "stars", "group", None))
    layout = Layout(
        fmt=fmt,
        columns=columns,
        header_variant=rng.randrange(7),
        two_level=two_level,
        sections=None if fmt == "xlsx_per_star" else sections,
        combined_subject=combined,
        star_style=rng.choice(STAR_STYLES),
        title=rng.random() < 0.85,
        column_numbers=rng.random() < 0.3,
        totals=rng.random() < 0.7,
        signature=rng.random() < 0.7,
        encoding=rng.choice(("utf-8", "utf-8-sig", "cp1258")),
        delimiter=rng.choice((",", ";")),
        star_sheet_names=rng.choice((("{n} sao",), ("{n} SAO",), ("SP {n} sao",), ("Sheet {n} sao",))),
    )
    layout = replace(layout, **overrides)  # type: ignore[arg-type]
    if layout.fmt == "csv" and layout.encoding == "cp1258" and layout.star_style == "glyph":
        layout = replace(layout, star_style="paren")  # cp1258 has no ★: such files cannot exist
    return layout
