"""Stable ids: every row's id is a hash of the fewest source values that identify it.

Never row numbers or random ids, so re-running a build, or adding a file, leaves existing ids
unchanged. The same scheme is written twice, once for Python and once for SQL, side by side here so
that the two always agree (a test holds them equal).
"""

from __future__ import annotations

import hashlib

# The first 16 hex digits of sha256 over the kind and the values joined by the unit separator (0x1f).
ID_LENGTH = 16


def stable_id(kind: str, *parts: object) -> str:
    """A 16-hex-digit id from a kind and the identifying values (None counts as empty)."""
    text = "\x1f".join([kind, *("" if p is None else str(p) for p in parts)])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:ID_LENGTH]


def stable_id_sql(parts: str) -> str:
    """`stable_id` in DuckDB SQL: `parts` is the comma-separated SQL list of the kind and the values
    (each coalesced to '' where it may be NULL, as stable_id counts None as empty)."""
    return f"substr(sha256(concat_ws(chr(31), {parts})), 1, {ID_LENGTH})"
