"""Run the news extractor over a folder of unlabelled pages and summarise what it found.

    .venv/bin/python benchmarks/run_unlabelled.py /tmp/unlabelled/pages --names /tmp/unlabelled/names.tsv

Each file is one page; when its first line is a URL (http...), that line is taken off and passed as
the page's URL, as `ocop extract-article FILE --url URL` would. The function is the one the CLI runs
(`extract_article`), called in-process with the CLI's own checks first (not text -> refused, page
outside the bounds -> refused), so a crash here is a crash there. Any other exception is a crash:
counted, with the file and the last frame of its traceback.

Prints one JSON object: pages, crashes, refused, pages with products, products total, products per
page (over all pages and over pages with products), pages with counts, the level and province
distribution. `--names` writes every extracted product with its page (page, url, name, subject,
stars, status) for judging by hand. The pages themselves are third-party text: keep them outside the
repository.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
import traceback
from collections import Counter
from pathlib import Path

from ocop_pipeline.news.article import extract_article
from ocop_pipeline.news.page_text import PageRefused
from ocop_pipeline.text.content import not_text_reason


def split_url(content: bytes) -> tuple[str | None, bytes]:
    """(URL, the rest) when the file's first line is a URL, else (None, the whole file)."""
    first, sep, rest = content.partition(b"\n")
    line = first.strip()
    if sep and line.lower().startswith((b"http://", b"https://")) and b" " not in line:
        return line.decode("utf-8", "replace"), rest
    return None, content


def run(folder: Path, names_path: Path | None) -> dict:
    files = sorted(p for p in folder.iterdir() if p.is_file())
    crashes: list[dict] = []
    refused: list[dict] = []
    per_page: list[int] = []
    levels: Counter[str] = Counter()
    provinces: Counter[str] = Counter()
    with_counts = 0
    rows: list[list[str]] = []
    for path in files:
        url, content = split_url(path.read_bytes())
        reason = not_text_reason(content)
        if reason:
            refused.append({"page": path.name, "reason": reason})
            continue
        try:
            result = extract_article(content, url=url)
        except PageRefused as exc:
            refused.append({"page": path.name, "reason": exc.reason})
            continue
        except Exception as exc:  # noqa: BLE001 - every other exception is what we count
            frames = traceback.extract_tb(exc.__traceback__)
            last = frames[-1] if frames else None
            crashes.append({
                "page": path.name,
                "error": f"{type(exc).__name__}: {exc}"[:300],
                "where": f"{Path(last.filename).name}:{last.lineno} {last.name}" if last else None,
                "files": sorted({Path(f.filename).name for f in frames}),
            })
            continue
        products = result.get("products") or []
        per_page.append(len(products))
        levels[str(result.get("level"))] += 1
        provinces[str(result.get("province"))] += 1
        if any(v is not None for v in (result.get("counts") or {}).values()):
            with_counts += 1
        for product in products:
            rows.append([
                path.name, url or "", product.get("name") or "", product.get("subject") or "",
                "" if product.get("stars") is None else str(product.get("stars")), product.get("status") or "",
            ])
    if names_path is not None:
        with names_path.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out, delimiter="\t", lineterminator="\n")
            writer.writerow(["page", "url", "name", "subject", "stars", "status"])
            writer.writerows(rows)
    with_products = [n for n in per_page if n]
    return {
        "pages": len(files),
        "extracted": len(per_page),
        "crashes": len(crashes),
        "crash_list": crashes,
        "refused": len(refused),
        "refused_list": refused,
        "pages_with_products": len(with_products),
        "products_total": sum(per_page),
        "products_per_page_mean": round(statistics.mean(per_page), 3) if per_page else None,
        "products_per_page_with_products": {
            "mean": round(statistics.mean(with_products), 3) if with_products else None,
            "median": statistics.median(with_products) if with_products else None,
            "max": max(with_products) if with_products else None,
        },
        "products_per_page_histogram": dict(sorted(Counter(min(n, 10) for n in per_page).items())),
        "pages_with_counts": with_counts,
        "levels": dict(levels.most_common()),
        "provinces": dict(provinces.most_common()),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--names", type=Path, help="write every extracted product with its page to this TSV")
    args = parser.parse_args(argv)
    summary = run(args.folder, args.names)
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    return 1 if summary["crashes"] else 0


if __name__ == "__main__":
    sys.exit(main())
