"""Generated news sites on disk, and a polite client pointed at a local server that serves them."""

from __future__ import annotations

from pathlib import Path

from ocop_pipeline.raw.crawler import SiteSource
from ocop_pipeline.raw.http_client import PoliteClient
from ocop_pipeline.raw.replay import SnapshotServer


def client_for(server: SnapshotServer, hosts: list[str], **kw: object) -> PoliteClient:
    """A client whose `hosts` are answered by `server`, fast (100 req/s, short timeouts); `kw` overrides."""
    opts: dict[str, object] = {
        "timeout": (0.5, 0.5),
        "max_retries": 4,
        "backoff_base": 0.01,
        "rates": {h: 100.0 for h in hosts},  # tests only: the YAML politeness is 0.5-1 req/s
        "host_map": server.host_map(hosts),
    }
    opts.update(kw)
    return PoliteClient([], **opts)  # type: ignore[arg-type]


def make_sites(root: Path, hosts: list[str], pages: int, per_page: int) -> list[SiteSource]:
    """One site per host under `root`: `pages` listing pages of `per_page` articles each (bai-1..N),
    robots.txt disallowing /admin/, and the registry entry that crawls it."""
    sources = []
    for host in hosts:
        site = root / host
        (site / "tin").mkdir(parents=True)
        (site / "robots.txt").write_text("User-agent: *\nDisallow: /admin/\n")
        n = 0
        for page in range(1, pages + 1):
            items = []
            for _ in range(per_page):
                n += 1
                (site / "tin" / f"bai-{n}.html").write_text(
                    f'<html><head><meta charset="utf-8"></head><body><h1>Bài {n} về OCOP</h1>'
                    f"<p>Sản phẩm số {n} đạt 3 sao.</p></body></html>",
                    encoding="utf-8",
                )
                items.append(f'<li><a href="/tin/bai-{n}.html">Bài {n}</a></li>')
            # Each page also repeats the previous page's last item (sites shift while we read).
            if n > per_page:
                items.append(f'<li><a href="/tin/bai-{n - per_page}.html#top">Bài</a></li>')
            name = "index.html" if page == 1 else f"trang-{page}.html"
            (site / "tin" / name).write_text(
                f'<html><head><meta charset="utf-8"></head><body><nav><a href="/admin/x">x</a></nav>'
                f'<ul class="list">{"".join(items)}</ul></body></html>',
                encoding="utf-8",
            )
        sources.append(
            SiteSource(
                name=f"news_{host.replace('.', '_')}",
                base_url=f"https://{host}/",
                allowed_hosts=(host,),
                listing_urls=(f"https://{host}/tin/",),
                link_selector="ul.list a",
                pagination_pattern=f"https://{host}/tin/trang-{{page}}.html",
                max_pages=pages,
                requests_per_second=1.0,
                expected_articles=(1, pages * per_page),
            )
        )
    return sources
