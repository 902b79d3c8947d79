"""Write benchmarks/entity_pairs.csv: labelled pairs of subject spellings and product names.

Deterministic: `--seed 1` gives the dev split (used to set the thresholds), `--seed 2` the held-out
split (never looked at while tuning); both are written, plus the hand-written hard cases below.

    .venv/bin/python benchmarks/make_entity_pairs.py            # writes benchmarks/entity_pairs.csv

Variants are the ways official lists really write one producer or product (legal-form spellings,
capitals, the other tone placement, Ð for Đ, no accents, an address glued into the name, brand
suffixes, packaging in parentheses); negatives are the hard ones (a namesake in another commune or
district, HTX vs company with one proper name, two people one letter apart, TNHH vs CP, different
tax codes, different products of one producer).
"""

from __future__ import annotations

import argparse
import csv
import random
import unicodedata
from pathlib import Path

OUT = Path(__file__).with_name("entity_pairs.csv")
COLUMNS = ("kind", "left_name", "left_commune", "left_district", "left_tax", "right_name", "right_commune",
           "right_district", "right_tax", "province", "subject_name", "label", "category", "split", "origin")

PROVINCES = ["Hưng Yên", "Ninh Bình", "Phú Thọ", "Quảng Ninh", "Thanh Hóa", "Nghệ An", "Lạng Sơn", "Vĩnh Long"]
DISTRICTS = ["Huyện Vũ Thư", "Huyện Hưng Hà", "Huyện Kiến Xương", "Huyện Kim Sơn", "Huyện Ba Chẽ", "Huyện Tiên Yên",
             "Huyện Thanh Sơn", "Huyện Yên Thế", "Huyện Hải Hậu", "Huyện Lạc Sơn"]
COMMUNES = ["Xã Yên Mông", "Xã Song An", "Xã Vũ Hội", "Xã Vũ Vinh", "Xã Hòa Bình", "Xã Thủy Xuân", "Xã Đông Hải",
            "Xã Nguyên Xá", "Xã Hải Triều", "Xã Tân Lập", "Xã Quỳnh Hoa", "Xã Thái Thụy", "Xã Khánh Hòa", "Xã Đức Long"]
CORES = ["Yên Mông", "Song An", "Hòa Bình", "Thủy Xuân", "Đông Hải", "Hoàng Long", "Minh Phát", "Tân Lập",
         "Quỳnh Hoa", "Phú Thịnh", "An Khánh", "Đức Thành", "Việt Hưng", "Sơn Thủy", "Kim Ngân", "Hồng Đức",
         "Bảo Châu", "Thanh Hương", "Trường Xuân", "Hải Đăng", "Mỹ Lộc", "Quang Minh", "Nam Phương", "Gia Khánh"]
SECTORS = ["", "Nông nghiệp", "Dịch vụ nông nghiệp", "Sản xuất và kinh doanh", "Thương mại dịch vụ"]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Hữu", "Thanh"]
GIVEN = ["An", "Bình", "Hùng", "Lan", "Hải", "Thủy", "Hòa", "Long", "Tâm", "Nga", "Sơn", "Khánh"]
# given names one letter or one tone apart: two different people
GIVEN_NEAR = {"An": "Anh", "Bình": "Binh Minh", "Hùng": "Hưng", "Lan": "Lân", "Hải": "Hài", "Thủy": "Thúy",
              "Hòa": "Hoa", "Long": "Luong", "Tâm": "Tám", "Nga": "Ngà", "Sơn": "Sang", "Khánh": "Khanh"}
CORE_NEAR = {"Minh Phát": "Minh Phương", "Hoàng Long": "Hoàng Lâm", "Việt Hưng": "Việt Hùng", "Phú Thịnh": "Phú Thành",
             "Kim Ngân": "Kim Ngọc", "Hải Đăng": "Hải Đông", "Quang Minh": "Quang Vinh", "Gia Khánh": "Gia Khang"}
PRODUCTS = [  # (product, a different product of the same producer that looks alike)
    ("Mật ong hoa nhãn", "Mật ong hoa cà phê"), ("Chè búp khô", "Chè xanh"), ("Trà hoa vàng", "Trà lá vối"),
    ("Nước mắm 30 độ đạm", "Nước mắm 40 độ đạm"), ("Gạo ST25", "Gạo ST24"), ("Bánh cáy", "Bánh gai"),
    ("Miến dong", "Miến gạo"), ("Rượu nếp cái hoa vàng", "Rượu ngô men lá"), ("Chiếu cói", "Thảm cói"),
    ("Giò chả", "Giò bò"), ("Cam Cao Phong", "Bưởi Cao Phong"), ("Tinh dầu quế", "Tinh dầu sả"),
    ("Nấm linh chi", "Nấm sò"), ("Hành tím", "Tỏi cô đơn"), ("Cà phê rang xay", "Cà phê hòa tan"),
    ("Mắm tôm", "Mắm tép"), ("Bột sắn dây", "Bột nghệ"), ("Trứng vịt muối", "Trứng vịt bắc thảo"),
]
PACKS = ["(hộp 50g)", "(chai 500ml)", "(túi 1kg)", "(hũ 200g)", "500g", "(hộp quà)"]


def _no_accents(text: str) -> str:
    text = unicodedata.normalize("NFD", text)
    return "".join(c for c in text if unicodedata.category(c) != "Mn").replace("đ", "d").replace("Đ", "D")


def _new_tones(text: str) -> str:
    for old, new in (("òa", "oà"), ("óa", "oá"), ("ủy", "uỷ"), ("ùy", "uỳ"), ("ọa", "oạ"), ("ỏa", "oả"), ("úy", "uý")):
        text = text.replace(old, new)
    return text


def _coop_spellings(core: str, sector: str) -> list[str]:
    sec = f" {sector}" if sector else ""
    out = [f"HTX{sec} {core}", f"Hợp tác xã{sec} {core}", f"HỢP TÁC XÃ{sec.upper()} {core.upper()}"]
    if sector == "Nông nghiệp":
        out += [f"HTX NN {core}", f"HTXNN {core}", f"HTX {core}"]
    if sector == "Dịch vụ nông nghiệp":
        out += [f"HTX DVNN {core}", f"HTX DV NN {core}", f"Hợp tác xã DVNN {core}"]
    return out


def _company_spellings(core: str, kind: str) -> list[str]:
    if kind == "tnhh":
        return [f"Công ty TNHH {core}", f"Cty TNHH {core}", f"Công ty TNHH MTV {core}",
                f"Công ty trách nhiệm hữu hạn {core}", f"CÔNG TY TNHH {core.upper()}", f"Công ty TNHH một thành viên {core}"]
    return [f"Công ty CP {core}", f"Công ty Cổ phần {core}", f"CTCP {core}", f"Cty CP {core}", f"CÔNG TY CỔ PHẦN {core.upper()}"]


def _household_spellings(person: str) -> list[str]:
    return [person, f"Hộ kinh doanh {person}", f"Hộ SXKD {person}", f"Hộ ông {person}" if " Thị " not in person
            else f"Hộ bà {person}", person.upper(), f"Hộ sản xuất kinh doanh {person}"]


def _noise(rng: random.Random, name: str, commune: str) -> str:
    """One more way of writing the same name."""
    roll = rng.random()
    if roll < 0.15:
        return _new_tones(name)
    if roll < 0.25:
        return name.replace("Đ", "Ð")  # U+00D0 typed for Đ
    if roll < 0.35:
        return _no_accents(name)
    if roll < 0.5:
        return f"{name} - {commune.lower().replace('xã', 'xã', 1)}"  # address glued into the name cell
    if roll < 0.6:
        return f"{name}, {commune}"
    if roll < 0.65:
        return name.replace(" ", "  ", 1)
    return name


def _typo(rng: random.Random, name: str) -> str:
    """One slip of the keyboard in the last word (a letter dropped or doubled)."""
    head, _, last = name.rpartition(" ")
    if len(last) < 3:
        return name
    i = rng.randrange(1, len(last))
    last = last[:i] + last[i:][1:] if rng.random() < 0.5 else last[:i] + last[i - 1] + last[i:]
    return f"{head} {last}".strip()


def _pair(kind, left, right, province, label, category, split, origin="generated", subject=""):
    l_name, l_com, l_dis, l_tax = left
    r_name, r_com, r_dis, r_tax = right
    return dict(zip(COLUMNS, (kind, l_name, l_com, l_dis, l_tax, r_name, r_com, r_dis, r_tax, province, subject, label,
                              category, split, origin), strict=True))


def generate(seed: int, split: str, n_each: int = 12) -> list[dict]:
    rng = random.Random(seed)
    out: list[dict] = []

    def place():
        return rng.choice(COMMUNES), rng.choice(DISTRICTS)

    def person():
        return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"

    for _ in range(n_each):
        prov = rng.choice(PROVINCES)
        com, dis = place()
        core, sector = rng.choice(CORES), rng.choice(SECTORS)
        a, b = rng.sample(_coop_spellings(core, sector), 2)
        # positives: one cooperative written two ways (sometimes one side without its address)
        right_place = ("", "") if rng.random() < 0.3 else (com, dis)
        out.append(_pair("subject", (_noise(rng, a, com), com, dis, ""), (_noise(rng, b, com), *right_place, ""), prov,
                         "same", "cooperative spelling", split))
        kind = rng.choice(["tnhh", "cp"])
        core2 = rng.choice(CORES)
        a, b = rng.sample(_company_spellings(core2, kind), 2)
        out.append(_pair("subject", (_noise(rng, a, com), com, dis, ""), (_noise(rng, b, com), com, dis, ""), prov,
                         "same", "company spelling", split))
        who = person()
        a, b = rng.sample(_household_spellings(who), 2)
        out.append(_pair("subject", (a, com, dis, ""), (_noise(rng, b, com), com, dis, ""), prov,
                         "same", "household spelling", split))
        tax = f"0{rng.randrange(100000000, 999999999)}"
        out.append(_pair("subject", (f"HTX {core}", com, dis, ""), (_typo(rng, f"Hợp tác xã {core}"), com, dis, ""),
                         prov, "same", "typo in the name", split))
        out.append(_pair("subject", (f"Công ty TNHH {core2}", com, dis, tax),
                         (f"Công ty TNHH Thực phẩm {core2} Việt Nam", rng.choice(COMMUNES), dis, tax), prov,
                         "same", "same tax code, names differ", split))
        # negatives
        com_b = rng.choice([c for c in COMMUNES if c != com])
        out.append(_pair("subject", (f"HTX {sector} {core}".replace("  ", " "), com, dis, ""),
                         (f"HTX {sector} {core}".replace("  ", " "), com_b, dis, ""), prov,
                         "different", "namesake in another commune", split))
        dis_b = rng.choice([d for d in DISTRICTS if d != dis])
        out.append(_pair("subject", (f"Hợp tác xã {core}", com, dis, ""), (f"HTX {core}", com, dis_b, ""), prov,
                         "different", "namesake in another district", split))
        out.append(_pair("subject", (f"HTX {core}", com, dis, ""), (f"Công ty TNHH {core}", com, dis, ""), prov,
                         "different", "HTX vs company, one proper name", split))
        given = who.split()[-1]
        out.append(_pair("subject", (f"Hộ kinh doanh {who}", com, dis, ""),
                         (f"Hộ kinh doanh {who.rsplit(' ', 1)[0]} {GIVEN_NEAR[given]}", com, dis, ""), prov,
                         "different", "two people, names one letter apart", split))
        near = rng.choice(list(CORE_NEAR))
        out.append(_pair("subject", (f"Công ty TNHH {near}", com, dis, ""), (f"Công ty TNHH {CORE_NEAR[near]}", com, dis, ""),
                         prov, "different", "similar company names", split))
        out.append(_pair("subject", (f"Công ty TNHH {core2}", com, dis, ""), (f"Công ty CP {core2}", com, dis, ""), prov,
                         "different", "TNHH vs CP", split))
        out.append(_pair("subject", (f"Công ty TNHH {core2}", com, dis, "0101010101"),
                         (f"Công ty TNHH {core2}", com, dis, "0202020202"), prov,
                         "different", "different tax codes", split))
        # products of one producer
        subject = f"HTX Nông nghiệp {core}"
        product, other = rng.choice(PRODUCTS)
        variants = [product.upper(), f"{product} {core}", f"{product} {rng.choice(PACKS)}", f"Sản phẩm: {product}",
                    f'"{product}"', f"{product} {core} {rng.choice(PACKS)}", _new_tones(product)]
        for v in rng.sample(variants, 2):
            out.append(_pair("product", (product, "", "", ""), (v, "", "", ""), prov, "same", "product variant", split,
                             subject=subject))
        out.append(_pair("product", (product, "", "", ""), (_typo(rng, product), "", "", ""), prov, "same",
                         "typo in the product name", split, subject=subject))
        out.append(_pair("product", (product, "", "", ""), (other, "", "", ""), prov, "different",
                         "different products of one producer", split, subject=subject))
        out.append(_pair("product", (f"{product} {core}", "", "", ""), (other.upper(), "", "", ""), prov, "different",
                         "different products, brand and capitals", split, subject=subject))
    return out


# ---------------------------------------------------------------- name variants (issue 15)
# Names real sources glue or split: (apart, solid). The first half feeds the dev split, the second
# half only the held-out split, so a rule fitted to the dev names is tested on names it never saw.
GLUED = [("Lang Biang", "LangBiang"), ("Đà Lạt", "ĐàLạt"), ("Tây Nguyên", "TâyNguyên"), ("Phú Quốc", "PhúQuốc"),
         ("Bảo Lộc", "BảoLộc"), ("Sa Pa", "SaPa"), ("Mộc Châu", "MộcChâu"), ("Tam Đảo", "TamĐảo"),
         ("Ba Vì", "BaVì"), ("Hạ Long", "HạLong"), ("Cao Phong", "CaoPhong"), ("Tân Cương", "TânCương"),
         ("Đồng Tháp", "ĐồngTháp"), ("Kon Tum", "KonTum"), ("Hà Giang", "HàGiang"), ("Ngọc Linh", "NgọcLinh")]
# Producers whose name shares a word with their product: the brand in parentheses repeats it.
BRANDED = [("Mật ong hoa cam", "Ong Vàng"), ("Chè búp khô", "Chè Tân Lập"), ("Gạo nếp cái hoa vàng", "Gạo Việt"),
           ("Trà hoa vàng", "Trà Ba Chẽ"), ("Nước mắm cá cơm", "Cá Cơm Vàng"), ("Miến dong", "Miến Sơn Thủy"),
           ("Rượu ngô men lá", "Rượu Mẫu Sơn"), ("Bánh đa nem", "Bánh Làng Chều"), ("Cà phê rang xay", "Cà Phê Núi"),
           ("Tinh dầu sả chanh", "Tinh Dầu Xanh"), ("Mật ong bạc hà", "Ong Mèo"), ("Nấm linh chi đỏ", "Nấm Việt")]
# (a product, another product of the same producer that a careless rule would take for it)
BRANDED_OTHER = {"Mật ong hoa cam": "Mật ong hoa nhãn", "Chè búp khô": "Chè búp tươi", "Gạo nếp cái hoa vàng": "Gạo nếp cẩm",
                 "Trà hoa vàng": "Trà hoa cúc", "Nước mắm cá cơm": "Nước mắm cá linh", "Miến dong": "Miến gạo",
                 "Rượu ngô men lá": "Rượu nếp men lá", "Bánh đa nem": "Bánh đa vừng", "Cà phê rang xay": "Cà phê hòa tan",
                 "Tinh dầu sả chanh": "Tinh dầu tràm", "Mật ong bạc hà": "Mật ong hoa rừng", "Nấm linh chi đỏ": "Nấm linh chi đen"}
# "Tinh ..." names (essence, starch, ...): the word is not the address word "tỉnh"
TINH = [("Tinh Hoa Đất Việt", "Hoa Đất Việt"), ("Tinh Dầu Quế", "Dầu Quế"), ("Tinh Bột Nghệ", "Bột Nghệ"),
        ("Tinh Hoa Tây Bắc", "Hoa Tây Bắc"), ("Tinh Túy Việt", "Túy Việt"), ("Tinh Nghệ Vàng", "Nghệ Vàng")]


def _news_subject(rng: random.Random, form_long: str, core: str, commune: str, district: str) -> str:
    """How an article writes a producer: the legal form spelt out in lower case, the place after it."""
    roll = rng.random()
    if roll < 0.35:
        return f"{form_long.lower()} {core}"
    if roll < 0.65:
        return f"{form_long} {core} ({commune.lower()})"
    return f"{form_long} {core}, {commune.lower()}, {district.lower()}"


def _habit(rng: random.Random, name: str) -> str:
    """A case or diacritic habit: all capitals, no accents, the other tone placement, lower case."""
    return rng.choice([name.upper(), _no_accents(name), _new_tones(name), name[:1].lower() + name[1:], name])


def generate_variants(seed: int, split: str, n_each: int = 10) -> list[dict]:
    """Variants the first generator lacks: words solid or apart, a brand in parentheses repeating a
    word of the name, "Sản phẩm" without punctuation, news names against list names; and the hard
    negatives around them."""
    rng = random.Random(seed)
    half = len(GLUED) // 2
    glued = GLUED[:half] if split.endswith("dev") else GLUED[half:]
    bhalf = len(BRANDED) // 2
    branded = BRANDED[:bhalf] if split.endswith("dev") else BRANDED[bhalf:]
    tinh = TINH[:3] if split.endswith("dev") else TINH[3:]
    out: list[dict] = []
    for _ in range(n_each):
        prov = rng.choice(PROVINCES)
        com, dis = rng.choice(COMMUNES), rng.choice(DISTRICTS)
        com_b = rng.choice([c for c in COMMUNES if c != com])
        apart, solid = rng.choice(glued)
        tail = rng.choice(["", " Farm", " Xanh", " Organic"])
        solid_w = rng.choice([solid, _no_accents(solid), solid[:1] + solid[1:].lower()])
        form_a, form_b = rng.choice([("HTX", "Hợp tác xã"), ("Công ty TNHH", "Cty TNHH"), ("Công ty CP", "Công ty Cổ phần")])
        out.append(_pair("subject", (f"{form_a} {apart}{tail}", com, dis, ""), (f"{form_b} {solid_w}{tail}", com, dis, ""),
                         prov, "same", "words solid or apart", split, "variant"))
        out.append(_pair("subject", (f"{form_a} {apart}{tail}", com, dis, ""), (f"{form_a} {solid_w}{tail}", com_b, dis, ""),
                         prov, "different", "solid or apart, another commune", split, "variant"))
        # news names against list names
        core, sector = rng.choice(CORES), rng.choice(["Nông nghiệp", "Dịch vụ nông nghiệp", ""])
        listed = f"HTX {'NN ' if sector == 'Nông nghiệp' else 'DVNN ' if sector else ''}{core}"
        long_form = f"Hợp tác xã {sector}".strip()
        out.append(_pair("subject", (listed, com, dis, ""), (_news_subject(rng, long_form, core, com, dis), com, dis, ""),
                         prov, "same", "news name vs list name", split, "variant"))
        kind = rng.choice(["tnhh", "cp"])
        core2 = rng.choice(CORES)
        listed = f"Công ty {'TNHH' if kind == 'tnhh' else 'CP'} {core2}"
        news_form = "Công ty trách nhiệm hữu hạn" if kind == "tnhh" else "Công ty cổ phần"
        out.append(_pair("subject", (listed, com, dis, ""), (_news_subject(rng, news_form, core2, com, dis), com, dis, ""),
                         prov, "same", "news company vs list company", split, "variant"))
        out.append(_pair("subject", (f"HTX {core}", com, dis, ""), (f"hợp tác xã {core} ({com_b.lower()})", com_b, dis, ""),
                         prov, "different", "news namesake in another commune", split, "variant"))
        out.append(_pair("subject", (f"HTX Thương mại và Dịch vụ {core}", com, dis, ""), (f"HTX TM&DV {core}", com, dis, ""),
                         prov, "same", "ampersand for và", split, "variant"))
        with_tinh, without = rng.choice(tinh)
        form = rng.choice(["HTX", "Công ty TNHH"])
        out.append(_pair("subject", (f"{form} {with_tinh}", com, dis, ""), (f"{form} {without}", com, dis, ""),
                         prov, "different", "'Tinh ...' vs the name without it", split, "variant"))
        out.append(_pair("subject", (f"{form} {with_tinh}", com, dis, ""), (f"{form} {_habit(rng, with_tinh)}", com, dis, ""),
                         prov, "same", "'Tinh ...' case or accents", split, "variant"))
        # products of one producer
        product, brand = rng.choice(branded)
        subject = f"HTX {brand}"
        out.append(_pair("product", (product, "", "", ""), (f"{product} ({brand})", "", "", ""), prov, "same",
                         "brand in parentheses repeats a word", split, "variant", subject=subject))
        out.append(_pair("product", (product, "", "", ""), (f"{product} ({brand})".upper(), "", "", ""), prov, "same",
                         "brand in parentheses, capitals", split, "variant", subject=subject))
        out.append(_pair("product", (f"{product} ({brand})", "", "", ""), (f"{BRANDED_OTHER[product]} ({brand})", "", "", ""),
                         prov, "different", "different products, one brand in parentheses", split, "variant",
                         subject=subject))
        out.append(_pair("product", (product, "", "", ""), (rng.choice([f"Sản phẩm {product}", f"SẢN PHẨM {product.upper()}",
                                                                         f"sản phẩm {product.lower()}"]), "", "", ""),
                         prov, "same", "'Sản phẩm' without punctuation", split, "variant", subject=subject))
        out.append(_pair("product", (f"Sản phẩm {product}", "", "", ""), (f"Sản phẩm {BRANDED_OTHER[product]}", "", "", ""),
                         prov, "different", "'Sản phẩm' prefix, different products", split, "variant", subject=subject))
        base = rng.choice([p for p, _ in PRODUCTS if not any(ch.isdigit() for ch in p)])
        out.append(_pair("product", (f"{base} {apart}", "", "", ""), (f"{base} {solid_w}", "", "", ""), prov, "same",
                         "product brand solid or apart", split, "variant", subject=f"HTX {core}"))
        out.append(_pair("product", (f"{base} {apart}", "", "", ""), (_habit(rng, f"{base} {apart}"), "", "", ""), prov,
                         "same", "product case or accents", split, "variant", subject=f"HTX {core}"))
        out.append(_pair("product", (f"{base} {core}", "", "", ""),
                         (rng.choice([f"{base.lower()} {core}", f"{base} xã {core}", f"{base} đặc sản {core}"]), "", "", ""),
                         prov, "same", "news product vs list product", split, "variant", subject=f"HTX {core}"))
        other = dict(PRODUCTS).get(base)
        if other and not any(ch.isdigit() for ch in other):
            out.append(_pair("product", (f"{base} {core}", "", "", ""), (f"{other.lower()} {core}", "", "", ""), prov,
                             "different", "news product, another product of one producer", split, "variant",
                             subject=f"HTX {core}"))
    return out


# Hand-written hard cases (origin=hand): spellings and traps seen in real provincial lists.
HAND: list[tuple] = [
    # kind, left, right, label, category, (left commune, district), (right commune, district), taxes, subject
    ("subject", "HTX Nông nghiệp Yên Mông", "HTX Yên Mông - xã Yên Mông", "same", "address glued"),
    ("subject", "Hợp tác xã nông nghiệp Yên Mông", "HTX NN YÊN MÔNG", "same", "abbreviation and capitals"),
    ("subject", "HTX DVNN xã Hải Hưng", "Hợp tác xã dịch vụ nông nghiệp Hải Hưng", "same", "commune word in name"),
    ("subject", "Hợp tác xã Thuỷ sản Hoà Bình", "HTX Thủy sản Hòa Bình", "same", "tone placement"),
    ("subject", "Cty TNHH MTV Chè Việt", "Công ty trách nhiệm hữu hạn một thành viên Chè Việt", "same", "company long form"),
    ("subject", "Công ty CP Hải Hậu", "CÔNG TY CỔ PHẦN HẢI HẬU", "same", "CP long form, capitals"),
    ("subject", "Hộ ông Nguyễn Văn An", "Nguyễn Văn An", "same", "household prefix"),
    ("subject", "Hộ kinh doanh Trần Thị Lan", "Hộ bà Trần Thị Lan", "same", "household prefix"),
    ("subject", "Cơ sở sản xuất Đỗ Văn Hải", "Hộ kinh doanh Đỗ Văn Hải", "same", "cơ sở vs hộ"),
    ("subject", "HTX Ðông Hải", "Hợp tác xã Đông Hải", "same", "eth for Đ"),
    ("subject", "HTX Nong nghiep Dong Hai", "HTX Nông nghiệp Đông Hải", "same", "no accents"),
    ("subject", "HTX Yên Mông thôn Đông", "HTX Yên Mông", "same", "hamlet glued without separator"),
    ("subject", "Công ty TNHH Sản xuất và Thương mại Minh Phát", "Cty TNHH Minh Phát", "same", "sector words"),
    ("subject", "Hợp tác xã Song An, xã Song An, huyện Vũ Thư", "HTX Song An", "same", "full address glued"),
    ("subject", "HTX Nông nghiệp Hòa Bình", "HTX Nông nghiệp Hòa Bình", "different", "namesake in another commune",
     ("Xã Vũ Hội", "Huyện Vũ Thư"), ("Xã Vũ Vinh", "Huyện Vũ Thư")),
    ("subject", "HTX Hoàng Long", "Hợp tác xã Hoàng Long", "different", "namesake in another district",
     ("Xã Song An", "Huyện Vũ Thư"), ("Xã Song An", "Huyện Hưng Hà")),
    ("subject", "HTX Yên Mông", "Công ty TNHH Yên Mông", "different", "HTX vs company"),
    ("subject", "Tổ hợp tác Yên Mông", "Công ty CP Yên Mông", "different", "THT vs company"),
    ("subject", "Hộ kinh doanh Hồ Văn An", "Hồ Văn Anh", "different", "two people"),
    ("subject", "Nguyễn Văn Hùng", "Nguyễn Văn Hưng", "different", "two people, one tone apart"),
    ("subject", "Nguyễn Thị Thủy", "Nguyễn Thị Thúy", "different", "two people, one tone apart"),
    ("subject", "Công ty TNHH Minh Phát", "Công ty TNHH Minh Phương", "different", "similar company names"),
    ("subject", "HTX Yên Mông 1", "HTX Yên Mông 2", "different", "numbered cooperatives"),
    ("subject", "Công ty TNHH Hải Hậu", "Công ty CP Hải Hậu", "different", "TNHH vs CP"),
    ("subject", "HTX Chè Tân Cương", "HTX Mật ong Tân Cương", "different", "same place, different trade"),
    ("subject", "Công ty TNHH Sao Mai", "Công ty TNHH Sao Mai", "different", "different tax codes",
     ("", ""), ("", ""), ("0601234567", "0609999999")),
    ("subject", "Công ty TNHH Thực phẩm Sao Mai", "Công ty TNHH Sao Mai Food", "same", "same tax code",
     ("", ""), ("", ""), ("0601234567", "0601234567")),
    ("product", "Mật ong hoa nhãn", "Mật ong hoa nhãn Yên Mông", "same", "brand suffix"),
    ("product", "Mật ong hoa nhãn", "MẬT ONG HOA NHÃN", "same", "capitals"),
    ("product", "Trà hoa vàng Ba Chẽ (hộp 50g)", "Trà hoa vàng Ba Chẽ", "same", "packaging in parentheses"),
    ("product", "Sản phẩm: Bánh cáy làng Nguyễn", "Bánh cáy làng Nguyễn", "same", "prefix"),
    ("product", "Nước mắm \"Cát Hải\"", "Nước mắm Cát Hải", "same", "quotes"),
    ("product", "Gạo nếp cái hoa vàng 5kg", "Gạo nếp cái hoa vàng", "same", "size"),
    ("product", "Mật ong hoa nhãn", "Mật ong hoa cà phê", "different", "different honey"),
    ("product", "Chè búp khô", "Chè xanh", "different", "different tea"),
    ("product", "Nước mắm 30 độ đạm", "Nước mắm 40 độ đạm", "different", "grades"),
    ("product", "Gạo ST24", "Gạo ST25", "different", "varieties"),
    ("product", "Gạo Bắc Hương", "Gạo Tám Thơm", "different", "varieties, capitalised"),
    ("product", "Rượu nếp cái hoa vàng", "Rượu nếp cẩm", "different", "different rice wine"),
    ("product", "Trà hoa vàng túi lọc", "Trà hoa vàng sấy khô", "different", "two forms of one tea"),
    ("product", "Miến dong", "Miến dong Yên Mông (gói 500g)", "same", "brand and packaging"),
]


def hand_pairs() -> list[dict]:
    out = []
    for case in HAND:
        kind, left, right, label, category, *rest = case
        lp = rest[0] if len(rest) > 0 else ("Xã Yên Mông", "Huyện Vũ Thư")
        rp = rest[1] if len(rest) > 1 else lp
        tax = rest[2] if len(rest) > 2 else ("", "")
        if kind == "product":
            lp = rp = ("", "")
        out.append(_pair(kind, (left, *lp, tax[0]), (right, *rp, tax[1]), "Hưng Yên", label, category, "hand", "hand",
                         subject="HTX Nông nghiệp Yên Mông" if kind == "product" else ""))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--per-seed", type=int, default=12, help="rounds per seed (17 pairs each)")
    parser.add_argument("--per-variant", type=int, default=12, help="variant rounds per seed (about 17 pairs each)")
    args = parser.parse_args()
    rows = generate(1, "dev", args.per_seed) + generate(2, "heldout", args.per_seed) + hand_pairs()
    # after the old pairs, which stay byte for byte as they were
    rows += generate_variants(3, "variants_dev", args.per_variant) + generate_variants(4, "variants_heldout",
                                                                                        args.per_variant)
    with open(args.out, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{args.out}: {len(rows)} pairs")


if __name__ == "__main__":
    main()
