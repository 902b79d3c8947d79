"""PoliteClient against a real local server that misbehaves on purpose (127.0.0.1 only)."""

from __future__ import annotations

import itertools
import time
import unicodedata
from pathlib import Path

import pytest

from ocop_pipeline.raw.http_client import FetchResult, PoliteClient, _retry_after_seconds, detect_encoding
from ocop_pipeline.raw.replay import SnapshotServer
from tests.support.faults import Fault, FaultyServer

pytestmark = pytest.mark.faults  # every test but a few meets a misbehaving server

VN = "Chương trình mỗi xã một sản phẩm (OCOP) tỉnh Thanh Hóa: sản phẩm đạt 4 sao"
PAGE = f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>OCOP</title></head>
<body><h1>{VN}</h1><p>{VN}</p></body></html>
"""


@pytest.fixture()
def site(tmp_path: Path) -> Path:
    s = tmp_path / "site.test"
    (s / "private").mkdir(parents=True)
    (s / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n")
    for name in ("a.html", "b.html", "vn.html", "index.html"):
        (s / name).write_text(PAGE, encoding="utf-8")
    (s / "private" / "x.html").write_text(PAGE, encoding="utf-8")
    # A second site without robots.txt (404 means everything is allowed).
    (tmp_path / "norobots.test").mkdir()
    (tmp_path / "norobots.test" / "a.html").write_text(PAGE, encoding="utf-8")
    return tmp_path


def make_client(server: SnapshotServer, **kw: object) -> PoliteClient:
    hosts = ["site.test", "norobots.test"]
    opts: dict[str, object] = {
        "timeout": (0.5, 0.3),
        "max_retries": 3,
        "backoff_base": 0.01,
        "default_rate": 200.0,
        "host_map": server.host_map(hosts),
    }
    opts.update(kw)
    return PoliteClient(hosts, **opts)  # type: ignore[arg-type]


def test_plain_fetch_keeps_logical_url_and_reads_bytes(site: Path) -> None:
    with SnapshotServer(site) as srv:
        res = make_client(srv).fetch("https://site.test/a.html")
    assert res.error is None and res.status == 200 and res.attempts == 1
    assert res.url == res.final_url == "https://site.test/a.html"
    assert res.encoding == "utf-8" and VN in res.text()
    assert len(res.sha256) == 64 and res.headers["etag"]
    assert res.fetched_at.tzinfo is not None


@pytest.mark.slow
def test_429_retry_after_is_honoured(site: Path) -> None:
    with FaultyServer(site, faults={"site.test/a.html": Fault.too_many(retry_after="1")}) as srv:
        client = make_client(srv)
        client.fetch("https://site.test/robots.txt")  # warm robots so only a.html is timed
        t0 = time.monotonic()
        res = client.fetch("https://site.test/a.html")
        waited = time.monotonic() - t0
        hits = srv.hits("site.test", "/a.html")
    assert res.ok and res.attempts == 2
    assert waited >= 1.0
    assert hits[1].t - hits[0].t >= 1.0  # measured at the server too


def test_retry_after_http_date_with_fake_sleep(site: Path) -> None:
    slept: list[float] = []
    date = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 30))
    with FaultyServer(site, faults={"site.test/a.html": Fault.too_many(retry_after=date)}) as srv:
        res = make_client(srv, sleep=slept.append).fetch("https://site.test/a.html")
    assert res.ok
    assert max(slept) >= 28  # ~30 s asked for; the fake sleep returns at once


def test_retry_after_beyond_cap_gives_up(site: Path) -> None:
    with FaultyServer(site, faults={"site.test/a.html": Fault.too_many(retry_after="3600")}) as srv:
        res = make_client(srv, max_retry_after=5).fetch("https://site.test/a.html")
    assert res.status == 429 and res.error is not None and "exceeds cap" in res.error


def test_retry_after_parsing() -> None:
    assert _retry_after_seconds("7") == 7.0
    assert _retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412480.0 - 10) == 10.0
    assert _retry_after_seconds("soon") is None and _retry_after_seconds(None) is None


@pytest.mark.parametrize("status", [500, 503])
def test_5xx_retried_then_success(site: Path, status: int) -> None:
    with FaultyServer(site, faults={"/a.html": Fault.http_status(status, times=2)}) as srv:
        res = make_client(srv).fetch("https://site.test/a.html")
    assert res.ok and res.status == 200 and res.attempts == 3


def test_5xx_forever_gives_one_clear_line(site: Path) -> None:
    with FaultyServer(site, faults={"/a.html": Fault.http_status(503, times=None)}) as srv:
        res = make_client(srv).fetch("https://site.test/a.html")
    assert res.error == "https://site.test/a.html: gave up after 4 tries: 503 Service Unavailable"
    assert res.attempts == 4 and "\n" not in res.error


def test_hung_connection_times_out_after_retries(site: Path) -> None:
    # "timed out" (not a dropped connection, the server's answer once its 3 s hang ends): the
    # client's 0.3 s read timeout fired on both tries. The time taken is in benchmarks/bench_bounds.py.
    with FaultyServer(site, faults={"/a.html": Fault.hang(seconds=3, times=None)}) as srv:
        res = make_client(srv, max_retries=1).fetch("https://site.test/a.html")
    assert res.error is not None and "gave up after 2 tries: timed out" in res.error


def test_hang_once_then_ok(site: Path) -> None:
    with FaultyServer(site, faults={"/a.html": Fault.hang(seconds=2)}) as srv:
        res = make_client(srv).fetch("https://site.test/a.html")
    assert res.ok and res.attempts == 2


def test_truncated_body_detected_and_retried(site: Path) -> None:
    with FaultyServer(site, faults={"/a.html": Fault.truncate(times=1)}) as srv:
        res = make_client(srv).fetch("https://site.test/a.html")
    assert res.ok and res.attempts == 2 and res.body == PAGE.encode()


def test_truncated_body_always_is_reported(site: Path) -> None:
    with FaultyServer(site, faults={"/a.html": Fault.truncate(times=None)}) as srv:
        res = make_client(srv, max_retries=2).fetch("https://site.test/a.html")
    assert res.error is not None and "gave up after 3 tries: truncated body" in res.error


def test_dropped_connection_retried(site: Path) -> None:
    with FaultyServer(site, faults={"/a.html": Fault.reset(times=2)}) as srv:
        res = make_client(srv).fetch("https://site.test/a.html")
    assert res.ok and res.attempts == 3


def test_redirect_off_list_refused(site: Path) -> None:
    faults = {
        "/a.html": Fault.redirect("https://evil.example/steal"),
        "/b.html": Fault.redirect("http://10.0.0.1/"),
    }
    with FaultyServer(site, faults=faults) as srv:
        client = make_client(srv)
        res = client.fetch("https://site.test/a.html")
        res_ip = client.fetch("https://site.test/b.html")
        paths = [r.path for r in srv.requests]
    assert res.error == "redirect to evil.example refused (host not allowed)"
    assert res.status == 302 and res.body == b""
    assert res_ip.error == "redirect to 10.0.0.1 refused (private/loopback address, host not allowed)"
    assert "/steal" not in paths


def test_redirect_within_allowed_hosts_followed(site: Path) -> None:
    faults = {
        "/index.html": Fault.redirect("/vn.html", status=301),
        "site.test/a.html": Fault.redirect("https://norobots.test/a.html"),
    }
    with FaultyServer(site, faults=faults) as srv:
        client = make_client(srv)
        res = client.fetch("https://site.test/index.html")
        res2 = client.fetch("https://site.test/a.html")
    assert (
        res.ok
        and res.final_url == "https://site.test/vn.html"
        and res.redirects == ["https://site.test/vn.html"]
    )
    assert res2.ok and res2.final_url == "https://norobots.test/a.html"


def test_host_not_allowed_is_refused_without_network(site: Path) -> None:
    with SnapshotServer(site) as srv:
        res = make_client(srv).fetch("https://evil.example/a.html")
        assert srv.requests == []
    assert res.error == "fetch of evil.example refused (host not allowed)" and res.attempts == 0


def test_legacy_windows_1258_page_decoded(site: Path) -> None:
    with FaultyServer(site, faults={"/vn.html": Fault.legacy_charset("windows-1258")}) as srv:
        res = make_client(srv).fetch("https://site.test/vn.html")
    assert res.ok and res.encoding == "cp1258"
    with pytest.raises(UnicodeDecodeError):
        res.body.decode("utf-8")
    text = unicodedata.normalize("NFC", res.text())
    assert VN in text and "Hóa" in text


def test_detect_encoding_precedence() -> None:
    meta = b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1258">'
    assert detect_encoding(meta) == "cp1258"
    assert detect_encoding(b"<meta charset='ISO-8859-1'>") == "cp1252"  # read as browsers read it (WHATWG)
    assert detect_encoding(meta, "text/html; charset=UTF-8") == "utf-8"  # HTTP beats meta
    assert detect_encoding(b"\xef\xbb\xbf" + meta, "text/html; charset=latin-1") == "utf-8-sig"  # BOM beats all
    assert detect_encoding(b"<meta charset=bogus-enc>") == "utf-8"
    assert detect_encoding(b"<p>no declaration</p>") == "utf-8"


def test_conditional_get_gives_304(site: Path) -> None:
    with SnapshotServer(site) as srv:
        client = make_client(srv)
        first = client.fetch("https://site.test/a.html")
        by_etag = client.fetch("https://site.test/a.html", etag=first.headers["etag"])
        by_date = client.fetch("https://site.test/a.html", last_modified=first.headers["last-modified"])
        stale = client.fetch("https://site.test/a.html", etag='"something-else"')
    for res in (by_etag, by_date):
        assert res.ok and res.status == 304 and res.not_modified and res.body == b""
    assert stale.status == 200 and stale.sha256 == first.sha256


def test_robots_disallow_obeyed_and_read_once(site: Path) -> None:
    with SnapshotServer(site) as srv:
        client = make_client(srv)
        results = [client.fetch("https://site.test/a.html") for _ in range(3)]
        blocked = client.fetch("https://site.test/private/x.html")
        free = client.fetch("https://norobots.test/a.html")
        assert len(srv.hits("site.test", "/robots.txt")) == 1
        assert srv.hits("site.test", "/private/x.html") == []
    assert all(r.ok for r in results)
    assert blocked.error == "https://site.test/private/x.html: disallowed by robots.txt"
    assert free.ok  # robots.txt 404: allowed


def test_robots_unreachable_means_not_crawled(site: Path) -> None:
    with FaultyServer(site, faults={"/robots.txt": Fault.http_status(503, times=None)}) as srv:
        res = make_client(srv, max_retries=1).fetch("https://site.test/a.html")
        assert srv.hits("site.test", "/a.html") == []
    assert res.error is not None and "robots.txt of site.test could not be read" in res.error


@pytest.mark.parametrize("declare", [True, False])
def test_body_cap(site: Path, declare: bool) -> None:
    # The time to give up on the 50 MB body is in benchmarks/bench_bounds.py.
    with FaultyServer(site, faults={"/a.html": Fault.huge(50_000_000, declare_length=declare)}) as srv:
        res = make_client(srv, max_body_bytes=100_000).fetch("https://site.test/a.html")
    assert res.error is not None and "body larger than 100000 bytes" in res.error
    assert res.attempts == 1 and len(res.body) <= 100_000


def test_rate_limit_spaces_requests(site: Path) -> None:
    with SnapshotServer(site) as srv:
        client = make_client(srv, rates={"site.test": 10.0})
        for _ in range(5):
            assert client.fetch("https://site.test/a.html").ok
        starts = [r.t for r in srv.requests if r.host == "site.test"]
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert len(starts) == 6 and min(gaps) >= 0.09  # robots + 5 pages, >= 100 ms apart


def test_never_raises_on_refused_connection() -> None:
    client = PoliteClient(
        ["127.0.0.1"],
        timeout=(0.2, 0.2),
        max_retries=1,
        backoff_base=0.01,
        respect_robots=False,
        default_rate=100,
    )
    res = client.fetch("http://127.0.0.1:9/nothing")  # discard port: nothing listens
    assert isinstance(res, FetchResult) and res.error is not None
    assert "gave up after 2 tries: connection failed" in res.error
