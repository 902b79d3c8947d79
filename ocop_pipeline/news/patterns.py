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
