"""Run the matcher on benchmarks/entity_pairs.csv and report precision, recall and F1 by split.

Each pair is resolved on its own through the same functions the core rebuild uses
(`resolve_subjects` / `resolve_products`): predicted "same" means one id. A pair sent to review
counts as predicted "different" (nothing is merged until a person decides) and is counted apart.

    .venv/bin/python benchmarks/eval_matching.py            # table on stdout, JSON with --json
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ocop_pipeline.entities.matching import ProductRecord, SubjectRecord, resolve_products, resolve_subjects

PAIRS = Path(__file__).with_name("entity_pairs.csv")


def predict(pair: dict) -> tuple[bool, bool]:
    """(predicted same, sent to review) for one labelled pair."""
    if pair["kind"] == "subject":
        left = SubjectRecord(pair["province"], pair["left_name"], pair["left_commune"] or None,
                             pair["left_district"] or None, None, pair["left_tax"] or None)
        right = SubjectRecord(pair["province"], pair["right_name"], pair["right_commune"] or None,
                              pair["right_district"] or None, None, pair["right_tax"] or None)
        res = resolve_subjects([left, right])
        return res.ids[left] == res.ids[right], bool(res.reviews)
    left, right = ProductRecord("s", pair["left_name"]), ProductRecord("s", pair["right_name"])
    res = resolve_products([left, right], {"s": [pair["subject_name"]]}, {"s": pair["province"]})
    return res.ids[left] == res.ids[right], bool(res.reviews)


def score(rows: list[dict]) -> dict:
    c = defaultdict(int)
    errors = []
    for pair in rows:
        same, review = predict(pair)
        truth = pair["label"] == "same"
        c[("tp" if same else "fn") if truth else ("fp" if same else "tn")] += 1
        c["review"] += review
        if same != truth:
            errors.append({k: pair[k] for k in ("kind", "left_name", "right_name", "label", "category")})
    tp, fp, fn = c["tp"], c["fp"], c["fn"]
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"pairs": len(rows), "tp": tp, "fp": fp, "fn": fn, "tn": c["tn"], "sent_to_review": c["review"],
            "precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4), "errors": errors}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=Path, default=PAIRS)
    parser.add_argument("--json", action="store_true", help="print the JSON report only")
    args = parser.parse_args()
    with open(args.pairs, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        groups[r["split"]].append(r)
        groups[f"{r['split']}/{r['kind']}"].append(r)
        groups["all"].append(r)
    report = {name: score(group) for name, group in sorted(groups.items())}
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
        return
    print(f"{'split':<18}{'pairs':>6}{'tp':>5}{'fp':>5}{'fn':>5}{'tn':>5}{'review':>8}{'precision':>11}{'recall':>8}{'f1':>7}")
    for name, r in report.items():
        print(f"{name:<18}{r['pairs']:>6}{r['tp']:>5}{r['fp']:>5}{r['fn']:>5}{r['tn']:>5}{r['sent_to_review']:>8}"
              f"{r['precision']:>11.3f}{r['recall']:>8.3f}{r['f1']:>7.3f}")
    for name in ("dev", "heldout", "hand", "variants_dev", "variants_heldout"):
        for e in report.get(name, {}).get("errors", []):
            print(f"  [{name}] {e['label']:<9} {e['kind']:<7} {e['category']}: {e['left_name']!r} / {e['right_name']!r}")
    print(json.dumps({k: {m: v[m] for m in ("precision", "recall", "f1", "tp", "fp", "fn", "tn")}
                      for k, v in report.items() if "/" not in k}))


if __name__ == "__main__":
    main()
