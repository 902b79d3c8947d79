"""Entity resolution province by province, each province's answer kept until its inputs change.

Matching never crosses a province (`matching.resolve_subjects` compares names within a province
only), with one exception: a cluster with a tax code takes its id from the code, so two provinces
whose lists share a tax code decide each other's ids. The staged producers therefore split into
groups (one province, or the provinces a tax code ties together) that resolve independently, and a
group's answer is a pure function of its records, the curated decisions and the matching code.

`resolve_cached` keeps each group's answer in `_resolution_cache` under a fingerprint of those
inputs and resolves again only the groups whose fingerprint changed: a new list from Hà Nội costs
Hà Nội's producers, not the country's. The answer is the one `resolve_all` gives (tested, and
checked on the national benchmark corpus).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from operator import attrgetter

import duckdb
import pandas as pd
import rapidfuzz

from ocop_pipeline.entities import decisions, matching, names, subject_types
from ocop_pipeline.entities import keys as resolve
from ocop_pipeline.entities.decisions import Decision, ReviewPair
from ocop_pipeline.entities.matching import (
    ProductRecord,
    SubjectRecord,
    resolve_products,
    resolve_subjects,
)
from ocop_pipeline.runtime import progress
from ocop_pipeline.runtime.fingerprints import code_hash
from ocop_pipeline.storage.schema import RESOLUTION_CACHE
from ocop_pipeline.storage.store import ensure_tables
from ocop_pipeline.storage.transactions import transaction
from ocop_pipeline.text import folding, legacy_fonts, normalize

# Modules whose code decides the answer (matching.py and what it imports): a change to any of them, or
# another rapidfuzz, is a new fingerprint for every group.
_CODE = (matching, names, decisions, resolve, normalize, folding, legacy_fonts, subject_types)


@dataclass
class Resolution:
    """Who is who: the subject and product id of every staged spelling, and the pairs left for review."""

    subject_ids: dict[SubjectRecord, str] = field(default_factory=dict)
    matched_by: dict[SubjectRecord, str] = field(default_factory=dict)
    product_ids: dict[ProductRecord, str] = field(default_factory=dict)
    reviews: list[ReviewPair] = field(default_factory=list)

    def update(self, other: Resolution) -> None:
        self.subject_ids.update(other.subject_ids)
        self.matched_by.update(other.matched_by)
        self.product_ids.update(other.product_ids)
        self.reviews += other.reviews


def resolve_all(products_of: Mapping[SubjectRecord, Iterable[str]], decisions: Sequence[Decision] = (),
                first_seen: Mapping[SubjectRecord, int] | None = None) -> Resolution:
    """Resolve every subject record (with the product names staged under it) in one go."""
    subjects = resolve_subjects(products_of, decisions, first_seen=dict(first_seen or {}))
    names: dict[str, set[str]] = defaultdict(set)
    province: dict[str, str] = {}
    for rec, sid in subjects.ids.items():
        names[sid].add(rec.subject_name)
        province[sid] = rec.province_current
    products = resolve_products(
        {ProductRecord(subjects.ids[rec], name) for rec, product_names in products_of.items() for name in product_names},
        {sid: sorted(v) for sid, v in names.items()}, province, decisions)
    return Resolution(subjects.ids, subjects.matched_by, products.ids, subjects.reviews + products.reviews)


def province_groups(places: Iterable[tuple[str | None, str | None]]) -> list[list[str]]:
    """(current province, tax code) pairs -> the provinces that resolve together: one province, or the
    provinces a shared tax code ties (union-find over provinces). A missing province is ""; each group
    is sorted, the groups in order of their first province."""
    parent: dict[str, str] = {}

    def find(p: str) -> str:
        while parent.setdefault(p, p) != p:
            parent[p] = parent[parent[p]]
            p = parent[p]
        return p

    by_tax: dict[str, str] = {}
    for province, tax_code in places:
        province = province or ""
        find(province)
        tax = (tax_code or "").strip()
        if tax:
            if tax in by_tax:
                a, b = find(by_tax[tax]), find(province)
                if a != b:
                    parent[max(a, b)] = min(a, b)
            else:
                by_tax[tax] = province
    groups: dict[str, list[str]] = defaultdict(list)
    for province in sorted(parent):
        groups[find(province)].append(province)
    return [groups[k] for k in sorted(groups)]


def group_key(provinces: Iterable[str]) -> str:
    """The name a group's answer is kept under: its provinces, sorted, joined by "|"."""
    return "|".join(sorted(provinces))


def resolution_groups(records: Iterable[SubjectRecord]) -> list[list[SubjectRecord]]:
    """Records split into groups that resolve independently (`province_groups`)."""
    records = list(records)
    places = province_groups((r.province_current, r.tax_code) for r in records)
    group_of = {p: n for n, group in enumerate(places) for p in group}
    groups: list[list[SubjectRecord]] = [[] for _ in places]
    for r in records:
        groups[group_of[r.province_current or ""]].append(r)
    return groups


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of the matching code's source: changing how names are matched invalidates every group."""
    return code_hash(_CODE, f"rapidfuzz {rapidfuzz.__version__}")


_RECORD_FIELDS = attrgetter(*(f.name for f in dataclasses.fields(SubjectRecord)))


def _fingerprint(group: list[SubjectRecord], products_of: Mapping[SubjectRecord, Iterable[str]],
                 first_seen: Mapping[SubjectRecord, int], decisions_key: str) -> str:
    # The fields read straight off the record (asdict deep-copies: most of a warm run's time); the
    # text hashed is the same as before, so answers kept by an older build still match.
    rows = sorted((tuple("" if v is None else str(v) for v in _RECORD_FIELDS(r)), first_seen.get(r),
                   sorted(products_of[r])) for r in group)
    text = json.dumps([code_fingerprint(), decisions_key, rows], ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _to_payload(res: Resolution) -> str:
    return json.dumps({
        "subjects": [[*asdict(r).values(), sid, res.matched_by[r]] for r, sid in res.subject_ids.items()],
        "products": [[p.subject_id, p.product_name, pid] for p, pid in res.product_ids.items()],
        "reviews": [asdict(p) for p in res.reviews],
    }, ensure_ascii=False)


def _from_payload(text: str) -> Resolution:
    data = json.loads(text)
    res = Resolution()
    for *fields, sid, how in data["subjects"]:
        rec = SubjectRecord(*fields)
        res.subject_ids[rec] = sid
        res.matched_by[rec] = how
    res.product_ids = {ProductRecord(s, n): pid for s, n, pid in data["products"]}
    res.reviews = [ReviewPair(**p) for p in data["reviews"]]
    return res


def resolve_cached(con: duckdb.DuckDBPyConnection, products_of: Mapping[SubjectRecord, Iterable[str]],
                   decisions: Sequence[Decision] = (), first_seen: Mapping[SubjectRecord, int] | None = None,
                   keep: Iterable[str] = ()) -> tuple[Resolution, int]:
    """`resolve_all`'s answer, resolving only the groups whose inputs changed since the answers kept
    in `_resolution_cache`; returns it and how many groups were resolved (not taken from the cache).

    The answers of groups not among these records are dropped, except those whose key is in `keep`
    (groups still staged that the caller did not need to ask about)."""
    first_seen = first_seen or {}
    ensure_tables(con, [RESOLUTION_CACHE])
    # In order: of two decisions on the same pair the later one wins (decisions.decision_index).
    decisions_key = hashlib.sha256(repr([sorted(asdict(d).items()) for d in decisions]).encode()).hexdigest()
    groups = [(group_key({r.province_current or "" for r in group}), group) for group in resolution_groups(products_of)]
    fingerprints = {key: _fingerprint(group, products_of, first_seen, decisions_key) for key, group in groups}
    # The kept answers of these groups with these fingerprints, and only those: all of them are
    # megabytes of JSON, and a scoped rebuild (core.py) asks about a few groups.
    payloads = dict(con.execute(
        "SELECT c.group_key, c.payload FROM _resolution_cache c "
        "JOIN (SELECT unnest(?) AS group_key, unnest(?) AS fingerprint) w USING (group_key, fingerprint)",
        [list(fingerprints), list(fingerprints.values())]).fetchall())
    answer, keys, new = Resolution(), [], []
    task = progress.task("resolve subjects", unit="subject spellings", total=len(products_of))
    for key, group in groups:
        fp = fingerprints[key]
        keys.append(key)
        if key in payloads:
            answer.update(_from_payload(payloads[key]))
            task.advance(len(group), groups_kept=len(keys) - len(new))
            continue
        part = resolve_all({r: products_of[r] for r in group}, decisions,
                           {r: first_seen[r] for r in group if r in first_seen})
        answer.update(part)
        new.append((key, fp, _to_payload(part)))
        task.advance(len(group), groups_resolved=len(new))
    task.finish()
    # One transaction: a build killed here keeps the old answers or the new, each whole.
    with transaction(con):
        con.execute("DELETE FROM _resolution_cache WHERE group_key NOT IN (SELECT unnest(?)) "
                    "OR group_key IN (SELECT unnest(?))", [keys + list(keep), [k for k, _, _ in new]])
        if new:
            con.register("_new_answers", pd.DataFrame(new, columns=["group_key", "fingerprint", "payload"]))
            try:
                con.execute("INSERT INTO _resolution_cache (group_key, fingerprint, payload) "
                            "SELECT group_key, fingerprint, payload FROM _new_answers")
            finally:
                con.unregister("_new_answers")
    return answer, len(new)
