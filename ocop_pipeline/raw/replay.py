"""The recorded news sites, answered as a small real site would: in process or on 127.0.0.1.

`recorded_answer` is what a recorded site answers to one GET: the file with ETag and Last-Modified,
304 when the request's validators still match, 404 for a missing file (robots.txt included).
`RecordedTransport` gives those answers to `PoliteClient(transport=...)` without a socket (the default
offline build); `SnapshotServer` serves them for many virtual hosts on one 127.0.0.1 port
(`news_mode: snapshot-http`), choosing the site from the Host header (so `PoliteClient(host_map=...)`
can keep the real https URLs) or, when the Host is the server itself, from the first path segment
(`http://127.0.0.1:PORT/<host>/<path>`), with HTTP/1.1 keep-alive.

    with SnapshotServer(root) as srv:
        client = PoliteClient(["site.test"], host_map=srv.host_map(["site.test"]))

Misbehaving sites (429, 5xx, hangs, truncated bodies, ...) are test equipment: tests/support/faults.py
subclasses this server.
"""

from __future__ import annotations

import email.utils
import hashlib
import mimetypes
import os
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Self
from urllib.parse import unquote, urlsplit


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


def recorded_answer(root: Path, host: str, path: str, request_headers: Mapping[str, str]) -> RecordedAnswer:
    """What a well-behaved recorded site answers to GET `host` + `path`: the file with ETag and
    Last-Modified, 304 when the request's validators still match, 404 when nothing is recorded.
    The loopback server and the in-process `RecordedTransport` both answer with this, so they cannot
    drift apart."""
    file = recorded_file(root, host, path)
    if file is None:
        body = b"<html><body>404 Not Found</body></html>"
        return RecordedAnswer(404, {"Content-Type": "text/html", "Content-Length": str(len(body))}, body)
    return file_answer(file, file.read_bytes(), request_headers)


def file_answer(file: Path, body: bytes, request_headers: Mapping[str, str]) -> RecordedAnswer:
    """The answer for the recorded `file` served as `body`: 200 with validators computed from those
    bytes, or 304 when the request's validators still match them."""
    # Extension-less recorded pages (pretty URLs, "?page=2") are HTML.
    ctype = mimetypes.guess_type(file.name)[0] or ("text/html" if "." not in file.name else "application/octet-stream")
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
    over loopback cost more CPU than extracting the page); `SnapshotServer` serves them over HTTP."""

    def __init__(self, root: str | os.PathLike[str]):
        self.root = Path(root)

    def __call__(self, url: str, headers: Mapping[str, str]) -> RecordedAnswer:
        parts = urlsplit(url)
        path = unquote(parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return recorded_answer(self.root, (parts.hostname or "").lower(), path, headers)


class SnapshotHandler(BaseHTTPRequestHandler):
    """Answers the requests of one connection from the recordings. `answer` is the one step a
    subclass replaces (tests/support/faults.py misbehaves there)."""

    protocol_version = "HTTP/1.1"
    server: _Server
    sent_status: int = 0  # the status line sent for the current request, 0 until one is

    def log_message(self, format: str, *args: object) -> None:
        pass  # quiet: the request log is `SnapshotServer.requests`

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_GET(self) -> None:
        self._serve(head=False)

    def send_response(self, code: int, message: str | None = None) -> None:
        self.sent_status = code  # what the request log records, whoever sends the status line
        super().send_response(code, message)

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

    # -- serving -------------------------------------------------------------------------------

    def _serve(self, head: bool) -> None:
        host, path = self._site_and_path()
        # Logged before answering, so a client that has its answer always finds its request here.
        entry = self.server.owner._log(time.monotonic(), host, path)
        self.sent_status = 0
        try:
            self.answer(host, path, head)
        except (TimeoutError, BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        finally:
            entry.status = self.sent_status

    def answer(self, host: str, path: str, head: bool) -> None:
        """Answer GET (or HEAD) `host` + `path` as the recorded site does."""
        self.send_answer(recorded_answer(self.server.root, host, path, self.headers), head)

    def send_answer(self, answer: RecordedAnswer, head: bool) -> None:
        self.send_response(answer.status)
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(answer.body)


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


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 128
    owner: SnapshotServer
    root: Path


class SnapshotServer:
    """Serve recorded sites on 127.0.0.1; a context manager. Thread-safe; `requests` is the log."""

    handler_class: type[SnapshotHandler] = SnapshotHandler

    def __init__(self, root: str | os.PathLike[str], port: int = 0):
        self.root = Path(root)
        self._port = port
        self._lock = threading.Lock()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None
        self.requests: list[LoggedRequest] = []

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self) -> Self:
        httpd = _Server(("127.0.0.1", self._port), self.handler_class)
        httpd.owner = self
        httpd.root = self.root
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="snapshot-server", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
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

    # -- request log ---------------------------------------------------------------------------

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


def recording_path(root: str | os.PathLike[str], url: str) -> Path:
    """Where the answer for `url` is kept in a recordings folder (the layout `recorded_file` reads):
    `<root>/<host>/<path>`, a directory URL as its index.html, "?" written "%3F"."""
    parts = urlsplit(url)
    path = unquote(parts.path or "/")
    if path.endswith("/"):
        path += "index.html"
    if parts.query:
        path += "%3F" + parts.query
    host = (parts.hostname or "").lower()
    target = Path(root) / host / path.lstrip("/")
    base = Path(os.path.normpath(Path(root) / host))
    if not host or not os.path.normpath(target).startswith(str(base) + os.sep):
        raise ValueError(f"{url}: cannot be recorded under {root} (no host, or a path leaving it)")
    return target
