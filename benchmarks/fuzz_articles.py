"""Regression harness for extract_article: one hash of the JSON result per page, to prove that a
speed-up changes no output.

    .venv/bin/python benchmarks/fuzz_articles.py --save /tmp/articles_base.json   # before a change
    .venv/bin/python benchmarks/fuzz_articles.py --check /tmp/articles_base.json  # after it

Pages: every file of the national benchmark corpus (benchmarks/out/national/{sources,increment}/
snapshot/sites), every file under sources/snapshot/sites, the seed texts /work/shared/seeds/*.txt
and generated bench_articles pages. Site pages are read twice, with the site's body_selector (as
the pipeline does) and without (the extractor's own boilerplate removal).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def _selectors(yaml_dir: Path) -> dict[str, str]:
    """snapshot dir name (host) -> body_selector, read from the sites' YAML lines."""
    out: dict[str, str] = {}
    for y in sorted(yaml_dir.glob("news_*.yaml")):
        sel = snap = None
        for line in y.read_text(encoding="utf-8").splitlines():
            s = line.strip()
            if s.startswith("body_selector:"):
                sel = s.split(":", 1)[1].strip()
            elif s.startswith("snapshot:"):
                snap = s.split(":", 1)[1].strip().rstrip("/").rsplit("/", 1)[-1]
        if sel and snap:
            out[snap] = sel
    return out


def jobs(n_generated: int) -> list[tuple[str, str, str | None, str | None]]:
    """(id, kind, path or generated index, selector)."""
    out: list[tuple[str, str, str | None, str | None]] = []
    nat = ROOT / "benchmarks/out/national"
    trees = [
        (nat / "sources/snapshot/sites", _selectors(nat / "sources")),
        (nat / "increment/sites", _selectors(nat / "sources")),
        (ROOT / "sources/snapshot/sites", _selectors(ROOT / "sources")),
    ]
    for base, sels in trees:
        if not base.exists():
            continue
        for p in sorted(x for x in base.rglob("*") if x.is_file()):
            rel = p.relative_to(base)
            sel = sels.get(rel.parts[0])
            out.append((f"{base}:{rel}|none", "file", str(p), None))
            if sel:
                out.append((f"{base}:{rel}|sel", "file", str(p), sel))
    for p in sorted(Path("/work/shared/seeds").glob("*.txt")):
        out.append((f"seed:{p.name}", "file", str(p), None))
    for i in range(n_generated):
        out.append((f"gen:{i}", "gen", str(i), None))
    return out


_GEN: list[bytes] = []


def _run(chunk: list[tuple[str, str, str | None, str | None]]) -> list[tuple[str, str]]:
    from ocop_pipeline.news.article import extract_article

    res = []
    for jid, kind, ref, sel in chunk:
        if kind == "gen":
            i = int(ref)
            page = _GEN[i]
            url = f"https://bao{i % 7}.example.vn/a/{i}.html"
        else:
            page = Path(ref).read_bytes()
            rel = jid.split(":", 1)[1].split("|")[0]
            url = "https://" + rel if not jid.startswith("seed:") else None
        try:
            out = json.dumps(extract_article(page, url, body_selector=sel), sort_keys=True, ensure_ascii=False,
                             default=str)
        except Exception as exc:  # noqa: BLE001 - an exception is an output too
            out = f"EXC {type(exc).__name__}: {exc}"
        res.append((jid, hashlib.sha1(out.encode()).hexdigest()))
    return res


def _init(n_generated: int) -> None:
    from bench_articles import make_page

    rng = random.Random(7)
    _GEN[:] = [make_page(rng, i) for i in range(n_generated)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--save")
    ap.add_argument("--check")
    ap.add_argument("--generated", type=int, default=3000)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    todo = jobs(args.generated)
    chunks = [todo[i : i + 200] for i in range(0, len(todo), 200)]
    hashes: dict[str, str] = {}
    with ProcessPoolExecutor(args.workers, initializer=_init, initargs=(args.generated,)) as ex:
        for part in ex.map(_run, chunks):
            hashes.update(part)
    print(f"{len(hashes)} results")
    if args.save:
        Path(args.save).write_text(json.dumps(hashes, indent=0, sort_keys=True), encoding="utf-8")
    if args.check:
        base = json.loads(Path(args.check).read_text(encoding="utf-8"))
        diff = [k for k in base if hashes.get(k) != base[k]] + [k for k in hashes if k not in base]
        for k in diff[:20]:
            print("DIFF", k)
        print(f"{len(diff)} differences")
        sys.exit(1 if diff else 0)


if __name__ == "__main__":
    main()
