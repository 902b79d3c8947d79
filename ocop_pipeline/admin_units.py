"""Provinces before and after the 1 July 2025 reform, and how to recognise them in text.

The reference (`data/provinces.csv`) lists the 63 provinces in force until 30 June 2025 with their
official codes, and the one of the 34 provinces each became part of. Name variants (Thừa Thiên Huế /
Huế, TP HCM, Đăk Lăk ...) are data in its `aliases` column, not code. Loaded lazily: importing this
module reads nothing.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources

from ocop_pipeline.normalize import clean_text, fold_key

# The reform took effect on this day (Resolution 202/2025/QH15); districts ceased to exist with it.
REFORM_DATE = date(2025, 7, 1)


@dataclass(frozen=True)
class Province:
    """One pre-reform province and the post-reform province it belongs to."""

    legacy_code: str
    legacy_name: str
    new_code: str
    new_name: str
    aliases: tuple[str, ...]


@lru_cache(maxsize=1)
def legacy_provinces() -> tuple[Province, ...]:
    """The 63 provinces valid until 30 June 2025, in official code order."""
    text = resources.files("ocop_pipeline").joinpath("data/provinces.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(text.splitlines())
    return tuple(
        Province(
            legacy_code=r["legacy_code"],
            legacy_name=r["legacy_name"],
            new_code=r["new_code"],
            new_name=r["new_name"],
            aliases=tuple(a.strip() for a in r["aliases"].split(";") if a.strip()),
        )
        for r in rows
    )


@lru_cache(maxsize=1)
def current_province_names() -> tuple[str, ...]:
    """The 34 provinces from 1 July 2025."""
    return tuple(sorted({p.new_name for p in legacy_provinces()}, key=fold_key))


@dataclass(frozen=True)
class ProvinceMatch:
    """A province named in text: which legacy unit (None when only the new name fits) and the current one."""

    legacy_name: str | None
    name: str


@lru_cache(maxsize=1)
def _name_index() -> dict[str, ProvinceMatch]:
    index: dict[str, ProvinceMatch] = {}
    provinces = legacy_provinces()
    # Current names first; a legacy name that is also a current name (Ninh Bình) then overrides
    # them with the more specific legacy reading.
    for p in provinces:
        index.setdefault(fold_key(p.new_name), ProvinceMatch(None, p.new_name))
    for p in provinces:
        for name in (p.legacy_name, *p.aliases):
            index[fold_key(name)] = ProvinceMatch(p.legacy_name, p.new_name)
    # "Huế" alone names the new city; it was Thừa Thiên Huế before.
    return index


_PREFIX = re.compile(r"^(?:tinh|thanh pho|tp)\s+")


def lookup_province(text: str | None) -> ProvinceMatch | None:
    """Resolve a province name as written ('tỉnh Thái Bình', 'TP. HCM', 'Đăk Lăk') or None."""
    if not text:
        return None
    key = fold_key(text)
    index = _name_index()
    if key in index:
        return index[key]
    bare = _PREFIX.sub("", key)
    return index.get(bare)


@lru_cache(maxsize=1)
def _accented_index() -> dict[str, ProvinceMatch]:
    # Free text is matched with its accents: folded, "Huệ" (a name, a flower) would read as Huế.
    index: dict[str, ProvinceMatch] = {}
    for p in legacy_provinces():
        index.setdefault(clean_text(p.new_name).lower(), ProvinceMatch(None, p.new_name))
    for p in legacy_provinces():
        for name in (p.legacy_name, *p.aliases):
            index[clean_text(name).lower()] = ProvinceMatch(p.legacy_name, p.new_name)
    return index


@lru_cache(maxsize=1)
def _search_pattern() -> re.Pattern[str]:
    names = sorted(_accented_index(), key=len, reverse=True)
    return re.compile(r"(?<!\w)(" + "|".join(re.escape(n) for n in names) + r")(?!\w)")


def find_provinces(text: str) -> list[ProvinceMatch]:
    """Every province named in free text, in order of appearance (case-insensitive, accents kept)."""
    index = _accented_index()
    return [index[m.group(1)] for m in _search_pattern().finditer(clean_text(text).lower())]


def current_province_for(legacy_name: str | None) -> str | None:
    """The post-reform province of a legacy province name, or None when the name is unknown."""
    match = lookup_province(legacy_name)
    return match.name if match else None
