"""Generate a national-scale OCOP corpus: 63 provinces of spreadsheets and 60 news sites, offline.

    .venv/bin/python benchmarks/national_corpus.py                    # benchmarks/out/national/, seed 63
    .venv/bin/python benchmarks/national_corpus.py --products 2000 --pages 2000 --out /tmp/small

What it writes (deterministic for a seed; cached: a finished corpus carries a `.complete-<key>` marker and
is not rewritten):

- `sources/`: a registry of its own, usable as OCOP_SOURCES_DIR. One spreadsheet YAML per old (63-unit)
  province and one news YAML per site (60 sites), in the formats of the bundled registry.
- `sources/snapshot/spreadsheets/<province>/`: the province's decision annexes, one file per rating year
  (2019-2025), in the layouts the reader supports (sheetgen.random_layout: xlsx, per-star workbooks, CSV
  in utf-8 / cp1258, HTML tables named .xls, a few real .xls). About `products` distinct products of
  about products/2 subjects, with the real districts and communes of each province
  (ocop_pipeline.geo.admin_units); about half the products are re-rated three years later and written
  slightly differently (capitals, tone placement, HTX / Hợp tác xã), so ratings ~ 1.5 x products.
- `sources/snapshot/sites/<host>/`: recorded news sites, as SnapshotServer serves them: robots.txt, a
  paginated listing (20 stories a page) and `pages` article pages in all, with menus, "Tin liên quan",
  "Đọc nhiều", comment forms and footers around OCOP bodies (rating results with product lines naming
  products of the spreadsheets, cumulative totals, targets, features on one producer).
- `increment/`: what the incremental benchmark adds: one new spreadsheet (`increment/spreadsheets/
  <province>/`) and the first site again with 50 more articles (`increment/sites/<host>/`, whole).
- `manifest.json`: what was generated (files, rows, products, subjects, rating events, pages, planted
  product mentions).
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import random
import shutil
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "sources"))

from generate_snapshot import EXT, NEW_GROUP, _flush_xls, _rerate, _write

from devtools import sheetgen
from ocop_pipeline.geo.admin_units import communes, districts, legacy_provinces
from ocop_pipeline.text.folding import fold_key

VERSION = "national-1"  # bump when the output changes, so cached corpora are regenerated
DEFAULT_OUT = REPO / "benchmarks" / "out" / "national"
PER_PAGE = 20  # stories per listing page
INCREMENT_PAGES = 50
INCREMENT_ROWS = 100

# Product stems with their 2019-2022 branch; each province draws its own dozen.
STEMS: tuple[tuple[str, str], ...] = (
    ("Nem chua", "Thực phẩm"), ("Chè lam", "Thực phẩm"), ("Nước mắm", "Thực phẩm"), ("Mắm tôm", "Thực phẩm"),
    ("Mật ong", "Thực phẩm"), ("Mật ong bạc hà", "Thực phẩm"), ("Gạo tám thơm", "Thực phẩm"),
    ("Gạo nếp cái hoa vàng", "Thực phẩm"), ("Gạo ST25", "Thực phẩm"), ("Bánh đa", "Thực phẩm"),
    ("Bánh chưng", "Thực phẩm"), ("Bánh gai", "Thực phẩm"), ("Bánh tráng", "Thực phẩm"), ("Kẹo dừa", "Thực phẩm"),
    ("Kẹo lạc", "Thực phẩm"), ("Miến dong", "Thực phẩm"), ("Măng khô", "Thực phẩm"), ("Thịt trâu gác bếp", "Thực phẩm"),
    ("Lạp xưởng", "Thực phẩm"), ("Chả mực", "Thực phẩm"), ("Tôm khô", "Thực phẩm"), ("Cá khô", "Thực phẩm"),
    ("Ruốc tôm", "Thực phẩm"), ("Tương ớt", "Thực phẩm"), ("Tỏi đen", "Thực phẩm"), ("Cam sành", "Thực phẩm"),
    ("Bưởi da xanh", "Thực phẩm"), ("Nhãn lồng", "Thực phẩm"), ("Vải thiều", "Thực phẩm"), ("Xoài cát", "Thực phẩm"),
    ("Cà phê bột", "Đồ uống"), ("Cà phê hạt rang", "Đồ uống"), ("Chè Shan tuyết", "Đồ uống"), ("Trà xanh", "Đồ uống"),
    ("Trà hoa vàng", "Đồ uống"), ("Rượu nếp cái", "Đồ uống"), ("Rượu ngô men lá", "Đồ uống"), ("Nước cốt gừng", "Đồ uống"),
    ("Cao cà gai leo", "Thảo dược"), ("Tinh dầu sả", "Thảo dược"), ("Tinh dầu quế", "Thảo dược"),
    ("Ba kích tím", "Thảo dược"), ("Trà túi lọc giảo cổ lam", "Thảo dược"), ("Tinh bột nghệ", "Thảo dược"),
    ("Khăn thổ cẩm", "Vải và may mặc"), ("Lụa tơ tằm", "Vải và may mặc"), ("Chiếu cói", "Lưu niệm - nội thất - trang trí"),
    ("Giỏ mây tre đan", "Lưu niệm - nội thất - trang trí"), ("Gốm mỹ nghệ", "Lưu niệm - nội thất - trang trí"),
    ("Đồ gỗ mỹ nghệ", "Lưu niệm - nội thất - trang trí"), ("Homestay", "Dịch vụ du lịch nông thôn"),
    ("Điểm du lịch sinh thái", "Dịch vụ du lịch nông thôn"),
)  # fmt: skip
QUALIFIERS = ("", "truyền thống", "đặc sản", "loại 1", "túi 500g", "hộp quà", "thượng hạng", "sạch", "xuất khẩu",
              "hữu cơ", "chai 500ml", "cao cấp")  # fmt: skip
SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Bùi", "Đỗ", "Đinh", "Hà", "Mai", "Trịnh", "Lương", "Đặng")
MIDDLE = ("Văn", "Thị", "Đức", "Minh", "Thanh", "Ngọc", "Hữu", "Quang")
GIVEN = ("An", "Bình", "Hòa", "Thủy", "Tâm", "Hùng", "Lan", "Phúc", "Thoa", "Khánh", "Toàn", "Hoàng", "Dũng", "Hạnh")
BRANDS = ("Hòa Phát", "Minh Long", "An Khang", "Thủy Tiên", "Phúc Lộc", "Hoàng Gia", "Tân Tiến", "Đại Thành",
          "Thành Công", "Việt Xanh", "Nông Sản Sạch", "Quê Hương")  # fmt: skip
# Rating years and how the initial ratings spread over them (the programme grew every year).
YEARS = (2019, 2020, 2021, 2022, 2023, 2024)
YEAR_WEIGHTS = (8, 12, 16, 20, 22, 22)


@dataclass
class Place:
    slug: str
    name: str  # legacy (63-unit) province
    new_name: str
    districts: dict[str, list[str]]  # district name -> commune names (official, with kind)
    stems: list[tuple[str, str]] = field(default_factory=list)


def slug_of(name: str) -> str:
    return fold_key(name).replace(" ", "_").replace("-", "_")


def places(rng: random.Random) -> list[Place]:
    """The 63 old provinces with their real districts and communes as of 30 June 2025."""
    by_district: dict[str, list[str]] = {}
    for c in communes():
        if c.era == "legacy" and c.district_code:
            by_district.setdefault(c.district_code, []).append(c.name)
    out = []
    for p in legacy_provinces():
        units = {d.name: by_district[d.code] for d in districts()
                 if d.code and d.province_code == p.legacy_code and by_district.get(d.code)}
        out.append(Place(slug_of(p.legacy_name), p.legacy_name, p.new_name, units, rng.sample(STEMS, 12)))
    return out


def _bare(unit: str) -> str:
    """'xã Tân Lập' -> 'Tân Lập', 'Thị trấn Me' -> 'Me'."""
    for kind in ("Thị trấn ", "Phường ", "Xã ", "thị trấn ", "phường ", "xã "):
        if unit.startswith(kind):
            return unit[len(kind):]
    return unit


def _lower_kind(unit: str) -> str:
    return unit[0].lower() + unit[1:]


def _subject_name(rng: random.Random, place: str, stem: str) -> str:
    kind = rng.choices(("htx", "cty", "ho", "coso", "tht"), weights=(33, 25, 25, 10, 7))[0]
    word = stem.split()[0]
    if kind == "htx":
        return rng.choice((f"HTX Nông nghiệp {place}", f"HTX Dịch vụ nông nghiệp {place}", f"HTX {stem} {place}"))
    if kind == "cty":
        return rng.choice((f"Công ty TNHH {rng.choice(BRANDS)} {place}", f"Công ty Cổ phần {stem} {place}",
                           f"Công ty TNHH MTV {rng.choice(BRANDS)} {place}"))  # fmt: skip
    if kind == "ho":
        person = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        return rng.choice(("Hộ kinh doanh", "Hộ SXKD", "Hộ kinh doanh cá thể")) + " " + person
    if kind == "coso":
        return f"Cơ sở sản xuất {word} {rng.choice(GIVEN)} {rng.choice(GIVEN)}"
    return f"Tổ hợp tác {stem} {place}"


def _stars_score(rng: random.Random) -> tuple[int, float]:
    stars = rng.choices((3, 4, 5), weights=(62, 35, 3))[0]
    low = {3: 50, 4: 70, 5: 90}[stars]
    return stars, round(low + rng.random() * (19.5 if stars < 5 else 8), 1)


def province_products(prov: Place, n_products: int, rng: random.Random) -> list[dict]:
    """`n_products` distinct products of about n/2 subjects, each with its first rating year."""
    subjects: list[dict] = []
    used_subjects: set[str] = set()
    district_names = list(prov.districts)
    for _ in range(max(1, n_products // 2)):
        for _try in range(20):
            district = rng.choice(district_names)
            commune = rng.choice(prov.districts[district])
            stem, _ = rng.choice(prov.stems)
            name = _subject_name(rng, _bare(commune), stem)
            if fold_key(name) not in used_subjects:
                break
        used_subjects.add(fold_key(name))
        subjects.append({"subject_name": name, "district": district, "commune": commune,
                         "village": f"{rng.choice(('thôn', 'xóm', 'tổ dân phố', 'ấp', 'bản'))} {rng.randint(1, 15)}"})
    products: list[dict] = []
    used_products: set[str] = set()
    for i in range(n_products):
        subject = subjects[i % len(subjects)] if i < len(subjects) else rng.choice(subjects)
        for _try in range(30):
            stem, group = rng.choice(prov.stems)
            qualifier = rng.choice(QUALIFIERS)
            where = _bare(subject["commune"]) if rng.random() < 0.5 else ""
            name = " ".join(x for x in (stem, qualifier, where) if x)
            if fold_key(name) not in used_products:
                break
            name = f"{name} {rng.choice(BRANDS)}"
            if fold_key(name) not in used_products:
                break
        used_products.add(fold_key(name))
        stars, score = _stars_score(rng)
        year = rng.choices(YEARS, weights=YEAR_WEIGHTS)[0]
        district = subject["district"]
        address = f"{subject['village']}, {_lower_kind(subject['commune'])}, " + (
            _lower_kind(district) if rng.random() < 0.8 else district.replace("Thành phố", "TP"))
        if rng.random() < 0.5:
            address += f", tỉnh {prov.name}"
        products.append({
            "product_name": name, "subject_name": subject["subject_name"], "address": address,
            "district": district, "commune": subject["commune"], "stars": stars, "score": score,
            "old_group": group, "year": year,
            "ocop_code": f"{rng.randint(10, 96)}-{rng.randint(100, 999)}-{rng.randint(10000, 99999)}-{stars}-{year}"
            if rng.random() < 0.4 else "",
            "phone": f"0{rng.choice((912, 983, 978, 365, 868))} {rng.randint(100, 999)} {rng.randint(100, 999)}",
            "note": "",
        })  # fmt: skip
    return products


def _file_record(rec: dict, year: int) -> dict:
    out = {k: v for k, v in rec.items() if k not in ("old_group", "year")}
    out["product_group"] = rec["old_group"] if year <= 2022 else NEW_GROUP[rec["old_group"]]
    return out


def _bad_rows(rng: random.Random, like: dict) -> list[dict]:
    a, b, c = dict(like), dict(like), dict(like)
    a["product_name"] = ""
    b["stars"], b["product_name"] = "2 sao", like["product_name"] + " thử nghiệm"
    c["stars"], c["score"], c["product_name"] = "Tiềm năng 5 sao", 91.5, like["product_name"] + " đặc biệt"
    return [a, b, c]


@dataclass
class SheetPlan:
    prov: Place
    year: int
    records: list[dict]
    decision_no: str
    decision_date: date


def plan_spreadsheets(provs: list[Place], n_products: int, rerate_share: float,
                      rng: random.Random) -> tuple[list[SheetPlan], dict]:
    """Per province and year, the rows of its decision annex: first ratings plus re-ratings (year + 3)."""
    plans: list[SheetPlan] = []
    catalogue: dict[str, list[dict]] = {}  # province slug -> products (as first rated), for the news
    stats = {"products": 0, "rating_rows": 0, "rerating_rows": 0, "subjects": 0}
    weights = [len(p.districts) for p in provs]  # bigger provinces have more products
    total_w = sum(weights)
    for prov, w in zip(provs, weights, strict=True):
        n = max(20, round(n_products * w / total_w))
        products = province_products(prov, n, rng)
        catalogue[prov.slug] = products
        stats["products"] += len(products)
        stats["subjects"] += len({p["subject_name"] for p in products})
        by_year: dict[int, list[dict]] = {}
        for rec in products:
            by_year.setdefault(rec["year"], []).append(_file_record(rec, rec["year"]))
            if rec["year"] + 3 <= 2025 and rng.random() < rerate_share:
                later = rec["year"] + 3
                again = _rerate(_file_record(rec, rec["year"]), rng, later)
                by_year.setdefault(later, []).append(again)
                stats["rerating_rows"] += 1
        for year in sorted(by_year):
            records = by_year[year]
            if rng.random() < 0.15:
                records += _bad_rows(rng, records[0])
            rng.shuffle(records)
            stats["rating_rows"] += len(records)
            month = rng.randint(1, 12) if year < 2025 else rng.randint(1, 5)  # 2025 lists: before the reform
            plans.append(SheetPlan(prov, year, records, f"{rng.randint(100, 4999)}/QĐ-UBND",
                                   date(year, month, rng.randint(1, 28))))
    return plans, {"catalogue": catalogue, **stats}


def write_sheet(plan: SheetPlan, folder: Path, rng: random.Random, xls_batch: list) -> Path:
    fmt = "xls" if rng.random() < 0.02 else None
    layout = sheetgen.random_layout(rng, fmt=fmt, province=plan.prov.name, year=plan.year,
                                    decision_no=plan.decision_no, decision_date=plan.decision_date,
                                    sheet_name=f"DS {plan.year}")  # fmt: skip
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{plan.prov.slug}_{plan.year}_{plan.decision_no.split('/')[0]}.{EXT[layout.fmt]}"
    _write(path, plan.records, layout, xls_batch)
    return path


def spreadsheet_yaml(prov: Place, rows: int) -> str:
    return f"""# Official lists of OCOP products recognised in {prov.name} (generated national benchmark corpus).
name: {prov.slug}_ocop_lists
title: Danh sách sản phẩm OCOP tỉnh {prov.name}
publisher: UBND tỉnh {prov.name}
kind: spreadsheet
province: {prov.new_name}
legacy_province: {prov.name}
path: snapshot/spreadsheets/{prov.slug}/*
language: vi
expected_rows: [{max(1, rows // 2)}, {rows * 2 + 20}]
"""


# -- news ------------------------------------------------------------------------------------------

# Three site templates (a provincial paper, a Joomla government portal, a generic CMS): their
# selectors go into the site's YAML, the markup into its pages.
TEMPLATES = {
    "paper": {
        "section": "kinh-te/nong-nghiep", "link_selector": "section.list-news article.story h3.story__heading a",
        "title_selector": "h1.article-title", "body_selector": "article.article-detail div.article-content",
        "date_selector": "article.article-detail time.publish-date", "date_format": "%H:%M, %d/%m/%Y",
        "drop": "[div.box-related, div.box-most-read, div.comment-form]",
    },
    "portal": {
        "section": "tin-tuc/tin-kinh-te", "link_selector": "div.blog div.items-row h2.item-title a",
        "title_selector": "div.item-page div.page-header h2",
        "body_selector": "div.item-page div[itemprop=articleBody]",
        "date_selector": "div.item-page dd.published time", "date_format": "%H:%M, %d/%m/%Y",
        "drop": "[div.tin-noi-bat, div.cac-tin-khac]",
    },
    "cms": {
        "section": "nong-thon-moi", "link_selector": "ul.news-list li.news-item a.title",
        "title_selector": "div.detail h1.title", "body_selector": "div.detail div.content",
        "date_selector": "div.detail span.date", "date_format": "%H:%M, %d/%m/%Y",
        "drop": "[div.related, div.most-read, div.comments]",
    },
}


def _domains() -> dict[str, str]:
    """Legacy province -> a real news domain of it, where ocop_pipeline knows one (papers first)."""
    import csv
    from importlib import resources

    text = resources.files("ocop_pipeline").joinpath("data/news_domains.csv").read_text(encoding="utf-8")
    out: dict[str, str] = {}
    for row in sorted(csv.DictReader(text.splitlines()), key=lambda r: not r["domain"].startswith("bao")):
        out.setdefault(row["province"], row["domain"])
    return out


@dataclass
class Site:
    prov: Place
    host: str
    template: str
    name: str


def plan_sites(provs: list[Place], n_sites: int) -> list[Site]:
    known = _domains()
    used: set[str] = set()
    sites = []
    for i, prov in enumerate(provs[:n_sites]):
        host = known.get(prov.name) or f"bao{prov.slug.replace('_', '')}.vn"
        if host in used:
            host = f"bao{prov.slug.replace('_', '')}.vn"
        used.add(host)
        sites.append(Site(prov, host, ("paper", "portal", "cms")[i % 3], f"news_{host.replace('.', '_')}"))
    return sites


def site_yaml(site: Site, n_articles: int) -> str:
    t = TEMPLATES[site.template]
    if site.template == "portal":
        pagination = (f"  pattern: https://{site.host}/{t['section']}?start={{start}}\n  per_page: {PER_PAGE}\n")
    else:
        pagination = f"  pattern: https://{site.host}/{t['section']}/trang-{{page}}.htm\n"
    pages = -(-(n_articles + INCREMENT_PAGES) // PER_PAGE) + 2
    return f"""# News of {site.prov.name} (generated national benchmark corpus, {site.template} template).
name: {site.name}
title: Tin nông nghiệp - nông thôn - {site.prov.name}
publisher: Báo {site.prov.name}
kind: news
language: vi
province: {site.prov.new_name}
legacy_province: {site.prov.name}
base_url: https://{site.host}/
allowed_hosts: [{site.host}]
listing_urls:
  - https://{site.host}/{t['section']}
pagination:
{pagination}  max_pages: {pages}
link_selector: {t['link_selector']}
article:
  title_selector: {t['title_selector']}
  body_selector: {t['body_selector']}
  date_selector: {t['date_selector']}
  date_format: "{t['date_format']}"
  drop_selectors: {t['drop']}
politeness:
  requests_per_second: 1
  max_concurrency: 1
expected_articles: [{n_articles // 2}, {n_articles * 2 + 100}]
snapshot: snapshot/sites/{site.host}
"""


def _paragraphs(rng: random.Random, prov: Place, products: list[dict], year: int, kind: str) -> tuple[str, list[str], list[str]]:
    """(title, paragraphs, product names planted) of one story."""
    district = rng.choice(list(prov.districts))
    d, m = rng.randint(1, 28), rng.randint(1, 12)
    a = rng.randint(12, 160)
    c = rng.randint(1, a // 2)
    planted: list[str] = []
    common = [
        ("Chương trình OCOP là chương trình phát triển kinh tế khu vực nông thôn theo hướng phát triển nội lực và "
         "gia tăng giá trị, là giải pháp quan trọng trong triển khai chương trình xây dựng nông thôn mới."),
        ("Các chủ thể được hỗ trợ thiết kế bao bì, nhãn mác, tem truy xuất nguồn gốc, tham gia hội chợ, "
         "sàn thương mại điện tử để mở rộng thị trường tiêu thụ."),
        (f"Thời gian tới, {_lower_kind(district)} tiếp tục rà soát các sản phẩm có tiềm năng, hướng dẫn chủ thể "
         "hoàn thiện hồ sơ tham gia đánh giá, phân hạng."),
        ("Nhiều sản phẩm sau khi được công nhận OCOP đã tăng giá bán từ 10 - 20%, tạo việc làm ổn định cho lao "
         "động nông thôn, nhất là phụ nữ và người cao tuổi."),
    ]
    if kind == "results":
        title = f"{prov.name} công nhận {a} sản phẩm OCOP năm {year}"
        paras = [
            (f"Ngày {d}/{m}/{year}, UBND tỉnh {prov.name} tổ chức hội nghị công bố kết quả đánh giá, phân hạng "
            f"sản phẩm OCOP năm {year}."),
            (f"Theo Quyết định số {rng.randint(100, 4999)}/QĐ-UBND ngày {d}/{m}/{year}, tỉnh công nhận {a} sản phẩm "
            f"đạt 3-4 sao của {max(1, a // 2)} chủ thể; trong đó {c} sản phẩm 4 sao, {a - c} sản phẩm 3 sao."),
            "Một số sản phẩm tiêu biểu được công nhận gồm:",
        ]
        for i, p in enumerate(rng.sample(products, k=min(len(products), rng.randint(3, 8))), 1):
            paras.append(f"{i}. {p['product_name']} - {p['subject_name']}, {_lower_kind(p['commune'])}, "
                         f"{_lower_kind(p['district'])} ({p['stars']} sao)")
            planted.append(p["product_name"])
        paras += rng.sample(common, 2)
    elif kind == "cumulative":
        t = rng.randint(100, 600)
        title = f"{prov.name}: lũy kế {t} sản phẩm OCOP còn hiệu lực"
        paras = [
            (f"Lũy kế đến nay, toàn tỉnh {prov.name} có {t} sản phẩm OCOP còn hiệu lực, trong đó {c} sản phẩm "
            f"đạt 4 sao, {t - c} sản phẩm 3 sao."),
            (f"Mục tiêu giai đoạn 2021-2025, tỉnh phấn đấu có {t + a} sản phẩm được xếp hạng từ 3 - 4 sao, ít nhất "
            "3 sản phẩm 5 sao."),
            *rng.sample(common, 3),
        ]
    else:
        p = rng.choice(products)
        planted.append(p["product_name"])
        title = f"{p['subject_name']} nâng tầm {p['product_name'].split()[0].lower()} quê hương"
        paras = [
            (f"Về {_lower_kind(p['commune'])}, {_lower_kind(p['district'])} những ngày này, không khí sản xuất "
            f"tại {p['subject_name']} luôn tấp nập."),
            (f"Sản phẩm {p['product_name']} của đơn vị đã được công nhận đạt {p['stars']} sao OCOP năm "
            f"{p['year']}, được người tiêu dùng trong và ngoài tỉnh đón nhận."),
            *rng.sample(common, 3),
        ]
    return title, paras, planted


def _page(site: Site, n: int, title: str, paras: list[str], when: tuple[int, int, int], related: list[tuple[str, str]]) -> str:
    t = site.template
    esc = html.escape
    menu = "".join(f'<li><a href="/chuyen-muc/{k}">Chuyên mục {k}</a></li>' for k in range(24))
    rel = "".join(f'<li><a href="{u}">{esc(x)}</a></li>' for u, x in related)
    body = "".join(f"<p>{esc(x)}</p>" for x in paras)
    stamp = f"{when[3]:02d}:{when[4]:02d}, {when[0]:02d}/{when[1]:02d}/{when[2]}"
    prov = site.prov.name
    head = (f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{esc(title)} - Báo {prov}</title>'
            '<link rel="stylesheet" href="/css/site.css"><script>window.dataLayer=[];</script></head><body>')
    nav = f'<header class="site-header"><nav class="main-menu"><ul>{menu}</ul></nav></header>'
    comments = ('<div class="comment-form"><form action="/binh-luan/gui" method="post"><textarea name="body"></textarea>'
                '<p class="note">Ý kiến của bạn sẽ được biên tập trước khi đăng.</p></form></div>')
    footer = (f'<footer class="site-footer"><p><strong>BÁO {prov.upper()}</strong> - Cơ quan của Đảng bộ tỉnh {prov}</p>'
              f'<p>Giấy phép số {site.prov.slug.__len__() * 7}/GP-BTTTT.</p><p>&copy; Bản quyền thuộc về Báo {prov}.</p></footer>')
    if t == "paper":
        main = (f'<main class="container"><article class="article-detail"><h1 class="article-title">{esc(title)}</h1>'
                f'<div class="article-meta"><time class="publish-date">{stamp}</time></div>'
                f'<div class="article-content">{body}<p class="author"><strong>PV</strong></p></div></article>'
                f'<div class="box-related"><h2>Tin liên quan</h2><ul>{rel}</ul></div>{comments}'
                f'<aside class="col-side"><div class="box-most-read"><h2>Đọc nhiều</h2><ul>{rel}</ul></div></aside></main>')
    elif t == "portal":
        main = (f'<div class="item-page"><div class="page-header"><h2>{esc(title)}</h2></div>'
                f'<dl class="article-info"><dd class="published"><time datetime="{when[2]}-{when[1]:02d}-{when[0]:02d}">'
                f'{stamp}</time></dd></dl><div itemprop="articleBody">{body}</div>'
                f'<div class="cac-tin-khac"><h3>Các tin khác</h3><ul>{rel}</ul></div></div>'
                f'<div class="tin-noi-bat"><h3>Tin nổi bật</h3><ul>{rel}</ul></div>')
    else:
        main = (f'<div class="detail"><h1 class="title">{esc(title)}</h1><span class="date">{stamp}</span>'
                f'<div class="content">{body}</div></div><div class="related"><h3>Tin liên quan</h3><ul>{rel}</ul></div>'
                f'<div class="most-read"><h3>Đọc nhiều</h3><ul>{rel}</ul></div>'
                '<div class="comments"><h4>Bình luận</h4><div>{name} - {time}</div></div>')
    return head + nav + main + footer + "</body></html>"


def _listing(site: Site, stories: list[tuple[str, str, str]], page: int, pages: int) -> str:
    t = site.template
    esc = html.escape
    if t == "paper":
        items = "".join(f'<article class="story"><h3 class="story__heading"><a href="{u}">{esc(x)}</a></h3>'
                        f'<span class="story__time">{w}</span></article>' for u, x, w in stories)
        items = f'<section class="list-news">{items}</section>'
    elif t == "portal":
        items = "".join(f'<div class="items-row"><h2 class="item-title"><a href="{u}">{esc(x)}</a></h2></div>'
                        for u, x, _ in stories)
        items = f'<div class="blog">{items}</div>'
    else:
        items = "".join(f'<li class="news-item"><a class="title" href="{u}">{esc(x)}</a><span>{w}</span></li>'
                        for u, x, w in stories)
        items = f'<ul class="news-list">{items}</ul>'
    nxt = f'<div class="pagination">Trang {page} / {pages}</div>'
    return (f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Nông nghiệp - Trang {page}</title>'
            f'</head><body><nav><a href="/">Trang chủ</a></nav>{items}{nxt}<footer>Báo {site.prov.name}</footer></body></html>')


def site_stories(site: Site, products: list[dict], n: int, seed: int, base: int | None = None) -> list[dict]:
    """`n` stories of the site, newest first (index 0 = newest). Stories are drawn oldest first from a
    per-site seed, so a site with 50 more stories has the same first `base` ones and 50 new ones on top."""
    rng = random.Random(f"{seed}|{site.host}")
    base = base or n
    out = []
    for j in range(n):
        year = min(2025, 2019 + j * 7 // max(1, base))  # older stories further down the listing
        kind = rng.choices(("results", "cumulative", "feature"), weights=(30, 35, 35))[0]
        title, paras, planted = _paragraphs(rng, site.prov, products, year, kind)
        when = (rng.randint(1, 28), rng.randint(1, 12), year, rng.randint(6, 21), rng.randint(0, 59))
        out.append({"id": 10_000 + j, "title": title, "paras": paras, "planted": planted, "when": when})
    return out[::-1]


def write_site(root: Path, site: Site, stories: list[dict]) -> int:
    """Write the host folder: robots.txt, listing pages, articles. Returns planted product mentions."""
    t = TEMPLATES[site.template]
    host_dir = root / site.host
    if host_dir.exists():
        shutil.rmtree(host_dir)
    section = host_dir / t["section"]
    section.mkdir(parents=True)
    (host_dir / "robots.txt").write_text("User-agent: *\nDisallow: /admin/\nDisallow: /binh-luan/\n", encoding="utf-8")
    urls = [f"/{t['section']}/{fold_key(s['title']).replace(' ', '-')[:60]}-{s['id']}.htm" for s in stories]
    planted = 0
    for i, (story, url) in enumerate(zip(stories, urls, strict=True)):
        related = [(urls[j], stories[j]["title"]) for j in range(i + 1, min(len(stories), i + 6))]
        page = _page(site, story["id"], story["title"], story["paras"], story["when"], related)
        (host_dir / url.lstrip("/")).write_text(page, encoding="utf-8")
        planted += len(story["planted"])
    pages = -(-len(stories) // PER_PAGE)
    for p in range(pages):
        chunk = [(urls[j], stories[j]["title"], "{:02d}/{:02d}/{}".format(*stories[j]["when"][:3]))
                 for j in range(p * PER_PAGE, min(len(stories), (p + 1) * PER_PAGE))]
        listing = _listing(site, chunk, p + 1, pages)
        if p == 0:
            target = section / "index.html"
        elif site.template == "portal":
            target = host_dir / (t["section"] + f"%3Fstart={p * PER_PAGE}")
        else:
            target = section / f"trang-{p + 1}.htm"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(listing, encoding="utf-8")
    return planted


def generate(out: Path, products: int, pages: int, sites: int, seed: int, rerate_share: float = 0.9) -> dict:
    key = hashlib.sha256(f"{VERSION}|{products}|{pages}|{sites}|{seed}|{rerate_share}".encode()).hexdigest()[:12]
    marker = out / f".complete-{key}"
    if marker.exists():
        return json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    if out.exists():
        shutil.rmtree(out)
    rng = random.Random(seed)
    provs = places(rng)
    registry = out / "sources"
    sheets_dir = registry / "snapshot" / "spreadsheets"
    sites_dir = registry / "snapshot" / "sites"
    plans, stats = plan_spreadsheets(provs, products, rerate_share, rng)
    catalogue = stats.pop("catalogue")
    xls_batch: list = []
    files = 0
    rows_by_prov: dict[str, int] = {}
    for plan in plans:
        write_sheet(plan, sheets_dir / plan.prov.slug, rng, xls_batch)
        files += 1
        rows_by_prov[plan.prov.slug] = rows_by_prov.get(plan.prov.slug, 0) + len(plan.records)
    _flush_xls(xls_batch)
    for prov in provs:
        (registry / f"{prov.slug}_ocop_lists.yaml").write_text(spreadsheet_yaml(prov, rows_by_prov[prov.slug]),
                                                               encoding="utf-8")
    site_list = plan_sites(provs, sites)
    per_site = -(-pages // len(site_list))
    planted = 0
    for site in site_list:
        stories = site_stories(site, catalogue[site.prov.slug], per_site, seed)
        planted += write_site(sites_dir, site, stories)
        (registry / f"{site.name}.yaml").write_text(site_yaml(site, per_site), encoding="utf-8")

    # The increment: one new list (a 2025 annex of new products) and 50 new stories on the first site.
    inc = out / "increment"
    first = provs[0]
    new_products = province_products(first, INCREMENT_ROWS, random.Random(f"{seed}|increment"))
    for p in new_products:
        p["product_name"] += " mới"
    inc_plan = SheetPlan(first, 2025, [_file_record(p, 2025) for p in new_products], "9999/QĐ-UBND", date(2025, 6, 20))
    inc_batch: list = []
    inc_file = write_sheet(inc_plan, inc / "spreadsheets" / first.slug, random.Random(seed + 1), inc_batch)
    _flush_xls(inc_batch)
    site = site_list[0]
    stories = site_stories(site, catalogue[site.prov.slug], per_site + INCREMENT_PAGES, seed, base=per_site)
    write_site(inc / "sites", site, stories)

    manifest = {
        "version": VERSION, "seed": seed, "provinces": len(provs), "spreadsheet_files": files,
        "rating_rows": stats["rating_rows"], "distinct_products": stats["products"],
        "rerating_rows": stats["rerating_rows"], "subjects": stats["subjects"], "sites": len(site_list),
        "article_pages": per_site * len(site_list), "listing_pages": len(site_list) * -(-per_site // PER_PAGE),
        "planted_product_mentions": planted,
        "increment": {"spreadsheet": str(inc_file.relative_to(out)), "rows": INCREMENT_ROWS,
                      "site": site.host, "new_pages": INCREMENT_PAGES},
        "hosts": [s.host for s in site_list],
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for old in out.glob(".complete-*"):
        old.unlink()
    marker.touch()
    return manifest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--products", type=int, default=20_000, help="distinct products over all provinces")
    ap.add_argument("--pages", type=int, default=20_000, help="article pages over all sites")
    ap.add_argument("--sites", type=int, default=60)
    ap.add_argument("--seed", type=int, default=63)
    args = ap.parse_args(argv)
    manifest = generate(args.out, args.products, args.pages, args.sites, args.seed)
    print(json.dumps({k: v for k, v in manifest.items() if k != "hosts"}, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
