"""Products named in the body of an OCOP news page, with their subject (chủ thể) and stars.

How OCOP news writes them (Vietnamese and English), and what this module reads:
- a list after a header: "7 sản phẩm đạt 3 sao gồm: A, B (xã X), C của HTX Y", "Cụ thể, 2 sản phẩm
  đạt 4 sao là A và B", "06 sản phẩm mới: ...", "These include A, B and C by X Cooperative", "there
  were 3-star OCOP products, namely ..."; one sentence may hold several headers ("01 sản phẩm 4 sao là
  A ... và 4 sản phẩm 3 sao là: B; C"); "Bao gồm: ..." in the next sentence or block takes the one
  before as its header; item lines under a header line ending with ":";
- a subject's own products: "Công ty X có 7 sản phẩm A, B, ...", "Công ty X với sản phẩm Y", "03 sản
  phẩm ... của Công ty X (A, B, C)", "1 sản phẩm (A của HTX Y) đạt 4 sao";
- the stars of a list: in its header, in a predicate after it ("A, B và C đạt 3 sao"), in points
  ("trên 70 điểm": 4★; 90 and more: potential 5★), "Sản phẩm OCOP cấp Quốc gia" (5★), or, when the
  header names a recognised batch ("10 sản phẩm gồm:", "Các sản phẩm được công nhận lần này gồm:"),
  from the batch the page and its title report (a counted batch of the same size, else the one star
  value the page's recognition sentences give); 5★ put to the ministry is proposed, "tiềm năng 5 sao"
  potential, neither is 5★; a revoked certificate is no rating;
- items: "Tên của/do Chủ thể, địa chỉ", "Tên (Chủ thể, địa chỉ)", "Tên (địa chỉ)", "Tên - Chủ thể -
  địa chỉ", "Name by Subject in Place"; names sharing a subject ("A, B và C của HTX Y"); a subject
  with commas ("Hợp tác xã nông nghiệp, thương mại, dịch vụ X"); "và" inside a name that is not the
  last of its list ("bánh dừa sáp và khoai lang, ...");
- prose: "Sản phẩm X của Y (địa chỉ) đạt 4 sao", "X và Y của Công ty Z, phường W đạt 3 sao", a clause
  before a list ("Trong đó, sản phẩm X được nâng cấp lên 4 sao; ...");
- tables flattened one cell per line (a header row "TT / Sản phẩm / Chủ thể / Địa chỉ / ...").

What is left out, because a wrong product in a national database is worse than a missing one: names
that look like places, subjects, categories, counts ("two types of rice") or clauses; products the
text gives no star to (fair exhibits, examples "như: ...", candidates, criteria), unless the text
says they are potential or proposed 5★ or revoked; an item cut off inside its name at the end of an
excerpt (one cut inside its subject keeps its name, with no subject).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

from ocop_pipeline.geo.addresses import ADDRESS_START  # one home for the words that open an address
from ocop_pipeline.geo.admin_units import lookup_district, lookup_province
from ocop_pipeline.news import counts as NC
from ocop_pipeline.news import patterns
from ocop_pipeline.news import product_lines as NPL
from ocop_pipeline.text.folding import fold_key

_rx = patterns.compiler(__name__, re.IGNORECASE)



# ---------------------------------------------------------------------------------------------
# Numbers and stars as written
# ---------------------------------------------------------------------------------------------

_VI_NUMS = {"một": 1, "hai": 2, "ba": 3, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9, "mười": 10}
_NUM_WORDS = {**_VI_NUMS, **NC._EN_NUMS, "one": 1}
_COUNT = r"(?:\d{1,4}|" + "|".join(sorted(_NUM_WORDS, key=len, reverse=True)) + r")"

# "4 sao", "03 sao", "(4*)", "★★★★", "bốn sao", "four-star", "4 stars"; a range ("3-4 sao", "3 đến 4
# sao") or "3 sao trở lên" is not one star value.
_STAR1 = (
    r"(?<![\d.,])0?(?P<d>[345])\s*(?:sao|\*+|★+)(?P<up>\s*trở\s+lên)?"
    r"|(?<!\w)(?P<w>ba|bốn|năm)\s+sao(?!\w)"
    r"|(?<!\w)(?P<e>three|four|five|[345])[\s-]*stars?(?!\w)"
)
_STAR_VALUE = {"3": 3, "4": 4, "5": 5, "ba": 3, "bốn": 4, "năm": 5, "three": 3, "four": 4, "five": 5}
_RANGE = r"[345]\s*(?:sao\s*)?(?:-|–|đến|tới|to|and|và|,|/)\s*(?:0?[345])\s*(?:sao|[\s-]*stars?)"
_UPGRADE = r"(?:từ|from)\s+0?(?P<a>[345])\s*(?:sao|[\s-]*stars?)\s*(?:lên|to)\s+(?:hạng\s+)?0?(?P<b>[345])\s*(?:sao|[\s-]*stars?)"
_POTENTIAL = r"tiềm\s+năng|potential"
_PROPOSED = (
    r"đề\s+nghị|đề\s+xuất|\btrình\b|xem\s+xét|tham\s+gia\s+nâng|chờ|proposed|recommended|nominated|submitted|"
    r"will\s+be\s+proposed"
)


# Points out of 100 (DOMAIN.md): 90-100 is 5★ (provincially: potential, awaiting the ministry), 70-<90
# 4★, 50-<70 3★. "đạt 92,4 điểm", "trên 70 điểm"; "từ 50 điểm trở lên" is a floor, not a band.
_POINTS = r"(?:trên|từ|đạt|over|above|scored)\s+(?P<p>\d{2})(?:[.,]\d+)?\s*(?:điểm|points)(?!\s*trở\s+lên)"


_NATIONAL = r"công\s+nhận\s+(?:là\s+)?(?:sản\s+phẩm\s+)?ocop\s+(?:cấp\s+)?quốc\s+gia|sản\s+phẩm\s+ocop\s+cấp\s+quốc\s+gia"


def _points_star(low: str) -> tuple[int | None, str | None]:
    m = _rx("points", _POINTS, 0).search(low) if ("điểm" in low or "point" in low) else None
    if m is None:
        return None, None
    p = int(m.group("p"))
    if p >= 90:
        return None, "potential_5_star"
    return (4 if p >= 70 else 3 if p >= 50 else None), None


# star_info gives (None, None) for a text whose lower case holds none of these: a star, the national
# tier's name, points.
_STAR_INFO_WORDS = ("sao", "*", "★", "star", "quốc gia", "điểm", "point")


@lru_cache(maxsize=8192)
def star_info(text: str) -> tuple[int | None, str | None]:
    """(stars, status) that a header, predicate or item gives: (4, None); (None, 'potential_5_star')
    for "tiềm năng 5 sao"; (None, 'proposed_5_star') for 5★ put to the ministry; (None, None) for no
    star or several ("3 sao, 4 sao")."""
    low = text.lower()
    if "sao" not in low and "*" not in low and "★" not in low and "star" not in low:
        if "quốc gia" in low and _rx("national", _NATIONAL, 0).search(low):
            # "Sản phẩm OCOP cấp Quốc gia" is the 5★ tier's own name.
            return (None, "proposed_5_star") if _rx("proposed", _PROPOSED, 0).search(low) else (5, None)
        return _points_star(low)
    up = _rx("upgrade", _UPGRADE).search(low)
    if up:
        a, b = int(up.group("a")), int(up.group("b"))
        if b == 5:
            return (a if a >= 3 else None), "proposed_5_star"
        return b, None  # "được nâng hạng từ 3 sao lên 4 sao": the new star
    values: set[int] = set()
    five_at = -1
    for m in _rx("star1", _STAR1).finditer(low):
        if m.group("up"):
            return None, None
        v = _STAR_VALUE[(m.group("d") or m.group("w") or m.group("e")).lower()]
        values.add(v)
        if v == 5:
            five_at = m.start()
    if len(values) != 1 or _rx("range", _RANGE, 0).search(low):
        return None, None
    v = values.pop()
    if v == 5:
        if _rx("potential", _POTENTIAL, 0).search(low[max(0, five_at - 30) : five_at]):
            return None, "potential_5_star"
        if _rx("proposed", _PROPOSED, 0).search(low):
            return None, "proposed_5_star"
    elif _rx("potential4", r"tiềm\s+năng\s+(?:đạt\s+)?$|future\s+$|potential\s+$", 0).search(low[:40]):
        return None, None
    return v, None


# ---------------------------------------------------------------------------------------------
# List headers
# ---------------------------------------------------------------------------------------------

# What the header of a product list names: the products (with their count), or the subject that has them.
_PRODUCT_WORD = r"(?:sản\s+phẩm|\bSP\b|products?)"
# The nouns that make a list one of places, units or categories, not of products.
_NOT_PRODUCTS = (
    r"(?:\d+|các|nhiều)\s+(?:địa\s+phương|huyện|xã|phường|đơn\s+vị|chủ\s+thể|làng\s+nghề|doanh\s+nghiệp|hợp\s+tác\s+xã|"
    r"htx|cơ\s+sở|localities|districts|units|entities|producers)|lĩnh\s+vực|nhóm|ngành\s+hàng|ngành|loại\s+hình|"
    r"gian\s+hàng|hồ\s+sơ|categor|groups?\b|chủ\s+yếu|tiêu\s+chí|yêu\s+cầu|điều\s+kiện|criteria"
)
# "9 đơn vị đạt sản phẩm OCOP 4 sao ... bao gồm:": a list of units, not of products.
_UNITS_BEFORE = (
    r"(?:(?<!\d)\d{1,3}|các)\s+(?:đơn\s+vị|chủ\s+thể|doanh\s+nghiệp|hợp\s+tác\s+xã|htx|cơ\s+sở|huyện|xã|địa\s+phương|"
    r"units|entities|producers|districts|localities)\s+(?:\w+\s+){0,3}$|không\s+có\s+$|chưa\s+có\s+$"
)
# Examples ("các sản phẩm tiêu biểu như"): without a star in the header they are no rating.
_EXAMPLE_MARK = r"(?<!\w)(?:như|such\s+as)(?!\w)"
# A header that names a recognised batch, not a showcase.
_BATCH_HEADER = (
    r"công\s+nhận|chứng\s+nhận|xếp\s+hạng|phân\s+hạng|đạt|được\s+cấp|tái\s+công|đợt\s+này|lần\s+này|"
    r"recogni[sz]ed|certified|rated|awarded|received"
)
# Cue kinds (counts._CUES) of running totals, plans and candidates: their stars are not the batch's.
_NOT_BATCH_KINDS = frozenset({"cumulative", "weakcum", "target", "forecast", "candidate"})


def _not_batch(low: str) -> bool:
    """Whether a lower-cased text speaks of running totals, plans or candidates (fairs, dossiers)."""
    return any(kind in _NOT_BATCH_KINDS for _, kind in NC.cue_list(low)) or "hội chợ" in low


# The patterns below run on the lower-cased sentence (same offsets) and open with a literal, so that re
# skips in C to the next place one can start (the look-behind after a first letter is the word
# boundary before it), instead of trying alternatives and optional counts at every position.
_NOUN_LOW = r"sản\s+phẩm|p(?<!\w.)roducts?(?!\w)|s(?<!\w.)p(?!\w)"
_COUNT_BEFORE = r"(?<!\w)(?P<count>" + _COUNT + r")\s+(?:[\w-]+\s+){0,2}?$"
# "nhất là" is "above all" ("nhất là phụ nữ và người cao tuổi"), never the "là" that opens a list.
_MARK_LOW = (
    r"(?:b(?<!\w.)ao\s+gồm(?:\s+có)?|g(?<!\w.)ồm(?:\s+có)?|l(?<!\w.)(?<!nhất\s.)à|n(?<!\w.)(?:hư(?:\s+sau)?|amely)|"
    r"i(?<!\w.)nclud(?:ing|es?)|c(?<!\w.)omprises?|s(?<!\w.)uch\s+as|o(?<=products\so)f)(?!\w)\s*:?|:"
)


def _nouns(low: str, lo: int, hi: int) -> list[tuple[int, int, int | None]]:
    """(start, end, count) of every product noun in low[lo:hi]: "sản phẩm", "7 sản phẩm", "five more products";
    start is the count's when there is one."""
    out = []
    for m in _rx("noun_low", _NOUN_LOW, 0).finditer(low, lo, hi):
        c = _rx("count_before", _COUNT_BEFORE, 0).search(low, max(lo, m.start() - 30), m.start())
        out.append((c.start() if c else m.start(), m.end(), _count_value(c.group("count")) if c else None))
    return out


def _header_before(low: str, mark_start: int, floor: int) -> tuple[int, int, int | None] | None:
    """The product noun that a list mark at mark_start belongs to: the last "N sản phẩm" / "sản phẩm" /
    "products" between floor and the mark, at most 140 characters back."""
    found = _nouns(low, max(floor, mark_start - 140), mark_start)
    return found[-1] if found else None


def _subject_has(sentence: str, end: int, floor: int) -> str | None:
    """The subject right before "có N sản phẩm" / "với sản phẩm" ending at `end`: "Công ty X có ..."."""
    pre = sentence[max(floor, end - 120) : end]
    if not pre.rstrip().lower().endswith((" có", " với")):
        return None
    sm = _rx("subjhas", r"(?P<s>" + _SUBJECT_START + r"[^,;:()]{0,80}?)\s+(?:có|với)\s*$").search(pre)
    return sm.group("s").strip() if sm else None


# ---------------------------------------------------------------------------------------------
# Items
# ---------------------------------------------------------------------------------------------

_SUBJECT_START = (
    r"(?<!\w)(?:" + NPL.SUBJECT_KW + r"|Cở\s+sở|hộ\s+(?:ông|bà|anh|chị)|hộ\s+kinh\s+doanh|hộ\s+sản\s+xuất|chủ\s+thể|tiệm|"
    r"nhà\s+hàng|trung\s+tâm|làng\s+nghề|ông|bà|"
    r"[\w.&' -]{0,80}?(?:cooperative|company|co\.?\s*,?\s*ltd|jsc|facility|household|family-run|workshop|enterprise)"
    r"|household\s+business)"
)
# The word that opens an item's subject.
_OF = r"\s+(?:của|do|by|produced\s+by|made\s+by|of(?=\s+(?-i:[A-ZĐ])))\s+"  # "two types of rice" is no subject
# Vietnamese place words that open an address inside a subject ("Công ty X xã Y", "HTX Z, huyện W");
# "Hợp tác xã", "Tổ hợp tác" are not addresses.
_ADDR_WORDS = (
    r"địa\s+chỉ|thôn|xóm|bản|ấp|khu|khóm|tổ|số|đường|phố|làng|buôn|thị\s+trấn|thị\s+xã|tx\.?|thành\s+phố|tp\.?|"
    r"phường|xã|huyện|quận|tỉnh|đặc\s+khu|h\."
)
# Compiled case-sensitive: the place words are matched in any case through (?i:...), a capital after
# them is a capital.
_ADDR_IN_SUBJECT = (
    r"\s*,\s*(?=(?i:" + _ADDR_WORDS + r")(?!\w))"
    r"|(?<!ợp tác)\s+(?=(?i:xã|phường|thị\s+trấn|huyện|thị\s+xã|ấp|thôn|bản)\s+[A-ZĐ0-9])"
    r"|\s+(?:tại|ở)\s+|\s+[-–]\s+(?=(?i:" + _ADDR_WORDS + r")(?!\w))"
    r"|\s+in\s+(?=[A-ZĐ])|\s*,\s*(?=[A-ZĐ][\w ]{0,30}(?:commune|district|province|ward|city|town)\b)"
)
_LEAD_JUNK = (
    r"^(?:\s|[-–+•*·]|\d{1,2}\s*[.)/]\s+|[a-z]\)\s*|và\s+|and\s+|hoặc\s+|cùng\s+|cụ\s+thể\s*,?\s*|the\s+|they\s+are\s+|"
    r"these\s+are\s+|(?:các\s+|những\s+)?(?:sản\s+phẩm|sp)\s+(?!\w*\s*(?:của|do)\b)|sản\s+phẩm\s*:\s*)+"
)
# First words that no product name opens with: function words, counts, places, verbs.
_BAD_FIRST = {
    "các", "những", "nhiều", "một", "năm", "này", "đây",
    "đó", "trong", "theo", "tại", "ở", "với", "cho", "từ", "đến", "ngày", "tháng", "đợt", "sau", "trước", "toàn",
    "tổng", "gồm", "là", "được", "đã", "đạt", "có", "và", "hoặc", "cùng", "còn", "riêng", "thêm", "mỗi", "xã", "phường",
    "huyện", "quận", "tỉnh", "thôn", "ấp", "bản", "tp", "tp.", "tx", "tx.", "h.", "khu", "thị", "thành", "đặc", "ông", "bà",
    "chủ", "hội", "ubnd", "sở", "phòng", "the", "a", "an", "these", "they", "this", "which", "other", "others",
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "commune", "district", "province",
    "products", "product", "ocop", "số", "lần", "kết", "đơn", "chương", "tiêu", "hạng", "sao",
    # sentence adverbials: "In particular, ...", "Đặc biệt, ...", "Ngoài ra, ..."
    "in", "also", "meanwhile", "besides", "especially", "accordingly", "notably", "ngoài", "cụ", "bên", "qua",
    "hiện", "tuy", "nhờ", "do", "vì", "nhưng", "tiếp", "tiềm", "góp", "giúp", "nhằm", "để",
    # verbs that open a clause, not a name
    "tạo", "nâng", "đưa", "xây", "thúc", "hỗ", "triển", "mang", "giới", "chế", "chiếm", "tăng", "giảm", "bằng",
    "hẻm", "ngõ", "kiệt", "localities", "units", "entities", "producers",
}
# The programme's product groups (DOMAIN.md) and other category words: a whole name equal to one is a
# category, not a product.
_CATEGORIES = frozenset(fold_key(c) for c in (
    "thực phẩm", "đồ uống", "dược liệu", "sản phẩm từ dược liệu", "thủ công mỹ nghệ", "sinh vật cảnh", "thảo dược",
    "vải và may mặc", "lưu niệm", "nội thất", "trang trí", "dịch vụ du lịch", "du lịch cộng đồng", "lương thực",
    "hàng tiêu dùng", "nông sản", "đặc sản", "du lịch", "food", "drinks", "beverages", "handicrafts", "herbs", "tourism",
))
_BAD_WORDS = (
    r"(?<!\w)(?:là|được|đã|đạt|có|sẽ|tham\s+gia|công\s+nhận|xếp\s+hạng|phân\s+hạng|gồm|chứng\s+nhận|đánh\s+giá|"
    r"chủ\s+thể|(?<!bộ\s)sản\s+phẩm|ocop|doanh\s+nghiệp|hợp\s+tác\s+xã|đơn\s+vị|địa\s+phương|trong\s+đó|"
    r"were|was|is|are|has|have|will|products?|entities|producers|according|including)(?!\w)"
    r"|(?:\d|three|four|five|ba|bốn|năm)[\s-]*(?:sao|\*|stars?)|\d{1,3}(?:[.,]\d+)?\s*điểm|[:;|]"
    r"|(?<!\w)(?:rated|recogni[sz]ed|certified|said|exported|markets?|province|district|commune|ward|items?|beverages|"
    r"specialties|goods|foods|services|handicrafts|cooperative|company|household|facility|enterprise|jsc|khẳng\s+định|"
    r"liên\s+kết|chuỗi\s+giá\s+trị|tiêu\s+biểu|công\s+nghiệp\s+nông\s+thôn|cấp\s+(?:tỉnh|huyện|quốc\s+gia|trung\s+ương))(?!\w)"
)
_PLACE_NAME_START = r"^(?:xã|phường|thị\s+trấn|huyện|thị\s+xã|thành\s+phố|tp\.?|tỉnh|quận|thôn|ấp|bản|đặc\s+khu)\s"


def _clean_name(raw: str) -> str:
    name = _rx("leadjunk", _LEAD_JUNK).sub("", raw.strip())
    name = _rx("parens", r"\s*\([^()]*\)?", 0).sub(" ", name)  # glosses, addresses, scores, "(4*)"
    name = _rx("trailaddr", r"\s+(?:ở|tại)\s+.*$|\s+(?:huyện|thị\s+xã|tỉnh|thành\s+phố|TP\.?)\s+[A-ZĐ].*$", 0).sub("", name)
    name = _rx("trailprod", r"\s+(?:products?|sản\s+phẩm)\s*$").sub("", name)
    # A trailing number is a score or a list index, not "3 trong 1", "3 in 1" nor a grade or a
    # strength that is part of the name ("Ruốc tôm loại 1", "Nước mắm số 1", "Rượu nếp 29 độ" ends in a word).
    name = _rx("trailnum", r"(?<!\btrong)(?<!\bin)(?<!\bloại)(?<!\bsố)(?<!\bhạng)(?:\s+\d+)+\s*$", 0).sub("", name)
    name = _rx("trailyear", r"\s+(?:năm|in)\s+(?:19|20)\d\d\b.*$").sub("", name)  # "Đèn lồng X năm 2019 nâng cấp"  # "Hạt sen sấy (2019) 62": a score or a year
    name = re.sub(r"\s+", " ", name).strip(" \t,.;:…-–)(")
    bare = name.strip(" \t,.;:…-–\"“”'‘’)(")
    # Outer quotes of a quoted name ("“Thịt sào mắm ruốc PTK”") go; a closing quote stays when its
    # opening one is inside the name (Gạo "Cái quạt mo", Bộ đèn “Thôn nữ”).
    if bare.count('"') % 2 == 1 and name.endswith('"'):
        bare += '"'
    elif "“" in bare and "”" not in bare and name.endswith("”"):
        bare += "”"
    return bare


@lru_cache(maxsize=16384)
def plausible_name(name: str) -> bool:
    """Whether a cleaned name reads as a product: not a place, a subject, a clause or a count."""
    if not name or len(name) < 2 or len(name) > 90:
        return False
    words = name.split()
    if len(words) > 12 or not any(c.isalpha() for c in name) or fold_key(name) in _CATEGORIES:
        return False
    first = words[0].lower().strip("“\"‘'")
    if first in _BAD_FIRST or first[:1].isdigit():
        return False
    if _rx("placestart", _PLACE_NAME_START).match(name) or _rx("subjstart", r"^(?:" + NPL.SUBJECT_KW + r")\b").match(name):
        return False
    if _rx("badwords", _BAD_WORDS).search(name):
        return False
    # "đường Nguyễn Lương Bằng" is a street (a name of capitalised words after it), "đường thốt nốt" sugar.
    if first in ("đường", "phố") and len(words) > 1 and all(w[:1].isupper() or w[:1].isdigit() for w in words[1:]):
        return False
    # A bare province or district name ("Thanh Miện", "Bắc Giang") is a place listed, not a product.
    return len(words) > 4 or (lookup_province(name) is None and lookup_district(name) is None)


def _split_outside_parens(text: str, seps: str) -> list[str]:
    """text split at the characters in seps that are not inside parentheses."""
    out, cur, depth = [], [], 0
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        if ch in seps and depth == 0:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur))
    return out


# "của đơn vị", "của HTX", "của mình": a word that points back at a subject named elsewhere on the page
# (a profile's title, an earlier sentence), not a subject's name.
_ANAPHOR_WORDS = (
    "đơn vị", "HTX", "hợp tác xã", "công ty", "doanh nghiệp", "cơ sở", "chủ thể", "tổ hợp tác", "THT",
    "hộ", "gia đình", "mình", "đơn vị này", "HTX này", "công ty này", "doanh nghiệp này", "cơ sở này",
    "nhà vườn", "the company", "the cooperative", "the unit",
)
REFERRING_WORDS = frozenset(fold_key(w) for w in _ANAPHOR_WORDS)
_POINTS_BACK = re.compile(r"\s+(?:của|of)\s+(?:" + "|".join(
    re.escape(w) for w in sorted(_ANAPHOR_WORDS, key=len, reverse=True)) + r")(?!\w)", re.IGNORECASE)


def _word_at(text: str, needle: str, start: int = 0) -> int:
    """Where `needle` first occurs in `text` at or after `start` as whole words (no word character
    either side), or -1. A plain find: a pattern compiled for every name would cost more than the page."""
    i = text.find(needle, start)
    while i >= 0:
        j = i + len(needle)
        if (i == 0 or not text[i - 1].isalnum() and text[i - 1] != "_") and (
                j >= len(text) or not text[j].isalnum() and text[j] != "_"):
            return i
        i = text.find(needle, i + 1)
    return -1


def _points_back(name: str, sentence: str) -> bool:
    """Whether the sentence writes the name followed by "của đơn vị" (or another referring word), in
    any case."""
    low, key = sentence.lower(), name.lower()
    i = low.find(key)
    while i >= 0:
        if _POINTS_BACK.match(low, i + len(key)):
            return True
        i = low.find(key, i + 1)
    return False


def _subject_of(text: str) -> tuple[str | None, str | None]:
    """(subject, address) from the words after "của"/"by" or inside parentheses."""
    text = text.strip(" ,;.")
    text = _rx("subjlead", r"^(?:của\s+|chủ\s+thể\s+|the\s+)+").sub("", text)
    text = _rx("subjabbr", r"\s*\((?:HTX|HTXNN|THT|DN|DNTN|CP|TNHH|MTV|Cty)\)", 0).sub("", text)  # "Hợp tác xã (HTX) X"
    # "Công ty TNHH Hồng Đài Việt thuộc Trung tâm ...", "Công ty X gồm ...": the subject ends at its verb.
    # A capitalised word is part of the name ("HTX Lụa tơ tằm Thân Thuộc"), not the verb.
    text = _rx("subjverb", r"\s+(?-i:thuộc|gồm|đóng|có|là|được|đạt|với|đã|vừa|chuyên)(?!\w).*$").sub("", text)
    m = _rx("addrin", _ADDR_IN_SUBJECT, 0).search(text)
    m2 = _rx("parenin", r"\s*\(", 0).search(text)
    if m2 is not None and (m is None or m2.start() < m.start()):
        m = m2  # "Công ty TNHH Tâm Thùy (xã Long Tiên, huyện Cai Lậy)"
    subj, addr = (text[: m.start()], text[m.end() :]) if m else (text, None)
    subj = re.sub(r"\s+", " ", subj).strip(" ,;.-–()")
    if not subj or len(subj.split()) > 16 or fold_key(subj) in REFERRING_WORDS:
        return None, addr
    return subj, (addr.strip(" ,;.()") or None) if addr else None


def _paren_parts(item: str) -> list[str]:
    return _rx("parenparts", r"\(([^()]*)\)?", 0).findall(item)


class _Item:
    __slots__ = ("name", "open", "stars", "status", "subject")

    def __init__(self, name: str, subject: str | None, stars: int | None, status: str | None) -> None:
        self.name, self.subject, self.stars, self.status, self.open = name, subject, stars, status, False


def _split_capital_and(part: str) -> list[str]:
    """A comma part that is not the last of its list splits at "và" only before a capital: "Mắm tôm X và
    Mắm tép X, ..." are two; "bánh dừa sáp và khoai lang, ..." is one."""
    out, pos = [], 0
    for a in _rx("and", r"\s+(?:và|and|&)\s+", 0).finditer(part):
        if part[a.end() : a.end() + 1].isupper():
            out.append(part[pos : a.start()])
            pos = a.end()
    out.append(part[pos:])
    return out


def _split_names(names: str, need: int | None = None) -> list[str]:
    """'A, B và C' -> [A, B, C]. Only the last comma part splits at "và"/"and" ("bánh dừa sáp và chuối,
    ..." is one product), and when the header's count says how many there are, only as often as needed."""
    parts = [p for p in _split_outside_parens(names, ",") if p.strip()]
    if not parts:
        return []
    if _rx("counted", _COUNTED).match(parts[-1]):
        # "five kinds of sedge baskets and bags", "two types of rice": a counted description, no names.
        parts.pop()
        return parts
    last = parts.pop()
    parts = [q for p in parts for q in _split_capital_and(p)]
    ands = list(_rx("and", r"\s+(?:và|and|&)\s+", 0).finditer(last))
    if need is not None and len(parts) + 1 < need:
        ands = ands[: need - len(parts) - 1]
    elif need is not None:
        ands = []
    pos = 0
    for a in ands:
        parts.append(last[pos : a.start()])
        pos = a.end()
    parts.append(last[pos:])
    return parts


# "five kinds of ...", "two types of rice", "02 sản phẩm ...": a counted description, not a name.
_COUNTED = r"^\s*(?:and\s+|và\s+)?" + _COUNT + r"\s+(?:kinds?|types?|loại|sản\s+phẩm|products?)\b"
_EN_ORG_END = r"(?:cooperative|company|co\.?\s*ltd\.?|ltd\.?|jsc|facility|household|workshop|enterprise|group)\s*$"


def _subject_goes_on(subject: str) -> bool:
    """Whether a subject cut at a comma is unfinished: a Vietnamese one ending in a common noun ("Hợp
    tác xã nông nghiệp"), an English one not yet at its kind ("Sáu Nhung Agriculture, Production")."""
    if _rx("vi_subject", r"^(?:" + NPL.SUBJECT_KW + r")").match(subject) and not _rx("en_org", _EN_ORG_END).search(subject):
        return subject.split()[-1][:1].islower()
    return not _rx("en_org", _EN_ORG_END).search(subject)


def _and_next(text: str) -> str:
    """"A của X và B của Y", "A (xã X) và B (xã Y)": a "và" before another item with its own subject or
    parenthesis ends the first item (it becomes a comma). Not inside a subject ("HTX trồng và sản xuất
    dược liệu Bảo Châu (xã Y)"): after "của X" only a next "của" or a closed parenthesis splits."""
    out, last = [], 0
    of_rx = _rx("of", _OF, 0)
    # The item after "và" runs to its own "của"/"by" over glosses in parentheses, not over another "và".
    item = r"(?:(?!\s(?:và|and)\s)(?:[^,;()]|\([^()]*\))){2,80}?"
    for m in _rx(
        "andnext", r",?\s+(?:và|and)\s+(?=(?:sản\s+phẩm\s+)?(?:" + item + r"(?P<of>" + _OF + r")|[^,;()]{2,80}?\s*\())", 0
    ).finditer(text):
        left = text[last : m.start()]
        if m.group("of") is None and of_rx.search(left) and not left.rstrip().endswith(")"):
            continue
        if _rx("counted", _COUNTED).match(left.split(",")[-1]):
            continue  # "five kinds of sedge baskets and bags by X": one counted description
        out.append(left)
        last = m.end()
    out.append(text[last:])
    return ", ".join(out)


def _parse_group(text: str, need: int | None) -> list[_Item]:
    """The items of one list (or of one ";" segment of it)."""
    items: list[_Item] = []
    # "A của X và B của Y": a "và" before another item with its own subject ends the first item.
    text = _and_next(text)
    parts = [p for p in _split_outside_parens(text, ",") if p.strip()]
    pending: list[str] = []  # names waiting for the subject of a later part
    last_subject_item: list[_Item] = []
    in_address = False  # "..., tại địa chỉ 40/1, Trần Thị Nhượng, khóm 2": parts of one address
    for i, part in enumerate(parts):
        of = _rx("of", _OF, 0).search(part)
        paren_subject = None
        for inner in _paren_parts(part):
            if _rx("psubj", r"^\s*" + _SUBJECT_START).match(inner):
                paren_subject = inner
                break
        if of is None and paren_subject is None and _rx("dashsubj", r"\s[-–]\s+(?=" + _SUBJECT_START + r")").search(part):
            of = _rx("dashsubj", r"\s[-–]\s+(?=" + _SUBJECT_START + r")").search(part)
        if of is not None and _rx("counted", _COUNTED).match(part[: of.start()]) and "(" in part[of.end() :]:
            # "03 sản phẩm thực phẩm bảo vệ sức khỏe của Công ty X (A, B, C)": the names in parentheses.
            rest = part[of.end() :]
            subj, _addr = _subject_of(rest[: rest.find("(")])
            inner = _paren_parts(rest)[-1]
            made = [_Item(n, subj, None, None) for n in map(_clean_name, _split_names(inner)) if plausible_name(n)]
            items.extend(made)
            last_subject_item = made
            continue
        if of is not None and not pending and not any(plausible_name(_clean_name(n)) for n in _split_names(part[: of.start()])):
            of = None
        if of is not None or paren_subject is not None:
            in_address = False
        elif in_address or _rx("addrlead", r"^\s*(?:tại|ở|địa\s+chỉ|address|located)\b").match(part):
            in_address = True
            continue
        if of is None and paren_subject is None:
            if last_subject_item and not pending:
                # After the last subject: "Hợp tác xã nông nghiệp, thương mại, dịch vụ X, ấp 2": the subject
                # or its address goes on.
                address = _rx("addrpart", r"^\s*(?:" + ADDRESS_START.pattern[1:] + r")").match(part.strip())
                if address or _rx("placestart2", _PLACE_NAME_START).match(part.strip() + " "):
                    continue
                # "Hợp tác xã nông nghiệp, thương mại, ...": a subject ending in a common noun goes on;
                # one ending in a proper name ("hộ kinh doanh Trần Công Hà") is whole, and what follows
                # it is another name.
                open_subjects = [
                    it for it in last_subject_item
                    if it.subject and _subject_goes_on(it.subject) and not _rx("subjaddr", _ADDR_IN_SUBJECT, 0).search(it.subject)
                ]
                more = part.split("(")[0].strip(" ,.")  # "..., dịch vụ nông nghiệp An Lỗ (thôn An Lỗ": not the address
                for it in open_subjects:
                    it.subject = (it.subject + ", " + more).strip(" ,")  # type: ignore[operator]
                if open_subjects:
                    continue
            pending.append(part)
            continue
        if of is not None:
            names_text, rest = part[: of.start()], part[of.end() :]
            subj, _addr = _subject_of(rest)
        else:
            cut = part.find("(")
            names_text = part[:cut] if cut >= 0 else part
            subj, _addr = _subject_of(paren_subject or "")
            subj = _rx("dashcut", r"\s+[-–]\s+.*$", 0).sub("", subj) if subj else subj
        stars, status = star_info(" ".join(_paren_parts(part)))
        # "A và B, cùng do Công ty X": a chunk left with no name ("cùng") is no item.
        group = [c for c in (*pending, names_text) if _clean_name(c) and _clean_name(c).lower() not in _BAD_FIRST]
        pending = []
        made: list[_Item] = []
        for j, chunk in enumerate(group):
            chunk_names = _split_names(chunk, None) if j == len(group) - 1 else _split_capital_and(chunk)
            for raw in chunk_names:
                name = _clean_name(raw)
                if plausible_name(name):
                    made.append(_Item(name, subj, stars, status))
        items.extend(made)
        last_subject_item = made
    if pending:
        tail = ", ".join(pending)
        for raw in _split_names(tail, None if need is None else max(need - len(items), 1)):
            name = _clean_name(raw)
            if plausible_name(name):
                stars, status = star_info(" ".join(_paren_parts(raw)))
                items.append(_Item(name, None, stars, status))
    return items


def parse_list(text: str, need: int | None = None) -> list[_Item]:
    """The items of a list as written after its header: ";" separates items (or groups of items with one
    subject) when the list uses it, else ","."""
    return [_Item(n, subj, st, status) for n, subj, st, status in _parsed(text, need)]


@lru_cache(maxsize=8192)
def _parsed(text: str, need: int | None) -> tuple[tuple[str, str | None, int | None, str | None], ...]:
    return tuple((it.name, it.subject, it.stars, it.status) for it in _parse_list(text, need))


def _parse_list(text: str, need: int | None) -> list[_Item]:
    text = _rx("coltd", r"\bCo\s*[.,]+\s*,?\s*Ltd\b\.?", 0).sub("Co. Ltd", text)
    segments = [s for s in _split_outside_parens(text, ";") if s.strip()]
    if len(segments) > 1:
        out: list[_Item] = []
        for s in segments:
            out.extend(_parse_group(s, None))
        return out
    return _parse_group(text, need)


# A predicate after a list: "... đạt 3 sao", "... được công nhận OCOP 4 sao", "... were recognised as".
_PREDICATE = (
    r"(?:,\s*|\s+)(?:(?:đều|cũng|đã|vừa|mới|tiếp\s+tục|chính\s+thức|xuất\s+sắc|lần\s+đầu|cùng)\s+)*"
    r"(?:đạt|được\s+(?:công|chứng|xếp|cấp|đánh|tham|nâng|phân|bình|hội|ubnd|ủy|chủ|thủ|bộ|trao)|xếp\s+hạng|"
    r"requested|received|recogni[sz]ed|were|was|has\s+been|have\s+been|is|are|will)(?!\w)"
)


def _first_clause(predicate: str) -> str:
    """A predicate up to its first comma or semicolon after its verb: "đã đạt 03 sao từ năm 2018, hiện có
    khả năng nâng hạng lên 05 sao" gives its star, not the later one."""
    m = _rx("clause", r"[,;(]", 0).search(predicate, 2)
    return predicate[: m.start()] if m else predicate


def _cut_predicate(text: str) -> tuple[str, str]:
    # On the lower-cased text (same spans; only the offset is used): _PREDICATE is tried at every
    # space and comma, and re.I compares each of its letters case-folded.
    m = patterns.search_ignorecase("predicate", _PREDICATE, text)
    if m is None:
        return text, ""
    return text[: m.start()], text[m.start() :]


# ---------------------------------------------------------------------------------------------
# The page
# ---------------------------------------------------------------------------------------------

_TABLE_HEADS = {
    "tt": "no", "stt": "no", "số tt": "no", "sản phẩm": "name", "tên sản phẩm": "name", "chủ thể": "subject",
    "tên chủ thể": "subject", "chủ thể sản xuất": "subject", "đơn vị": "subject", "địa chỉ": "address",
    "hạng sao": "stars", "xếp hạng": "stars", "số sao": "stars", "kết quả": "stars", "kết quả xếp hạng": "stars",
    "kết quả chấm điểm": "score", "điểm": "score", "số điểm": "score", "phân hạng": "stars",
}


def _flattened_tables(blocks: Sequence[str]) -> Iterable[tuple[int, dict[str, str]]]:
    """Rows of a table written one cell per line: a run of header cells, then rows that each open with
    their number."""
    i = 0
    while i < len(blocks):
        heads: list[str] = []
        j = i
        while j < len(blocks) and len(blocks[j]) < 40 and blocks[j].strip().lower() in _TABLE_HEADS:
            heads.append(_TABLE_HEADS[blocks[j].strip().lower()])
            j += 1
        if len(heads) >= 3 and "name" in heads and heads[0] == "no":
            k = j
            while k + len(heads) <= len(blocks) and blocks[k].strip().isdigit():
                row = dict(zip(heads, (b.strip() for b in blocks[k : k + len(heads)])))
                yield i, row
                k += len(heads)
            i = k
        else:
            i += 1


def _page_star(sentences: Sequence[str], batch: Sequence[tuple[int, str | None]]) -> int | None:
    """The one star value of the batch the page reports, when there is one: from its batch counts
    ("công nhận 10 sản phẩm đạt 3 sao") and its other recognition sentences that are neither running
    totals nor plans."""
    values: set[str] = {s for _, s in batch if s}
    for s in sentences:
        values.update(_recognition_stars(s))
    if len(values) == 1:
        v = values.pop()
        return int(v) if v in ("3", "4", "5") else None
    return None


# Pages repeat sentences (lead and body, captions) and a crawl repeats a site's sentences: what one
# sentence gives is read once.
@lru_cache(maxsize=8192)
def _recognition_stars(s: str) -> frozenset[str]:
    """The star values of one recognition sentence that is neither a running total nor a plan."""
    low = s.lower()
    if "sao" not in low and "star" not in low:
        return frozenset()
    if not _rx("batchcue", _BATCH_HEADER, 0).search(low) or _not_batch(low):
        return frozenset()
    values = set()
    for m in _rx("star1", _STAR1).finditer(low):
        values.add("3+" if m.group("up") else str(_STAR_VALUE[(m.group("d") or m.group("w") or m.group("e")).lower()]))
    if _rx("range", _RANGE, 0).search(low):
        values.add("range")
    return frozenset(values)


def _counted_stars(sentences: Iterable[str]) -> dict[int, set[str]]:
    """{count: star values} of the counted batches the page writes ("8 sản phẩm của 7 chủ thể được xếp
    hạng 3 sao", "2 sản phẩm có tiềm năng đạt 5 sao"): each count with the star phrase after it, up to the
    next count; a count in a running total or a plan ("nâng tổng số lên 11 sản phẩm") is not a batch."""
    out: dict[int, set[str]] = {}
    for s in sentences:
        for value, star in _counted_in(s):
            out.setdefault(value, set()).add(star)
    return out


@lru_cache(maxsize=8192)
def _counted_in(s: str) -> tuple[tuple[int, str], ...]:
    out: list[tuple[int, str]] = []
    low = s.lower()
    if "sao" in low or "star" in low:
        found = [n for n in _nouns(low, 0, len(low)) if n[2] is not None]
        prev_end = 0
        for i, (n_start, n_end, value) in enumerate(found):
            end = found[i + 1][0] if i + 1 < len(found) else len(low)
            window = low[n_end:end]
            first_star = _rx("star1", _STAR1).search(window)
            cut = _rx("wincut", r"[,;.]", 0).search(window, first_star.end() if first_star else 0)
            window = window[: cut.start()] if cut else window
            before = low[prev_end:n_start]
            prev_end = n_end
            stars, status = star_info(window)
            if value is None or (stars is None and status is None):
                continue
            if status is None and (_not_batch(before[-60:] + " " + window)):
                continue
            if stars == 5 and status is None and _rx("proposed", _PROPOSED, 0).search(before[-80:]):
                status = "proposed_5_star"  # "Trình Hội đồng ... xem xét công nhận 2 sản phẩm OCOP 5 sao"
            out.append((value, status or str(stars)))
    return tuple(out)


def _count_value(word: str | None) -> int | None:
    if not word:
        return None
    w = word.lower()
    return int(w) if w.isdigit() else _NUM_WORDS.get(w)


_LEAD_MARK = r"^\s*(?:cụ\s+thể\s*,?\s*)?(?:bao\s+gồm|gồm(?:\s+có)?|these\s+include|they\s+comprise|they\s+include|including|namely)\s*:?\s*"
# The first letters of _LEAD_MARK's words in any case, and the two letters re.I also takes for "i".
_LEAD_FIRST = frozenset("cbgtinCBGTIN\u0130\u0131")


def _lists_of(sentence: str, prev: str | None) -> tuple[tuple[str, str, str, int | None, str | None], ...]:
    """_lists_in, read once per sentence (and per previous sentence only when it is the header)."""
    # _LEAD_MARK (re.I, anchored) opens, after spaces, with one of _LEAD_FIRST: most sentences are
    # ruled out by their first letter before the case-insensitive pattern is tried.
    leads = prev is not None and sentence.lstrip()[:1] in _LEAD_FIRST and _rx("leadmark", _LEAD_MARK).match(sentence)
    return _lists_cached(sentence, prev if leads else None)


@lru_cache(maxsize=8192)
def _lists_cached(sentence: str, prev: str | None) -> tuple[tuple[str, str, str, int | None, str | None], ...]:
    return tuple(_lists_in(sentence, prev))


def _lists_in(sentence: str, prev: str | None) -> list[tuple[str, str, str, int | None, str | None]]:
    """(header, list text, predicate, count, subject) of every product list in a sentence. A sentence
    opening with its mark ("Bao gồm: ...", "These include ...") takes the previous one as header."""
    out: list[tuple[str, str, str, int | None, str | None]] = []
    low = sentence.lower()
    if len(low) != len(sentence):  # a letter whose lower case is longer: keep offsets exact
        low = sentence
    floor = 0
    heads: list[tuple[int, int, str, int | None, str | None]] = []  # (start, list start, header, count, subj)
    lead = _rx("leadmark", _LEAD_MARK).match(sentence)
    if lead and prev:
        prev_nouns = _nouns(prev.lower(), 0, len(prev))
        heads.append((0, lead.end(), prev, prev_nouns[-1][2] if prev_nouns else None, None))
        floor = lead.end()
    for mk in _rx("mark_low", _MARK_LOW, 0).finditer(low, floor):
        if heads and mk.start() < heads[-1][1]:
            continue
        word = mk.group().strip(" :")
        found = _header_before(low, mk.start(), heads[-1][1] if heads else 0)
        if found is None:
            # English "Ten have received four-star rating, namely ..." names no product noun.
            if word in ("namely", "including") and star_info(sentence[max(0, mk.start() - 80) : mk.start()])[0]:
                start = max(0, mk.start() - 100, heads[-1][1] if heads else 0)
                heads.append((start, mk.end(), sentence[start : mk.end()], None, None))
            continue
        start, noun_end, count = found
        if sentence.count("(", start, mk.start()) > sentence.count(")", start, mk.start()):
            continue  # "(địa chỉ: thị trấn Lim)": a mark inside parentheses opens no list of the noun before
        header = sentence[start : mk.end()]  # with its mark: "như" makes a list of examples
        # English puts the star before the noun: "there were 3-star OCOP products, namely ...".
        en = _rx("enstar", r"(?:[345]|three|four|five)[\s-]*stars?\s+(?:ocop\s+)?$").search(sentence[max(0, start - 30) : start])
        if en:
            header = en.group() + header
        if _rx("notprod", _NOT_PRODUCTS).search(sentence[noun_end : mk.start()]) or _rx("unitsbefore", _UNITS_BEFORE).search(
            sentence[max(0, start - 40) : start]
        ):
            continue
        subj = _subject_has(sentence, start, heads[-1][1] if heads else 0)
        hlow = low[start : mk.start()]
        if subj is None and (" của " in hlow or " do " in hlow or " by " in hlow or " of " in hlow):
            om = _rx("hdrof", _OF + r"(?P<s>" + _SUBJECT_START + r".*)$", 0).search(header)
            if om and _rx("hdrsubj", r"^" + _SUBJECT_START).match(om.group("s")):
                subj = _subject_of(om.group("s"))[0]
        heads.append((start, mk.end(), header, count, subj))
    # "Công ty TNHH Nấm Phùng Gia với sản phẩm nấm đùi gà Phùng Gia": a subject, then its product.
    for wm in _rx("withprod", r"v(?<!\w.)ới\s+(?:các\s+)?(?:sản\s+phẩm|products?)\s+", 0).finditer(low):
        subj = _subject_has(sentence, wm.start() + 3, 0)  # up to "với"
        # "thành phố Cao Lãnh với sản phẩm túi giấy lá sen Ecolotus của Công ty X": the subject follows.
        names_own = subj is None and _rx("of_subj", _OF + _SUBJECT_START).search(sentence[wm.end() : wm.end() + 120])
        if (subj or names_own) and not any(a <= wm.start() < b for a, b, *_ in heads):
            # The words before "với" may give the star ("... 5 sao đối với sản phẩm X").
            heads.append((wm.start(), wm.end(), sentence[max(0, wm.start() - 60) : wm.end()], None, subj))
    # "Công ty X có 7 sản phẩm Tacumin, ...", "cho 02 sản phẩm Trà Cà gai leo của HTX ...": a counted
    # noun (or one after "đối với", "cho", "là") right before a capitalised name, with no mark.
    for start, end, count in _nouns(low, 0, len(low)):
        after = sentence[end:]
        name_start = after.lstrip()
        if count is not None and name_start[:1] == "(" and low[end - 4 : end] == "phẩm":
            # "1 sản phẩm (gạo Séng Cù của HTX Tiên Phong) đạt 4 sao; 9 sản phẩm (tương ớt, ...) đạt 3 sao"
            if not any(a <= start < b for a, b, *_ in heads):
                lstart = end + len(after) - len(name_start) + 1
                heads.append((start, lstart, sentence[start:lstart], count, None))
            continue
        if not after[:1].isspace() or name_start[:4] == "OCOP" or not name_start.lstrip("“\"‘")[:1].isupper():
            continue
        if count is None and not _rx("forprod", r"(?:đối\s+với|cho|là)\s+(?:các\s+)?$", 0).search(low, max(0, start - 16), start):
            continue
        if any(a <= start < b for a, b, *_ in heads) or any(abs(end - b) < 3 for _, b, *_ in heads):
            continue
        lstart = end + len(after) - len(name_start)
        heads.append((start, lstart, sentence[max(0, start - 60) : lstart], count, _subject_has(sentence, start, 0)))
    heads.sort()
    for n, (start, lstart, header, count, subj) in enumerate(heads):
        end = heads[n + 1][0] if n + 1 < len(heads) else len(sentence)
        body = sentence[lstart:end]
        # The next header is often joined by "và" / ";" / ",": not part of the last item.
        body = _rx("joiner", r"(?:[,;]?\s*(?:và|còn|and)?\s*)$", 0).sub("", body)
        body = _rx("they_are", r"^\s*(?:they|these|it)\s+(?:are|is|include)\s+").sub("", body)  # "namely They are ..."
        listed, predicate = _cut_predicate(body)
        out.append((header, listed, predicate, count, subj))
    return out


@lru_cache(maxsize=8192)
def _subject_sentence(sentence: str) -> tuple[str, str] | None:
    """Prose naming products without a header: "Sản phẩm X của Y đạt 4 sao", "X và Y của Công ty Z,
    phường W đạt 3 sao": (list text, predicate)."""
    sentence = _rx("adverbial", r"^\s*(?:trong\s+đó|cụ\s+thể|đặc\s+biệt|ngoài\s+ra|theo\s+đó|bên\s+cạnh\s+đó|riêng|"
                   r"đáng\s+chú\s+ý|in\s+particular|meanwhile|besides)\s*,\s*").sub("", sentence)
    # The predicate is a part of the sentence: without a word star_info reads, it gives no star.
    low = sentence.lower()
    if not any(w in low for w in _STAR_INFO_WORDS):
        return None
    listed, predicate = _cut_predicate(sentence)
    if not predicate or star_info(predicate) == (None, None):
        return None
    if _rx("sp_start", r"^\s*(?:sản\s+phẩm)\s+[“\"]?\w").match(listed):
        return listed, predicate
    if _rx("of_subj", _OF + _SUBJECT_START).search(listed) and (listed[:1].isupper() or listed[:4].lower() == "the "):
        return listed, predicate
    return None


def _profiled_subject(title: str | None, body: Sequence[str]) -> str | None:
    """The producer a profile page is about: the title opens with a subject ("HTX Giỏ mây tre đan Nghĩa
    Đức nâng tầm ...", "Công ty TNHH X: ...") whose whole name the body repeats ("... tại HTX Giỏ mây tre
    đan Nghĩa Đức luôn tấp nập"). The name is the longest run of the title's first words that the body
    writes too, ending at a word boundary; a title that opens otherwise profiles nobody."""
    if not title or not _rx("subjstart", r"^(?:" + NPL.SUBJECT_KW + r")\b").match(title):
        return None
    words = _rx("titlecut", r"\s*[:|–—]\s*|\s+-\s+", 0).split(title, 1)[0].split()
    text = " ".join(body)
    for n in range(min(len(words), 16), 2, -1):
        name = " ".join(words[:n]).strip(" ,.;")
        if _word_at(text, name) >= 0:
            return _subject_of(name)[0]
    return None


# What a sentence naming a product holds: a product word, a subject, a star or a list mark (substring
# tests: cheaper than one alternation of them, which re cannot skip ahead for).
_NP_GATE = ("sản phẩm", "product", " của ", " by ", "sao", ":", "star", "namely", "includ")


def page_products(
    paragraphs: Sequence[Sequence[str]], batch: Sequence[tuple[int, str | None]] = (), title: str | None = None,
    lowered: Mapping[str, str] | None = None,
) -> list[dict]:
    """Products of a page, from its paragraphs split into sentences (`paragraphs[i]` is the list of
    sentences of body block i), the batch counts the page reports ((value, stars) pairs) and its title
    (which often states the batch: "Huyện X có thêm 7 sản phẩm OCOP 3 sao"), for the stars of a list
    whose header gives none. `lowered` maps sentences to their lower() when the caller has them."""
    lowered = lowered or {}
    flat = [s for para in paragraphs for s in para]
    heads = [title, *flat] if title else flat
    if title and (not flat or title != flat[0]):
        # A title often names the product itself ("X của Công ty Y tiếp tục được xếp hạng 4 sao").
        paragraphs = [[title], *paragraphs]
    # The page's batch stars, read only when a list gives none of its own (most pages need neither).
    batch_info: list[tuple[int | None, dict[int, set[str]]]] = []

    def page_batch() -> tuple[int | None, dict[int, set[str]]]:
        if not batch_info:
            by_count = _counted_stars(heads)
            for value, star in batch:
                if star in ("3", "4", "5"):
                    by_count.setdefault(value, set()).add(star)
            batch_info.append((_page_star(heads, batch), by_count))
        return batch_info[0]

    out: list[dict] = []
    n_blocks = len(paragraphs)
    line_head: tuple[str, int | None] | None = None  # a header line ending with ":" over item lines
    prev: str | None = None  # the sentence before, across blocks: "Bao gồm: ..." may open the next block
    for bi, para in enumerate(paragraphs):
        prev_rated = False
        if line_head is not None and para:
            # One item line (or a group of names with one subject) per block, under the header line.
            block = " ".join(para)
            first = _split_outside_parens(_rx("of", _OF, 0).split(block, 1)[0], ",;")[0]
            if "|" not in block and len(block) < 400 and plausible_name(_clean_name(first)) and parse_list(block, None):
                para = [block]
            else:
                line_head = None
        for si, sent in enumerate(para):
            low = lowered.get(sent)
            if low is None:
                low = sent.lower()
            if not any(w in low for w in _NP_GATE):
                prev = sent
                continue
            is_open = (
                si == len(para) - 1 and bi >= n_blocks - 3 and len(sent) > 60
                and not sent.rstrip().endswith((".", "!", "?", "…", "\"", "”", ")", ":", "|"))
            )
            if line_head is not None:
                found = [(line_head[0], sent, "", line_head[1], None)]
            else:
                found = list(_lists_of(sent, prev))
                # A header line over item lines names a counted or recognised batch of products, not
                # criteria ("Sản phẩm 3 sao phải đáp ứng các tiêu chí sau:").
                if si == len(para) - 1 and sent.rstrip().endswith(":") and len(sent) < 300 and (
                    _rx("pword", _PRODUCT_WORD).search(sent) or star_info(sent) != (None, None)
                ) and (_rx("batchcue", _BATCH_HEADER, 0).search(low) or _nouns(low, 0, len(low)) and any(
                    c for _, _, c in _nouns(low, 0, len(low)))) and not _rx("notprod", _NOT_PRODUCTS).search(sent):
                    head_nouns = _nouns(low, 0, len(low))
                    line_head = (sent, head_nouns[-1][2] if head_nouns else None)
                    found = []
                elif found and ";" in sent:
                    # "Trong đó, sản phẩm X được nâng cấp lên 4 sao; 7 sản phẩm đạt 3 sao gồm: ...": a
                    # clause with no list of its own may still name a product in prose.
                    clauses = []
                    for clause in sent.split(";"):
                        prose = None if _rx("mark_low", _MARK_LOW, 0).search(clause.lower()) else _subject_sentence(clause)
                        if prose:
                            clauses.append(("", prose[0], prose[1], None, None))
                    found = clauses + found  # in reading order: such a clause comes before the list
            if not found:
                prose = _subject_sentence(sent)
                if prose:
                    found = [("", prose[0], prose[1], None, None)]
                elif prev_rated and is_open and _rx("of_subj", _OF + _SUBJECT_START).search(sent):
                    # A cut-off sentence continuing a rated enumeration: names whole, subject and star cut.
                    found = [("", sent, "", None, None)]
            made_rated = False
            for header, listed, predicate, count, hsubj in found:
                if not listed.strip():
                    continue
                items = parse_list(listed, count)
                if not items:
                    continue
                hstars, hstatus = star_info(header)
                pstars, pstatus = star_info(_first_clause(predicate))
                stars, status = (hstars, hstatus) if (hstars or hstatus) else (pstars, pstatus)
                if stars == 5 and _rx("proposed", _PROPOSED, 0).search(low):
                    stars, status = None, "proposed_5_star"  # "trình Hội đồng Trung ương xem xét ... 5 sao"
                if stars is None and status is None:
                    example = _rx("example", _EXAMPLE_MARK).search(header[-16:] + " ") is not None
                    hlow = header.lower()
                    # A counted list, a recognition verb, or a subject's own products ("Công ty X với sản
                    # phẩm Y") on a page whose batch has one star value.
                    recog = bool(count) or bool(hsubj) or bool(_rx("batchcue", _BATCH_HEADER, 0).search(hlow))
                    batch_list = recog and not example and not _not_batch(hlow)
                    page_star, by_count = page_batch() if (count or batch_list) else (None, {})
                    known = by_count.get(count, set()) if count else set()
                    if known and known <= {"potential_5_star", "proposed_5_star"}:
                        # "2 sản phẩm tiềm năng 5 sao ... Hai sản phẩm được đề xuất là:"
                        status = "potential_5_star" if "potential_5_star" in known else "proposed_5_star"
                    elif batch_list:
                        if len(known) == 1:
                            stars = int(next(iter(known)))
                        elif page_star:
                            stars = page_star
                if is_open and items and predicate == "":
                    last = items[-1]
                    tail = listed.rstrip()
                    # Cut inside the last name (no subject, address or parenthesis after it): left out.
                    if last.subject is None and not tail.endswith((")", ",")) and "(" not in tail[-60:]:
                        items.pop()
                    elif last.subject and tail.endswith(last.subject):
                        for it in items:
                            if it.subject == last.subject:
                                it.subject = None
                                it.open = True
                revoked = _rx("revoked", r"thu\s+hồi|revok|withdr[ae]w", 0).search(low) is not None
                for it in items:
                    if it.subject is None and hsubj:
                        it.subject = hsubj
                    if it.stars is None and it.status is None:
                        it.stars, it.status = stars, status
                    if revoked:
                        # A product whose certificate is revoked is no rating result, whatever its stars were.
                        it.status = "revoked"
                    if it.stars is None and it.status is None and not it.open:
                        continue
                    made_rated = made_rated or it.stars is not None
                    out.append(
                        {"name": it.name, "subject": it.subject, "stars": str(it.stars) if it.stars else None,
                         "status": it.status or ("rated" if it.stars else "truncated"), "address": None,
                         "sentence": sent}
                    )
            prev_rated = made_rated or (prev_rated and not found)
            prev = sent
    # "Sản phẩm X của đơn vị đạt 3 sao" on a profile page: the producer is the one its title names.
    back = [p for p in out if p["subject"] is None and p["sentence"]
            and _points_back(p["name"], p["sentence"])]
    if back:
        profiled = _profiled_subject(title, [s for s in flat if s != title])  # the title repeats itself
        for p in back:
            p["subject"] = profiled
    # Tables written one cell per line.
    blocks = [" ".join(p) for p in paragraphs]
    for _i, row in _flattened_tables(blocks):
        name = _clean_name(row.get("name", ""))
        if not plausible_name(name):
            continue
        stars, status = star_info(row.get("stars", "")) if "stars" in row else (None, None)
        if stars is None and row.get("stars", "").strip() in ("3", "4", "5"):
            stars = int(row["stars"].strip())
        if stars is None and status is None:
            score = row.get("score", "").replace(",", ".")
            if _rx("score", r"^\d{2}(?:\.\d+)?$", 0).match(score) and float(score) >= 90:
                status = "potential_5_star"  # 90 points and more: a provincial score awaiting the ministry
            else:
                continue
        subj, addr = _subject_of(row.get("subject", "")) if row.get("subject") else (None, None)
        out.append({"name": name, "subject": row.get("subject") or subj, "stars": str(stars) if stars else None,
                    "status": status or "rated", "address": row.get("address") or addr, "sentence": None})
    return out
