"""Generate the bundled offline snapshot of official OCOP lists (and benchmark sets).

    python sources/generate_snapshot.py                       # rewrite sources/snapshot/spreadsheets/
    python sources/generate_snapshot.py --out DIR --rows 20000 --files 200 --seed 1   # a benchmark set

The snapshot stands in for the provinces' published decision annexes so the default run works offline.
Names are plausible, not real: products are built from each province's known specialities, subjects
from the usual forms (HTX Nông nghiệp X, Công ty TNHH Y, Hộ kinh doanh Nguyễn Văn Z, Cơ sở sản xuất ...),
communes and districts from the province's real units. Each province is published over several years in
different layouts (sheetgen.py), some products are re-rated three years later and written slightly
differently (capitals, tone placement, HTX vs Hợp tác xã), a few rows are deliberately bad (no name,
'2 sao', 'Tiềm năng 5 sao') and two bad files sit in `_bad/`. Deterministic: same seed, same files.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from devtools import sheetgen
from devtools.sheetgen import Layout

HERE = Path(__file__).resolve().parent
SNAPSHOT = HERE / "snapshot" / "spreadsheets"


@dataclass(frozen=True)
class Province:
    slug: str
    name: str  # pre-reform name, as the lists before July 2025 write it
    new_name: str  # the 34-unit province it joined
    districts: dict[str, tuple[str, ...]]  # district (with kind) -> communes (with kind)
    specialities: tuple[tuple[str, str], ...]  # (product stem, group in the 2019-2022 vocabulary)


PROVINCES: tuple[Province, ...] = (
    Province("thanh_hoa", "Thanh Hóa", "Thanh Hóa", {
        "Huyện Quan Hóa": ("xã Phú Lệ", "xã Phú Thanh", "thị trấn Hồi Xuân"),
        "Huyện Thọ Xuân": ("xã Xuân Lập", "xã Thọ Diên", "thị trấn Lam Sơn"),
        "Huyện Nga Sơn": ("xã Nga Thanh", "xã Nga Liên", "xã Nga Văn"),
        "Huyện Hậu Lộc": ("xã Hòa Lộc", "xã Đa Lộc", "xã Minh Lộc"),
        "Thị xã Nghi Sơn": ("phường Hải Thanh", "xã Hải Nhân", "xã Trường Lâm"),
        "Thành phố Thanh Hóa": ("phường Đông Vệ", "phường Quảng Thành", "xã Thiệu Vân"),
    }, (("Nem chua", "Thực phẩm"), ("Chè lam Phủ Quảng", "Thực phẩm"), ("Nước mắm", "Thực phẩm"),
        ("Chiếu cói", "Lưu niệm - nội thất - trang trí"), ("Mắm tôm", "Thực phẩm"), ("Mật ong", "Thực phẩm"),
        ("Bánh gai Tứ Trụ", "Thực phẩm"), ("Rượu nếp cái", "Đồ uống"), ("Tinh dầu sả", "Thảo dược"))),
    Province("ninh_binh", "Ninh Bình", "Ninh Bình", {
        "Huyện Kim Sơn": ("xã Kim Định", "xã Yên Mật", "thị trấn Phát Diệm"),
        "Huyện Hoa Lư": ("xã Ninh Hải", "xã Ninh Vân", "xã Trường Yên"),
        "Huyện Gia Viễn": ("xã Gia Sinh", "xã Gia Hưng", "thị trấn Me"),
        "Huyện Yên Khánh": ("xã Khánh Nhạc", "xã Khánh Thiện", "xã Khánh Hòa"),
        "Huyện Nho Quan": ("xã Cúc Phương", "xã Gia Lâm", "xã Quỳnh Lưu"),
        "Thành phố Tam Điệp": ("phường Nam Sơn", "xã Quang Sơn", "xã Đông Sơn"),
    }, (("Cơm cháy", "Thực phẩm"), ("Rượu Kim Sơn", "Đồ uống"), ("Thịt dê núi", "Thực phẩm"),
        ("Dứa Đồng Giao", "Thực phẩm"), ("Cói mỹ nghệ", "Lưu niệm - nội thất - trang trí"),
        ("Miến lươn", "Thực phẩm"), ("Trà hoa cúc", "Đồ uống"), ("Cao cà gai leo", "Thảo dược"))),
    Province("nam_dinh", "Nam Định", "Ninh Bình", {
        "Huyện Hải Hậu": ("xã Hải Toàn", "xã Hải Đông", "thị trấn Yên Định"),
        "Huyện Giao Thủy": ("xã Giao Hải", "xã Giao Thiện", "xã Bạch Long"),
        "Huyện Nghĩa Hưng": ("xã Nghĩa Hải", "xã Nghĩa Lợi", "thị trấn Rạng Đông"),
        "Huyện Xuân Trường": ("xã Xuân Hồng", "xã Xuân Ngọc", "thị trấn Xuân Trường"),
        "Huyện Ý Yên": ("xã Yên Tiến", "xã Yên Ninh", "thị trấn Lâm"),
        "Thành phố Nam Định": ("phường Lộc Hạ", "phường Vị Xuyên", "xã Nam Phong"),
    }, (("Gạo Tám", "Thực phẩm"), ("Gạo nếp cái hoa vàng", "Thực phẩm"), ("Nước mắm Sa Châu", "Thực phẩm"),
        ("Kẹo Sìu châu", "Thực phẩm"), ("Bánh nhãn", "Thực phẩm"), ("Ngao sạch", "Thực phẩm"),
        ("Muối biển", "Thực phẩm"), ("Đồ gỗ mỹ nghệ", "Lưu niệm - nội thất - trang trí"))),
    Province("thai_binh", "Thái Bình", "Hưng Yên", {
        "Huyện Đông Hưng": ("xã Nguyên Xá", "xã Đông La", "thị trấn Đông Hưng"),
        "Huyện Hưng Hà": ("xã Tân Lễ", "xã Hòa Tiến", "thị trấn Hưng Nhân"),
        "Huyện Kiến Xương": ("xã Vũ Quý", "xã Quang Trung", "thị trấn Kiến Xương"),
        "Huyện Thái Thụy": ("xã Thụy Hải", "xã Thái Thượng", "thị trấn Diêm Điền"),
        "Huyện Vũ Thư": ("xã Song An", "xã Hồng Lý", "xã Việt Hùng"),
        "Thành phố Thái Bình": ("phường Kỳ Bá", "xã Vũ Chính", "xã Đông Mỹ"),
    }, (("Bánh cáy làng Nguyễn", "Thực phẩm"), ("Chiếu cói", "Lưu niệm - nội thất - trang trí"),
        ("Rượu nếp", "Đồ uống"), ("Bánh đa", "Thực phẩm"), ("Ruốc tôm", "Thực phẩm"),
        ("Khăn thêu", "Vải và may mặc"), ("Tương Bần", "Thực phẩm"), ("Trà hoa hòe", "Đồ uống"))),
    Province("hoa_binh", "Hòa Bình", "Phú Thọ", {
        "Huyện Cao Phong": ("xã Thu Phong", "xã Bắc Phong", "thị trấn Cao Phong"),
        "Huyện Mai Châu": ("xã Chiềng Châu", "xã Vân Mai", "thị trấn Mai Châu"),
        "Huyện Lạc Sơn": ("xã Văn Sơn", "xã Nhân Nghĩa", "thị trấn Vụ Bản"),
        "Huyện Tân Lạc": ("xã Mỹ Hòa", "xã Phong Phú", "thị trấn Mãn Đức"),
        "Huyện Kim Bôi": ("xã Kim Lập", "xã Hợp Tiến", "thị trấn Bo"),
        "Thành phố Hòa Bình": ("xã Yên Mông", "phường Thịnh Lang", "xã Hòa Bình"),
    }, (("Cam Cao Phong", "Thực phẩm"), ("Măng khô", "Thực phẩm"), ("Rượu cần", "Đồ uống"),
        ("Thổ cẩm", "Vải và may mặc"), ("Mật ong bạc hà", "Thực phẩm"), ("Chè Shan tuyết", "Đồ uống"),
        ("Cá sông Đà", "Thực phẩm"), ("Homestay bản Lác", "Dịch vụ du lịch nông thôn"))),
    Province("quang_ninh", "Quảng Ninh", "Quảng Ninh", {
        "Thành phố Hạ Long": ("phường Hồng Hải", "phường Bãi Cháy", "xã Thống Nhất"),
        "Huyện Ba Chẽ": ("xã Thanh Sơn", "xã Nam Sơn", "thị trấn Ba Chẽ"),
        "Huyện Tiên Yên": ("xã Hải Lạng", "xã Đông Ngũ", "thị trấn Tiên Yên"),
        "Huyện Đầm Hà": ("xã Quảng Tân", "xã Đại Bình", "thị trấn Đầm Hà"),
        "Huyện Bình Liêu": ("xã Đồng Văn", "xã Lục Hồn", "thị trấn Bình Liêu"),
        "Thị xã Quảng Yên": ("phường Quảng Yên", "xã Liên Vị", "xã Tiền An"),
    }, (("Chả mực", "Thực phẩm"), ("Trà hoa vàng", "Đồ uống"), ("Ba kích tím", "Thảo dược"),
        ("Sá sùng khô", "Thực phẩm"), ("Miến dong", "Thực phẩm"), ("Gà đồi", "Thực phẩm"),
        ("Dầu sở", "Thảo dược"), ("Rượu ba kích", "Đồ uống"))),
    Province("ben_tre", "Bến Tre", "Vĩnh Long", {
        "Huyện Châu Thành": ("xã Tân Thạch", "xã Quới Sơn", "thị trấn Châu Thành"),
        "Huyện Giồng Trôm": ("xã Phước Long", "xã Mỹ Thạnh", "thị trấn Giồng Trôm"),
        "Huyện Mỏ Cày Nam": ("xã Định Thủy", "xã An Thạnh", "thị trấn Mỏ Cày"),
        "Huyện Chợ Lách": ("xã Vĩnh Thành", "xã Sơn Định", "thị trấn Chợ Lách"),
        "Huyện Ba Tri": ("xã An Hiệp", "xã Vĩnh Hòa", "thị trấn Ba Tri"),
        "Thành phố Bến Tre": ("phường Phú Khương", "xã Mỹ Thạnh An", "xã Sơn Đông"),
    }, (("Kẹo dừa", "Thực phẩm"), ("Bánh tráng Mỹ Lồng", "Thực phẩm"), ("Mật hoa dừa", "Thực phẩm"),
        ("Thạch dừa", "Thực phẩm"), ("Cây giống Chợ Lách", "Dịch vụ du lịch nông thôn"),
        ("Giỏ xơ dừa", "Lưu niệm - nội thất - trang trí"), ("Rượu Phú Lễ", "Đồ uống"), ("Dầu dừa", "Thảo dược"))),
)  # fmt: skip

# The 2019-2022 branches became these groups (DOMAIN.md): newer lists use the new words.
NEW_GROUP = {
    "Thực phẩm": "Thực phẩm", "Đồ uống": "Đồ uống", "Thảo dược": "Dược liệu và sản phẩm từ dược liệu",
    "Vải và may mặc": "Thủ công mỹ nghệ", "Lưu niệm - nội thất - trang trí": "Thủ công mỹ nghệ",
    "Dịch vụ du lịch nông thôn": "Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch",
}  # fmt: skip

QUALIFIERS = (
    "",
    "truyền thống",
    "đặc sản",
    "loại 1",
    "túi 500g",
    "hộp quà",
    "thượng hạng",
    "sạch",
    "xuất khẩu",
)
SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Bùi", "Đỗ", "Đinh", "Hà", "Mai", "Trịnh")
MIDDLE = ("Văn", "Thị", "Đức", "Minh", "Thanh", "Ngọc")
GIVEN = ("An", "Bình", "Hòa", "Thủy", "Tâm", "Hùng", "Lan", "Phúc", "Thoa", "Khánh", "Toàn", "Hoàng")
BRANDS = ("Hòa Phát", "Minh Long", "An Khang", "Thủy Tiên", "Phúc Lộc", "Hoàng Gia", "Tân Tiến", "Đại Thành")


def _person(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def _subject(rng: random.Random, commune: str, stem: str) -> str:
    place = commune.split(" ", 1)[1] if " " in commune else commune
    if commune.startswith("thị trấn"):
        place = commune[len("thị trấn ") :]
    kind = rng.choices(("htx", "cty", "ho", "coso", "tht"), weights=(33, 25, 25, 10, 7))[0]
    if kind == "htx":
        return rng.choice(
            (f"HTX Nông nghiệp {place}", f"HTX Dịch vụ nông nghiệp {place}", f"HTX {stem} {place}")
        )
    if kind == "cty":
        return rng.choice((f"Công ty TNHH {rng.choice(BRANDS)}", f"Công ty Cổ phần {stem} {place}",
                           f"Công ty TNHH MTV {rng.choice(BRANDS)} {place}"))  # fmt: skip
    if kind == "ho":
        return rng.choice(("Hộ kinh doanh", "Hộ SXKD", "Hộ kinh doanh cá thể")) + " " + _person(rng)
    if kind == "coso":
        return f"Cơ sở sản xuất {stem} {rng.choice(GIVEN)} {rng.choice(GIVEN)}"
    return f"Tổ hợp tác {stem} {place}"


def _stars_score(rng: random.Random, upgrade_from: int | None = None) -> tuple[int, float]:
    stars = rng.choices((3, 4, 5), weights=(62, 35, 3))[0]
    if upgrade_from is not None:
        stars = max(stars, upgrade_from)
    low = {3: 50, 4: 70, 5: 90}[stars]
    return stars, round(low + rng.random() * (19.5 if stars < 5 else 8), 1)


def _records(prov: Province, year: int, n: int, rng: random.Random, post_reform: bool = False) -> list[dict]:
    out = []
    districts = list(prov.districts)
    for i in range(n):
        district = rng.choice(districts)
        commune = rng.choice(prov.districts[district])
        stem, old_group = rng.choice(prov.specialities)
        qualifier = rng.choice(QUALIFIERS)
        place = commune.split(" ", 1)[1] if not commune.startswith("thị trấn") else commune[9:]
        name = " ".join(x for x in (stem, qualifier, place if rng.random() < 0.35 else "") if x)
        stars, score = _stars_score(rng)
        if post_reform:
            address = f"{commune}, tỉnh {prov.new_name}"
        else:
            address = f"{rng.choice(('thôn', 'xóm', 'tổ dân phố'))} {rng.randint(1, 12)}, {commune}, " + (
                f"{district[0].lower()}{district[1:]}"
                if rng.random() < 0.8
                else district.replace("Thành phố", "TP")
            )
            if rng.random() < 0.5:
                address += f", tỉnh {prov.name}"
        out.append({
            "product_name": name,
            "subject_name": _subject(rng, commune, stem.split()[0]),
            "address": address,
            "district": None if post_reform else district,
            "commune": commune,
            "stars": stars,
            "score": score,
            "product_group": old_group if year <= 2022 else NEW_GROUP[old_group],
            "ocop_code": f"{rng.randint(10, 96)}-{rng.randint(100, 999)}-{rng.randint(10000, 99999)}-{stars}-{year}"
            if rng.random() < 0.4 else "",
            "phone": f"0{rng.choice((912, 983, 978, 365))} {rng.randint(100, 999)} {rng.randint(100, 999)}",
            "note": "",
        })  # fmt: skip
    return out


_TONE_SWAP = {"hòa": "hoà", "Hòa": "Hoà", "thủy": "thuỷ", "Thủy": "Thuỷ", "khỏe": "khoẻ"}


def _rerate(rec: dict, rng: random.Random, year: int) -> dict:
    """The same product three years later, written slightly differently."""
    name, subject = rec["product_name"], rec["subject_name"]
    choice = rng.randrange(4)
    if choice == 0:
        name = name.upper()
    elif choice == 1:
        for a, b in _TONE_SWAP.items():
            name, subject = name.replace(a, b), subject.replace(a, b)
    if subject.startswith("HTX "):
        subject = "Hợp tác xã " + subject[4:]
    elif subject.startswith("Hợp tác xã "):
        subject = "HTX " + subject[11:]
    elif subject.startswith("Công ty TNHH "):
        subject = "Cty TNHH " + subject[13:]
    stars, score = _stars_score(rng, upgrade_from=rec["stars"] if isinstance(rec["stars"], int) else 3)
    group = rec["product_group"]
    return dict(rec, product_name=name, subject_name=subject, stars=stars, score=score,
                product_group=NEW_GROUP.get(group, group) if year > 2022 else group)  # fmt: skip


def _bad_rows(prov: Province, rng: random.Random) -> list[dict]:
    base = _records(prov, 2021, 3, rng)
    base[0]["product_name"] = ""
    base[1]["stars"] = "2 sao"
    base[2]["stars"] = "Tiềm năng 5 sao"
    base[2]["score"] = 91.5
    return base


# (province slug, year, decision number, decision date, layout overrides, rows, bad rows?, post-reform?)
PLAN: tuple[tuple[str, int, str, date, dict, int, bool, bool], ...] = (
    ("thanh_hoa", 2020, "1426/QĐ-UBND", date(2021, 4, 22),
     {"fmt": "xlsx", "two_level": True, "sections": "district", "star_style": "sao", "column_numbers": True,
      "columns": ("stt", "product_name", "subject_name", "address", "product_group", "score", "stars", "note")},
     34, True, False),
    ("thanh_hoa", 2023, "5112/QĐ-UBND", date(2023, 12, 28),
     {"fmt": "xls", "combined_subject": "comma", "star_style": "glyph", "sections": "district", "header_variant": 2,
      "columns": ("stt", "product_name", "subject_name", "address", "stars", "product_group", "ocop_code")},
     28, False, False),
    ("ninh_binh", 2021, "1002/QĐ-UBND", date(2021, 11, 9),
     {"fmt": "xlsx_per_star", "star_sheet_names": ("{n} sao",), "header_variant": 1,
      "columns": ("stt", "product_name", "subject_name", "address", "product_group", "score")},
     30, False, False),
    ("ninh_binh", 2025, "1874/QĐ-UBND", date(2025, 10, 20),
     {"fmt": "csv", "encoding": "utf-8-sig", "delimiter": ",", "sections": None, "star_style": "num",
      "columns": ("stt", "product_name", "subject_name", "address", "stars", "product_group", "score")},
     26, False, True),
    ("nam_dinh", 2019, "2890/QĐ-UBND", date(2019, 12, 27),
     {"fmt": "html_xls", "two_level": True, "sections": "district", "star_style": "star",
      "columns": ("stt", "product_name", "subject_name", "address", "score", "stars", "product_group")},
     24, False, False),
    ("nam_dinh", 2022, "2745/QĐ-UBND", date(2022, 12, 15),
     {"fmt": "csv", "encoding": "cp1258", "delimiter": ";", "sections": "district", "star_style": "hang",
      "header_variant": 3, "columns": ("stt", "subject_name", "address", "product_name", "product_group", "stars")},
     28, True, False),
    ("thai_binh", 2021, "3610/QĐ-UBND", date(2022, 12, 29),
     {"fmt": "xlsx", "sections": "stars", "header_variant": 4, "combined_subject": "paren",
      "columns": ("stt", "product_name", "subject_name", "address", "product_group", "score", "phone")},
     32, False, False),
    ("thai_binh", 2024, "2301/QĐ-UBND", date(2024, 10, 8),
     {"fmt": "csv", "encoding": "utf-8", "delimiter": ",", "sections": "group", "star_style": "paren",
      "title": False, "columns": ("stt", "product_name", "product_group", "subject_name", "address", "stars")},
     26, False, False),
    ("hoa_binh", 2020, "2856/QĐ-UBND", date(2020, 12, 21),
     {"fmt": "xlsx", "combined_subject": "dash", "sections": "district", "star_style": "pad", "header_variant": 5,
      "columns": ("stt", "stars", "product_name", "subject_name", "address", "product_group", "score")},
     26, False, False),
    ("hoa_binh", 2023, "2489/QĐ-UBND", date(2023, 11, 30),
     {"fmt": "html_xls", "sections": None, "star_style": "upper", "header_variant": 6,
      "columns": ("stt", "product_name", "subject_name", "address", "stars", "product_group", "ocop_code")},
     24, True, False),
    ("quang_ninh", 2019, "4501/QĐ-UBND", date(2019, 12, 2),
     {"fmt": "xlsx_per_star", "star_sheet_names": ("SP {n} sao",), "two_level": True,
      "columns": ("stt", "product_name", "subject_name", "address", "product_group")},
     30, False, False),
    ("quang_ninh", 2022, "3984/QĐ-UBND", date(2022, 12, 20),
     {"fmt": "xlsx", "sections": "group", "star_style": "float", "header_variant": 2,
      "columns": ("stt", "product_name", "subject_name", "address", "product_group", "stars", "score", "phone")},
     28, False, False),
    ("ben_tre", 2021, "2205/QĐ-UBND", date(2021, 9, 24),
     {"fmt": "xls", "sections": "district", "two_level": True, "star_style": "sao",
      "columns": ("stt", "product_name", "subject_name", "address", "score", "stars", "product_group")},
     28, False, False),
    ("ben_tre", 2024, "1765/QĐ-UBND", date(2024, 8, 12),
     {"fmt": "csv", "encoding": "cp1258", "delimiter": ",", "sections": "district", "star_style": "star_sp",
      "combined_subject": "comma", "columns": ("stt", "product_name", "subject_name", "address", "stars")},
     26, False, False),
)  # fmt: skip

EXT = {"xlsx": "xlsx", "xlsx_per_star": "xlsx", "csv": "csv", "html_xls": "xls", "xls": "xls"}


def _write(path: Path, records: list[dict], layout: Layout, xls_batch: list[tuple[Path, Path]]) -> None:
    """Write one list; real .xls files are queued for one LibreOffice batch at the end."""
    if layout.fmt == "xls":
        if sheetgen.soffice_path() is None:
            print(f"warning: soffice missing, {path.name} written as xlsx instead of .xls", file=sys.stderr)
            layout = replace(layout, fmt="xlsx")
            path = path.with_suffix(".xlsx")
        else:
            tmp = path.with_suffix(".tmp.xlsx")
            sheetgen.write_layout(tmp, records, replace(layout, fmt="xlsx"))
            xls_batch.append((tmp, path))
            return
    sheetgen.write_layout(path, records, layout)


def _flush_xls(xls_batch: list[tuple[Path, Path]]) -> None:
    if not xls_batch:
        return
    with tempfile.TemporaryDirectory() as tmp:
        outs = sheetgen.convert_to_xls([src for src, _ in xls_batch], Path(tmp))
        for out, (src, dest) in zip(outs, xls_batch, strict=True):
            shutil.move(str(out), dest)
            src.unlink()


def generate_snapshot(out: Path = SNAPSHOT, seed: int = 2024) -> dict[str, int]:
    """Write the bundled snapshot; return rows written per province (bad rows included)."""
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    by_prov = {p.slug: p for p in PROVINCES}
    earlier: dict[str, list[dict]] = {}
    counts: dict[str, int] = {}
    xls_batch: list[tuple[Path, Path]] = []
    for slug, year, decision, when, overrides, n, bad, post in PLAN:
        prov = by_prov[slug]
        records = _records(prov, year, n, rng, post_reform=post)
        # Products rated three or more years before come back for re-rating.
        old = [r for r in earlier.get(slug, []) if isinstance(r["stars"], int) and r["product_name"]]
        if old and not post:
            for rec in rng.sample(old, k=min(len(old), max(3, n // 5))):
                records.append(_rerate(rec, rng, year))
        earlier.setdefault(slug, []).extend(records)
        if bad:
            records += _bad_rows(prov, rng)
        rng.shuffle(records)
        layout = Layout(province=prov.new_name if post else prov.name, year=year, decision_no=decision,
                        decision_date=when, sheet_name=f"DS {year}", **overrides)  # fmt: skip
        folder = out / slug
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{slug}_{year}_{decision.split('/')[0]}.{EXT[layout.fmt]}"
        _write(path, records, layout, xls_batch)
        counts[slug] = counts.get(slug, 0) + len(records)
    _flush_xls(xls_batch)
    bad_dir = out / "_bad"
    bad_dir.mkdir(parents=True, exist_ok=True)
    (bad_dir / "empty_list.xlsx").write_bytes(b"")
    good = sheetgen.write_layout(bad_dir / "tmp.xlsx", _records(PROVINCES[0], 2021, 5, rng), Layout())
    (bad_dir / "truncated_download.xlsx").write_bytes(good.read_bytes()[:2000])
    good.unlink()
    return counts


def generate_benchmark(out: Path, rows: int, files: int, seed: int, xls_share: float = 0.02) -> int:
    """`files` lists of about rows/files products each, random layouts, spread over the provinces."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    xls_batch: list[tuple[Path, Path]] = []
    written = 0
    for i in range(files):
        prov = PROVINCES[i % len(PROVINCES)]
        n = rows // files + (1 if i < rows % files else 0)
        year = rng.randint(2019, 2024)
        fmt = "xls" if rng.random() < xls_share else None
        layout = sheetgen.random_layout(rng, fmt=fmt, province=prov.name, year=year,
                                        decision_no=f"{rng.randint(100, 4999)}/QĐ-UBND",
                                        decision_date=date(year, rng.randint(1, 12), rng.randint(1, 28)))  # fmt: skip
        records = _records(prov, year, n, rng)
        _write(out / f"{prov.slug}_{i:04d}.{EXT[layout.fmt]}", records, layout, xls_batch)
        written += n
    _flush_xls(xls_batch)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="write a benchmark set here instead of the bundled snapshot")
    parser.add_argument("--rows", type=int, default=20_000, help="benchmark: total product rows")
    parser.add_argument("--files", type=int, default=200, help="benchmark: number of files")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.out is None:
        counts = generate_snapshot()
        print(f"snapshot: {sum(counts.values())} rows in {SNAPSHOT}: {counts}")
    else:
        n = generate_benchmark(args.out, args.rows, args.files, args.seed)
        print(f"benchmark: {n} rows in {args.files} files under {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
