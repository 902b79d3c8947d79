"""The one cache of compiled patterns the news reading uses.

Every news module builds its patterns from pieces (star phrases, units, cue words) on first use,
so importing stays cheap and `re`'s own cache (512 entries, shared with every library) never evicts
them. Each module asks for its own compiler, keyed by a short name per pattern: the lookup is one dict
access, cheaper than hashing a long pattern string on every call.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

_CACHES: dict[str, dict[str, Any]] = {}


def cache(namespace: str) -> dict[str, Any]:
    """The store of compiled objects of one module (pass its `__name__`)."""
    return _CACHES.setdefault(namespace, {})


def compiler(namespace: str, default_flags: int = 0) -> Callable[..., re.Pattern[str]]:
    """`rx(name, pattern, flags=default_flags)`: the pattern compiled on first use and kept under
    `name` in the module's store (names need only be unique within one module)."""
    store = cache(namespace)

    def rx(name: str, pattern: str, flags: int = default_flags) -> re.Pattern[str]:
        found = store.get(name)
        if found is None:
            found = store[name] = re.compile(pattern, flags)
        return found

    return rx


# Helpers for patterns run on lower-cased text (faster than re.I on Vietnamese), one namespace.
_STORE = cache(__name__)
_rx_i = compiler(__name__, re.IGNORECASE)


def lower_rx(name: str, pattern: str) -> re.Pattern[str]:
    """A pattern compiled lower-cased and without re.I, to run on lower-cased text: Python's
    case-insensitive matching of Vietnamese is several times slower. Lower-casing keeps offsets."""
    rx = _STORE.get("lower:" + name)
    if rx is None:
        assert not re.search(r"\\[SWDBAZ]", pattern), name
        rx = _STORE["lower:" + name] = re.compile(pattern.lower().replace("(?p<", "(?P<").replace("(?p=", "(?P="))
    return rx


def word_rx(name: str, pattern: str) -> re.Pattern[str]:
    r"""lower_rx of `\b(?:pattern)`, for alternatives that all open with a literal letter, regrouped
    under their first letter: `(?:đ(?<!\w.)(?:ề...|...)|t(?<!\w.)(?:rình...)|...)`. Every branch opens
    with a literal, so re skips in C to the next letter that can start one; the look-behind after
    that letter is the word boundary before it. Within a letter the alternatives keep their order,
    and alternatives with different first letters never match at one place: same matches."""
    rx = _STORE.get("lower:word:" + name)
    if rx is None:
        by_letter: dict[str, list[str]] = {}
        for alt in split_alternatives(pattern.lower()):
            assert alt[:1].isalpha() and alt[1:2] not in ("?", "*", "+", "{"), name
            by_letter.setdefault(alt[0], []).append(alt[1:])
        body = "|".join(re.escape(c) + r"(?<!\w.)(?:" + "|".join(rests) + ")" for c, rests in by_letter.items())
        rx = lower_rx("word:" + name, "(?:" + body + ")")
        _STORE["lower:word:" + name] = rx
    return rx


def split_alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a pattern (outside groups and character classes)."""
    out, cur, depth, in_class, i = [], [], 0, False, 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            cur.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c in "()":
            depth += 1 if c == "(" else -1
        elif c == "|" and depth == 0:
            out.append("".join(cur))
            cur = []
            i += 1
            continue
        cur.append(c)
        i += 1
    out.append("".join(cur))
    return out


def folds_like_ignorecase(text: str, low: str) -> bool:
    """Whether a lower-cased pattern on `low` finds what the re.I pattern finds in `text`: lower()
    kept every offset, and the text has no dotless i or long s (re.I matches them as i and s)."""
    return len(low) == len(text) and "ı" not in text and "ſ" not in text


def search_ignorecase(name: str, pattern: str, text: str, low: str | None = None) -> re.Match[str] | None:
    """The first match of re.I `pattern` in `text`, found as `finditer_ignorecase` finds them (on the
    lower-cased copy when that gives the same spans): its offsets are the text's, its groups are
    to be read from the text, not from the match."""
    low = text.lower() if low is None else low
    if folds_like_ignorecase(text, low):
        return lower_rx(name, pattern).search(low)
    return _rx_i(name, pattern).search(text)


def finditer_ignorecase(
    name: str, pattern: str, text: str, low: str | None = None
) -> list[tuple[re.Match[str], str]]:
    """(match, text) pairs of re.I `pattern` over `text`; the groups are to be read from the text
    the match was made on. Python's re.I matching of Vietnamese is several times slower than a
    lower-cased pattern on lower-cased text, which finds the same spans (see above). `low` is
    text.lower() when the caller has it already."""
    low = text.lower() if low is None else low
    if folds_like_ignorecase(text, low):
        return [(m, text) for m in lower_rx(name, pattern).finditer(low)]
    return [(m, text) for m in _rx_i(name, pattern).finditer(text)]
