"""Numbers written as words in front of what they count: "bốn sản phẩm của bốn chủ thể", "đạt tiêu
chuẩn ba sao", "hai sản phẩm", "Eight products from seven producers", "rated four stars".

`digits_for_words` rewrites them as digits so that the count patterns of `counts.py`, written
for digits, read them. Only a number word right before a unit (sản phẩm, chủ thể, products,
producers ...) or before "sao"/"star(s)" is rewritten: "năm 2023", "một số", "One Commune One
Product" and "mỗi xã một sản phẩm" stay as they are.
"""

from __future__ import annotations

import re

from ocop_pipeline.news import patterns

_rx = patterns.compiler(__name__)

_VI_UNITS = {
    "một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "lăm": 5, "sáu": 6, "bảy": 7, "bẩy": 7,
    "tám": 8, "chín": 9,
}
_EN = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
}
_VI_DIGIT = r"(?:một|hai|ba|bốn|năm|sáu|bảy|bẩy|tám|chín)"
_VI_NUMBER = (
    r"(?:(?:hai|ba|bốn|năm|sáu|bảy|bẩy|tám|chín)\s+mươi(?:\s+(?:mốt|hai|ba|bốn|tư|lăm|năm|sáu|bảy|bẩy|tám|chín))?"
    r"|mười(?:\s+(?:một|hai|ba|bốn|lăm|năm|sáu|bảy|bẩy|tám|chín))?|" + _VI_DIGIT + ")"
)
_EN_NUMBER = "(?:" + "|".join(sorted(_EN, key=len, reverse=True)) + ")"
# What a counted number stands before.
_VI_UNIT = r"\s+(?:sản\s+phẩm|chủ\s+thể|sao\b)"
_EN_UNIT = (
    r"(?:\s+(?:(?:new|more|additional|other)\s+)?(?:(?:OCOP|local)\s+)?(?:products?|producers?|entities|others|"
    r"cooperatives|businesses)\b|[\s-]+stars?\b)"
)
# Lower-cased, run on the lower-cased sentence (same offsets): without re.I, re skips in C to the
# next character that can start a number word.
_NUMBER = (
    (r"(?<!\w)(?P<vi>" + _VI_NUMBER + r")(?=" + _VI_UNIT + r")|(?<!\w)(?P<en>" + _EN_NUMBER + r")(?=" + _EN_UNIT + r")")
    .lower().replace("(?p<", "(?P<")
)
# Where a counted number word can stand: right before one of these (a unit, a star, or a word
# between the number and its unit). Found with str.find; the word before each is looked up.
_AFTER_VI = (" sản phẩm", " chủ thể", " sao")
_AFTER = _AFTER_VI + (" produc", " entit", " other", " cooperative", " business", "star", " new ", " more ",
                      " additional ", " ocop ", " local ")
_LAST_WORDS = frozenset(_VI_UNITS) | {"mười", "mươi"} | frozenset(_EN)
_WORD_SPAN = 2 + max(map(len, _LAST_WORDS))  # the word, the space or hyphen before it, and a hyphen after


def _has_counted_word(low: str, english: bool) -> bool:
    """Whether a number word stands right before a unit: most sentences have none, and finding
    the units and looking up the word before each is cheaper than a pattern of all number words."""
    for unit in _AFTER if english else _AFTER_VI:
        i = low.find(unit)
        while i > 0:
            # The word before the unit ("bốn sản phẩm") or before its hyphen ("five-star"), looked
            # for only in the last _WORD_SPAN characters: no number word is longer, and an unbounded
            # look back made a long text without spaces cost the square of its length.
            w = max(0, i - _WORD_SPAN)
            j = max(low.rfind(" ", w, i), low.rfind("-", w, i - 1))
            if (j >= 0 or w == 0) and low[j + 1 : i].rstrip("-") in _LAST_WORDS:
                return True
            i = low.find(unit, i + 1)
    return False


# "29/31 sản phẩm": 29 of the 31 (the share of a whole, as in "đạt 29/31 sản phẩm").
_OF = r"(?<![\d/.])(\d{1,4})/\d{1,4}(?=\s+(?:sản\s+phẩm|products?)\b)"
# What every "29/31 sản phẩm" holds, as a pattern opening with a class (re skips to the next digit in C).
_OF_QUICK = r"\d/\d{1,4}\s+(?:sản phẩm|product)"


def _vi_value(words: str) -> int:
    parts = words.lower().split()
    if parts[0] == "mười":
        return 10 + (_VI_UNITS[parts[1]] if len(parts) > 1 else 0)
    if len(parts) >= 2 and parts[1] == "mươi":
        return _VI_UNITS[parts[0]] * 10 + (_VI_UNITS[parts[2]] if len(parts) > 2 else 0)
    return _VI_UNITS[parts[0]]


def digits_for_words(sentence: str, low: str | None = None, *, english: bool = True) -> str:
    """The sentence with counted number words as digits ("bốn sản phẩm" -> "4 sản phẩm"), and "29/31
    sản phẩm" (29 of 31) as "29 sản phẩm"; the same object when there is none. `low` is
    sentence.lower() when the caller has it; `english` False looks only for Vietnamese units."""
    low = sentence.lower() if low is None else low
    if "/" in sentence and _rx("of_quick", _OF_QUICK).search(low) and _rx("of", _OF, re.IGNORECASE).search(sentence):
        sentence = _rx("of", _OF, re.IGNORECASE).sub(r"\1", sentence)
        low = sentence.lower()
    if len(low) != len(sentence) or not _has_counted_word(low, english):
        return sentence
    out: list[str] = []
    pos = 0
    for m in _rx("number", _NUMBER).finditer(low):
        if m.group("vi"):
            word = m.group("vi").lower()
            before = low[max(0, m.start() - 16) : m.start()]
            # "mỗi xã một sản phẩm", "xã, phường một sản phẩm": the programme's name; a lone "một"
            # counts only when a star level follows ("một sản phẩm ... đạt bốn sao").
            if word == "một" and (
                "xã" in before or "phường" in before or "mỗi" in before
                or not re.match(r"[^,;.]{0,60}\bsao\b", low[m.end() :])
            ):
                continue
            value = _vi_value(m.group("vi"))
        else:
            value = _EN[m.group("en").lower()]
        out.append(sentence[pos : m.start()])
        out.append(str(value))
        pos = m.end()
    if not out:
        return sentence
    out.append(sentence[pos:])
    return "".join(out)
