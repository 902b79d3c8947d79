"""How well the reader reads lists written with provincial offices' habits (issue 13).

Writes a labelled set with devtools/sheet_habits.py (every habit, several lists each), reads each file
with read_sheet_file and compares with the truth: product rows (precision, recall, F1; a product is
its folded name and subject), stars and district on the matched rows, the decision number and date
on the matched rows, and for the bad uploads whether the error says what the file is. Per habit and
overall, as a table and JSON.

    .venv/bin/python benchmarks/eval_sheet_habits.py                  # 8 lists a habit, seed 13
    .venv/bin/python benchmarks/eval_sheet_habits.py --per-habit 3 --json-out /tmp/h.json

Target (issue 13): row F1 >= 0.98, stars and district accuracy >= 0.98.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from devtools.sheet_habits import HABITS, write_habit_set
from ocop_pipeline.spreadsheets.reader import SheetReadError, read_sheet_file
from ocop_pipeline.text.folding import fold_key


def _key(name: str | None, subject: str | None) -> tuple[str, str]:
    return fold_key(name or ""), fold_key(subject or "")


def evaluate(out: Path, per_habit: int, seed: int, show: bool = False) -> dict:
    lists = write_habit_set(out, seed=seed, per_habit=per_habit)
    tally: dict[str, Counter] = defaultdict(Counter)
    for item in lists:
        t = tally[item.habit]
        t["files"] += 1
        try:
            parsed = read_sheet_file(item.path)
        except SheetReadError as exc:
            if item.error is not None:
                t["bad_ok"] += item.error in str(exc)
                t["bad_files"] += 1
            t["fn"] += len(item.products)
            t["unreadable"] += item.error is None
            if show and (item.error is None or item.error not in str(exc)):
                print(f"{item.path.name}: {exc}")
            continue
        if item.error is not None:
            t["bad_files"] += 1  # read although it holds no list: a miss
        truth = {_key(p.product_name, p.subject_name): p for p in item.products}
        found: dict[tuple[str, str], object] = {}
        for row in parsed.rows:
            k = _key(row.product_name, row.subject_name)
            if k in truth and k not in found:
                found[k] = row
            else:
                t["fp"] += 1
                if show:
                    print(f"{item.path.name} row {row.row}: extra row {row.product_name!r}")
        t["tp"] += len(found)
        t["fn"] += len(truth) - len(found)
        for k, row in found.items():
            p = truth[k]
            t["stars_ok"] += row.stars == p.stars
            t["district_n"] += 1
            t["district_ok"] += fold_key(row.district or "") == fold_key(p.district)
            if show and (row.stars != p.stars or fold_key(row.district or "") != fold_key(p.district)):
                print(f"{item.path.name} row {row.row}: stars {row.stars} ({row.stars_raw!r}) want {p.stars}, "
                      f"district {row.district!r} want {p.district!r}")
            if p.decision_no:
                t["decision_n"] += 1
                t["decision_ok"] += row.decision_no == p.decision_no and row.decision_date == p.decision_date
        t["duplicate_rejects"] += sum(1 for r in parsed.rejects if "duplicate" in r.reason)
        t["duplicates"] += item.duplicates
    per = {h: _scores(tally[h]) for h in HABITS}
    overall = Counter()
    for c in tally.values():
        overall.update(c)
    return {"seed": seed, "lists_per_habit": per_habit, "overall": _scores(overall), "habits": per}


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def _scores(t: Counter) -> dict:
    p, r = _ratio(t["tp"], t["tp"] + t["fp"]), _ratio(t["tp"], t["tp"] + t["fn"])
    f1 = round(2 * p * r / (p + r), 4) if p and r else (0.0 if (t["tp"] + t["fn"]) else None)
    return {
        "files": t["files"], "products": t["tp"] + t["fn"], "found": t["tp"], "extra_rows": t["fp"],
        "precision": p, "recall": r, "f1": f1,
        "stars": _ratio(t["stars_ok"], t["tp"]), "district": _ratio(t["district_ok"], t["district_n"]),
        "decision": _ratio(t["decision_ok"], t["decision_n"]),
        "bad_uploads_named": _ratio(t["bad_ok"], t["bad_files"]),
        "unreadable_files": t["unreadable"],
        "duplicates_rejected": f"{t['duplicate_rejects']}/{t['duplicates']}" if t["duplicates"] else None,
    }  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-habit", type=int, default=8)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--show", action="store_true", help="print every miss")
    parser.add_argument("--json-out", type=Path, default=REPO / "benchmarks" / "results" / "sheet_habits.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        result = evaluate(Path(tmp), args.per_habit, args.seed, args.show)
    args.json_out.parent.mkdir(parents=True, exist_ok=True)
    args.json_out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    cols = ("precision", "recall", "f1", "stars", "district", "decision", "bad_uploads_named")
    print(f"{'habit':<18}{'files':>6}{'rows':>6}" + "".join(f"{c[:9]:>10}" for c in cols))
    for name, s in [*result["habits"].items(), ("OVERALL", result["overall"])]:
        cells = "".join(f"{'' if s[c] is None else format(s[c], '.3f'):>10}" for c in cols)
        print(f"{name:<18}{s['files']:>6}{s['products']:>6}{cells}")
    o = result["overall"]
    print(f"\nunreadable good files: {o['unreadable_files']}; duplicates rejected: "
          f"{result['habits']['duplicates']['duplicates_rejected']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
