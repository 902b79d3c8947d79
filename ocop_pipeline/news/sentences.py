"""Sentences of a news paragraph: split at end marks, keeping "TP. Thanh Hóa", "10.322" and "QĐ-UBND" whole."""

from __future__ import annotations

import re

from ocop_pipeline.news import patterns

_rx = patterns.compiler(__name__, re.IGNORECASE)


_ABBREV_END = r"(?:\b(?:TP|Tp|tp|TS|ThS|PGS|GS|BS|KS|Q|P|X|H|TT|Mr|Mrs|Ms|Dr|No|St|Co|Ltd|Inc|v\.v)\.)$"


def sentences(paragraph: str) -> list[str]:
    """Split a paragraph into sentences; keeps "TP. Thanh Hóa", "10.322", "70,9" and "QĐ-UBND" whole."""
    # Split after the end mark, as `(?<=[.!?…])[\"”’)]*\s+` would: the mark is matched as a group
    # (a pattern opening with a class lets re skip ahead in C) and put back on its sentence.
    pieces = _rx("sentsplit", r"([.!?…])[\"”’)]*\s+", 0).split(paragraph)
    parts = [pieces[i] + pieces[i + 1] for i in range(0, len(pieces) - 1, 2)] + [pieces[-1]]
    out: list[str] = []
    for p in parts:
        head = p.lstrip("\"“(-–• ")[:1]
        # An abbreviation is at most four characters ("v.v.", "PGS."), anchored at the end (or
        # before a final newline): searching the last eight is enough. \b still sees the character
        # before the start position (re reads the whole string), so the matches are the same.
        prev = out[-1] if out else ""
        if out and (
            not (head.isupper() or head.isdigit()) or _rx("abbrev", _ABBREV_END, 0).search(prev, max(0, len(prev) - 8))
        ):
            out[-1] = out[-1] + " " + p
        else:
            out.append(p)
    return [s.strip() for s in out if s.strip()]
