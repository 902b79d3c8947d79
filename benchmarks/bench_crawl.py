"""Crawl throughput against the politeness bound, on the local snapshot server.

H hosts, each allowed R requests/s, each with one listing page linking N articles. A perfect crawler
reaches H x R requests/s in aggregate and never more per host. Reports (JSON, median of the runs):

- bound_rps: H x R
- achieved_rps: all requests (robots.txt, listing, articles) / wall time of the crawl
- achieved_rate_per_host_rps: median over hosts of (requests - 1) / (last - first arrival), measured
  at the server: the rate each site actually saw (must be <= R)
- min_gap_s: the smallest gap between two requests to one host seen by the server (bound 1/R)

    .venv/bin/python benchmarks/bench_crawl.py --hosts 60 --rate 5 --pages 30 --runs 3
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ocop_pipeline.raw.crawler import SiteSource, crawl
from ocop_pipeline.raw.http_client import PoliteClient
from ocop_pipeline.raw.replay import SnapshotServer


def make_sites(root: Path, hosts: int, pages: int) -> list[SiteSource]:
    sources = []
    for i in range(hosts):
        host = f"tinh{i:02d}.bench"
        d = root / host / "tin"
        d.mkdir(parents=True)
        (root / host / "robots.txt").write_text("User-agent: *\nDisallow: /admin/\n")
        links = []
        for n in range(pages):
            body = f"<p>Sản phẩm OCOP số {n} của {host} đạt 4 sao.</p>" * 40
            (d / f"bai-{n}.html").write_text(
                f'<html><head><meta charset="utf-8"></head><body><h1>Bài {n}</h1>{body}</body></html>',
                encoding="utf-8",
            )
            links.append(f'<li><a href="/tin/bai-{n}.html">Bài {n}</a></li>')
        (d / "index.html").write_text(
            f'<html><head><meta charset="utf-8"></head><body><ul class="list">{"".join(links)}</ul></body></html>',
            encoding="utf-8",
        )
        sources.append(
            SiteSource(
                name=f"bench_{i:02d}",
                base_url=f"https://{host}/",
                allowed_hosts=(host,),
                listing_urls=(f"https://{host}/tin/",),
                link_selector="ul.list a",
            )
        )
    return sources


def run_once(root: Path, sources: list[SiteSource], rate: float) -> dict[str, float]:
    hosts = [s.host for s in sources]
    with SnapshotServer(root) as srv:
        client = PoliteClient(
            hosts, host_map=srv.host_map(hosts), rates=dict.fromkeys(hosts, rate), timeout=(5, 10)
        )
        t0 = time.monotonic()
        report = crawl(sources, client)
        wall = time.monotonic() - t0
        log = list(srv.requests)
    assert not report.failures, report.failures[:3]
    per_host_rate, min_gap = [], float("inf")
    for h in hosts:
        starts = sorted(r.t for r in log if r.host == h)
        per_host_rate.append((len(starts) - 1) / (starts[-1] - starts[0]))
        min_gap = min(min_gap, *(b - a for a, b in itertools.pairwise(starts)))
    return {
        "wall_s": wall,
        "requests": len(log),
        "achieved_rps": len(log) / wall,
        "achieved_rate_per_host_rps": statistics.median(per_host_rate),
        "min_gap_s": min_gap,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--hosts", type=int, default=60)
    ap.add_argument("--rate", type=float, default=5.0, help="politeness bound, requests/s per host")
    ap.add_argument("--pages", type=int, default=30, help="articles per host")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        sources = make_sites(root, args.hosts, args.pages)
        runs = [run_once(root, sources, args.rate) for _ in range(args.runs)]
    bound = args.hosts * args.rate
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    print(
        json.dumps(
            {
                "hosts": args.hosts,
                "rate_per_host_rps": args.rate,
                "pages_per_host": args.pages,
                "requests_per_run": int(med["requests"]),
                "runs": args.runs,
                "bound_rps": bound,
                "achieved_rps": round(med["achieved_rps"], 1),
                "achieved_vs_bound": round(med["achieved_rps"] / bound, 3),
                "achieved_rate_per_host_rps": round(med["achieved_rate_per_host_rps"], 3),
                "per_host_vs_bound": round(med["achieved_rate_per_host_rps"] / args.rate, 3),
                "min_gap_s": round(med["min_gap_s"], 4),
                "wall_s": round(med["wall_s"], 2),
                "all_runs": [{k: round(v, 3) for k, v in r.items()} for r in runs],
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
