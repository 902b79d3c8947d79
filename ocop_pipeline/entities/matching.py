"""Entity resolution: which spellings are one producer, and which product names are one product.

Pure functions, no database. `core.rebuild_core` reads the distinct staging tuples, calls
`resolve_subjects` and `resolve_products`, and registers the mappings for its SQL. How two names
score is names.py; curated decisions and review rows are decisions.py.

How a pair of subject spellings is judged (same province only: the province is the first block):
1. A curated decision (sources/curation/entity_decisions.csv) wins, both ways.
2. Tax codes decide when both sides give one: equal -> same, different -> never.
3. Legal forms must be compatible: HTX / Hợp tác xã / HTX NN are one form; HTX vs Công ty never.
4. Location: different districts, or different communes on the same side of the 2025 reform, keep
   two spellings apart (two "HTX Nông nghiệp Hòa Bình" in two communes are two producers).
5. Name: the distinctive core (legal form, generic sector words such as "nông nghiệp", "dịch vụ",
   "thương mại" and a glued address removed) is scored with rapidfuzz (token sort and token set
   ratios); >= HIGH -> same, LOW..HIGH -> the review table, below -> different. Household names
   (people) must agree exactly: "Nguyễn Văn An" and "Nguyễn Văn Anh" are two people.
Clusters grow greedily from the strongest pair down, and a merge is refused when any two members
would break rule 1, 2, 3 or 4 (so a spelling without an address cannot chain two communes together).

Ids are hashes of stable values: the tax code when the cluster has one, else the province and the
smallest canonical key (legal-form class + distinctive core) in the cluster, which most spelling
variants share, so a new file with known producers or new spellings keeps existing ids.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz, process

from ocop_pipeline.entities.decisions import Decision, ReviewPair, decision_index
from ocop_pipeline.entities.keys import subject_key
from ocop_pipeline.entities.names import (
    SUBJECT_HIGH,
    SUBJECT_LOW,
    ParsedSubject,
    has_accents,
    name_score,
    parse_product,
    parse_subject,
    place_key,
    product_pair,
    spaceless,
)
from ocop_pipeline.storage.ids import stable_id

# ---------------------------------------------------------------- clustering


class _Clusters:
    """Union-find over node indexes that refuses merges breaking a cannot-link rule."""

    def __init__(self, n: int, conflict) -> None:
        self.parent = list(range(n))
        self.members = {i: [i] for i in range(n)}
        self.conflict = conflict  # (i, j) -> reason or None

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def blocker(self, i: int, j: int) -> str | None:
        ri, rj = self.find(i), self.find(j)
        if ri == rj:
            return None
        for a in self.members[ri]:
            for b in self.members[rj]:
                reason = self.conflict(a, b)
                if reason:
                    return reason
        return None

    def union(self, i: int, j: int) -> None:
        ri, rj = self.find(i), self.find(j)
        if ri == rj:
            return
        if len(self.members[ri]) < len(self.members[rj]):
            ri, rj = rj, ri
        self.parent[rj] = ri
        self.members[ri].extend(self.members.pop(rj))


# ---------------------------------------------------------------- subjects


@dataclass(frozen=True)
class SubjectRecord:
    """One distinct subject tuple as staged."""

    province_current: str
    subject_name: str
    commune: str | None = None
    district: str | None = None
    province: str | None = None  # the province as the file names it (legacy before the reform)
    tax_code: str | None = None


@dataclass
class _SubjectNode:
    province: str
    key: str  # resolve.subject_key of the name
    parsed: ParsedSubject
    commune: str
    district: str
    legacy: str
    tax: str
    names: list[str] = field(default_factory=list)

    @property
    def place(self) -> str:
        return ", ".join(p for p in (self.commune, self.district) if p)


@dataclass
class SubjectResolution:
    """subject_id of each record, how it was matched, and the pairs left for review."""

    ids: dict[SubjectRecord, str]
    matched_by: dict[SubjectRecord, str]
    reviews: list[ReviewPair]


_COMPATIBLE_DETAIL = {("", "tnhh"), ("", "cp"), ("", "dntn"), ("", "union")}


def _form_conflict(a: ParsedSubject, b: ParsedSubject) -> str | None:
    if "other" in (a.form, b.form) or a.form == b.form:
        return None
    return f"legal forms differ ({a.form} / {b.form})"


def _place_conflict(a: _SubjectNode, b: _SubjectNode) -> str | None:
    if a.district and b.district and a.district != b.district:
        return "districts differ"
    if a.district and b.district and a.legacy and b.legacy and a.legacy != b.legacy:
        return "provinces differ"
    # communes are comparable on the same side of the 2025 reform (lists after it name no district)
    if a.commune and b.commune and a.commune != b.commune and bool(a.district) == bool(b.district):
        return "communes differ"
    return None


def _subject_evidence(a: _SubjectNode, b: _SubjectNode) -> dict:
    return {
        "left_place": a.place, "right_place": b.place,
        "commune": "unknown" if not (a.commune and b.commune) else ("agree" if a.commune == b.commune else "differ"),
        "district": "unknown" if not (a.district and b.district) else ("agree" if a.district == b.district else "differ"),
        "tax_codes": [a.tax or None, b.tax or None],
        "legal_forms": [f"{a.parsed.form}:{a.parsed.detail}".rstrip(":"), f"{b.parsed.form}:{b.parsed.detail}".rstrip(":")],
        "cores": [a.parsed.core, b.parsed.core],
    }


def _candidate_pairs(cores: Sequence[str], low: float) -> list[tuple[int, int]]:
    """Index pairs (i < j) whose folded cores score >= low: rapidfuzz cdist over the block."""
    unique = sorted(set(cores))
    by_core = defaultdict(list)
    for i, c in enumerate(cores):
        by_core[c].append(i)
    pairs: list[tuple[int, int]] = []
    for idxs in by_core.values():  # identical cores
        pairs.extend((a, b) for n, a in enumerate(idxs) for b in idxs[n + 1:])
    # identical once spaces are removed ("langbiang" / "lang biang"): the token ratios see two
    # different words there, so the cdist below would not propose the pair
    by_spaceless = defaultdict(list)
    for c in unique:
        by_spaceless[spaceless(c)].append(c)
    for group in by_spaceless.values():
        for n, x in enumerate(group):
            for y in group[n + 1:]:
                pairs.extend((min(a, b), max(a, b)) for a in by_core[x] for b in by_core[y])
    if len(unique) > 1:
        # token set ratio >= token sort ratio, so the mean reaches `low` only where the set ratio does:
        # one cdist with a cutoff finds the candidates, the exact score is computed for those only
        tset = process.cdist(unique, unique, scorer=fuzz.token_set_ratio, dtype=np.uint8, workers=-1,
                             score_cutoff=int(low) - 1)
        xs, ys = np.nonzero(np.triu(tset, k=1))
        for x, y in zip(xs.tolist(), ys.tolist(), strict=True):
            pairs.extend((min(a, b), max(a, b)) for a in by_core[unique[x]] for b in by_core[unique[y]])
    return pairs


def resolve_subjects(
    records: Iterable[SubjectRecord],
    decisions: Sequence[Decision] = (),
    high: float = SUBJECT_HIGH,
    low: float = SUBJECT_LOW,
    first_seen: dict[SubjectRecord, int] | None = None,
) -> SubjectResolution:
    """Cluster subject records into producers; see the module docstring for the rules.

    `first_seen` (earliest rating year of each record) only settles which of two same-named producers
    of a province keeps the plain id: the one seen first, so a namesake arriving later gets the
    place-qualified id and the known producer's id does not move."""
    records = sorted(set(records), key=lambda r: tuple("" if v is None else str(v) for v in vars(r).values()))
    curated = decision_index(decisions, "subject", subject_key)
    nodes: list[_SubjectNode] = []
    node_of: dict[tuple, int] = {}
    record_node: dict[SubjectRecord, int] = {}
    for r in records:
        parsed = parse_subject(r.subject_name)
        # the accented core is part of the identity: 'Nguyễn Văn Hùng' and 'Nguyễn Văn Hưng' fold alike
        ident = (r.province_current, subject_key(r.subject_name), place_key(r.commune), place_key(r.district),
                 place_key(r.province) if r.district else "", (r.tax_code or "").strip(), parsed.core)
        if ident not in node_of:
            node_of[ident] = len(nodes)
            nodes.append(_SubjectNode(ident[0], ident[1], parsed, *ident[2:6]))
        nodes[node_of[ident]].names.append(r.subject_name)
        record_node[r] = node_of[ident]

    def curated_of(a: _SubjectNode, b: _SubjectNode) -> str | None:
        return curated.get((place_key(a.province), frozenset((a.key, b.key))))

    def conflict(i: int, j: int) -> str | None:
        a, b = nodes[i], nodes[j]
        decided = curated_of(a, b)
        if decided:
            return "curated: different" if decided == "different" else None
        if a.tax and b.tax:
            return None if a.tax == b.tax else "tax codes differ"
        return _form_conflict(a.parsed, b.parsed) or _place_conflict(a, b)

    edges: list[tuple[int, float, int, int, str]] = []  # (priority, score, i, j, how)
    reviews: list[tuple[int, int, float, str]] = []
    by_province: dict[str, list[int]] = defaultdict(list)
    for i, n in enumerate(nodes):
        by_province[n.province].append(i)
    for idxs in by_province.values():
        pairs: set[tuple[int, int]] = set()
        # second block: legal forms that may match ('other' = no form written goes with every class)
        for forms in (("cooperative", "cooperative_group"), ("enterprise",), ("household",)):
            local = [n for n, i in enumerate(idxs) if nodes[i].parsed.form in forms or nodes[i].parsed.form == "other"]
            found = _candidate_pairs([nodes[idxs[n]].parsed.core_fold for n in local], low)
            pairs.update((local[a], local[b]) for a, b in found)
        by_tax = defaultdict(list)
        for local, i in enumerate(idxs):
            if nodes[i].tax:
                by_tax[nodes[i].tax].append(local)
        for group in by_tax.values():
            pairs.update((a, b) for n, a in enumerate(group) for b in group[n + 1:])
        # curated "same" pairs whatever their blocks (an HTX that became a company)
        by_key: dict[str, list[int]] = defaultdict(list)
        for local, i in enumerate(idxs):
            by_key[nodes[i].key].append(local)
        province_key = place_key(nodes[idxs[0]].province)
        for (prov, keys), decided in curated.items():
            if prov == province_key and decided == "same":
                left, right = (sorted(keys) * 2)[:2]
                pairs.update((min(a, b), max(a, b)) for a in by_key.get(left, ()) for b in by_key.get(right, ()) if a != b)
        for la, lb in pairs:
            i, j = idxs[la], idxs[lb]
            a, b = nodes[i], nodes[j]
            score = name_score(a.parsed.core, b.parsed.core, a.parsed.core_fold, b.parsed.core_fold)
            decided = curated_of(a, b)
            if decided:
                if decided == "same":
                    edges.append((3, score, i, j, "curated"))
                continue
            if a.tax and b.tax:
                if a.tax == b.tax:
                    edges.append((2, score, i, j, "tax_code"))
                continue
            if _form_conflict(a.parsed, b.parsed):
                continue
            place = _place_conflict(a, b)
            if place:
                if score >= high:  # the same name elsewhere: likely two producers, a person confirms
                    reviews.append((i, j, score, place))
                continue
            if a.parsed.form == "household" or b.parsed.form == "household":
                # people's names: only an exact match (accent-aware) is the same person
                if score == 100:
                    edges.append((1, score, i, j, "name"))
                elif score >= high:
                    reviews.append((i, j, score, "household names differ"))
                continue
            detail_clash = a.parsed.detail != b.parsed.detail and (a.parsed.detail, b.parsed.detail) not in \
                _COMPATIBLE_DETAIL and (b.parsed.detail, a.parsed.detail) not in _COMPATIBLE_DETAIL
            if score >= high and not detail_clash and "other" not in (a.parsed.form, b.parsed.form):
                edges.append((1, score, i, j, "name"))
            elif score >= high and "other" in (a.parsed.form, b.parsed.form) and score == 100:
                edges.append((1, score, i, j, "name"))  # same core, one side without its legal form
            elif score >= low:
                reason = "enterprise forms differ" if detail_clash else (
                    "legal form missing on one side" if score >= high else "names similar")
                reviews.append((i, j, score, reason))

    clusters = _Clusters(len(nodes), conflict)
    how: dict[int, str] = {}
    edges.sort(key=lambda e: (-e[0], -e[1], nodes[e[2]].key, nodes[e[3]].key, e[2], e[3]))
    for _, score, i, j, kind in edges:
        reason = clusters.blocker(i, j)
        if reason and kind != "curated":
            reviews.append((i, j, score, f"blocked: {reason}"))
            continue
        if clusters.find(i) != clusters.find(j):
            clusters.union(i, j)
            how.setdefault(j, kind)
            how.setdefault(i, kind)

    node_id = _subject_ids(nodes, clusters, first_seen or {}, record_node)
    review_rows = []
    done = set()
    for i, j, score, reason in sorted(reviews, key=lambda x: (nodes[x[0]].key, nodes[x[1]].key, x[0], x[1])):
        if node_id[i] == node_id[j] or (i, j) in done:
            continue
        done.add((i, j))
        if (nodes[j].key, nodes[j].place) < (nodes[i].key, nodes[i].place):
            i, j = j, i
        a, b = nodes[i], nodes[j]
        ev = _subject_evidence(a, b)
        ev["reason"] = reason
        review_rows.append(ReviewPair("subject", a.key, b.key, min(a.names), min(b.names), a.province,
                                      round(score, 1), ev, node_id[i], node_id[j]))
    ids = {r: node_id[n] for r, n in record_node.items()}
    matched = {r: how.get(n, "alone") for r, n in record_node.items()}
    return SubjectResolution(ids, matched, review_rows)


def _subject_ids(nodes: list[_SubjectNode], clusters: _Clusters, first_seen: dict[SubjectRecord, int],
                 record_node: dict[SubjectRecord, int]) -> dict[int, str]:
    """Node index -> subject_id. A cluster with a tax code is hash(tax code); otherwise hash(province,
    smallest canonical name of its accented spellings). When two clusters of a province share that
    name (namesakes in two communes), the one seen first keeps it and the others add their place."""
    years: dict[int, int] = {}
    for rec, n in record_node.items():
        if rec in first_seen and first_seen[rec] is not None:
            years[n] = min(years.get(n, 9999), first_seen[rec])
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(nodes)):
        groups[clusters.find(i)].append(i)
    by_basis: dict[tuple, list[int]] = defaultdict(list)
    for root, members in groups.items():
        taxes = sorted(nodes[m].tax for m in members if nodes[m].tax)
        if taxes:
            by_basis[("tax", taxes[0])].append(root)
            continue
        accented = [m for m in members if has_accents(nodes[m].parsed.core)] or members
        canon = min(f"{nodes[m].parsed.form}:{nodes[m].parsed.core}" for m in accented)
        by_basis[("name", nodes[root].province, canon)].append(root)
    node_id: dict[int, str] = {}
    for basis, roots in by_basis.items():
        def order(root: int) -> tuple:
            members = groups[root]
            return (min(years.get(m, 9999) for m in members),
                    min((nodes[m].district, nodes[m].commune) for m in members), sorted(nodes[m].key for m in members))
        taken: set[str] = set()
        for n, root in enumerate(sorted(roots, key=order)):
            if n == 0:
                sid = stable_id("subject", *basis[1:])
            else:
                place = min((nodes[m].district, nodes[m].commune) for m in groups[root])
                sid = stable_id("subject", *basis[1:], *place)
                if sid in taken:  # same name and same place, kept apart by a decision: add the spellings
                    sid = stable_id("subject", *basis[1:], *place, *order(root)[2])
            taken.add(sid)
            for m in groups[root]:
                node_id[m] = sid
    return node_id


@dataclass(frozen=True)
class ProductRecord:
    subject_id: str
    product_name: str


@dataclass
class ProductResolution:
    ids: dict[ProductRecord, str]
    reviews: list[ReviewPair]


def resolve_products(
    records: Iterable[ProductRecord],
    subject_names: dict[str, Sequence[str]] | None = None,
    subject_province: dict[str, str] | None = None,
    decisions: Sequence[Decision] = (),
) -> ProductResolution:
    """Cluster product names within each subject; ids hash the subject id and the smallest key."""
    subject_names = subject_names or {}
    subject_province = subject_province or {}
    curated = decision_index(decisions, "product", lambda n: parse_product(n).key)
    by_subject: dict[str, list[ProductRecord]] = defaultdict(list)
    for r in set(records):
        by_subject[r.subject_id].append(r)
    ids: dict[ProductRecord, str] = {}
    reviews: list[ReviewPair] = []
    for sid in sorted(by_subject):
        recs = sorted(by_subject[sid], key=lambda r: r.product_name)
        keys = sorted({parse_product(r.product_name).key for r in recs})
        parsed = {k: next(parse_product(r.product_name) for r in recs if parse_product(r.product_name).key == k)
                  for k in keys}
        names = {k: next(r.product_name for r in recs if parse_product(r.product_name).key == k) for k in keys}
        brand = frozenset(t for n in subject_names.get(sid, ()) for t in parse_subject(n).core_fold.split())
        province = place_key(subject_province.get(sid, ""))
        verdict: dict[tuple[int, int], tuple[str, float, str]] = {}
        for i in range(len(keys)):
            for j in range(i + 1, len(keys)):
                decided = curated.get((province, frozenset((keys[i], keys[j]))))
                if decided:
                    verdict[(i, j)] = (decided, 100.0 if decided == "same" else 0.0, "curated")
                else:
                    verdict[(i, j)] = product_pair(parsed[keys[i]], parsed[keys[j]], brand)

        def conflict(i: int, j: int, verdict=verdict) -> str | None:
            v = verdict[(min(i, j), max(i, j))]
            return v[2] if v[0] == "different" and v[2] in ("curated", "numbers differ") else None

        clusters = _Clusters(len(keys), conflict)
        order = sorted((k for k, v in verdict.items() if v[0] == "same"),
                       key=lambda k: (verdict[k][2] != "curated", -verdict[k][1], k))
        for i, j in order:
            if verdict[(i, j)][2] == "curated" or not clusters.blocker(i, j):
                clusters.union(i, j)
        pid = {}
        for i, k in enumerate(keys):
            root = clusters.find(i)
            canon = min(keys[m] for m in clusters.members[root])
            pid[k] = stable_id("product", sid, canon)
        for r in recs:
            ids[r] = pid[parse_product(r.product_name).key]
        for (i, j), (v, score, reason) in sorted(verdict.items()):
            if v == "review" and pid[keys[i]] != pid[keys[j]]:
                reviews.append(ReviewPair("product", keys[i], keys[j], names[keys[i]], names[keys[j]],
                                          subject_province.get(sid, ""), round(score, 1), {"reason": reason},
                                          pid[keys[i]], pid[keys[j]], sid))
    return ProductResolution(ids, reviews)
