"""What people decided about pairs of names: curated decisions that override the matcher, and the
review rows of pairs the matcher could not decide (the `entity_review` table).

The decisions live in sources/curation/entity_decisions.csv (kept in git); a line says that two names
in a province are the same entity, or not, and wins over every score at the next build.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ocop_pipeline.entities.names import place_key
from ocop_pipeline.storage.ids import stable_id

# ---------------------------------------------------------------- curated decisions


@dataclass(frozen=True)
class Decision:
    """One curated decision: two names in a province are the same entity, or not."""

    kind: str  # subject | product
    left_name: str
    right_name: str
    province: str
    decision: str  # same | different
    note: str = ""
    decided_by: str = ""
    decided_on: str = ""


DECISION_COLUMNS = ("kind", "left_name", "right_name", "province", "decision", "note", "decided_by", "decided_on")


def load_decisions(path: str | Path | None) -> list[Decision]:
    """Read the curated decisions CSV; a missing file means no decisions. Bad lines raise, naming the line."""
    if path is None or not Path(path).exists():
        return []
    out = []
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for n, rec in enumerate(csv.DictReader(fh), start=2):
            rec = {k: (v or "").strip() for k, v in rec.items() if k}
            if not any(rec.values()):
                continue
            if rec.get("kind") not in ("subject", "product") or rec.get("decision") not in ("same", "different"):
                raise ValueError(f"{path}:{n}: kind must be subject|product and decision same|different")
            out.append(Decision(**{k: rec.get(k, "") for k in DECISION_COLUMNS}))
    return out


def decision_index(decisions: Iterable[Decision], kind: str, key) -> dict[tuple[str, frozenset[str]], str]:
    """(province key, {name key, name key}) -> same | different."""
    index = {}
    for d in decisions:
        if d.kind == kind:
            index[(place_key(d.province), frozenset((key(d.left_name), key(d.right_name))))] = d.decision
    return index


# ---------------------------------------------------------------- review rows


@dataclass
class ReviewPair:
    """An uncertain pair for a person to decide (a row of `entity_review`)."""

    kind: str
    left_key: str
    right_key: str
    left_name: str
    right_name: str
    province: str
    score: float
    evidence: dict
    left_id: str = ""
    right_id: str = ""
    subject_id: str | None = None

    @property
    def review_id(self) -> str:
        return stable_id("review", self.kind, self.province, self.subject_id, self.left_key, self.right_key,
                         self.evidence.get("left_place"), self.evidence.get("right_place"))
