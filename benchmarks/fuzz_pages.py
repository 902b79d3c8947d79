"""Mutation fuzz of the page reader: real-looking pages broken the ways CMSs and hostile sites break them.

    .venv/bin/python benchmarks/fuzz_pages.py                 # 600 mutated pages, seed 3
    .venv/bin/python benchmarks/fuzz_pages.py -n 2000 --seed 9

Each page is a recorded snapshot page (sources/snapshot/sites) or a generated bench_articles page, put
through one mutation: cut at a random byte, random bytes spliced in, NUL runs, the body nested in
thousands of divs, closing tags stripped, one paragraph or table row repeated thousands of times, the
text re-encoded in cp1258 with a false charset label. Every page must end as an answer or as a refusal
(not_text_reason / PageRefused) naming its reason: any other exception is a crash and fails the run.

Prints one JSON object: pages, pages per second, refusals by reason, crashes, the worst page's time and
mutation, and the process's peak memory (ru_maxrss), which is what one build worker would hold.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_articles import make_page  # noqa: E402

from ocop_pipeline.news.article import extract_article  # noqa: E402
from ocop_pipeline.news.page_text import PageRefused  # noqa: E402
from ocop_pipeline.text.content import not_text_reason  # noqa: E402


def _cut(rng: random.Random, page: bytes) -> bytes:
    return page[: rng.randrange(1, len(page))]


def _splice_random(rng: random.Random, page: bytes) -> bytes:
    at = rng.randrange(len(page))
    return page[:at] + rng.randbytes(rng.choice([64, 4096, 200_000])) + page[at:]


def _nul_run(rng: random.Random, page: bytes) -> bytes:
    at = rng.randrange(len(page))
    return page[:at] + b"\x00" * rng.choice([16, 10_000, 500_000]) + page[at:]


def _deep_nesting(rng: random.Random, page: bytes) -> bytes:
    depth = rng.choice([50, 900, 3_000, 60_000])
    return page.replace(b"<body>", b"<body>" + b"<div>" * depth, 1) + b"</div>" * rng.randrange(depth)


def _strip_closing_tags(rng: random.Random, page: bytes) -> bytes:
    return re.sub(rb"</(?:div|p|li|td|tr|span)>", b"", page)


def _repeat_paragraph(rng: random.Random, page: bytes) -> bytes:
    paragraphs = re.findall(rb"<p>.*?</p>", page, re.S) or [b"<p>OCOP 3 sao.</p>"]
    block = rng.choice(paragraphs) * rng.choice([100, 2_000, 20_000])
    return page.replace(b"</body>", block + b"</body>", 1)


def _table_rows(rng: random.Random, page: bytes) -> bytes:
    row = "<tr><td>{i}</td><td>Mật ong hoa nhãn {i}</td><td>HTX Ong Vàng</td><td>4 sao</td></tr>"
    rows = "".join(row.format(i=i) for i in range(rng.choice([200, 2_000, 8_000, 160_000])))
    return page.replace(b"</body>", f"<table>{rows}</table></body>".encode(), 1)


def _false_charset(rng: random.Random, page: bytes) -> bytes:
    text = page.decode("utf-8", "replace").replace('charset="utf-8"', 'charset="iso-8859-1"')
    return text.encode("cp1258", "replace")


MUTATIONS = {f.__name__.lstrip("_"): f for f in (
    _cut, _splice_random, _nul_run, _deep_nesting, _strip_closing_tags, _repeat_paragraph, _table_rows,
    _false_charset)}


def _pages(rng: random.Random) -> list[bytes]:
    recorded = [p.read_bytes() for p in sorted((ROOT / "sources/snapshot/sites").rglob("*"))
                if p.is_file() and p.suffix in {".html", ".htm", ""} and p.stat().st_size > 2_000]
    return recorded + [make_page(rng, i) for i in range(200)]


def _kind(reason: str) -> str:
    """A refusal's reason without its figures, so that refusals of one kind count together."""
    return "refused: " + re.sub(r"\d[\d,]*", "N", reason)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=600)
    ap.add_argument("--seed", type=int, default=3)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    bases = _pages(rng)
    outcomes: Counter[str] = Counter()
    crashes: list[str] = []
    worst = (0.0, "")
    started = time.perf_counter()
    for i in range(args.n):
        name, mutate = rng.choice(list(MUTATIONS.items()))
        page = mutate(rng, rng.choice(bases))
        t0 = time.perf_counter()
        try:
            reason = not_text_reason(page)
            if reason is None:
                extract_article(page, f"https://fuzz.invalid/{i}")
            outcomes[_kind(reason) if reason else "read"] += 1
        except PageRefused as refused:
            outcomes[_kind(refused.reason)] += 1
        except Exception as exc:  # a crash is what the fuzz is for: keep going and report it
            crashes.append(f"page {i} ({name}): {type(exc).__name__}: {exc}"[:300])
        took = time.perf_counter() - t0
        worst = max(worst, (took, f"{name}, {len(page):,} bytes"))
    wall = time.perf_counter() - started
    print(json.dumps({
        "pages": args.n, "seed": args.seed, "pages_per_s": round(args.n / wall, 1),
        "worst_page_s": round(worst[0], 2), "worst_page": worst[1],
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "outcomes": dict(outcomes.most_common()), "crashes": len(crashes), "first_crashes": crashes[:10],
    }, ensure_ascii=False, indent=2))
    sys.exit(1 if crashes else 0)


if __name__ == "__main__":
    main()
