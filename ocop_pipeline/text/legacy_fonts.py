"""Vietnamese typed in the pre-Unicode fonts of old government files: TCVN3 (ABC) and VNI.

Before Unicode (and in many offices long after), Vietnamese was typed with font tricks. TCVN3 fonts
(.VnTime, .VnArial) draw a Latin-1 code point as a Vietnamese letter: 'Hîp t¸c x·' is 'Hợp tác xã'.
Its capitals live in separate fonts (.VnTimeH) that draw the *same* lower-case code points as capitals,
so a title typed in the H font cannot be told from lower case. VNI fonts (VNI-Times) write a base letter
followed by a Latin-1 modifier: 'Hôïp taùc xaõ'. Saved to .xlsx or read from a CSV, what survives is the
Latin-1 characters; this module turns them back into Unicode.

Both tables are data: data/legacy_fonts.csv lists every legacy code point (or VNI pair) and the letter.

Detection has to be conservative: 'Café', 'Bánh tét', 'Crème brûlée' and every real Unicode string must
come out untouched. The evidence is per word. A word written with characters the encoding would change
counts *for* it when the word is not a Vietnamese syllable as it stands but is one after conversion
('t¸c' -> 'tác'), *against* it when the converted word is not a syllable ('Café' -> 'Cafộ'), and not at
all when both readings are syllables ('tét' -> 'tột'). A cell holding any Vietnamese letter outside
Latin-1 ('ợ', 'ư', a combining tone) is Unicode already and is never converted.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from functools import lru_cache
from importlib import resources

__all__ = ["convert_legacy", "detect_legacy_encoding", "fix_legacy_text"]

# A cell with one of these is Unicode Vietnamese (ă, đ, ơ, ư, ĩ, ũ, the U+1EA0 block, combining marks).
_UNICODE_VIET = re.compile("[\u0100-\u01b0\u0300-\u0323\u1ea0-\u1ef9]")
# Words as the legacy fonts write them: ASCII letters plus any Latin-1 code point (¸, ·, soft hyphen).
_WORD = re.compile("[A-Za-z\u00a1-\u00ff]+")
_HIGH = re.compile("[\u00a1-\u00ff]")

# Cell-level thresholds, used on their own (clean_text, one cell at a time): at least one word that only
# makes sense converted, no word the conversion breaks beyond one in four, and a single-word case only
# when the word has two plain letters besides ('Ho¸' yes, 'µm' no).
_CELL_MIN_WORDS_ALONE = 1
_CELL_MAX_BAD_SHARE = 0.25
# Sheet-level thresholds (detect_legacy_encoding): at least three words for the encoding, at most one
# against it in four, and Unicode Vietnamese cells no more than one in five of the legacy ones (a
# Unicode sheet with one odd cell stays Unicode; that cell still gets the cell-level test).
_SHEET_MIN_GOOD = 3
_SHEET_MAX_BAD_SHARE = 0.25
_SHEET_MAX_UNICODE_SHARE = 0.2


# ---------------------------------------------------------------------------------------------------
# Tables


@lru_cache(maxsize=1)
def _tables() -> dict[str, dict[str, str]]:
    text = resources.files("ocop_pipeline").joinpath("data/legacy_fonts.csv").read_text(encoding="utf-8")
    tables: dict[str, dict[str, str]] = {"tcvn3": {}, "vni": {}}
    for rec in csv.DictReader(text.splitlines()):
        legacy = "".join(chr(int(h, 16)) for h in rec["legacy_codepoints"].split())
        tables[rec["encoding"]][legacy] = rec["unicode"]
    # VNI: the base letter's case decides the letter's case; modifiers are found in either case
    # ('Aù' and 'AÙ' are both 'Á', 'aÙ' is 'á').
    vni = tables["vni"]
    for legacy, letter in list(vni.items()):
        if len(legacy) == 2:
            base, mod = legacy
            vni.setdefault(base + mod.swapcase(), letter)
    return tables


@lru_cache(maxsize=1)
def _tcvn3_table() -> dict[int, str]:
    return str.maketrans(_tables()["tcvn3"])


@lru_cache(maxsize=1)
def _vni_pattern() -> re.Pattern[str]:
    keys = sorted(_tables()["vni"], key=len, reverse=True)  # pairs before single code points
    return re.compile("|".join(re.escape(k) for k in keys))


def _to_tcvn3(text: str) -> str:
    out = text.translate(_tcvn3_table())
    # .VnTimeH titles: the letters came out lower case; a cell whose plain letters are all capitals
    # was a capitals title ('DANH S¸CH' -> 'DANH SÁCH').
    letters = [c for c in text if c.isascii() and c.isalpha()]
    if letters and all(c.isupper() for c in letters) and out != text:
        out = out.upper()
    return out


def _to_vni(text: str) -> str:
    table = _tables()["vni"]
    return _vni_pattern().sub(lambda m: table[m.group(0)], text)


_CONVERTERS = {"tcvn3": _to_tcvn3, "vni": _to_vni}


def convert_legacy(text: str, encoding: str) -> str:
    """Convert `text` from `encoding` ('tcvn3' | 'vni') to Unicode, unless it is Unicode Vietnamese already."""
    if not text or text.isascii() or _UNICODE_VIET.search(text):
        return text
    return _CONVERTERS[encoding](text)


# ---------------------------------------------------------------------------------------------------
# Is it a Vietnamese syllable?

_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"
_ONSET = "ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdđghklmnprstvx]"
# Rhymes without a final consonant, and the nuclei that take one (c ch m n ng nh p t, and the k of
# highland names: Đắk Lắk).
_OPEN = (
    "oai|oao|oay|oeo|uây|uôi|uya|uyu|ươi|ươu|iêu|yêu|ai|ao|au|ay|âu|ây|eo|êu|ia|iu|oa|oe|oi|ôi|ơi|ua|uê|ui|"
    "uơ|uy|ưa|ưi|ưu|a|e|ê|i|o|ô|ơ|u|ư|y"
)
_CLOSED = "uyê|iê|yê|uô|ươ|oa|oă|oe|uâ|uê|uy|oo|a|ă|â|e|ê|i|o|ô|ơ|u|ư"
_SYLLABLE = re.compile(f"^(?:{_ONSET})?(?:(?:{_OPEN})|(?:{_CLOSED})(?:ch|nh|ng|c|m|n|p|t|k))$")
# Rhymes ending in a glide carry the tone on the vowel before it ('hào', never 'haò').
_GLIDE_RHYMES = frozenset(
    {"ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "iu", "oi", "ôi", "ơi", "ui", "ưi", "ưu"}
)


@lru_cache(maxsize=65536)
def is_syllable(word: str) -> bool:
    """A plausible Vietnamese syllable: onset, rhyme, at most one tone, not on a final glide."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = [i for i, c in enumerate(decomposed) if c in _TONE_MARKS]
    if len(tones) > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
    if not _SYLLABLE.match(bare):
        return False
    if tones:
        # The letter the tone sits on, counted in the toneless word.
        toned_at = len(unicodedata.normalize("NFC", decomposed[: tones[0]])) - 1
        rhyme = re.sub(f"^(?:{_ONSET})", "", bare)
        onset_len = len(bare) - len(rhyme)
        if rhyme in _GLIDE_RHYMES and toned_at - onset_len == 1:
            return False
    return True


# ---------------------------------------------------------------------------------------------------
# Evidence


def _evidence(text: str, encoding: str) -> tuple[int, int, bool]:
    """(words for, words against, single good word has two plain letters) for one cell."""
    convert = _CONVERTERS[encoding]
    good = bad = 0
    sturdy = False
    for m in _WORD.finditer(text):
        word = m.group(0)
        if not _HIGH.search(word):
            continue
        converted = convert(word)
        if converted == word:
            continue
        after = is_syllable(converted)
        if not after:
            bad += 1
        elif not is_syllable(word):
            good += 1
            sturdy = sturdy or sum(c.isascii() for c in word) >= 2
    return good, bad, sturdy


def _cell_encoding(text: str) -> str | None:
    if not text or text.isascii() or not _HIGH.search(text) or _UNICODE_VIET.search(text):
        return None
    best, best_margin = None, 0
    for encoding in ("tcvn3", "vni"):
        good, bad, sturdy = _evidence(text, encoding)
        if good < _CELL_MIN_WORDS_ALONE or bad > _CELL_MAX_BAD_SHARE * good:
            continue
        if good == 1 and not sturdy:
            continue
        if good - bad > best_margin:
            best, best_margin = encoding, good - bad
    return best


@lru_cache(maxsize=65536)
def fix_legacy_text(s: str) -> str:
    """`s` in Unicode when it is clearly TCVN3 or VNI text; otherwise `s` unchanged.

    >>> fix_legacy_text("Hîp t¸c x· N«ng nghiÖp")
    'Hợp tác xã Nông nghiệp'
    >>> fix_legacy_text("Café Hòa")
    'Café Hòa'
    """
    encoding = _cell_encoding(s)
    return _CONVERTERS[encoding](s) if encoding else s


def detect_legacy_encoding(samples: list[str]) -> str | None:
    """'tcvn3' or 'vni' when the texts of a sheet (or file) are clearly written in it, else None."""
    texts = list(dict.fromkeys(s for s in samples if isinstance(s, str) and s and not s.isascii()))
    unicode_cells = sum(1 for s in texts if _UNICODE_VIET.search(s))
    best, best_margin = None, 0
    for encoding in ("tcvn3", "vni"):
        good = bad = cells = 0
        for s in texts:
            if _UNICODE_VIET.search(s):
                continue
            g, b, _ = _evidence(s, encoding)
            good += g
            bad += b
            cells += g > 0
        if good < _SHEET_MIN_GOOD or bad > _SHEET_MAX_BAD_SHARE * good:
            continue
        if unicode_cells > _SHEET_MAX_UNICODE_SHARE * cells:
            continue
        if good - bad > best_margin:
            best, best_margin = encoding, good - bad
    return best
