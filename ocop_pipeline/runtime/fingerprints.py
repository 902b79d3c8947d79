"""A hash of the code a kept result was computed by.

Builds keep work between runs (resolution answers, the core tables' input fingerprints, the mention
record); each is trusted only while the code that made it is the same. Part of that code is data:
the legacy-font table the text folding reads.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType

# Data the text folding reads (legacy_fonts.py), as much a part of the code in effect as its source.
_DATA_FILES = (Path(__file__).parents[1] / "data" / "legacy_fonts.csv",)


def code_hash(modules: Iterable[ModuleType], *versions: str, data: Iterable[Path] = ()) -> str:
    """sha256 (hex) of `versions` (library versions, other hashes), the source of `modules`, the
    text-folding data and the other `data` files the code reads."""
    digest = hashlib.sha256(" ".join(versions).encode())
    for module in modules:
        digest.update(Path(module.__file__).read_bytes())
    for path in (*_DATA_FILES, *data):
        digest.update(path.read_bytes())
    return digest.hexdigest()
