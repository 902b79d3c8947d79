"""Star ratings as official lists write them: '4 sao', '4*', '(****)', '★★★★', 'Hạng 4 sao', '04', 4.0,
'★★★★☆' (4 of 5), '4sao', 'Bốn sao', 'Đạt 4 sao', '3 sao (đề xuất 4 sao)' (3: a proposal is no
rating), 'Nâng hạng từ 3 sao lên 4 sao' (4: the rating it was raised to).

A rating is 3, 4 or 5 stars (DOMAIN.md): anything else is not an OCOP product and the row is rejected
with a reason. 'Tiềm năng 5 sao' (potential 5 stars) is a provincial score awaiting national review,
not a rating, so it is rejected too rather than read as 5.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ocop_pipeline.text.folding import fold_key, strip_accents

POTENTIAL_5_STAR = "potential 5-star is not a rating"
PROPOSED_NOT_RATING = "a proposed rating ('đề xuất ... sao') is not a rating"

_GLYPHS = "★☆⭐✩✪✫✬✭✮✯✰*"
_EMPTY_GLYPHS = "☆✩"  # the unearned stars of '★★★★☆' (4 of 5)
_GLYPH_ONLY = re.compile(r"^[\s()\[\]" + re.escape(_GLYPHS) + r"]+$")
_NUMBER = re.compile(r"(\d+)(?:[.,]0+)?(?!\d)")
_WORDS = {"mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5}
_WORD_STARS = re.compile(r"\b(mot|hai|ba|bon|tu|nam)\s+sao\b")
_POTENTIAL = re.compile(r"ti[eềệ]m\s*n[aă]ng", re.IGNORECASE)
# '(đề xuất 4 sao)', 'đề nghị 5 sao': a proposal written beside the rating, dropped before reading it.
_PROPOSAL = re.compile(r"[(\[,;-]?\s*(?:de xuat|de nghi|du kien)\b[^)\]]*[)\]]?")
# 'Nâng hạng từ 3 sao lên 4 sao', 'nâng lên 5 sao': the rating after 'lên' is the one now held.
_RAISED_TO = re.compile(r"\blen\s+(?:hang\s+)?(\d|mot|hai|ba|bon|tu|nam)\b")


@lru_cache(maxsize=4096)
def _parse_text(text: str) -> tuple[int | None, str | None]:
    key = fold_key(text)
    if "tiem nang" in key:
        # '4 sao (tiềm năng 5 sao)': the rating before the potential still counts.
        before = _POTENTIAL.split(text, maxsplit=1)[0].strip(" ,;-–(")
        if before and "tiem nang" not in fold_key(before):
            stars, _ = _parse_text(before)
            if stars:
                return stars, None
        return None, POTENTIAL_5_STAR
    if "de xuat" in key or "de nghi" in key or "du kien" in key:
        before = _PROPOSAL.sub(" ", key).strip()
        if before and before != key:
            stars, _ = _parse_text(before)
            if stars:
                return stars, None
        if not before:
            return None, PROPOSED_NOT_RATING
    raised = _RAISED_TO.search(key) if "len" in key else None
    if raised:
        value = raised.group(1)
        return _checked(int(value) if value.isdigit() else _WORDS[value], text)
    if _GLYPH_ONLY.match(text):
        filled = sum(text.count(g) for g in _GLYPHS if g not in _EMPTY_GLYPHS)
        # White stars beside black ones are the unearned ones; alone ('☆☆☆☆') they are the rating,
        # as some fonts draw every star white.
        return _checked(filled or sum(text.count(g) for g in _EMPTY_GLYPHS), text)
    match = _NUMBER.search(text)
    if match:
        return _checked(int(match.group(1)), text)
    word = _WORD_STARS.search(key)
    if word:
        return _checked(_WORDS[word.group(1)], text)
    count = sum(text.count(g) for g in _GLYPHS)
    if count:
        return _checked(count, text)
    return None, f"unreadable star rating {text!r}"


def _checked(stars: int, raw: str) -> tuple[int | None, str | None]:
    if 3 <= stars <= 5:
        return stars, None
    return None, f"stars {stars} outside 3..5 ({raw!r}): OCOP ratings are 3 to 5 stars"


def parse_stars(value: object) -> tuple[int | None, str | None]:
    """(stars, None) for a valid rating, (None, reason) otherwise; ('', None) input gives (None, None)."""
    if value is None:
        return None, None
    if isinstance(value, bool):
        return None, f"unreadable star rating {value!r}"
    if isinstance(value, (int, float)):
        if value != int(value):
            return None, f"unreadable star rating {value!r}"
        return _checked(int(value), str(int(value)))
    text = str(value).strip()
    if not text:
        return None, None
    return _parse_text(text)


_SHEET_STARS = re.compile(r"(?<!\d)([1-5])\s*(?:sao|\*|★|⭐|s\b)")


def stars_from_label(label: str) -> int | None:
    """Stars named by a sheet name or section row: '4 SAO', 'SP 3 sao', 'Sheet 4*', 'Sản phẩm đạt 5 sao'."""
    key = label.lower()
    if "tiềm năng" in key or "tiem nang" in fold_key(label):
        return None
    # Accents dropped but '*' and glyphs kept (fold_key would drop them).
    match = _SHEET_STARS.search(strip_accents(label).lower())
    if match:
        return int(match.group(1))
    word = _WORD_STARS.search(fold_key(label))
    if word and 3 <= _WORDS[word.group(1)] <= 5:
        return _WORDS[word.group(1)]
    return None
