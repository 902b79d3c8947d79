"""Fingerprints: a hash of the code a kept result was computed by, and the sha256 of a file.

Builds keep work between runs (resolution answers, the core tables' input fingerprints, the mention
record); each is trusted only while the code that made it is the same. Part of that code is data:
the legacy-font table the text folding reads. Files are hashed once, here, for every place that
names bytes by their sha256 (the raw store, published files, releases, the inbox sensor).
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


def file_sha256(path: Path, chunk: int = 1 << 20) -> str:
    """sha256 (hex) of a file's bytes, read in 1 MB blocks (landed files and published files can be large)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()
