"""Products named line by line: list items and table rows under a header, with their subject and
stars. products.py reads lists and prose with their headers, and uses these for the lines it meets."""

from __future__ import annotations

import re

from ocop_pipeline.news import patterns
from ocop_pipeline.news.counts import _STAR, _potential_before, _star_matches, _stars_of
from ocop_pipeline.news.patterns import folds_like_ignorecase, lower_rx, split_alternatives

_RX = patterns.cache(__name__)
_rx = patterns.compiler(__name__, re.IGNORECASE)


SUBJECT_KW = (
    r"(?:Công\s+ty|Cty|HTX(?:NN)?|Hợp\s+tác\s+xã|Tổ\s+hợp\s+tác|THT|Doanh\s+nghiệp\s+tư\s+nhân|DNTN|"
    r"Hộ\s+(?:kinh\s+doanh|sản\s+xuất|SXKD|KD|gia\s+đình|ông|bà)|Cơ\s+sở|CSSX|"
    r"[A-Z][\w&.\- ]{1,40}\s(?:Co\.?,?\s*Ltd|JSC|Cooperative|Company))"
)
_ADDRESS_START = (
    r",\s*(?=(?:xã|phường|thị\s+trấn|huyện|thị\s+xã|thôn|ấp|bản|tổ|khu|số|đường|tỉnh|TP\.?|"
    r"thành\s+phố|quận|P\.|X\.|commune|district|province)\b)"
)


def subject_and_address(text: str) -> tuple[str, str | None]:
    verb = _rx("subjverb", r"\s+(?:đạt|được|với|là|có|đã|sẽ|vừa|tham\s+gia|achieved|was|were|is)\s")
    v = verb.search(text)
    if v:
        text = text[: v.start()]
    m = _rx("addr", _ADDRESS_START).search(text)
    if not m:
        return text.strip(" ,;-"), None
    return text[: m.start()].strip(" ,;-"), text[m.end() :].strip(" ,;-.") or None


def _star_in(text: str) -> str | None:
    low = text.lower()
    # Lower-cased, the groups read by _stars_of (lower-cased there anyway) and the offsets are the same.
    found = _star_matches(lower_rx("star", _STAR), low) if folds_like_ignorecase(text, low) else None
    for m in _rx("star", _STAR).finditer(text) if found is None else found:
        if _potential_before(text, m.start()):
            continue
        spec, _ = _stars_of(m, "")
        if spec and spec in ("3", "4", "5"):
            return spec
    return None


# A literal piece of each alternative of SUBJECT_KW, lower-cased (the last one ends in Ltd, JSC,
# Cooperative or Company).
_SUBJECT_WORDS = ("công", "cty", "htx", "hợp", "tổ", "tht", "doanh", "dntn", "hộ", "cơ", "cssx", "ltd", "jsc",
                  "cooperative", "company")
_LIST_PREFIX = r"^\s*(?:\d{1,3}\s*[.)/]\s*|[-+•*–]\s*|[a-z]\)\s*)"
_PRODUCT_LINE = (
    _LIST_PREFIX + r"?(?:sản\s+phẩm\s+)?(?P<name>[^|:;]{2,90}?)\s*(?:\s[-–]\s|:|\(|\bcủa\b|\bdo\b|–)\s*"
    r"(?P<subj>" + SUBJECT_KW + r"[^|();]*?)\s*(?:\)|$|;|\s[-–]\s|\.\s*$)"
)
_HEADER_STAR = r"^(?:[-+•*]\s*)?(?:(?:các\s+)?sản\s+phẩm\s+(?:đạt\s+)?|hạng\s+|nhóm\s+)?(?:[345]\s*sao|[345][\s-]star)[^.]{0,40}:?$"


def _subject_gate() -> re.Pattern[str]:
    """For lower-cased text: where SUBJECT_KW could match. Its alternatives as they are, but the
    last ("X Co., Ltd", "X JSC", ...) reduced to its closing word: a literal at the start of every
    alternative lets re skip in C to the next candidate letter."""
    rx = _RX.get("subjgate")
    if rx is None:
        alts = split_alternatives(SUBJECT_KW.removeprefix("(?:").removesuffix(")"))
        assert alts[-1].endswith(r"\s(?:Co\.?,?\s*Ltd|JSC|Cooperative|Company)"), alts[-1]
        rx = _RX["subjgate"] = lower_rx("subjgate", "|".join(alts[:-1] + ["ltd|jsc|cooperative|company"]))
    return rx


def _subject_can_close(block: str, low: str) -> bool:
    """False when _PRODUCT_LINE cannot match `block` (`low` is its lower-cased copy, same offsets).

    The subject opens with SUBJECT_KW and runs over characters other than `|();` to its end: a ")"
    or ";", the end of the line, or " - " before that. A line such as "Tên - HTX X, xã Y (4 sao)"
    has none of these after its subject, and the pattern would otherwise try every name length
    before failing. Checked from the start of every subject phrase; a phrase found only by its
    closing word (Ltd, JSC ...) starts at an unknown place: no check then."""
    for m in _subject_gate().finditer(low):
        if m.group() in ("ltd", "jsc", "cooperative", "company"):
            return True
        stop = _rx("subjstop", r"[|();]", 0).search(block, m.start())
        if stop is None or stop.group() in ");":
            return True
        if _rx("dashend", r"\s[-–]\s", 0).search(block, m.start(), stop.start()):
            return True
    return False


def products_from_lines(blocks: list[str], default_status: str) -> list[dict]:
    """Product lines in list or table form ("Mật hoa dừa - Công ty TNHH X, xã Y" / table rows)."""
    out: list[dict] = []
    header_stars: str | None = None
    for block in blocks:
        # A star header names 3, 4 or 5 stars in digits: without one, skip the re.I pattern.
        if len(block) < 100 and (
            block.endswith(":") or (("3" in block or "4" in block or "5" in block) and _rx("hdrstar", _HEADER_STAR).match(block))
        ):
            header_stars = _star_in(block)
            if header_stars:
                continue
        if "|" in block:
            item = _product_from_row(block)
        else:
            if len(block) > 260:
                continue
            # The subject is what makes a product line; the pattern backtracks through every name
            # length before it fails, so lines naming no kind of subject are skipped first.
            low = block.lower()
            if not any(w in low for w in _SUBJECT_WORDS):
                continue
            # "công" or "cơ" alone is mostly "công nhận", "cơ sở": the subject phrase itself next.
            if folds_like_ignorecase(block, low) and not _subject_can_close(block, low):
                continue
            m = _rx("pline", _PRODUCT_LINE).match(block)
            item = None
            if m:
                name = m.group("name").strip(" -–:\"“”")
                subj, addr = subject_and_address(m.group("subj"))
                if 1 <= len(name.split()) <= 12 and not _rx("nameverb", r"\b(?:là|được|đã|có|tổ chức|tham gia)\b").search(name):
                    item = {"name": name, "subject": subj, "stars": _star_in(block), "address": addr}
        if item is None:
            continue
        if item["stars"] is None and header_stars:
            item["stars"] = header_stars
        if default_status == "candidate":
            item["status"], item["stars"] = "candidate", None
        else:
            item["status"] = "rated" if item["stars"] else "mentioned"
        out.append(item)
    return out


def _product_from_row(row: str) -> dict | None:
    cells = [c.strip() for c in row.split("|")]
    subj_i = next((i for i, c in enumerate(cells) if _rx("subjstart", r"^" + SUBJECT_KW).match(c)), None)
    if subj_i is None:
        return None
    name = None
    for c in reversed(cells[:subj_i]):
        if c and not c.isdigit() and not _rx("star", _STAR).fullmatch(c):
            name = c
            break
    if not name:
        return None
    stars = None
    for c in cells[subj_i + 1 :]:
        if c in ("3", "4", "5"):
            stars = c
            break
        s = _star_in(c)
        if s:
            stars = s
            break
    subj, addr = subject_and_address(cells[subj_i])
    if addr is None:
        for c in cells[subj_i + 1 :]:
            if _rx("addrcell", r"^(?:xã|phường|thị\s+trấn|huyện|thôn|ấp|bản)\b").match(c):
                addr = c
                break
    return {"name": name, "subject": subj, "stars": stars, "address": addr}
