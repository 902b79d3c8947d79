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
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources

from ocop_pipeline.text.folding import fold_key
from ocop_pipeline.text.normalize import clean_text

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


# ---------------------------------------------------------------------------------------------------
# Districts and communes: the 696 districts and 10,035 communes in force on 30 June 2025, the 3,321
# communes from 1 July 2025, and which new commune each old one went into (data/districts.csv,
# communes_legacy.csv, communes_2025.csv, extracted by scripts/make_admin_reference.py from official
# lists; data/district_history.csv holds hand-made facts about units gone before 2025).

LAST_LEGACY_DAY = REFORM_DATE - timedelta(days=1)

# Unit kinds as written before a name, on fold_key text: full words and the usual abbreviations
# ('H.', 'Q.', 'TX', 'TP.', 'Tp'). 'Q1' / 'Q.1' write the number straight after the letter.
_DISTRICT_KIND = re.compile(r"^(thanh pho|thi xa|huyen|quan|tp|tx|q|h)(?:\s+|(?=\d))")
_DISTRICT_KIND_NAMES = {"thanh pho": "thành phố", "tp": "thành phố", "thi xa": "thị xã", "tx": "thị xã",
                        "huyen": "huyện", "h": "huyện", "quan": "quận", "q": "quận"}
_COMMUNE_KIND = re.compile(r"^(thi tran|dac khu|phuong|xa|tt|p|x)(?:\s+|(?=\d))")
_COMMUNE_KIND_NAMES = {"thi tran": "thị trấn", "tt": "thị trấn", "dac khu": "đặc khu", "phuong": "phường",
                       "p": "phường", "xa": "xã", "x": "xã"}
# The spaceless key of each kind, as the former-name keys of the reference write them ('huyenkyson').
_KIND_KEY = {"huyện": "huyen", "quận": "quan", "thị xã": "thixa", "thành phố": "thanhpho", "xã": "xa",
             "phường": "phuong", "thị trấn": "thitran", "đặc khu": "dackhu"}


@dataclass(frozen=True)
class District:
    """A district-level unit (huyện, quận, thị xã, thành phố thuộc tỉnh) before 1 July 2025."""

    code: str | None  # official code; None for a unit gone before 2025 whose code we do not hold
    name: str  # with its kind: 'Huyện Kim Sơn'
    kind: str  # huyện | quận | thị xã | thành phố
    province_code: str  # legacy (63-unit) province
    valid_to: date  # last day in force
    former_keys: tuple[str, ...] = ()
    successor_code: str | None = None  # for a unit gone before 2025: the district it went into
    note: str = ""


@dataclass(frozen=True)
class DistrictMatch:
    """A district named in text: its official code and name, and the provinces it belongs to."""

    code: str | None
    name: str
    kind: str
    legacy_province: str
    province_current: str
    legacy_province_code: str = ""
    province_code: str = ""


@dataclass(frozen=True)
class Commune:
    """A commune-level unit (xã, phường, thị trấn, đặc khu), before or from 1 July 2025."""

    code: str
    name: str
    kind: str
    era: str  # legacy (until 30 Jun 2025) | current (from 1 Jul 2025)
    province_code: str  # legacy province for a legacy commune, new province for a current one
    district_code: str | None = None  # legacy communes only
    former_keys: tuple[str, ...] = ()
    successor_code: str | None = None  # legacy communes: the new commune it went into (the main one)
    successor_codes: tuple[str, ...] = ()  # legacy communes: every new commune that took part of it


@dataclass(frozen=True)
class CommuneMatch:
    """A commune named in text, with its district (legacy only) and provinces."""

    code: str
    name: str
    kind: str
    era: str
    district_code: str | None
    legacy_province: str | None
    province_current: str
    successor_code: str | None = None
    successor_name: str | None = None


def _read_csv(name: str) -> list[dict[str, str]]:
    text = resources.files("ocop_pipeline").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def _split(value: str) -> tuple[str, ...]:
    return tuple(v for v in value.split(";") if v)


@lru_cache(maxsize=1)
def _provinces_by_legacy_code() -> dict[str, Province]:
    return {p.legacy_code: p for p in legacy_provinces()}


@lru_cache(maxsize=1)
def current_provinces() -> tuple[tuple[str, str, str], ...]:
    """The 34 provinces from 1 July 2025 as (code, name, kind), in code order."""
    seen: dict[str, tuple[str, str, str]] = {}
    text = resources.files("ocop_pipeline").joinpath("data/provinces.csv").read_text(encoding="utf-8")
    for r in csv.DictReader(text.splitlines()):
        seen.setdefault(r["new_code"], (r["new_code"], r["new_name"], r["new_kind"]))
    return tuple(sorted(seen.values()))


@lru_cache(maxsize=1)
def districts() -> tuple[District, ...]:
    """The 696 districts in force on 30 June 2025, then units gone earlier (district_history.csv)."""
    out = [
        District(r["code"], r["name"], r["kind"], r["province_code"], LAST_LEGACY_DAY, _split(r["former_keys"]))
        for r in _read_csv("districts.csv")
    ]
    for r in _read_csv("district_history.csv"):
        valid_to = date.fromisoformat(r["valid_to"]) if r["valid_to"] else LAST_LEGACY_DAY
        out.append(District(None, r["name"], r["kind"], r["province_code"], valid_to,
                            successor_code=r["successor_code"] or None, note=r["note"]))
    return tuple(out)


@lru_cache(maxsize=1)
def _districts_by_code() -> dict[str, District]:
    return {d.code: d for d in districts() if d.code}


def _bare_key(text: str) -> str:
    """Spaceless accent-free key of a name without its kind; numbers lose leading zeros ('01' -> '1')."""
    key = fold_key(text).replace(" ", "")
    return str(int(key)) if key.isdigit() else key


def _split_kind(text: str, pattern: re.Pattern[str], names: dict[str, str]) -> tuple[str | None, str]:
    key = fold_key(text)
    m = pattern.match(key)
    if not m or not key[m.end():].strip():
        return None, key
    return names[m.group(1)], key[m.end():]


def _unit_keys(name: str, kind: str, former_keys: tuple[str, ...]) -> tuple[set[str], set[str]]:
    """(full keys, bare keys) under which a unit is found: its name with and without the kind, and its
    former names (the reference writes those spaceless, with or without the kind)."""
    bare = _bare_key(name[len(kind):] if fold_key(name).startswith(fold_key(kind)) else name)
    full = {_KIND_KEY[kind] + bare}
    bares = {bare}
    # A former key may or may not carry its kind ('huyenkyson', 'kyson'): index it both ways; keys
    # are long enough that a false hit would need a kind word glued to another unit's name.
    full.update(former_keys)
    bares.update(former_keys)
    return full, bares


@lru_cache(maxsize=1)
def _district_index() -> tuple[dict[str, list[District]], dict[str, list[District]]]:
    by_full: dict[str, list[District]] = {}
    by_bare: dict[str, list[District]] = {}
    for d in districts():
        full, bares = _unit_keys(d.name, d.kind, d.former_keys)
        for k in full:
            by_full.setdefault(k, []).append(d)
        for k in bares:
            by_bare.setdefault(k, []).append(d)
    return by_full, by_bare


def _province_filter(units: list, province: str | ProvinceMatch | None, legacy_code_of) -> list:
    """Units inside the named province: the legacy province first; the current one when the name is a
    34-unit province that the units' legacy provinces merged into (a 2025 list still naming districts)."""
    if province is None:
        return units
    match = province if isinstance(province, ProvinceMatch) else lookup_province(province)
    if match is None:
        return []
    by_code = _provinces_by_legacy_code()
    if match.legacy_name:
        inside = [u for u in units if by_code[legacy_code_of(u)].legacy_name == match.legacy_name]
        if inside:
            return inside
    return [u for u in units if by_code[legacy_code_of(u)].new_name == match.name]


def _district_match(d: District) -> DistrictMatch:
    p = _provinces_by_legacy_code()[d.province_code]
    if d.code is None and d.successor_code:
        # A unit gone before 2025: its successor's code, its own name as written then.
        return DistrictMatch(d.successor_code, d.name, d.kind, p.legacy_name, p.new_name, p.legacy_code, p.new_code)
    return DistrictMatch(d.code, d.name, d.kind, p.legacy_name, p.new_name, p.legacy_code, p.new_code)


def lookup_district(name: str | None, province: str | ProvinceMatch | None = None,
                    on: date | None = None) -> DistrictMatch | None:
    """The district a name means ('huyện Kim Sơn', 'H. Kim Sơn', 'TX Phổ Yên', 'Q.1', 'Quận 01'), or None.

    A name found in several provinces (Châu Thành: eleven) needs `province` (legacy or current name);
    without it, or when the kind is left out and both 'Huyện Kỳ Anh' and 'Thị xã Kỳ Anh' fit, the answer
    is None rather than a guess. A district that changed kind before 2025 (Thị xã Phổ Yên, now a city)
    is found under either kind, and one merged into another (Huyện Kỳ Sơn into TP Hòa Bình) under its
    successor. `on` (a rating date) prefers the units in force that day; districts have not existed
    since 1 July 2025, but a name written later still resolves to the last unit of that name.
    """
    if not name or not clean_text(name):
        return None
    kind, rest = _split_kind(name, _DISTRICT_KIND, _DISTRICT_KIND_NAMES)
    bare = _bare_key(rest)
    if not bare:
        return None
    by_full, by_bare = _district_index()
    # The kind as written first; then any kind (it may have changed: Huyện Phong Điền is a thị xã now).
    found = _province_filter(by_full.get(_KIND_KEY[kind] + bare, []), province, lambda d: d.province_code) \
        if kind else []
    if not found:
        found = _province_filter(by_bare.get(bare, []), province, lambda d: d.province_code)
    if on is not None:
        in_force = [d for d in found if on <= d.valid_to]
        found = in_force or found
    # Several spellings of one unit (its name and a former name) are one answer.
    units = {(d.code or d.successor_code or d.name, d.province_code): d for d in found}
    if len(units) != 1:
        return None
    return _district_match(next(iter(units.values())))


_COMMUNE_MARKERS = r"(?:xã|phường|thị trấn|tt\.?|p\.|x\.|tỉnh|t\.|thôn|xóm|bản|ấp|khu|làng)"
_DISTRICT_MARKERS = r"(?:huyện|quận|thị xã|thành phố|tx\.?|tp\.?|h\.|q\.)"


def find_district(text: str | None, province: str | ProvinceMatch | None = None,
                  on: date | None = None) -> DistrictMatch | None:
    """The district named in free text (an address, a section heading), within `province` when given.

    A district marker before the name ('huyện', 'TX', 'TP.') makes a mention; a bare name counts only when
    it is not preceded by a commune, village or province word ('xã Kim Sơn' is a commune, not the
    district) and is not the province's own name. The first marked mention wins, else the first bare one.
    """
    if not text:
        return None
    s = clean_text(text).lower()
    candidates = _province_filter(list(districts()), province, lambda d: d.province_code)
    names: dict[str, District] = {}
    for d in candidates:
        kind_len = len(d.kind)
        names.setdefault(clean_text(d.name[kind_len:]).strip().lower(), d)
    if not names:
        return None
    pattern = re.compile(
        r"(?<![\w.])(?:(" + _DISTRICT_MARKERS + r"|" + _COMMUNE_MARKERS + r")\s*)?("
        + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")(?!\w)"
    )
    match_province = province if isinstance(province, ProvinceMatch) else lookup_province(province)
    own = {clean_text(match_province.legacy_name or "").lower(), clean_text(match_province.name).lower()} \
        if match_province else set()
    bare_hit: DistrictMatch | None = None
    for m in pattern.finditer(s):
        marker, found = m.group(1), m.group(2)
        if marker and re.fullmatch(_DISTRICT_MARKERS, marker):
            hit = lookup_district(f"{marker} {found}", province, on)
            if hit:
                return hit
        elif not marker and bare_hit is None and found not in own:
            bare_hit = lookup_district(found, province, on)
    return bare_hit


@lru_cache(maxsize=1)
def communes() -> tuple[Commune, ...]:
    """Communes in force on 30 June 2025 (era 'legacy'), then those from 1 July 2025 (era 'current')."""
    by_district = _districts_by_code()
    out = [
        Commune(r["code"], r["name"], r["kind"], "legacy", by_district[r["district_code"]].province_code,
                r["district_code"], _split(r["former_keys"]), r["successor_code"] or None,
                _split(r["successor_codes"]))
        for r in _read_csv("communes_legacy.csv")
    ]
    out += [Commune(r["code"], r["name"], r["kind"], "current", r["province_code"]) for r in _read_csv("communes_2025.csv")]
    return tuple(out)


@lru_cache(maxsize=1)
def _commune_index() -> tuple[dict[str, list[Commune]], dict[str, list[Commune]], dict[str, Commune]]:
    by_full: dict[str, list[Commune]] = {}
    by_bare: dict[str, list[Commune]] = {}
    current_by_code: dict[str, Commune] = {}
    for c in communes():
        full, bares = _unit_keys(c.name, c.kind, c.former_keys)
        for k in full:
            by_full.setdefault(k, []).append(c)
        for k in bares:
            by_bare.setdefault(k, []).append(c)
        if c.era == "current":
            current_by_code[c.code] = c
    return by_full, by_bare, current_by_code


@lru_cache(maxsize=1)
def _current_names() -> dict[str, str]:
    return {code: name for code, name, _kind in current_provinces()}


def _communes_in(found: list[Commune], match: ProvinceMatch) -> list[Commune]:
    legacy = [c for c in found if c.era == "legacy"]
    current = [c for c in found if c.era == "current" and _current_names()[c.province_code] == match.name]
    return _province_filter(legacy, match, lambda c: c.province_code) + current


def _commune_candidates(name: str, province: str | ProvinceMatch | None, district: str | None,
                        on: date | None) -> list[Commune]:
    kind, rest = _split_kind(name, _COMMUNE_KIND, _COMMUNE_KIND_NAMES)
    bare = _bare_key(rest)
    if not bare:
        return []
    match = None
    if province is not None:
        match = province if isinstance(province, ProvinceMatch) else lookup_province(province)
        if match is None:
            return []
    by_full, by_bare, _ = _commune_index()
    options = [by_full.get(_KIND_KEY[kind] + bare, [])] if kind else []
    # The kind as written first; then any kind (a thị trấn may have become a xã).
    for found in [*options, by_bare.get(bare, [])]:
        if on is not None:
            era = "current" if on > LAST_LEGACY_DAY else "legacy"
            found = [c for c in found if c.era == era] or found
        if district:
            d = lookup_district(district, match, on)
            if d and d.code:
                found = [c for c in found if c.era == "current" or c.district_code == d.code]
        if match is not None:
            found = _communes_in(found, match)
        if found:
            return found
    return []


def lookup_commune(name: str | None, province: str | ProvinceMatch | None = None, district: str | None = None,
                   on: date | None = None) -> CommuneMatch | None:
    """The one commune a name means ('xã Yên Mông', 'P. 3', 'TT Phát Diệm'), or None when unknown or
    ambiguous. Commune names repeat a lot (Tân Lập, Phường 1): give the province, and the district for a
    pre-reform address; `on` picks the communes in force that day (before or from 1 July 2025)."""
    if not name:
        return None
    found = _commune_candidates(name, province, district, on)
    if len({(c.era, c.code) for c in found}) != 1:
        # The same commune before and after the reform (most kept their names) is still one place
        # only when the old one went wholly into the new one of that name.
        legacy = [c for c in found if c.era == "legacy"]
        current = [c for c in found if c.era == "current"]
        if not (len(legacy) == 1 and len(current) == 1 and legacy[0].successor_codes == (current[0].code,)):
            return None
        found = current if on is None or on > LAST_LEGACY_DAY else legacy
    c = found[0]
    _, _, current_by_code = _commune_index()
    if c.era == "legacy":
        p = _provinces_by_legacy_code()[c.province_code]
        successor = current_by_code.get(c.successor_code or "")
        return CommuneMatch(c.code, c.name, c.kind, c.era, c.district_code, p.legacy_name, p.new_name,
                            c.successor_code, successor.name if successor else None)
    return CommuneMatch(c.code, c.name, c.kind, c.era, None, None, _current_names()[c.province_code])


def province_for_commune(commune: str | None, province_hint: str | ProvinceMatch | None = None,
                         district: str | None = None, on: date | None = None) -> str | None:
    """The current (34-unit) province of a commune named in text, or None when the reference cannot tell.

    Enough when every commune of that name (within the hint: an old or new province, a district)
    lies in one current province, even if the commune itself stays ambiguous.
    """
    if not commune:
        return None
    found = _commune_candidates(commune, province_hint, district, on)
    names = _current_names()
    by_code = _provinces_by_legacy_code()
    provinces = {names[c.province_code] if c.era == "current" else by_code[c.province_code].new_name for c in found}
    return provinces.pop() if len(provinces) == 1 else None


# ---------------------------------------------------------------------------------------------------
# The reference as DuckDB tables (`admin_units`, `province_crosswalk`), so researchers can join.


def admin_unit_rows() -> list[dict]:
    """Every unit of both geographies as rows of the `admin_units` table (see schema.py)."""
    current = {code: name for code, name, _kind in current_provinces()}
    by_code = _provinces_by_legacy_code()
    rows: list[dict] = []

    def unit(level, code, name, kind, parent, valid_from, valid_to, new_code, successor=None, note=None):
        rows.append({"level": level, "code": code, "name": name, "kind": kind, "parent_code": parent,
                     "valid_from": valid_from, "valid_to": valid_to, "successor_province_code": new_code,
                     "successor_province_name": current[new_code], "successor_code": successor, "note": note})

    for p in legacy_provinces():
        unit("province", p.legacy_code, p.legacy_name, _legacy_kind(p.legacy_code), None, None, LAST_LEGACY_DAY,
             p.new_code)
    for code, name, kind in current_provinces():
        unit("province", code, name, kind, None, REFORM_DATE, None, code)
    for d in districts():
        new_code = by_code[d.province_code].new_code
        unit("district", d.code, d.name, d.kind, d.province_code, None, d.valid_to, new_code, d.successor_code,
             d.note or None)
    for c in communes():
        if c.era == "legacy":
            unit("commune", c.code, c.name, c.kind, c.district_code, None, LAST_LEGACY_DAY,
                 by_code[c.province_code].new_code, c.successor_code)
        else:
            unit("commune", c.code, c.name, c.kind, c.province_code, REFORM_DATE, None, c.province_code)
    return rows


@lru_cache(maxsize=1)
def _legacy_kinds() -> dict[str, str]:
    return {r["legacy_code"]: r["legacy_kind"] for r in _read_csv("provinces.csv")}


def _legacy_kind(code: str) -> str:
    return _legacy_kinds()[code]


def province_crosswalk_rows() -> list[dict]:
    """The 63 old provinces with the new province each lies in (rows of `province_crosswalk`)."""
    members: dict[str, int] = {}
    for p in legacy_provinces():
        members[p.new_code] = members.get(p.new_code, 0) + 1
    return [
        {"legacy_province_code": p.legacy_code, "legacy_province": p.legacy_name, "province_code": p.new_code,
         "province": p.new_name, "legacy_valid_to": LAST_LEGACY_DAY, "valid_from": REFORM_DATE,
         "unchanged": members[p.new_code] == 1}
        for p in legacy_provinces()
    ]


def write_reference_tables(con) -> dict[str, int]:
    """Replace `admin_units` and `province_crosswalk` with the reference (one transaction); row counts."""
    # pandas and DuckDB only when writing
    from ocop_pipeline.storage.store import frame_for, insert_frame
    from ocop_pipeline.storage.transactions import transaction

    tables = {"admin_units": admin_unit_rows(), "province_crosswalk": province_crosswalk_rows()}
    with transaction(con):
        for name, rows in tables.items():
            con.execute(f"DELETE FROM {name}")  # names are this module's constants, not data
            insert_frame(con, name, frame_for(name, rows))
    return {name: len(rows) for name, rows in tables.items()}


def _name_trie(names: list[str]) -> str:
    """An alternation of `names` written as a trie, each node trying its longer names before
    ending there: with backtracking from what follows, the first name accepted at a place is the
    longest one accepted there, as with the names tried longest first."""
    children: dict[str, list[str]] = {}
    ends = False
    for name in names:
        if name:
            children.setdefault(name[0], []).append(name[1:])
        else:
            ends = True
    alts = [re.escape(c) + _name_trie(rests) for c, rests in children.items()]
    if ends:
        alts.append("")
    if len(alts) == 1:
        return alts[0]
    return "(?:" + "|".join(alts) + ")"


@lru_cache(maxsize=1)
def _clean_search_pattern() -> re.Pattern[str]:
    r"""_search_pattern as one scan: `[non-word](trie of the names)(?!\w)`.

    _search_pattern opens with a look-behind (the character before a name is not a word
    character), so re tries its hundred names at every position of the text. Here the pattern
    takes that character itself, from a class re checks in C: every non-word character, and a few
    word characters outside Vietnamese text (the caller falls back to _search_pattern_slow when a
    match is led by one, which keeps the matches exact). The space put before
    the text stands for its start. A match never takes the character after its name, so a name
    right after another is still found, and the trie (_name_trie) accepts the longest name that
    ends before a non-word character, as _search_pattern's longest-first alternation does."""
    # Exact below U+0100 (one bit in a 256-bit map); above it every character but the Latin letters
    # of Vietnamese (U+0100-U+024F and U+1E00-U+1EFF hold no non-word character): two ranges.
    lead = "".join(re.escape(chr(c)) for c in range(0x100) if not (chr(c).isalnum() or c == 0x5F))
    lead += "\u0250-\u1dff\u1f00-\U0010ffff"
    return re.compile("([" + lead + "])(" + _name_trie(list(_accented_index())) + r")(?!\w)")


def find_provinces_in_clean_text(text: str, low: str | None = None) -> list[ProvinceMatch]:
    """`find_provinces` for text already through `clean_text` (article bodies): skips a second
    normalisation pass over the whole text, which costs more than the search itself. `low` is
    text.lower() when the caller has it already."""
    index = _accented_index()
    found = []
    if low is None:
        low = text.lower()
    for m in _clean_search_pattern().finditer(" " + low):
        if m.group(1).isalnum():  # a word character from the ranges: rare
            return [index[n] for n in _search_pattern_slow().findall(low)]
        found.append(index[m.group(2)])
    return found


@lru_cache(maxsize=1)
def _search_pattern_slow() -> re.Pattern[str]:
    """_clean_search_pattern's names behind the look-behind itself, tried at every position."""
    return re.compile(r"(?<!\w)(" + _name_trie(list(_accented_index())) + r")(?!\w)")
