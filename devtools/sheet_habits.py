"""Lists written with the habits of provincial offices (issue 13), each with the products it holds.

sheetgen.py writes the layouts the reader was built for; this module writes what offices actually
send: the extension lying about the format, cells merged down (package sizes under one product, a
subject over its products, a decision over its block), the same product pasted twice, hidden columns
and rows, stars in every notation, one sheet per district with the district only in the sheet name
beside a summary sheet of counts, two decisions in one list, and uploads that are no spreadsheet at
all (a PDF renamed .xlsx, a workbook holding only a picture of the scanned list).

`write_habit(path, habit, rng)` writes one list and returns its truth: the products a correct reader
finds (name, subject, stars, district, decision) or, for a bad upload, the words its error must say.
`write_habit_set` writes a labelled set for the evaluation script and the tests. Deterministic for a
seed (xlsx timestamps are frozen as in sheetgen).
"""

from __future__ import annotations

import io
import random
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import pairwise
from pathlib import Path

from openpyxl import Workbook

from devtools.sheetgen import _freeze_zip, convert_to_xls

HABITS = (
    "xlsx_named_xls",
    "xls_named_xlsx",
    "merged_packages",
    "merged_subject",
    "duplicates",
    "hidden",
    "star_notations",
    "district_sheets",
    "two_decisions",
    "mixed",
    "pdf_named_xlsx",
    "image_only",
)
BAD_UPLOADS = {
    "pdf_named_xlsx": "a PDF document, not a spreadsheet",
    "image_only": "the workbook holds an image and no table: send the original file",
}

# (written, stars): the notations of the stars column seen in lists, with what they mean.
STAR_NOTATIONS: tuple[tuple[str, int], ...] = (
    ("★★★★", 4), ("★★★", 3), ("★★★★★", 5), ("★★★★☆", 4), ("★★★☆☆", 3), ("4*", 4), ("3*", 3),
    ("4sao", 4), ("3sao", 3), ("Bốn sao", 4), ("Ba sao", 3), ("Năm sao", 5), ("Hạng 4 sao", 4),
    ("Đạt 4 sao", 4), ("Đạt 3 sao", 3), ("3 sao (đề xuất 4 sao)", 3), ("4 sao (đề xuất 5 sao)", 4),
    ("Nâng hạng từ 3 sao lên 4 sao", 4), ("Nâng hạng từ 4 sao lên 5 sao", 5), ("3 SAO", 3),
)  # fmt: skip


@dataclass(frozen=True)
class Place:
    province: str
    districts: dict[str, tuple[str, ...]]  # district (full name) -> communes
    sheet_names: dict[str, tuple[str, ...]]  # district -> how a sheet names it
    stems: tuple[str, ...]


PLACES = (
    Place("Sơn La", {
        "Huyện Vân Hồ": ("xã Chiềng Yên", "xã Lóng Luông", "xã Vân Hồ"),
        "Huyện Mai Sơn": ("xã Chiềng Mung", "xã Cò Nòi", "thị trấn Hát Lót"),
        "Thành phố Sơn La": ("phường Chiềng Lề", "xã Chiềng Ngần", "phường Quyết Thắng"),
        "Huyện Yên Châu": ("xã Chiềng Pằn", "xã Sặp Vạt", "thị trấn Yên Châu"),
        "Huyện Thuận Châu": ("xã Phỏng Lái", "xã Chiềng Pha", "thị trấn Thuận Châu"),
        "Huyện Phù Yên": ("xã Huy Tân", "xã Tường Phù", "thị trấn Phù Yên"),
    }, {
        "Huyện Vân Hồ": ("H.Vân Hồ", "Huyện Vân Hồ", "H. Vân Hồ"),
        "Huyện Mai Sơn": ("H. Mai Sơn", "Mai Sơn", "H.Mai Sơn"),
        "Thành phố Sơn La": ("TP Sơn La", "TP. Sơn La", "Thành phố Sơn La"),
        "Huyện Yên Châu": ("H.Yên Châu", "Yên Châu", "Huyện Yên Châu"),
        "Huyện Thuận Châu": ("H. Thuận Châu", "Thuận Châu"),
        "Huyện Phù Yên": ("H.Phù Yên", "Huyện Phù Yên"),
    }, ("Cà phê Arabica", "Chè Shan tuyết", "Xoài tròn", "Mận hậu", "Thịt trâu gác bếp", "Măng đắng",
        "Mật ong hoa rừng", "Sữa chua", "Rượu ngô men lá", "Nhãn sấy", "Chanh leo", "Gạo nếp Tú Lệ")),
    Place("Hòa Bình", {
        "Huyện Cao Phong": ("xã Thu Phong", "xã Bắc Phong", "thị trấn Cao Phong"),
        "Huyện Mai Châu": ("xã Chiềng Châu", "xã Vân Mai", "thị trấn Mai Châu"),
        "Huyện Lạc Sơn": ("xã Văn Sơn", "xã Nhân Nghĩa", "thị trấn Vụ Bản"),
        "Huyện Tân Lạc": ("xã Mỹ Hòa", "xã Phong Phú", "thị trấn Mãn Đức"),
        "Thành phố Hòa Bình": ("xã Yên Mông", "phường Thịnh Lang", "xã Hòa Bình"),
    }, {
        "Huyện Cao Phong": ("H.Cao Phong", "H. Cao Phong", "Cao Phong"),
        "Huyện Mai Châu": ("H. Mai Châu", "Huyện Mai Châu"),
        "Huyện Lạc Sơn": ("H.Lạc Sơn", "Lạc Sơn"),
        "Huyện Tân Lạc": ("H. Tân Lạc", "Huyện Tân Lạc"),
        "Thành phố Hòa Bình": ("TP Hòa Bình", "TP. Hòa Bình"),
    }, ("Cam Cao Phong", "Măng khô", "Rượu cần", "Thổ cẩm", "Mật ong bạc hà", "Chè Shan tuyết",
        "Cá sông Đà", "Bưởi đỏ", "Gạo nếp cẩm", "Miến dong")),
)  # fmt: skip

_BRANDS = ("Hoàng Gia", "Tây Bắc", "An Khang", "Phúc Lộc", "Minh Long", "Đại Thành", "Tân Tiến", "Mường")
_PEOPLE = ("Lò Văn Hùng", "Cầm Thị Lan", "Quàng Văn Phúc", "Hà Thị Thoa", "Lường Văn Toàn", "Đinh Thị Hòa")
_PACKS = ("Hộp 250g", "Hộp 500g", "Túi 1kg", "Chai 500ml", "Chai 750ml", "Gói 200g", "Hũ 300g")


@dataclass
class Product:
    """One product a correct reader finds in the list."""

    product_name: str
    subject_name: str
    address: str
    district: str
    stars: int
    stars_written: object = None  # the stars cell as written; the int when None
    decision_no: str | None = None
    decision_date: date | None = None


@dataclass
class HabitList:
    """A written list and its truth: the products, or for a bad upload the words of its error."""

    path: Path
    habit: str
    province: str
    products: list[Product] = field(default_factory=list)
    error: str | None = None
    duplicates: int = 0  # rows that repeat a product (the reader rejects them as duplicates)
    hidden_rows: int = 0  # product-like rows hidden in the sheet (not part of the list)


def products(rng: random.Random, place: Place, n: int) -> list[Product]:
    """n distinct products of one province, each in a district and commune of it."""
    out: list[Product] = []
    seen: set[str] = set()
    while len(out) < n:
        district = rng.choice(list(place.districts))
        commune = rng.choice(place.districts[district])
        stem = rng.choice(place.stems)
        town = commune.split(" ", 1)[1] if not commune.startswith("thị trấn") else commune[9:]
        name = f"{stem} {rng.choice(_BRANDS)}" if rng.random() < 0.5 else f"{stem} {town}"
        if len(seen) > 100:  # beyond the few hundred stem x brand/town names: number them
            name = f"{name} số {len(seen) + 1}"
        if name in seen:
            continue
        seen.add(name)
        kind = rng.randrange(3)
        if kind == 0:
            subject = f"HTX {stem.split()[0]} {town}"
        elif kind == 1:
            subject = f"Công ty TNHH {rng.choice(_BRANDS)} {town}"
        else:
            subject = f"Hộ kinh doanh {rng.choice(_PEOPLE)}"
        address = f"bản {rng.choice(('Nà Bó', 'Pá Khôm', 'Co Líu', 'Phiêng Luông'))}, {commune}"
        stars = rng.choices((3, 4, 5), weights=(60, 35, 5))[0]
        out.append(Product(name, subject, address, district, stars))
    return out


def _full_address(p: Product) -> str:
    return f"{p.address}, {p.district[0].lower()}{p.district[1:]}"


def _title(province: str, year: int | None, decision: tuple[str, date] | None) -> list[list[object]]:
    rows: list[list[object]] = [[f"UBND TỈNH {province.upper()}"], []]
    rows.append(["DANH SÁCH SẢN PHẨM ĐẠT CHỨNG NHẬN OCOP" + (f" NĂM {year}" if year else f" TỈNH {province.upper()}")])
    if decision:
        rows.append([f"(Kèm theo Quyết định số {decision[0]} ngày {decision[1]:%d/%m/%Y} của UBND tỉnh {province})"])
    rows.append([])
    return rows


def _signature(width: int) -> list[list[object]]:
    return [[], [""] * (width - 1) + ["KT. CHỦ TỊCH"], [""] * (width - 1) + ["PHÓ CHỦ TỊCH"]]


@dataclass
class _Sheet:
    name: str
    rows: list[list[object]]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r0, c0, r1, c1, 0-based
    hidden_cols: tuple[int, ...] = ()
    hidden_rows: tuple[int, ...] = ()
    formats: dict[tuple[int, int], str] = field(default_factory=dict)  # (r, c) -> number format
    image: bool = False


def _write_xlsx(path: Path, sheets: list[_Sheet]) -> Path:
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    for sheet in sheets:
        ws = wb.create_sheet(sheet.name[:31])
        for row in sheet.rows:
            ws.append([None if v in ("", None) else v for v in row])
        for r0, c0, r1, c1 in sheet.merges:
            for r in range(r0, r1 + 1):  # a merged range keeps only its top-left value, as Excel does
                for c in range(c0, c1 + 1):
                    if (r, c) != (r0, c0):
                        ws.cell(r + 1, c + 1).value = None
            ws.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1)
        for c in sheet.hidden_cols:
            ws.column_dimensions[get_column_letter(c + 1)].hidden = True
        for r in sheet.hidden_rows:
            ws.row_dimensions[r + 1].hidden = True
        for (r, c), fmt in sheet.formats.items():
            ws.cell(r + 1, c + 1).number_format = fmt
        if sheet.image:
            ws.add_image(_scan_image(), "A1")
    wb.save(path)
    _freeze_zip(path)
    return path


def _scan_image():
    """A picture standing for the scanned list (a grey page with lines)."""
    from openpyxl.drawing.image import Image as SheetImage
    from PIL import Image, ImageDraw

    page = Image.new("L", (420, 594), 245)
    draw = ImageDraw.Draw(page)
    for y in range(60, 560, 18):
        draw.line((30, y, 390, y), fill=90)
    buf = io.BytesIO()
    page.save(buf, format="PNG")
    buf.seek(0)
    return SheetImage(buf)


_HEADER = ["STT", "Tên sản phẩm", "Chủ thể", "Địa chỉ", "Hạng sao"]


def _plain_table(province: str, items: list[Product], decision: tuple[str, date]) -> _Sheet:
    rows = _title(province, decision[1].year, decision) + [list(_HEADER)]
    for i, p in enumerate(items, 1):
        rows.append([i, p.product_name, p.subject_name, _full_address(p), f"{p.stars} sao"])
    return _Sheet("Danh sách", rows + _signature(len(_HEADER)))


def _decided(items: list[Product], decision: tuple[str, date]) -> list[Product]:
    for p in items:
        p.decision_no, p.decision_date = decision
    return items


def write_habit(path: Path, habit: str, rng: random.Random, xls_batch: list[tuple[Path, Path]] | None = None,
                n: int = 12) -> HabitList:
    """Write one list with `habit` at `path` (its extension is the habit's) and return its truth.

    For 'xls_named_xlsx' the xlsx is queued in `xls_batch` (source, final path): `flush_xls` converts
    the batch with one LibreOffice run; without a batch it is converted at once.
    """
    place = rng.choice(PLACES)
    year = rng.choice((2021, 2022, 2023))
    decision = (f"{rng.randint(100, 3999)}/QĐ-UBND", date(year, 12, rng.randint(10, 29)))
    items = _decided(products(rng, place, n), decision)
    out = HabitList(path, habit, place.province, items)
    if habit in ("xlsx_named_xls", "xls_named_xlsx"):
        sheet = _plain_table(place.province, items, decision)
        if habit == "xlsx_named_xls":
            tmp = path.with_name(path.stem + ".tmp.xlsx")
            _write_xlsx(tmp, [sheet])
            tmp.replace(path)
        else:
            src = path.with_name(path.stem + ".src.xlsx")
            _write_xlsx(src, [sheet])
            if xls_batch is None:
                flush_xls([(src, path)])
            else:
                xls_batch.append((src, path))
    elif habit == "merged_packages":
        _write_xlsx(path, [_merged_packages(place.province, items, decision, rng)])
    elif habit == "merged_subject":
        _write_xlsx(path, [_merged_subject(place.province, items, decision, rng)])
    elif habit == "duplicates":
        sheet, out.duplicates = _duplicates(place.province, items, decision, rng)
        _write_xlsx(path, [sheet])
    elif habit == "hidden":
        sheet, out.hidden_rows = _hidden(place, items, decision, rng)
        _write_xlsx(path, [sheet])
    elif habit == "star_notations":
        _write_xlsx(path, [_star_notations(place.province, items, decision, rng)])
    elif habit == "district_sheets":
        _write_xlsx(path, _district_sheets(place, items, decision, rng))
    elif habit == "two_decisions":
        out.products = _two_decisions_items(items, rng, year)
        _write_xlsx(path, [_two_decisions(place.province, out.products, rng)])
    elif habit == "mixed":
        sheets, out.duplicates, out.hidden_rows = _mixed(place, items, decision, rng)
        _write_xlsx(path, sheets)
    elif habit == "pdf_named_xlsx":
        path.write_bytes(_pdf_bytes())
        out.products, out.error = [], BAD_UPLOADS[habit]
    elif habit == "image_only":
        _write_xlsx(path, [_Sheet("Sheet1", [], image=True)])
        out.products, out.error = [], BAD_UPLOADS[habit]
    else:
        raise ValueError(f"unknown habit {habit!r}")
    return out


def flush_xls(batch: list[tuple[Path, Path]]) -> None:
    """Convert queued xlsx files to real BIFF .xls (one LibreOffice run) and move each to its final name."""
    if not batch:
        return
    with tempfile.TemporaryDirectory() as tmp:
        outs = convert_to_xls([src for src, _ in batch], Path(tmp))
        for (src, final), xls in zip(batch, outs, strict=True):
            shutil.move(str(xls), final)
            src.unlink()
    batch.clear()


def _merged_packages(province: str, items: list[Product], decision: tuple[str, date], rng: random.Random) -> _Sheet:
    """STT, name, subject, address and stars merged down over the 1-3 rows of a product's package sizes."""
    header = ["STT", "Tên sản phẩm", "Quy cách đóng gói", "Chủ thể", "Địa chỉ", "Hạng sao"]
    rows = _title(province, decision[1].year, decision) + [header]
    merges = []
    for i, p in enumerate(items, 1):
        packs = rng.sample(_PACKS, rng.choice((1, 2, 2, 3)))
        first = len(rows)
        for pack in packs:
            rows.append([i, p.product_name, pack, p.subject_name, _full_address(p), f"{p.stars} sao"])
        if len(packs) > 1:
            merges += [(first, c, first + len(packs) - 1, c) for c in (0, 1, 3, 4, 5)]
    return _Sheet("Danh sách", rows + _signature(len(header)), merges)


def _merged_subject(province: str, items: list[Product], decision: tuple[str, date], rng: random.Random) -> _Sheet:
    """A subject and its address merged down over its 2-3 products."""
    runs: list[list[Product]] = []
    i = 0
    while i < len(items):  # runs of products of one subject
        k = min(len(items) - i, rng.choice((1, 2, 3)))
        for p in items[i + 1 : i + k]:
            p.subject_name, p.address, p.district = items[i].subject_name, items[i].address, items[i].district
        runs.append(items[i : i + k])
        i += k
    rows = _title(province, decision[1].year, decision) + [list(_HEADER)]
    merges = []
    stt = 0
    for run in runs:
        top = len(rows)
        for p in run:
            stt += 1
            rows.append([stt, p.product_name, p.subject_name, _full_address(p), f"{p.stars} sao"])
        if len(run) > 1:
            merges += [(top, 2, len(rows) - 1, 2), (top, 3, len(rows) - 1, 3)]
    return _Sheet("Danh sách", rows + _signature(len(_HEADER)), merges)


def _duplicates(province: str, items: list[Product], decision: tuple[str, date],
                rng: random.Random) -> tuple[_Sheet, int]:
    """One or two products pasted again, next to themselves or at the end, with their own STT."""
    order = list(items)
    again = rng.sample(items, rng.choice((1, 2)))
    for p in again:
        at = order.index(p) + 1 if rng.random() < 0.5 else len(order)
        order.insert(at, p)
    rows = _title(province, decision[1].year, decision) + [list(_HEADER)]
    for i, p in enumerate(order, 1):
        rows.append([i, p.product_name, p.subject_name, _full_address(p), f"{p.stars} sao"])
    return _Sheet("Danh sách", rows + _signature(len(_HEADER))), len(again)


def _hidden(place: Place, items: list[Product], decision: tuple[str, date],
            rng: random.Random) -> tuple[_Sheet, int]:
    """A hidden 'proposed stars' column left of the recognised one, and hidden rows of dropped products."""
    header = ["STT", "Tên sản phẩm", "Chủ thể", "Địa chỉ", "Hạng sao đề xuất", "Hạng sao được công nhận"]
    rows = _title(place.province, decision[1].year, decision) + [header]
    dropped = products(random.Random(rng.random()), place, 2)
    names = {p.product_name for p in items}
    dropped = [d for d in dropped if d.product_name not in names]
    hidden_rows = []
    stt = 0
    for i, p in enumerate(items):
        stt += 1
        proposed = min(5, p.stars + rng.choice((0, 1)))
        rows.append([stt, p.product_name, p.subject_name, _full_address(p), f"{proposed} sao", f"{p.stars} sao"])
        if dropped and i in (2, 6):
            d = dropped.pop()
            stt += 1
            hidden_rows.append(len(rows))
            rows.append([stt, d.product_name, d.subject_name, _full_address(d), f"{d.stars} sao", f"{d.stars} sao"])
    return _Sheet("Danh sách", rows + _signature(len(header)), hidden_cols=(4,),
                  hidden_rows=tuple(hidden_rows)), len(hidden_rows)


def _star_notations(province: str, items: list[Product], decision: tuple[str, date], rng: random.Random) -> _Sheet:
    """Every row writes its stars in another notation; some as a number formatted 0" sao"."""
    rows = _title(province, decision[1].year, decision) + [list(_HEADER)]
    formats = {}
    for i, p in enumerate(items, 1):
        if rng.random() < 0.2:
            written: object = p.stars
            formats[(len(rows), 4)] = '0" sao"'
        else:
            written, p.stars = rng.choice(STAR_NOTATIONS)
        p.stars_written = written
        rows.append([i, p.product_name, p.subject_name, _full_address(p), written])
    return _Sheet("Danh sách", rows + _signature(len(_HEADER)), formats=formats)


def _district_sheets(place: Place, items: list[Product], decision: tuple[str, date], rng: random.Random) -> list[_Sheet]:
    """A summary sheet of counts, then one sheet per district named only by the sheet; addresses
    stop at the commune."""
    by_district: dict[str, list[Product]] = {}
    for p in items:
        by_district.setdefault(p.district, []).append(p)
    summary_name = rng.choice(("Tổng hợp", "TH", "Số lượng", "Sheet1"))
    counts_header = rng.choice((["STT", "Đơn vị", "Số sản phẩm", "3 sao", "4 sao", "5 sao"],
                                ["STT", "Huyện", "Tổng số", "Sản phẩm 3 sao", "Sản phẩm 4 sao", "Sản phẩm 5 sao"]))
    summary_rows: list[list[object]] = [["TỔNG HỢP SỐ LƯỢNG SẢN PHẨM OCOP"], [], counts_header]
    sheets = []
    for i, (district, group) in enumerate(by_district.items(), 1):
        counts = [sum(1 for p in group if p.stars == s) for s in (3, 4, 5)]
        summary_rows.append([i, district, len(group), *counts])
        header = ["STT", "Tên sản phẩm", "Chủ thể", "Địa chỉ", "Hạng sao"]
        rows = _title(place.province, decision[1].year, decision) + [header]
        for k, p in enumerate(group, 1):
            rows.append([k, p.product_name, p.subject_name, p.address, f"{p.stars} sao"])
        sheets.append(_Sheet(rng.choice(place.sheet_names[district]), rows + _signature(len(header))))
    summary_rows.append(["", "Tổng cộng", len(items), *(sum(1 for p in items if p.stars == s) for s in (3, 4, 5))])
    return [_Sheet(summary_name, summary_rows), *sheets]


def _mixed(place: Place, items: list[Product], decision: tuple[str, date],
           rng: random.Random) -> tuple[list[_Sheet], int, int]:
    """Several habits in one workbook, as real lists combine them: a summary sheet and a sheet per
    district, and in each some of package rows merged under a product, a subject merged over its
    products, a hidden 'proposed stars' column, stars in any notation, a product pasted twice."""
    packages, proposed, notations, subject_runs = (rng.random() < 0.6 for _ in range(4))
    header = ["STT", "Tên sản phẩm"] + (["Quy cách"] if packages else []) + ["Chủ thể", "Địa chỉ"]
    header += (["Hạng sao đề xuất"] if proposed else []) + ["Hạng sao"]
    c_subj, c_addr = header.index("Chủ thể"), header.index("Địa chỉ")
    by_district: dict[str, list[Product]] = {}
    for p in items:
        by_district.setdefault(p.district, []).append(p)
    summary = [["TỔNG HỢP SẢN PHẨM OCOP"], ["STT", "Đơn vị", "Số sản phẩm"]]
    sheets: list[_Sheet] = []
    duplicates = 0
    for i, (district, group) in enumerate(by_district.items(), 1):
        summary.append([i, district, len(group)])
        if subject_runs:
            for a, b in pairwise(group):
                if rng.random() < 0.4:
                    b.subject_name, b.address = a.subject_name, a.address
        order = list(group)
        if rng.random() < 0.3:
            order.append(rng.choice(group))
            duplicates += 1
        rows = _title(place.province, decision[1].year, decision) + [list(header)]
        merges: list[tuple[int, int, int, int]] = []
        formats: dict[tuple[int, int], str] = {}
        spans: list[tuple[int, int, str]] = []  # (first row, last row, subject) of each product
        for stt, p in enumerate(order, 1):
            if notations and p.stars_written is None and rng.random() < 0.7:
                p.stars_written, p.stars = rng.choice(STAR_NOTATIONS)
            if p.stars_written is None:  # a copy pasted below keeps what the first row says
                p.stars_written = f"{p.stars} sao"
            written = p.stars_written
            packs = rng.sample(_PACKS, rng.choice((1, 1, 2, 3))) if packages else [None]
            top = len(rows)
            for pack in packs:
                row: list[object] = [stt, p.product_name] + ([pack] if packages else [])
                row += [p.subject_name, p.address] + ([f"{min(5, p.stars + 1)} sao"] if proposed else [])
                rows.append(row + [written])
            if len(packs) > 1:
                merges += [(top, c, len(rows) - 1, c) for c in range(len(header)) if header[c] != "Quy cách"]
            spans.append((top, len(rows) - 1, p.subject_name))
        k = 0
        while k < len(spans):  # a subject merged over its consecutive products
            j = k
            while j + 1 < len(spans) and spans[j + 1][2] == spans[k][2]:
                j += 1
            if j > k and subject_runs:
                for c in (c_subj, c_addr):
                    merges = [m for m in merges if not (m[1] == c and spans[k][0] <= m[0] <= spans[j][1])]
                    merges.append((spans[k][0], c, spans[j][1], c))
            k = j + 1
        sheets.append(_Sheet(rng.choice(place.sheet_names[district]), rows + _signature(len(header)), merges,
                             hidden_cols=(header.index("Hạng sao đề xuất"),) if proposed else (), formats=formats))
    return [_Sheet(rng.choice(("Tổng hợp", "TH", "Số lượng")), summary), *sheets], duplicates, 0


def _two_decisions_items(items: list[Product], rng: random.Random, year: int) -> list[Product]:
    half = len(items) // 2
    first = (f"{rng.randint(100, 1999)}/QĐ-UBND", date(year, rng.randint(5, 7), rng.randint(1, 28)))
    second = (f"{rng.randint(2000, 3999)}/QĐ-UBND", date(year, 12, rng.randint(1, 28)))
    return _decided(items[:half], first) + _decided(items[half:], second)


def _date_cell(d: date, rng: random.Random) -> tuple[object, str | None]:
    """A decision date as offices write it: a real date, an Excel serial number, or text."""
    form = rng.randrange(3)
    if form == 0:
        return datetime(d.year, d.month, d.day), "dd/mm/yyyy"
    if form == 1:
        return (d - date(1899, 12, 30)).days, None  # a serial number typed without a date format
    return f"{d:%d/%m/%Y}", None


def _two_decisions(province: str, items: list[Product], rng: random.Random) -> _Sheet:
    """Two blocks, each under its own decision: decision columns merged down the block, or section rows."""
    formats: dict[tuple[int, int], str] = {}
    merges = []
    blocks: dict[str, list[Product]] = {}
    for p in items:
        blocks.setdefault(p.decision_no or "", []).append(p)
    title = [[f"UBND TỈNH {province.upper()}"], [], ["DANH SÁCH SẢN PHẨM ĐẠT CHỨNG NHẬN OCOP"], []]
    if rng.random() < 0.5:
        header = ["STT", "Tên sản phẩm", "Chủ thể", "Địa chỉ", "Hạng sao", "Số quyết định", "Ngày quyết định"]
        rows = title + [header]
        stt = 0
        for group in blocks.values():
            top = len(rows)
            when, fmt = _date_cell(group[0].decision_date, rng)
            for p in group:
                stt += 1
                rows.append([stt, p.product_name, p.subject_name, _full_address(p), f"{p.stars} sao",
                             p.decision_no, when])
                if fmt:
                    formats[(len(rows) - 1, 6)] = fmt
            merges += [(top, 5, len(rows) - 1, 5), (top, 6, len(rows) - 1, 6)]
    else:
        header = list(_HEADER)
        rows = title + [header]
        stt = 0
        for k, group in enumerate(blocks.values()):
            p0 = group[0]
            rows.append([f"{'I' * (k + 1)}. Quyết định số {p0.decision_no} ngày {p0.decision_date:%d/%m/%Y}"])
            merges.append((len(rows) - 1, 0, len(rows) - 1, len(header) - 1))
            for p in group:
                stt += 1
                rows.append([stt, p.product_name, p.subject_name, _full_address(p), f"{p.stars} sao"])
    return _Sheet("Danh sách", rows + _signature(len(header)), merges, formats=formats)


def _pdf_bytes() -> bytes:
    """A small but well-formed PDF (what a scanned decision saved as PDF starts like)."""
    body = b"BT /F1 12 Tf 72 720 Td (DANH SACH SAN PHAM OCOP) Tj ET"
    return (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R>>endobj\n"
            + f"4 0 obj<</Length {len(body)}>>stream\n".encode() + body + b"\nendstream endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


_EXT = {"xlsx_named_xls": "xls", "xls_named_xlsx": "xlsx"}


def write_habit_set(out: Path, seed: int = 13, per_habit: int = 6, n: int = 12) -> list[HabitList]:
    """`per_habit` lists of each habit under `out` (about `n` products each), with their truth."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    batch: list[tuple[Path, Path]] = []
    lists = []
    for habit in HABITS:
        for i in range(per_habit):
            path = out / f"{habit}_{i:02d}.{_EXT.get(habit, 'xlsx')}"
            lists.append(write_habit(path, habit, rng, batch, n=n))
    flush_xls(batch)
    return lists
