"""A recorded-sites server that misbehaves on request, the ways provincial portals do.

Per path, or at random with a seed: 429 with Retry-After, 500/503 a few times then fine, a hung
connection, a truncated body, a dropped connection, a redirect off-site, a page re-encoded to
windows-1258, a huge body. Test equipment only: the product's `SnapshotServer` answers as a
well-behaved site; `FaultyServer` is that server with a handler that can misbehave.

    with FaultyServer(root, faults={"site.test/a.html": [Fault.http_status(503, times=2)]}) as srv:
        client = PoliteClient(["site.test"], host_map=srv.host_map(["site.test"]))
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import socket
import threading
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ocop_pipeline.raw.replay import SnapshotHandler, SnapshotServer, file_answer, recorded_file


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


class FaultyHandler(SnapshotHandler):
    """The recorded site's answer, unless a fault matches the request."""

    def answer(self, host: str, path: str, head: bool) -> None:
        owner: FaultyServer = self.server.owner  # type: ignore[assignment]
        fault = owner._fault_for(host, path)
        if fault is None:
            super().answer(host, path, head)
        elif fault.kind == "charset":
            file = recorded_file(self.server.root, host, path)
            if file is None:
                super().answer(host, path, head)
            else:
                body = _reencode(file.read_bytes(), fault.encoding)
                self.send_answer(file_answer(file, body, self.headers), head)
        else:
            self._misbehave(fault, host, path, head, owner._stopping)

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

    def _misbehave(self, fault: Fault, host: str, path: str, head: bool, stopping: threading.Event) -> None:
        if fault.kind == "status":
            extra = {"Retry-After": fault.retry_after} if fault.retry_after is not None else {}
            self._send_bytes(fault.status, b"<html><body>busy</body></html>", "text/html", head, extra)
            return
        if fault.kind == "redirect":
            self._send_bytes(fault.status, b"", "text/html", head, {"Location": fault.location})
            return
        if fault.kind == "hang":
            # Wait on the stop event so shutdown does not have to outlive the hang.
            stopping.wait(fault.seconds)
            self.close_connection = True
            return
        if fault.kind == "reset":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if fault.kind == "truncate":
            file = recorded_file(self.server.root, host, path)
            body = file.read_bytes() if file else b"<html>" + b"x" * 4000 + b"</html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body) + 1000))
            self.end_headers()
            self.wfile.write(body[: max(1, len(body) // 2)])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if fault.kind == "huge":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            if fault.declare_length:
                self.send_header("Content-Length", str(fault.size))
            else:
                self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            if head:
                return
            block = b"<p>" + b"x" * 65530 + b"</p>\n"
            sent = 0
            while sent < fault.size and not stopping.is_set():
                piece = block[: min(len(block), fault.size - sent)]
                if fault.declare_length:
                    self.wfile.write(piece)
                else:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                sent += len(piece)
            if not fault.declare_length:
                self.wfile.write(b"0\r\n\r\n")
            return
        raise ValueError(f"unknown fault kind {fault.kind!r}")


class FaultyServer(SnapshotServer):
    """`SnapshotServer` with faults. faults: {"host/path" or "/path": Fault or [Fault, ...]}; a list
    is consumed in order, each fault for its `times`. random_faults: a RandomFaults applied where no
    explicit fault matches."""

    handler_class = FaultyHandler

    def __init__(
        self,
        root: str | os.PathLike[str],
        faults: Mapping[str, Fault | Iterable[Fault]] | None = None,
        random_faults: RandomFaults | None = None,
        port: int = 0,
    ):
        super().__init__(root, port=port)
        self.faults: dict[str, list[Fault]] = {}
        for key, value in (faults or {}).items():
            self.faults[key] = [value] if isinstance(value, Fault) else list(value)
        self.random_faults = random_faults
        self._counts: dict[tuple[str, str], int] = {}
        self._stopping = threading.Event()  # ends hangs and huge bodies when the server stops

    def stop(self) -> None:
        self._stopping.set()
        super().stop()

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
