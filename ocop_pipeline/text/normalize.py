"""Vietnamese text normalisation: one spelling per word, and keys for matching.

Official files mix precomposed and decomposed Unicode, two tone-mark placements ("hòa"/"hoà",
"thủy"/"thuỷ") in one sentence, "Ð" (U+00D0, Icelandic eth) typed for "Đ", non-breaking spaces
and stray line breaks inside cells, and cells typed in the legacy TCVN3/VNI fonts (legacy_fonts.py).
`clean_text` gives the canonical display form (text/folding.py makes the accent-free keys from it);
`parse_vn_int` and `parse_vn_decimal` read numbers as Vietnamese writes them. All are pure and cheap:
they run on every cell.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ocop_pipeline.text.legacy_fonts import fix_legacy_text

# Bumped whenever clean_text's output can change, so stored rows are normalised again.
NORMALIZATION_VERSION = "norm-2"

# Tone marks as combining characters (NFD): grave, acute, hook above, tilde, dot below.
_TONES = "\u0300\u0301\u0309\u0303\u0323"

# Old-style placement ("hòa", "thủy", "khỏe") is what government documents and the seeds use, so it
# is our canonical form. Only the open syllables oa/oe/uy differ between the two styles; in "qu"+y
# the u belongs to the consonant and the tone stays on y in both styles ("quý").
# The look-ahead refuses a following letter (a closed syllable: "hoạch") and a following combining
# mark: NFD orders the dot below before a breve or hat, so "hoặc" is o, a, dot below, breve, c, and
# without it the dot would wrongly move to the o ("họăc").
_NEW_STYLE = re.compile(
    r"(?<![qQ])([oO])([aAeE])([" + _TONES + r"])(?![^\W\d_]|[\u0300-\u036f])"
    r"|(?<![qQ])([uU])([yY])([" + _TONES + r"])(?![^\W\d_]|[\u0300-\u036f])"
)

# Look-alikes that keyboards and old fonts put where Vietnamese letters belong.
LOOKALIKES = str.maketrans(
    {
        "\u00d0": "\u0110",  # Ð (eth) -> Đ
        "\u00f0": "\u0111",  # ð -> đ
        "\u0189": "\u0110",  # Ɖ (African D) -> Đ
        "\u00a0": " ",
        "\u2007": " ",
        "\u202f": " ",
        "\u200b": "",
        "\ufeff": "",
        "\u2013": "-",
        "\u2014": "-",
        "\u201c": '"',
        "\u201d": '"',
    }
)

_SPACES = re.compile(r"\s+")


def _move_tone(match: re.Match[str]) -> str:
    if match.group(1):
        return match.group(1) + match.group(3) + match.group(2)
    return match.group(4) + match.group(6) + match.group(5)


@lru_cache(maxsize=65536)
def clean_text(value: str | None) -> str:
    """Canonical display form: NFC, old-style tone placement, Đ for Ð, single spaces, trimmed.

    >>> clean_text("Hợp tác xã  Thuỷ sản Hoà Bình")
    'Hợp tác xã Thủy sản Hòa Bình'
    """
    if value is None:
        return ""
    # Text typed in the legacy TCVN3/VNI fonts ('Hîp t¸c x·') first: their code points overlap Ð.
    text = fix_legacy_text(str(value)).translate(LOOKALIKES)
    text = unicodedata.normalize("NFD", text)
    text = _NEW_STYLE.sub(_move_tone, text)
    text = unicodedata.normalize("NFC", text)
    return _SPACES.sub(" ", text).strip()


_INT_GROUPED = re.compile(r"^\d{1,3}(?:[.,\s]\d{3})+$")


def parse_vn_int(text: str | None) -> int | None:
    """Parse a Vietnamese count: '10.322' -> 10322, '02' -> 2, '1 250' -> 1250; None when not a count.

    Vietnamese writes '.' as the thousands separator, so '10.322' is ten thousand, not ten point three.
    """
    if text is None:
        return None
    s = str(text).strip()
    if not s:
        return None
    if s.isdigit():
        return int(s)
    if _INT_GROUPED.match(s):
        return int(re.sub(r"[.,\s]", "", s))
    return None


def parse_vn_decimal(text: str | float | None) -> float | None:
    """Parse a Vietnamese decimal: '70,9' -> 70.9, '1.234,5' -> 1234.5, 85 -> 85.0; None otherwise."""
    if text is None:
        return None
    if isinstance(text, (int, float)):
        return float(text)
    s = str(text).strip().replace(" ", "")
    if not s:
        return None
    if "," in s:
        s = s.replace(".", "").replace(",", ".")
    elif s.count(".") > 1:
        s = s.replace(".", "")
    try:
        return float(s)
    except ValueError:
        return None
