"""A local web server for recorded news sites, with fault injection.

It serves `root/<host>/<path>` for many virtual hosts on one 127.0.0.1 port, choosing the site from
the Host header (so `PoliteClient(host_map=...)` can keep the real https URLs) or, when the Host is
the server itself, from the first path segment (`http://127.0.0.1:PORT/<host>/<path>`).

It behaves like a small real site: ETag and Last-Modified with 304 answers, 404 for missing files
(including robots.txt), HTTP/1.1 keep-alive. And it misbehaves on request, per path or at random
with a seed, the ways provincial portals do: 429 with Retry-After, 500/503 a few times then fine,
a hung connection, a truncated body, a dropped connection, a redirect off-site, a page re-encoded
to windows-1258, a huge body.

    with SnapshotServer(root, faults={"site.test/a.html": [Fault.status(503, times=2)]}) as srv:
        client = PoliteClient(["site.test"], host_map=srv.host_map(["site.test"]))
"""

from __future__ import annotations

import email.utils
import hashlib
import mimetypes
import os
import random
import re
import socket
import threading
import time
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Self
from urllib.parse import unquote, urlsplit


@dataclass
class Fault:
    """One misbehaviour. `times` = how many matching requests it hits (None = all of them)."""

    kind: str  # status | hang | truncate | reset | redirect | charset | huge
    times: int | None = 1
    status: int = 503
    retry_after: str | None = None
    seconds: float = 5.0
    location: str = ""
    encoding: str = "windows-1258"
    size: int = 0
    declare_length: bool = True
    hits: int = field(default=0, compare=False)

    @classmethod
    def http_status(cls, status: int = 503, times: int | None = 1, retry_after: str | None = None) -> Fault:
        return cls("status", times=times, status=status, retry_after=retry_after)

    @classmethod
    def too_many(cls, retry_after: str = "1", times: int | None = 1) -> Fault:
        return cls("status", times=times, status=429, retry_after=retry_after)

    @classmethod
    def hang(cls, seconds: float = 5.0, times: int | None = 1) -> Fault:
        return cls("hang", times=times, seconds=seconds)

    @classmethod
    def truncate(cls, times: int | None = 1) -> Fault:
        return cls("truncate", times=times)

    @classmethod
    def reset(cls, times: int | None = 1) -> Fault:
        return cls("reset", times=times)

    @classmethod
    def redirect(cls, location: str, status: int = 302, times: int | None = None) -> Fault:
        return cls("redirect", times=times, status=status, location=location)

    @classmethod
    def legacy_charset(cls, encoding: str = "windows-1258", times: int | None = None) -> Fault:
        return cls("charset", times=times, encoding=encoding)

    @classmethod
    def huge(cls, size: int, declare_length: bool = True, times: int | None = None) -> Fault:
        return cls("huge", times=times, size=size, declare_length=declare_length)


@dataclass
class RandomFaults:
    """Fail `rate` of requests at random, deterministically from (seed, host, path, n-th request).

    The decision does not depend on thread interleaving, so a seeded run is reproducible even
    when hosts are crawled concurrently. robots.txt is spared by default.
    """

    rate: float = 0.1
    seed: int = 0
    kinds: tuple[str, ...] = ("503", "500", "429", "truncate", "reset")
    spare: tuple[str, ...] = ("/robots.txt",)

    def pick(self, host: str, path: str, n: int) -> Fault | None:
        if path in self.spare:
            return None
        digest = hashlib.sha256(f"{self.seed}|{host}|{path}|{n}".encode()).digest()
        r = random.Random(digest)
        if r.random() >= self.rate:
            return None
        kind = r.choice(self.kinds)
        if kind.isdigit():
            return Fault.http_status(int(kind), retry_after="0" if kind == "429" else None)
        return Fault(kind)


@dataclass
class LoggedRequest:
    t: float  # time.monotonic() when the request line was read
    host: str
    path: str
    status: int  # 0 while being answered, or when the connection was hung or dropped


_HTTP_DATE = email.utils.formatdate


def recorded_file(root: Path, host: str, path: str) -> Path | None:
    """The recorded file for `host` + `path` (query kept as "?q"), or None (missing, or outside root)."""
    # A recorded "/list?page=2" lives in the file "list%3Fpage=2" (no "?" in file names).
    # Traversal is checked on the path as written ("/../" folded lexically): links inside the
    # recordings are ours and may point anywhere, and resolving each one cost a system call per
    # folder level on every request.
    if not host or host in (".", "..") or "/" in host or "\\" in host:
        return None  # a host is one folder of the recordings, never a way out of them
    base = os.path.normpath(os.path.join(root, host))
    candidate = os.path.normpath(os.path.join(base, path.lstrip("/").replace("?", "%3F")))
    if not candidate.startswith(base + os.sep) and candidate != base:
        return None  # path traversal
    if os.path.isdir(candidate):
        candidate = os.path.join(candidate, "index.html")
    return Path(candidate) if os.path.isfile(candidate) else None


@dataclass
class RecordedAnswer:
    status: int
    headers: dict[str, str]
    body: bytes


def recorded_answer(root: Path, host: str, path: str, request_headers: Mapping[str, str],
                    encoding: str | None = None) -> RecordedAnswer:
    """What a well-behaved recorded site answers to GET `host` + `path`: the file with ETag and
    Last-Modified, 304 when the request's validators still match, 404 when nothing is recorded.
    `encoding` re-encodes the page as an old portal would serve it. The loopback server and the
    in-process `RecordedTransport` both answer with this, so they cannot drift apart."""
    file = recorded_file(root, host, path)
    if file is None:
        body = b"<html><body>404 Not Found</body></html>"
        return RecordedAnswer(404, {"Content-Type": "text/html", "Content-Length": str(len(body))}, body)
    body = file.read_bytes()
    # Extension-less recorded pages (pretty URLs, "?page=2") are HTML.
    ctype = mimetypes.guess_type(file.name)[0] or ("text/html" if "." not in file.name else "application/octet-stream")
    if encoding is not None:
        body = _reencode(body, encoding)
    etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
    mtime = int(file.stat().st_mtime)
    validators = {"ETag": etag, "Last-Modified": _HTTP_DATE(mtime, usegmt=True)}
    if _not_modified(request_headers, etag, mtime):
        return RecordedAnswer(304, {**validators, "Content-Length": "0"}, b"")
    return RecordedAnswer(200, {"Content-Type": ctype, "Content-Length": str(len(body)), **validators}, body)


class RecordedTransport:
    """The recorded sites answered in this process, for `PoliteClient(transport=...)`: the client's
    allow-list, robots.txt, redirect checks, body cap and charset detection all run as in a live
    crawl; only the socket is skipped. The default offline build crawls this way (an HTTP round trip
    over loopback cost more CPU than extracting the page); `SnapshotServer` is for faults and tests."""

    def __init__(self, root: str | os.PathLike[str]):
        self.root = Path(root)

    def __call__(self, url: str, headers: Mapping[str, str]) -> RecordedAnswer:
        parts = urlsplit(url)
        path = unquote(parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return recorded_answer(self.root, (parts.hostname or "").lower(), path, headers)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        pass  # quiet: the request log is `SnapshotServer.requests`

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_GET(self) -> None:
        self._serve(head=False)

    # -- routing -------------------------------------------------------------------------------

    def _site_and_path(self) -> tuple[str, str]:
        """(site, path with query) for this request; a query is kept as "?<query>" on the path."""
        parts = urlsplit(self.path)
        raw_path = parts.path or "/"
        host = (self.headers.get("Host") or "").split(":")[0].lower()
        if host in ("", "127.0.0.1", "localhost") or not (self.server.root / host).is_dir():
            # Path-prefix mode: /<host>/<path>
            parts = raw_path.lstrip("/").split("/", 1)
            host = parts[0].lower()
            raw_path = "/" + (parts[1] if len(parts) > 1 else "")
        return host, unquote(raw_path) + (f"?{parts.query}" if parts.query else "")

    def _file_for(self, host: str, path: str) -> Path | None:
        return recorded_file(self.server.root, host, path)

    # -- serving -------------------------------------------------------------------------------

    def _serve(self, head: bool) -> None:
        host, path = self._site_and_path()
        # Logged before answering, so a client that has its answer always finds its request here.
        entry = self.server.owner._log(time.monotonic(), host, path)
        fault = self.server.owner._fault_for(host, path)
        status = 200
        try:
            if fault is not None and fault.kind not in ("charset",):
                status = self._misbehave(fault, host, path, head)
                return
            answer = recorded_answer(self.server.root, host, path, self.headers,
                                     encoding=fault.encoding if fault is not None else None)
            status = answer.status
            self.send_response(answer.status)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if not head:
                self.wfile.write(answer.body)
        except (TimeoutError, BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        finally:
            entry.status = status

    def _send_bytes(
        self, status: int, body: bytes, ctype: str, head: bool, extra: Mapping[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _misbehave(self, fault: Fault, host: str, path: str, head: bool) -> int:
        if fault.kind == "status":
            extra = {"Retry-After": fault.retry_after} if fault.retry_after is not None else {}
            self._send_bytes(fault.status, b"<html><body>busy</body></html>", "text/html", head, extra)
            return fault.status
        if fault.kind == "redirect":
            self._send_bytes(fault.status, b"", "text/html", head, {"Location": fault.location})
            return fault.status
        if fault.kind == "hang":
            # Wait on the stop event so shutdown does not have to outlive the hang.
            self.server.owner._stopping.wait(fault.seconds)
            self.close_connection = True
            return 0
        if fault.kind == "reset":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return 0
        if fault.kind == "truncate":
            file = self._file_for(host, path)
            body = file.read_bytes() if file else b"<html>" + b"x" * 4000 + b"</html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body) + 1000))
            self.end_headers()
            self.wfile.write(body[: max(1, len(body) // 2)])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return 200
        if fault.kind == "huge":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            if fault.declare_length:
                self.send_header("Content-Length", str(fault.size))
            else:
                self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            if head:
                return 200
            block = b"<p>" + b"x" * 65530 + b"</p>\n"
            sent = 0
            while sent < fault.size and not self.server.owner._stopping.is_set():
                piece = block[: min(len(block), fault.size - sent)]
                if fault.declare_length:
                    self.wfile.write(piece)
                else:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                sent += len(piece)
            if not fault.declare_length:
                self.wfile.write(b"0\r\n\r\n")
            return 200
        raise ValueError(f"unknown fault kind {fault.kind!r}")


def _not_modified(headers: object, etag: str, mtime: int) -> bool:
    inm = headers.get("If-None-Match")  # type: ignore[attr-defined]
    if inm is not None:
        tags = [t.strip() for t in inm.split(",")]
        return "*" in tags or etag in tags or ("W/" + etag) in tags
    ims = headers.get("If-Modified-Since")  # type: ignore[attr-defined]
    if ims:
        try:
            when = email.utils.parsedate_to_datetime(ims).timestamp()
        except (TypeError, ValueError):
            return False
        return mtime <= when
    return False


_META = re.compile(rb"""(<meta[^>]+?charset\s*=\s*["']?)([A-Za-z0-9_:.\-]+)""", re.IGNORECASE)


# The five Vietnamese tone marks as combining characters; windows-1258 encodes them separately.
_CP1258_TONES = "\u0300\u0301\u0303\u0309\u0323"


def _reencode(body: bytes, encoding: str) -> bytes:
    """A UTF-8 page re-encoded the way an old portal serves it, meta charset rewritten to match."""
    text = unicodedata.normalize("NFC", body.decode("utf-8"))
    if encoding.lower().replace("_", "-") in ("windows-1258", "cp1258"):
        # cp1258 holds only some precomposed Vietnamese letters; the rest are written as base
        # letter + combining tone mark, as real windows-1258 pages are.
        out = bytearray()
        for ch in text:
            try:
                out += ch.encode("cp1258")
            except UnicodeEncodeError:
                # e.g. "ỗ" -> "ô" (in cp1258) + combining tilde (in cp1258)
                parts = unicodedata.normalize("NFD", ch)
                tones = "".join(c for c in parts if c in _CP1258_TONES)
                base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _CP1258_TONES))
                out += (base + tones).encode("cp1258", errors="xmlcharrefreplace")
        data = bytes(out)
    else:
        data = text.encode(encoding, errors="xmlcharrefreplace")
    if _META.search(data):
        return _META.sub(lambda m: m.group(1) + encoding.encode("ascii"), data, count=1)
    return data


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 128
    owner: SnapshotServer
    root: Path


class SnapshotServer:
    """Serve recorded sites on 127.0.0.1; a context manager. Thread-safe; `requests` is the log.

    faults: {"host/path" or "/path": Fault or [Fault, ...]}; a list is consumed in order, each
    fault for its `times`. random_faults: a RandomFaults applied where no explicit fault matches.
    """

    def __init__(
        self,
        root: str | os.PathLike[str],
        faults: Mapping[str, Fault | Iterable[Fault]] | None = None,
        random_faults: RandomFaults | None = None,
        port: int = 0,
    ):
        self.root = Path(root)
        self.faults: dict[str, list[Fault]] = {}
        for key, value in (faults or {}).items():
            self.faults[key] = [value] if isinstance(value, Fault) else list(value)
        self.random_faults = random_faults
        self._port = port
        self._lock = threading.Lock()
        self._counts: dict[tuple[str, str], int] = {}
        self._stopping = threading.Event()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None
        self.requests: list[LoggedRequest] = []

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self) -> Self:
        httpd = _Server(("127.0.0.1", self._port), _Handler)
        httpd.owner = self
        httpd.root = self.root
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="snapshot-server", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._httpd is not None, "server not started"
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def host_map(self, hosts: Iterable[str]) -> dict[str, str]:
        """{logical host: this server} for `PoliteClient(host_map=...)`."""
        return {h: self.base_url for h in hosts}

    def hosts(self) -> list[str]:
        return sorted(p.name for p in self.root.iterdir() if p.is_dir())

    # -- faults and log ------------------------------------------------------------------------

    def add_fault(self, key: str, fault: Fault) -> None:
        with self._lock:
            self.faults.setdefault(key, []).append(fault)

    def _fault_for(self, host: str, path: str) -> Fault | None:
        with self._lock:
            n = self._counts.get((host, path), 0)
            self._counts[(host, path)] = n + 1
            for key in (f"{host}{path}", path):
                for fault in self.faults.get(key, []):
                    if fault.times is None or fault.hits < fault.times:
                        fault.hits += 1
                        return fault
        if self.random_faults is not None:
            return self.random_faults.pick(host, path, n)
        return None

    def _log(self, started: float, host: str, path: str) -> LoggedRequest:
        entry = LoggedRequest(started, host, path, 0)
        with self._lock:
            self.requests.append(entry)
        return entry

    def hits(self, host: str | None = None, path: str | None = None) -> list[LoggedRequest]:
        with self._lock:
            return [
                r
                for r in self.requests
                if (host is None or r.host == host) and (path is None or r.path == path)
            ]
