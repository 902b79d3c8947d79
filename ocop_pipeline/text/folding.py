"""Accent-free keys for comparing Vietnamese names and texts: one folding, in three speeds.

"Hợp tác xã Hoà Bình", "HOP TAC XA HOA BINH" and "Hợp tác xã Hòa Bình!" must meet, so names are
compared on a key with no diacritics (đ -> d), no case and no punctuation. `fold_key` is the rule;
`fold_text` gives the same key for long texts (news articles) without caching them; `fold_clean` is
the cheapest, for text already through `clean_text` or whose look-alike letters do not matter (the
vocabulary of page furniture and of spreadsheet headers, matched on every cell and block).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ocop_pipeline.text.legacy_fonts import fix_legacy_text
from ocop_pipeline.text.normalize import LOOKALIKES, clean_text

_KEY_DROP = re.compile(r"[^0-9a-z]+")


# The combining marks Vietnamese uses (tones, hat, breve, horn) dropped, đ/Đ made d/D, in one C-level pass.
_VIETNAMESE_MARKS = {**dict.fromkeys(range(0x300, 0x370)), ord("đ"): "d", ord("Đ"): "D"}


@lru_cache(maxsize=65536)
def strip_accents(value: str) -> str:
    """Remove every diacritic (đ -> d), keeping case: 'Thủy Đông' -> 'Thuy Dong'."""
    text = unicodedata.normalize("NFD", clean_text(value)).translate(_VIETNAMESE_MARKS)
    if not text.isascii():  # other combining marks (rare): the general rule, character by character
        text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return text


@lru_cache(maxsize=65536)
def fold_key(value: str | None) -> str:
    """Accent-free, lower-case, punctuation-free key: 'Hợp tác xã Hoà Bình!' -> 'hop tac xa hoa binh'."""
    if not value:
        return ""
    return _KEY_DROP.sub(" ", strip_accents(value).lower()).strip()


# What `clean_text` does that a key cannot see (tone marks moved between letters, NFC) is skipped for
# long texts such as news articles: the marks go anyway.
_LOOKALIKE_CHARS = re.compile("[" + "".join(chr(c) for c in LOOKALIKES) + "]")
# After NFD: a character neither ASCII nor a combining mark Vietnamese uses (another script, another mark).
_NOT_ASCII_OR_MARK = re.compile("[^\x00-\x7f\u0300-\u036f]")


def fold_text(text: str | None) -> str:
    """`fold_key` for long texts (a news article), equal to it: several times faster, and not cached."""
    if not text:
        return ""
    folded = fix_legacy_text(text)
    if _LOOKALIKE_CHARS.search(folded):
        folded = folded.translate(LOOKALIKES)
    folded = unicodedata.normalize("NFD", folded).replace("đ", "d").replace("Đ", "D")
    if _NOT_ASCII_OR_MARK.search(folded):  # letters of other scripts, other marks: the general rule
        return fold_key(text)
    # Only ASCII and marks left: dropping what is not ASCII drops the marks (a regex substitution for
    # the marks and another for the punctuation cost six times more on 18 MB of news).
    return _ascii_words(folded)


# ASCII bytes -> lower-case letters and digits, anything else a space (for _ascii_words).
_FOLD_BYTES = bytes(
    c + 32 if 65 <= c <= 90 else c if 48 <= c <= 57 or 97 <= c <= 122 else 32 for c in range(256)
)


def _ascii_words(text: str) -> str:
    """The ASCII letters and digits of `text`, lower case, each run of them a word, joined by single
    spaces: what `re.sub("[^0-9a-z]+", " ", ...).strip()` gives on the lower-cased text once every
    character not ASCII is removed (with no space left in its place), in C calls only."""
    return b" ".join(text.encode("ascii", "ignore").translate(_FOLD_BYTES).split()).decode("ascii")


def fold_clean(text: str) -> str:
    """fold_key without clean_text, in C calls only (no per-character Python): for text already
    clean, or where legacy fonts and look-alikes other than Ð/ð cannot occur.

    Accents go with NFD and the ASCII encoding (other non-ASCII characters go too, with no space
    left in their place); then every byte but a letter or digit becomes a space and the words are
    joined by single spaces: what `re.sub("[^0-9a-z]+", " ", ...).strip()` gives on the lower-cased
    text, at a fraction of the cost of a regex substitution."""
    # Four chained replace calls: str.translate with a mapping looks every character up in Python's
    # dict, several times slower than four C scans for letters most texts do not hold.
    return _ascii_words(unicodedata.normalize(
        "NFD", text.replace("đ", "d").replace("Đ", "D").replace("\u00d0", "D").replace("\u00f0", "d")
    ))
