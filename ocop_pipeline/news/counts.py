"""Numbers of products and subjects in a sentence, each classified: batch, running total, target.

Rules the extractor keeps (DOMAIN.md):
- Only numbers written in the text; never a sum. "30 sản phẩm (6 đạt 4 sao, 24 đạt 3 sao)" gives
  total 30; without the 30 the total stays null.
- The batch a page reports and the running totals ("lũy kế", "đến nay", "còn hiệu lực") are kept
  apart; plans and forecasts ("phấn đấu", "mục tiêu", "dự kiến") are targets, not counts.
- "Tiềm năng 5 sao" (a provincial score awaiting national review) is not 5 stars.
- Candidates, registrations, fairs and council meetings still awaiting a decision are not results.

Each number is classified by the cue words between it and the previous number of its sentence
(a small left-to-right state machine), so "công nhận 45 sản phẩm, nâng tổng số lên 320 sản phẩm"
gives a batch of 45 and a cumulative 320. figures.py reads the page's groups of these numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ocop_pipeline.news import patterns
from ocop_pipeline.news.patterns import folds_like_ignorecase, lower_rx, split_alternatives
from ocop_pipeline.text.normalize import clean_text, parse_vn_int

_RX = patterns.cache(__name__)
_rx = patterns.compiler(__name__, re.IGNORECASE)


# "10.322" (Vietnamese) and "13,000" (English) are thousands; "70,9" is a decimal.
_NUM = r"(\d{1,3}(?:[.,]\d{3})+(?!\d)|\d+)"
_EN_NUMS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
}
# A digit or an English number word: "\d{1,3}(?:\.\d{3})+|\d+|two|three|...|twenty", written with its
# first character as one class so that re skips every position that cannot start a number (the
# alternatives keep their order within each first letter, so the same match wins).
_NUMW = (
    r"([\dtfsen](?:(?<=\d)(?:\d{0,2}(?:[.,]\d{3})+(?!\d)|\d*)|(?<=t)(?:wo|hree|en|welve|wenty)|(?<=f)(?:our|ive|ifteen)"
    r"|(?<=s)(?:ix|even)|(?<=e)(?:ight|leven)|(?<=n)ine))"
)
# Any English number word of _NUMW, as a substring (as _NUMW itself finds them).
_EN_NUM_WORDS = "|".join(_EN_NUMS)
# _NUMW's digit branch on its own (the same numbers): for text without English number words.
_NUM_DIGITS = r"(\d(?:\d{0,2}(?:[.,]\d{3})+(?!\d)|\d*))"
_STAR_WORD = {"3": 3, "4": 4, "5": 5, "three": 3, "four": 4, "five": 5, "ba": 3, "bốn": 4, "năm": 5}

_STAR = (
    r"(?P<s1b>[345])\s*sao\s*(?:và|hoặc|,|-|–|đến|tới)\s*(?P<s2b>[345])\s*sao|"
    r"(?:(?:hạng|từ|mức|loại)\s+)?(?P<s1>[345])\s*(?:(?:-|–|đến|tới|và|hoặc|,|/)\s*(?P<s2>[345])\s*)?"
    r"(?:sao|\*+|★+)(?P<up>\s*trở\s+lên)?"
    r"|(?P<eal>(?:at\s+least|no\s+less\s+than)\s+)?(?P<e1>[345]|three|four|five)(?:\s*(?:-|to|and|or)\s*(?P<e2>[345]|four|five))?[\s\-]stars?"
    r"(?P<eup>\s+(?:and|or)\s+(?:above|higher|more))?"
)
_PRODUCT_UNIT = (
    r"(?:(?:sản\s+phẩm|SP)(?!\s+(?:chủ\s+lực\s+)?(?:cấp|của)\s+(?:xã|huyện))"
    r"|(?:(?:new|more|additional)\s+)?(?:star-rated\s+)?(?:OCOP\s+)?products?|others)"
)
_SUBJECT_UNIT = r"(?:chủ\s+thể|tổ\s+chức\s+kinh\s+tế|producers?|entities|business(?:es)?)"
_GAP = r"[^\d,;()\.:|\n]{0,60}?"

# The characters a _STAR match and a unit (_PRODUCT_UNIT, _SUBJECT_UNIT) can start with, as
# look-aheads: the star phrase is tried at every length of the lazy gap before it, and re enters
# each of its branches (they open with a group, not a literal) before failing; the look-ahead fails
# in one comparison. Both cases, so that they hold lower-cased as well as under re.I.
_STAR_FIRST = "(?=[345hHtTmMlLfFaAnN])"
_UNIT_FIRST = "(?=[sSnNoOpPcCtTeEbBmMaA])"
_MENTION = (
    # "6 sản phẩm đạt 4 sao", "150 sản phẩm đạt 3-4 sao", "30 sản phẩm OCOP", "12 four-star products"
    r"(?P<n>" + _NUMW + r")(?:\s*(?:-|–|đến)\s*(?P<n2>" + _NUM + r"))?\s+"
    r"(?:(?:new|more|additional)\s+)?(?:" + _STAR_FIRST + r"(?P<pre_star>" + _STAR.replace("?P<", "?P<p_") + r")(?:-rated)?\s+)?(?:OCOP\s+)?"
    + _UNIT_FIRST + r"(?:(?P<punit>" + _PRODUCT_UNIT + r")|(?P<sunit>" + _SUBJECT_UNIT + r"))"
    r"(?:" + _GAP + _STAR_FIRST + r"(?P<post_star>" + _STAR + r"))?"
)
# "hạng 4 sao: 06 sản phẩm", "4 sao có 6 sản phẩm", "3-star: 10"
_MENTION_REV = r"(?P<rstar>" + _STAR.replace("?P<", "?P<r_") + r")\s*(?::|có|là|gồm|-)\s*(?P<rn>" + _NUM + r")(?!\s*[/%])"

_CUES = {
    "target": r"phấn\s+đấu|mục\s+tiêu|chỉ\s+tiêu|kế\s+hoạch|đề\s+ra|hướng\s+tới|ít\s+nhất|tối\s+thiểu|"
    r"sẽ\s+(?:có|đạt|công\s+nhận|được)|\btargets?\b|\baims?\b|plans?\s+to|\bwill\b|"
    # "at least 150 products" is a target; "products with at least three stars" is a star floor.
    r"at\s+least(?!\s+(?:three|four|five|[345])[\s-]stars?)|\bby\s+20\d\d",
    "forecast": r"dự\s+kiến|ước\s+(?:đạt|tính)|expected|forecast",
    # Taken back: a revocation's figures are neither a batch nor a stock.
    "revoked": r"thu\s+hồi|revok",
    # "tổ chức đánh giá 61 sản phẩm": evaluated, not yet rated (the result follows, or not).
    "candidate": r"tổ\s+chức\s+(?:đánh\s+giá|chấm\s+điểm)|họp\s+(?:đánh\s+giá|chấm\s+điểm)|"
    r"tiến\s+hành\s+(?:đánh\s+giá|chấm\s+điểm)|đề\s+nghị|đề\s+xuất|tham\s+gia\s+(?:đánh\s+giá|xếp\s+hạng|phân\s+hạng|hội\s+chợ|triển\s+lãm|trưng\s+bày|dự\s+thi|chu\s+trình|chương\s+trình)|đăng\s+ký|hồ\s+sơ|có\s+thể|trưng\s+bày|giới\s+thiệu|"
    r"chấm\s+điểm|sơ\s+bộ|dự\s+thi|tiềm\s+năng|lựa\s+chọn\s+\d|tham\s+dự|chờ|bình\s+chọn|"
    r"đang\s+(?:tiếp\s+tục\s+)?(?:đánh\s+giá|xem\s+xét|hoàn\s+thiện|thẩm\s+định)|"
    r"nominated|proposed|candidates?|registered|participat|took\s+part|taking\s+part|requested|recommended|"
    r"displayed|showcased|submitted|under\s+review|potential",
    "cumulative": r"l[ũu]ỹ?\s*kế|luỹ\s+kế|đến\s+nay|tới\s+nay|đến\s+thời\s+điểm|tính\s+đến|tính\s+từ|"
    # "trong tổng số sản phẩm được công nhận, có 3 ...": the parts of the whole just named.
    r"tổng\s+số(?<!trong tổng số)|tổng\s+cộng|"
    r"nâng\s+tổng|nâng\s+(?:số|con\s+số)|còn\s+hiệu\s+lực|hiện\s+nay|hiện\s+tại|từ\s+khi\s+triển\s+khai|từ\s+năm\s+20\d\d\s+đến|"
    r"đến\s+(?:hết|cuối)\s+(?:năm|tháng)|"
    # "lên 320 sản phẩm" is a new total; "từ 3 sao lên 4 sao" is an upgrade.
    r"lên\s+(?=\d)(?!\d\s*(?:sao|\*))|so\s+far|in\s+total|to\s+date|cumulative|a\s+total\s+of|brings?\s+the\s+(?:\w+\s+)?total|bringing\s+the\s+(?:\w+\s+)?total|"
    r"currently|now\b",
    # "Toàn tỉnh có 300 sản phẩm" is a stock, but "Năm 2023, toàn tỉnh có 85 sản phẩm được công nhận"
    # is the year's batch: these yield to a recognition verb in the same clause.
    "weakcum": r"toàn\s+(?:tỉnh|huyện|thị\s+xã|thành\s+phố|quốc)(?:\s+[^\s,.;]+){0,3}?\s+(?:hiện\s+)?(?:đã\s+)?có|hiện\s+(?:đã\s+)?có|"
    r"the\s+province\s+has",
    # A re-rating or a re-issued certificate: results, but not the page's new batch. Before "batch",
    # whose "công nhận" would otherwise match first at the same place.
    # A first rating said in so many words outranks a re-rating named beside it ("tái công nhận và
    # công nhận mới"); read as a batch.
    # So does "từ đầu năm đến nay" (the year's batch so far) over the "đến nay" of a running total.
    "newbatch": r"công\s+nhận\s+mới|lần\s+đầu|first\s+recognition|từ\s+đầu\s+năm(?:\s+(?:đến|tới)\s+nay)?",
    "rerated": r"công\s+nhận\s+lại|cấp\s+lại|cấp\s+đổi|tái\s+công\s+nhận|re-?certified|re-?recogni[sz]ed",
    "batch": r"công\s+nhận|xếp\s+hạng|phân\s+hạng|đạt\s+chuẩn|được\s+cấp|cấp\s+giấy|chứng\s+nhận|\bthêm\b|"
    r"đợt\s+(?:này|\d)|năm\s+nay|kết\s+quả|\bvừa\b|phê\s+duyệt|được\s+đánh\s+giá,?\s+(?:phân|xếp)\s+hạng|qua\s+(?:đánh\s+giá|thẩm\s+định|chấm\s+điểm)|"
    r"recogni[sz]ed|certified|awarded|\brated\b|granted|achieved|received|additional|more\b(?!\s+than)",
}
# Anchored at a word start: the check prunes most positions before the long alternation is tried.
_CUE_RX = r"\b(?:" + "|".join(f"(?P<{k}>{v})" for k, v in _CUES.items()) + ")"
_CUE_PRIORITY = {
    "target": 5, "forecast": 5, "revoked": 5, "candidate": 4, "cumulative": 3, "newbatch": 3.2, "rerated": 2.5, "batch": 2, "weakcum": 1,
}

# A council's result still awaiting the decision that recognises it.
_AWAIT = (
    r"đề\s+nghị\s+(?:ubnd|chủ\s+tịch|cấp\s+(?:tỉnh|huyện|trên)|bộ|hội\s+đồng)|trình\s+(?:ubnd|chủ\s+tịch)|"
    r"chờ\s+(?:quyết\s+định|công\s+nhận|phê\s+duyệt)|sẽ\s+(?:được\s+)?(?:công\s+nhận|cấp)|"
    r"awaiting|pending\s+(?:approval|decision)|will\s+be\s+(?:recogni[sz]ed|submitted)"
)
_CONFIRM = (
    r"quyết\s+định\s+(?:số\s+[^\s]+\s+)?(?:[^.]{0,80})?công\s+nhận|đã\s+(?:ban\s+hành\s+)?(?:quyết\s+định\s+)?công\s+nhận|"
    r"trao\s+(?:giấy\s+)?chứng\s+nhận|cấp\s+giấy\s+chứng\s+nhận|ký\s+quyết\s+định|đã\s+được\s+công\s+nhận|"
    r"decision\s+(?:no\.?\s*)?[^\s]*\s*recogni|were\s+recogni[sz]ed|has\s+recogni[sz]ed|have\s+been\s+recogni[sz]ed"
)




def _stars_of(m: re.Match[str], prefix: str) -> tuple[str | None, bool]:
    """('4' | '3-4' | '3+' | None, potential) for the star group with this prefix."""
    # Every pattern given here holds all eight star groups under this prefix: read the few needed
    # rather than build the dict of all the pattern's groups.
    g = m.group
    s1 = g(prefix + "s1") or g(prefix + "e1") or g(prefix + "s1b")
    if not s1:
        return None, False
    s2 = g(prefix + "s2") or g(prefix + "e2") or g(prefix + "s2b")
    a = _STAR_WORD.get(s1.lower())
    b = _STAR_WORD.get(s2.lower()) if s2 else None
    if g(prefix + "up") or g(prefix + "eup") or g(prefix + "eal"):
        spec = f"{a}+"
    elif b and b != a:
        spec = f"{min(a, b)}-{max(a, b)}"  # type: ignore[type-var]
    else:
        spec = str(a)
    return spec, False


def _num(text: str) -> int | None:
    t = text.lower()
    if t in _EN_NUMS:
        return _EN_NUMS[t]
    return parse_vn_int(text)


@dataclass
class Quantity:
    """One written number of products or subjects, classified."""

    start: int
    end: int
    value: int
    value_max: int | None
    unit: str  # products | subjects
    stars: str | None  # '3', '4', '5', '3-4', '3+', None
    potential: bool
    mode: str  # batch | cumulative | target | forecast | candidate | unknown
    qualifier: str | None



def _cue_dispatch() -> tuple[re.Pattern[str], dict[str, str]]:
    """_CUE_RX regrouped by first letter, for lower-cased text: `\b(?:p(?:hấn...|...)|m(?:ục...)|...)`.

    The cue words are some ninety alternatives tried at every word start; grouped under their first
    letter, re rejects a word after one character comparison per letter instead of trying them all.
    Within a letter the alternatives keep their order (the first that matches still wins), and two
    alternatives with different first letters never match at the same place, so the matches and
    their kinds are those of _CUE_RX. Each alternative is its own group `<kind>_<n>`."""
    rx = _RX.get("cue_dispatch")
    if rx is None:
        by_letter: dict[str, list[str]] = {}
        kinds: dict[str, str] = {}
        for kind, pattern in _CUES.items():
            for n, alt in enumerate(split_alternatives(pattern.lower())):
                alt = alt.removeprefix("\\b")  # the whole pattern starts at a word boundary already
                first = alt[0]
                assert first.isalpha(), alt  # a literal first letter
                kinds[f"{kind}_{n}"] = kind
                by_letter.setdefault(first, []).append(f"(?P<{kind}_{n}>{alt[1:]})")
        body = "|".join(first + "(?:" + "|".join(alts) + ")" for first, alts in by_letter.items())
        rx = _RX["cue_dispatch"] = re.compile(r"\b(?:" + body + ")")
        # The same pattern without its ninety groups finds the same matches at half the cost (re
        # saves and restores group marks at every branch); the grouped one then runs only where a
        # cue starts, to name its kind. It also opens with the letter rather than \b: a pattern
        # opening with \b is tried at every position, one whose branches open with literals lets re
        # skip in C to the next letter that can start a cue. The look-behind after the letter is the
        # \b before it (the letter is a word character; at the start of the text it holds too).
        _RX["cue_plain"] = re.compile(
            "(?:"
            + "|".join(first + r"(?<!\w.)(?:" + re.sub(r"\(\?P<\w+>", "(?:", "|".join(alts)) + ")"
                       for first, alts in by_letter.items())
            + ")"
        )
        _RX["cue_kinds"] = kinds  # type: ignore[assignment]
    return rx, _RX["cue_kinds"]  # type: ignore[return-value]


def cue_list(low: str) -> list[tuple[int, str]]:
    """(position, kind) of every cue word (_CUES) in a lower-cased sentence."""
    rx, kinds = _cue_dispatch()
    out = []
    for c in _RX["cue_plain"].finditer(low):  # type: ignore[union-attr]
        # match() at a position still sees the character before it, for the leading \b.
        out.append((c.start(), kinds[rx.match(low, c.start()).lastgroup]))  # type: ignore[union-attr,index]
    return out


def _mention_digits_rx() -> re.Pattern[str]:
    """_MENTION for text without English number words: the number is _NUMW's digit branch alone."""
    rx = _RX.get("mention_digits")
    if rx is None:
        assert _MENTION.count(_NUMW) == 1
        rx = _RX["mention_digits"] = lower_rx("mention_digits", _MENTION.replace(_NUMW, _NUM_DIGITS))
    return rx


# Where a star phrase (_STAR, lower-cased) can start: its first star digit or
# word, or the word before it. A plain alternation of literals, so re finds the next one in C.
# Each branch a literal (a class would stop re from skipping ahead in C to the next candidate).
_REV_START = r"3|4|5|hạng|từ|mức|loại|three|four|five"


def _star_matches(rx: re.Pattern[str], low: str) -> list[re.Match[str]]:
    """rx.finditer(low) for a lower-cased pattern that opens with _STAR (_STAR itself, or
    _MENTION_REV), tried only where a match can start: _STAR opens with alternatives and optional
    words, so re would otherwise try it at every position."""
    start = lower_rx("rev_start", _REV_START)
    out: list[re.Match[str]] = []
    pos = 0
    while (c := start.search(low, pos)) is not None:
        m = rx.match(low, c.start())
        if m is None:
            pos = c.start() + 1
        else:
            out.append(m)
            pos = m.end()  # finditer resumes after a match (never empty: it ends with a number)
    return out


def _rev_gate_rx() -> re.Pattern[str]:
    """What every _MENTION_REV match holds: the last word of its star phrase, then its separator
    and the first digit of its number."""
    rx = _RX.get("rev_gate")
    if rx is None:
        assert _MENTION_REV.endswith(r"\s*(?::|có|là|gồm|-)\s*(?P<rn>" + _NUM + r")(?!\s*[/%])")
        # Every branch opens with a literal (not a class): re then skips in C to the next candidate.
        rx = _RX["rev_gate"] = lower_rx("rev_gate_", r"(?:sao|\*|★|stars?|lên|above|higher|more)\s*(?::|có|là|gồm|-)\s*\d")
    return rx


_BREAKDOWN = (
    r"trong\s+(?:đó|số\s+(?:đó|này))|bao\s+gồm|\bgồm\b|including|of\s+which|among\s+them"
    r"|\((?=\s*(?:\d|trong|gồm|có\s+\d|including))"
)


def mentions(sentence: str, carry: str | None = None, low: str | None = None) -> list[Quantity]:
    """Numbers of products/subjects in one sentence with their mode (see module docstring). `low`
    is sentence.lower() when the caller has it already."""
    found: list[tuple[int, int, int, int | None, str, str | None, bool]] = []
    taken: list[tuple[int, int]] = []
    if low is None:
        low = sentence.lower()
    if len(low) != len(sentence):  # a letter whose lower case is longer: keep offsets exact
        low = sentence
    # Every reversed mention ("4 sao: 6 sản phẩm") writes its stars: no star word, no scan.
    has_stars = "sao" in low or "*" in low or "★" in low or "star" in low
    # And every one has its star phrase's last word (_STAR ends in one of these) right before the
    # separator and the number: one scan rules out most sentences with stars but no reversed form
    # ("45 sản phẩm đạt 3 sao"), where every 3, 4 and 5 would otherwise be tried as a start.
    if has_stars and _rev_gate_rx().search(low) is None:
        has_stars = False
    for m in _star_matches(lower_rx("mention_rev", _MENTION_REV), low) if has_stars else ():
        if _rx("notyear", r"^\s*(?:năm|tháng|ngày)").match(sentence[m.end() :]):
            continue
        stars, _ = _stars_of(m, "r_")
        pot = _potential_before(sentence, m.start())
        value = _num(m.group("rn"))
        if value is None:
            continue
        found.append((m.start(), m.end(), value, None, "products", stars, pot, None))
        taken.append((m.start("rn"), m.end("rn")))
    # Without an English number word only a digit starts a number: the digit-only pattern lets re
    # skip in C to the next digit instead of trying every "t", "n", "s", "e" and "f".
    has_word = _rx("en_num_word", _EN_NUM_WORDS, 0).search(low) is not None
    mention_rx = lower_rx("mention", _MENTION) if has_word else _mention_digits_rx()
    for m in mention_rx.finditer(low):
        if any(a <= m.start("n") < b for a, b in taken):
            continue
        # "mỗi xã một sản phẩm", "25% sản phẩm", "2021-2025 có": not counts
        before = sentence[max(0, m.start() - 12) : m.start()]
        if before.endswith(("/", "-", ".", ",")) and before[-2:-1].isdigit():
            continue
        if _rx("oneproduct", r"(?:mỗi|một)\s+xã\s*$").search(before):
            continue
        value = _num(m.group("n"))
        if value is None:
            continue
        value_max = _num(m.group("n2")) if m.group("n2") else None
        unit = "products" if m.group("punit") else "subjects"
        stars, pot = None, False
        if m.group("pre_star"):
            stars, _ = _stars_of(m, "p_")
            pot = _potential_before(sentence, m.start("pre_star"))
        elif m.group("post_star"):
            stars, _ = _stars_of(m, "")
            pot = _potential_before(sentence, m.start("post_star"))
        # "4 sản phẩm đạt 2 sao", "57 sản phẩm từ 2 - 4 sao": below OCOP (3 stars), not a count of it.
        if _rx("below_ocop", r"\s*(?:OCOP\s+)?(?:(?:đạt|từ|hạng)\s+)+[12]\s*(?:sao|[-–]|đến)").match(
            sentence, m.end("punit") if m.group("punit") else m.end()
        ):
            continue
        if stars is None and unit == "products" and "điểm" in low:
            stars, pot = _stars_by_score(sentence, m.end())
        substar = None
        if unit == "subjects":
            # "26 sản phẩm của 7 chủ thể đạt 4 sao": the stars follow the subjects, and belong to the products.
            substar, stars = (stars, pot), None
        found.append((m.start(), m.end(), value, value_max, unit, stars, pot, substar))
    if found and (" are rated" in low or " were rated" in low):
        # "4 products are rated 5 stars, 242 are rated 4 stars and 649 are rated 3 stars": the
        # parts after the first leave out the noun.
        for m in _rx("en_parts", _EN_PARTS).finditer(low):
            if not any(a <= m.start() < b for a, b, *_ in found):
                found.append((m.start(), m.end(), _num(m.group("n")) or 0, None, "products", _stars_of(m, "")[0], False, None))
    found.sort()

    if not found:
        return []
    found = _attach_stars(sentence, low, found)
    cues = cue_list(low)
    # `;|\bnăm\s+20\d\d|\bin\s+20\d\d` under re.I on the sentence, or the same lower-cased on the
    # lower-cased copy when that finds the same spans (folds_like_ignorecase), written with its
    # literals first (the look-behind after a letter is the \b before it): re then skips in C to
    # the next ";", "n" or "i" instead of trying the pattern at every position.
    # The year must open a clause: "năm 2021" after a noun ("sản phẩm OCOP năm 2021 của 88 chủ thể")
    # qualifies that noun and starts nothing.
    # Where a breakdown opens ("..., trong đó 12 sản phẩm đạt 4 sao"): the cues before it belong to
    # the whole, which the parts inherit. Searched like the fresh starts (only its end is used).
    if low is not sentence and folds_like_ignorecase(sentence, low):
        fresh_rx, fresh_text = _rx("fresh_low", r";|[,:(]\s*(?:trong\s+)?(?:năm|in)\s+20\d\d", 0), low
        brk_rx, brk_text = lower_rx("breakdown", _BREAKDOWN), low
    else:
        fresh_rx, fresh_text = _rx("fresh", r";|[,:(]\s*(?:trong\s+)?(?:năm|in)\s+20\d\d", re.IGNORECASE), sentence
        brk_rx, brk_text = _rx("breakdown", _BREAKDOWN, re.IGNORECASE), sentence
    out: list[Quantity] = []
    prev_end = 0
    mode = carry or "unknown"
    set_here = False
    # Looked up once for the sentence; the participants' pattern only where its words are.
    of_subjects_rx = _rx("of_subjects", r"^\s*(?:của|from|of|do)\s*$")
    clause_rx, and_rx = _rx("clause_end", r"[;,]"), _rx("and_clause", r"\s(?:và|and)\s")
    part_rx = _rx("participants", _PARTICIPANTS) if ("tham" in low or "participat" in low) else None
    for i, (start, end, value, value_max, unit, stars, pot, _sub) in enumerate(found):
        # A mention's own words end where the next mention starts, past the subjects of the same
        # products ("8 sản phẩm của 7 chủ thể được công nhận": the verb is the products' too).
        j = i + 1
        if (
            j < len(found) and unit == "products" and found[j][4] == "subjects"
            and of_subjects_rx.match(sentence[end : found[j][0]])
        ):
            j += 1
        next_start = found[j][0] if j < len(found) else len(sentence)
        # A stronger cue earlier in the clause still governs ("Đến nay, đã công nhận 320"), but a new
        # clause or a new year starts afresh ("...còn hiệu lực; năm 2024 công nhận thêm 45").
        fresh_at = None
        for fm in fresh_rx.finditer(fresh_text, prev_end, start):
            fresh_at = fm.start()
        lo = prev_end if fresh_at is None or not out else fresh_at
        brk_at = None
        if out:
            for bm in brk_rx.finditer(brk_text, lo, start):
                brk_at = bm.end()
        if brk_at is not None:
            lo = brk_at
        window = [k for pos, k in cues if lo <= pos < start]
        if brk_at is not None and not window and mode == "candidate":
            # "22 sản phẩm tham gia, trong đó 19 sản phẩm được công nhận": the part's own verb, after it.
            own = [k for pos, k in cues if start <= pos < next_start]
            # A star level is an outcome too ("569 sản phẩm tham gia, trong đó 336 sản phẩm đạt 3-5 sao").
            if "batch" in own or "newbatch" in own or (stars and not pot):
                mode = "batch"
        if window:
            best = max(window, key=lambda k: _CUE_PRIORITY[k or ""]) or "unknown"
            if not (set_here and fresh_at is None and best == "batch" and _CUE_PRIORITY.get(mode, 0) > 2):
                mode = best
            set_here = True
        elif fresh_at is not None and out and sentence[fresh_at] != ";":
            mode = "unknown"  # "..., năm 2024 có 40 sản phẩm được công nhận": the verb comes after
        stop = clause_rx.search(sentence, end)
        limit = min(stop.start() if stop else len(sentence), next_start)
        after = [k for pos, k in cues if start <= pos < limit]
        # "phê duyệt 62 sản phẩm của 31 chủ thể tham gia Chương trình", "toàn tỉnh có 207 sản phẩm
        # tham gia dự thi": the words right after the number say what the products are (up to
        # the next clause: "... được xếp hạng và tiếp tục lựa chọn sản phẩm tham gia").
        own_end = min(limit, end + 60)
        joined = and_rx.search(sentence, end, own_end)
        own_end = joined.start() if joined else own_end
        own = [k for pos, k in cues if start <= pos < own_end]
        if mode in ("batch", "weakcum", "cumulative", "unknown") and (
            "candidate" in own or "revoked" in own or (part_rx is not None and part_rx.match(sentence, end))
        ):
            mode = "revoked" if "revoked" in own else "candidate"
        if mode in ("unknown", "weakcum"):
            # "12 sản phẩm của 8 chủ thể được công nhận đạt 3 sao": the verb follows the number.
            if "batch" in after or (mode == "unknown" and after):
                mode = max(after, key=lambda k: _CUE_PRIORITY[k or ""]) or mode
                if mode == "weakcum" and "batch" in after:
                    mode = "batch"
            elif mode == "weakcum" and any(k == "batch" for pos, k in cues if pos < start):
                mode = "batch"
        if mode == "weakcum":
            mode = "cumulative"
        elif mode == "newbatch":
            mode = "batch"
        qual = None
        lead = sentence[max(prev_end, start - 14) : start]
        # Every qualifier ends in t, u, g, n, r or y (any case) before the spaces: most numbers have
        # none of these right before them, and the pattern (re.I, anchored at the end) is skipped.
        q = None
        if lead.rstrip()[-1:] in _QUAL_LAST:
            q = _rx("qual", _QUAL).search(lead)
        if q:
            qual = clean_text(q.group(1)).lower()
        out.append(Quantity(start, end, value, value_max, unit, stars, pot, mode, qual))
        prev_end = end
    return out


_QUAL = r"(ít\s+nhất|tối\s+thiểu|khoảng|trên|hơn|gần|at\s+least|about|over|more\s+than|nearly)\s*$"
_QUAL_LAST = frozenset("tugnryTUGNRY")
assert {w[-1] for w in split_alternatives(_QUAL[1 : _QUAL.index(")")])} <= _QUAL_LAST


# "32 sản phẩm đạt từ 50 điểm trở lên", "2 sản phẩm đạt trên 90 điểm": a score says the stars.
_SCORE = (
    r"[^\d,;.()]{0,40}?\bđạt\s+(?:điểm\s+(?:trung\s+bình\s+)?)?(?P<rel>trên|từ|hơn)?\s*(?P<pts>\d{2,3})"
    r"(?:[,.]\d+)?\s*điểm(?P<up>\s*trở\s+lên)?"
)


def _stars_by_score(sentence: str, pos: int) -> tuple[str | None, bool]:
    """(stars, potential) from a score written after a count (DOMAIN.md: 5 stars 90-100, 4 stars
    70-<90, 3 stars 50-<70); a provincial 90 is only a potential 5 stars."""
    m = _rx("score", _SCORE).match(sentence, pos)
    if m is None:
        return None, False
    pts = int(m.group("pts"))
    floor = bool(m.group("rel") or m.group("up"))
    if pts >= 90:
        return "5", True
    level = 4 if pts >= 70 else 3 if pts >= 50 else 0
    if not level:
        return None, False
    # "trên 70 điểm" is 4 stars below the national level (5 stars is the ministry's); "từ 50 điểm
    # trở lên" may be 3 or 4.
    return (f"{level}+" if floor and level == 3 else str(level)), False


# "71 sản phẩm tham gia từ 29 xã", "30 products of 24 units participating": entries, not results.
_PARTICIPANTS = r"\s*(?:OCOP\s+)?(?:đã\s+|đăng\s+ký\s+)?tham\s+gia\b|\s*(?:OCOP\s+)?participat"
_EN_PARTS = r"(?<![\d,.])(?P<n>" + _NUM + r")\s+(?:are|were)\s+rated\s+(?:as\s+)?(?:" + _STAR + r")"
_UPGRADE = (
    r"[^;]{0,60}?(?:nâng\s+(?:cấp|hạng)|thăng\s+hạng|upgraded)[^;]{0,20}?(?:(?:từ|from)\s+[345]\s*(?:sao|stars?)\s+)?"
    r"(?:lên|to)\s+(?P<to>[345]|three|four|five)[\s-]*(?:sao|stars?)"
)
_Found = tuple  # (start, end, value, value_max, unit, stars, potential, (subject's stars, potential) | None)


def _attach_stars(sentence: str, low: str, found: list[_Found]) -> list[_Found]:
    """Stars written away from their number: "26 sản phẩm của 7 chủ thể đạt 4 sao" (after the
    subjects), and a sentence with one star level for its first count of products (the only one,
    or a whole whose parts name none), before or after it
    ("8 sản phẩm của 7 chủ thể được UBND huyện (tỉnh X) đánh giá ... đạt tiêu chuẩn OCOP 3 sao",
    "công nhận sản phẩm OCOP 5 sao cho 5 sản phẩm")."""
    out = list(found)
    for i in range(len(out) - 1):
        f, nxt = out[i], out[i + 1]
        if (
            f[4] == "products" and f[5] is None and nxt[4] == "subjects" and nxt[7] and nxt[7][0]
            and _rx("of_subjects", r"^\s*(?:của|from|of|do)\s*$").match(sentence[f[1] : nxt[0]])
        ):
            out[i] = (*f[:5], nxt[7][0], nxt[7][1], None)
    for i, f in enumerate(out):
        # "1 sản phẩm (na Chi Lăng) nâng cấp từ 3 sao lên 4 sao": the stars it has now.
        if f[4] == "products" and f[5] is None:
            stop = out[i + 1][0] if i + 1 < len(out) else len(sentence)
            up = _rx("upgrade", _UPGRADE).match(sentence, f[1], stop)
            if up:
                out[i] = (*f[:5], _STAR_WORD.get(up.group("to").lower(), 0) and str(_STAR_WORD[up.group("to").lower()]), False, None)
    products = [i for i, f in enumerate(out) if f[4] == "products"]
    # One count of products, or a whole whose parts name no stars either ("Có 10 sản phẩm tái công
    # nhận và công nhận mới; trong đó 04 ...; 06 ... đạt OCOP 4 sao"): the one level is the whole's.
    if not products or any(out[j][5] is not None for j in products):
        return out
    i = products[0]
    if "sao" not in low and "star" not in low and "*" not in low and "★" not in low:
        return out
    if folds_like_ignorecase(sentence, low):
        stars_found = _star_matches(lower_rx("star", _STAR), low)
    else:
        stars_found = list(_rx("star", _STAR).finditer(sentence))
    specs = set()
    for m in stars_found:
        if _potential_before(sentence, m.start()):
            return out  # "... tiềm năng 5 sao": not the count's stars
        specs.add(_stars_of(m, "")[0])
    # One level only: "nâng hạng từ 3 sao lên 4 sao" names two and says which of neither.
    if len(specs) == 1:
        out[i] = (*out[i][:5], specs.pop(), False, None)
    return out


def _potential_before(sentence: str, pos: int) -> bool:
    window = sentence[max(0, pos - 25) : pos]
    # Most windows hold neither word: skip the re.I search (which also reads "ı"/"İ" as "i").
    low = window.lower()
    if "năng" not in low and "potential" not in low and "ı" not in window and "İ" not in window:
        return False
    return bool(_rx("potential", r"(?:tiềm\s+năng|potential(?:ly)?)\s*(?:đạt\s+)?$").search(window))
