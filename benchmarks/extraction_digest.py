"""One SHA-256 over what extract_article answers on a fixed set of pages: the safety net of a speed-up.

    .venv/bin/python benchmarks/extraction_digest.py                    # prints the digest
    .venv/bin/python benchmarks/extraction_digest.py --dump /tmp/before # and each page's answer
    diff -r /tmp/before /tmp/after                                      # what a change changed

Pages: the labelled real pages of /work/shared/news_devset (read as score_news.py gives them to `ocop
extract-article`: the text after the URL line, with that URL), the seed texts /work/shared/seeds, every
recorded site page under sources/snapshot/sites (with the site's body_selector and without, as
fuzz_articles.py reads them), the national benchmark corpus when benchmarks/out/national exists (made
by `benchmarks/national_corpus.py --products 2000 --pages 1000 --sites 20`: 2,416 files in all), and
the generated pages of bench_articles.py (seed 7). The answer is the function `ocop extract-article`
calls; `parser_version` is left out (it fingerprints the code, so it changes with every edit), an
exception is an answer too. The digest is over the pages' ids and canonical JSON answers in id order,
so the worker count does not change it.
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
sys.path.insert(0, str(ROOT / "benchmarks"))

from fuzz_articles import jobs as site_jobs  # the site, seed and generated pages

DEVSET = Path("/work/shared/news_devset/pages")
Job = tuple[str, str, str | None, str | None]  # (id, kind, path or generated index, selector)

_GEN: list[bytes] = []


def all_jobs(n_generated: int) -> list[Job]:
    out: list[Job] = [(f"devset:{p.name}", "devset", str(p), None) for p in sorted(DEVSET.glob("*.txt"))]
    return out + site_jobs(n_generated)


def _page(job: Job) -> tuple[bytes | str, str | None]:
    jid, kind, ref, _ = job
    if kind == "gen":
        i = int(ref)
        return _GEN[i], f"https://bao{i % 7}.example.vn/a/{i}.html"
    if kind == "devset":
        raw = Path(ref).read_text(encoding="utf-8")
        head, _, text = raw.partition("\n\n")
        return text, head.removeprefix("URL: ").strip()
    url = None if jid.startswith("seed:") else "https://" + jid.split(":", 1)[1].split("|")[0]
    return Path(ref).read_bytes(), url


def canonical(result: dict) -> str:
    """The answer as sorted, compact JSON, without the code fingerprint."""
    result = {k: v for k, v in result.items() if k != "parser_version"}
    return json.dumps(result, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))


def _run(chunk: list[Job]) -> list[tuple[str, str]]:
    from ocop_pipeline.news.article import extract_article

    res = []
    for job in chunk:
        content, url = _page(job)
        try:
            out = canonical(extract_article(content, url, body_selector=job[3]))
        except Exception as exc:  # noqa: BLE001 - an exception (a refused page) is an answer too
            out = f"EXC {type(exc).__name__}: {exc}"
        res.append((job[0], out))
    return res


def _init(n_generated: int) -> None:
    from bench_articles import make_page

    rng = random.Random(7)
    _GEN[:] = [make_page(rng, i) for i in range(n_generated)]


def _file_name(jid: str) -> str:
    # One flat file per page, readable and unique: the id with its separators replaced.
    return jid.replace("/", "__").replace(":", "_").replace("|", "_") + ".json"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--generated", type=int, default=3000, help="generated bench_articles pages")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--dump", type=Path, help="write each page's answer to DIR/<id>.json")
    args = ap.parse_args()
    todo = all_jobs(args.generated)
    chunks = [todo[i : i + 100] for i in range(0, len(todo), 100)]
    answers: dict[str, str] = {}
    with ProcessPoolExecutor(args.workers, initializer=_init, initargs=(args.generated,)) as ex:
        for part in ex.map(_run, chunks):
            answers.update(part)
    digest = hashlib.sha256()
    for jid in sorted(answers):
        digest.update(f"{jid}\n{answers[jid]}\n".encode())
    if args.dump:
        args.dump.mkdir(parents=True, exist_ok=True)
        for jid, out in answers.items():
            (args.dump / _file_name(jid)).write_text(out + "\n", encoding="utf-8")
    kinds: dict[str, int] = {}
    for _, kind, _, _ in todo:
        kinds[kind] = kinds.get(kind, 0) + 1
    print(json.dumps({"pages": len(answers), "by_kind": kinds,
                      "exceptions": sum(a.startswith("EXC ") for a in answers.values()),
                      "sha256": digest.hexdigest()}))


if __name__ == "__main__":
    main()
