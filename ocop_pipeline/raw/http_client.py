"""The one polite HTTP client for live crawls of provincial news sites.

Provincial portals are small servers run by a province's IT centre; a careless crawler can take one
down and get the whole project blocked. So every fetch goes through `PoliteClient`, which:

- talks only to allow-listed hosts, and follows redirects itself, hop by hop, refusing any hop to a
  host not on the list (and naming private/loopback IP literals as such in the error);
- keeps a per-host minimum interval between requests (a token bucket of size one), shared by all
  threads, and lengthened by robots.txt Crawl-delay and by Retry-After;
- reads robots.txt once per host and obeys it (a 404 robots.txt means "everything allowed");
- retries 429, 5xx, connection errors, timeouts and truncated bodies with exponential backoff and
  jitter, honouring Retry-After (seconds or HTTP-date) up to a cap;
- sends conditional GETs (If-None-Match / If-Modified-Since) when given a previous ETag/date;
- streams bodies and stops past `max_body_bytes`;
- reads the character encoding from the bytes (BOM, HTTP charset, <meta charset>), never `r.text`;
- never raises for a network problem: the answer is a `FetchResult` whose `error` is one clear line.

`host_map` lets the same code crawl the recorded sites offline: logical URLs stay the real
`https://baothanhhoa.vn/...` (so the data records real URLs) while the TCP connection goes to the
local snapshot server, which picks the site from the Host header.
"""

from __future__ import annotations

import email.utils
import hashlib
import ipaddress
import random
import re
import threading
import time
import urllib.robotparser
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import requests
from urllib3.exceptions import HTTPError as Urllib3HTTPError

from ocop_pipeline.raw.bounds import MAX_ROBOTS_BYTES
from ocop_pipeline.text import charsets

DEFAULT_USER_AGENT = "ocop-pipeline/0.1 (+https://github.com/; open OCOP database; polite crawler)"

# Statuses worth retrying: the server is overloaded or briefly broken, not saying "no".
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# A chain longer than this is a loop or a trap, not a moved page.
MAX_REDIRECTS = 5


@dataclass
class FetchResult:
    """What one `PoliteClient.fetch` gave. `error` is None exactly when status is 2xx or 304."""

    url: str
    final_url: str
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    encoding: str = "utf-8"
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    sha256: str = ""
    not_modified: bool = False
    error: str | None = None
    attempts: int = 0
    redirects: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None

    def text(self) -> str:
        """The body decoded with the detected encoding (undecodable bytes replaced, never lost)."""
        return self.body.decode(self.encoding, errors="replace")


class _Retryable(Exception):
    """A failed attempt worth retrying; `wait` is the server's Retry-After in seconds, if any."""

    def __init__(self, message: str, wait: float | None = None):
        super().__init__(message)
        self.wait = wait


class _Fatal(Exception):
    """A failed attempt not worth retrying (refused redirect, body too large, robots, ...)."""


def detect_encoding(body: bytes, content_type: str | None = None) -> str:
    """Codec of a response body: what it declares (text/charsets.py: BOM, HTTP charset, <meta
    charset>, labels read as browsers read them), else utf-8."""
    return charsets.declared_charset(body, content_type) or "utf-8"


def _host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _ip_literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def _retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Retry-After as seconds: either delta-seconds or an HTTP-date (RFC 9110 section 10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = datetime.now(UTC).timestamp() if now is None else now
    return max(0.0, when.timestamp() - current)


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


class PoliteClient:
    """Polite, allow-listed, retrying HTTP GET client. Thread-safe; one instance per crawl.

    rates: requests per second per host; hosts not listed get `default_rate`. The interval
    between two requests to one host is at least 1/rate (and at least robots.txt Crawl-delay).
    host_map: logical host -> 'http://127.0.0.1:PORT' to send the connection elsewhere while the
    URL and the Host header stay the logical ones (offline snapshot, tests).
    transport: instead of HTTP, a callable (url, request headers) -> object with status, headers,
    body (e.g. `snapshot_server.RecordedTransport`): everything but the socket stays as in a live crawl.
    """

    def __init__(
        self,
        allowed_hosts: list[str] | set[str] | tuple[str, ...],
        *,
        user_agent: str = DEFAULT_USER_AGENT,
        timeout: tuple[float, float] = (5.0, 20.0),
        max_retries: int = 3,
        backoff_base: float = 1.0,
        max_backoff: float = 60.0,
        max_retry_after: float = 120.0,
        max_body_bytes: int = 10_000_000,
        rates: Mapping[str, float] | None = None,
        default_rate: float = 1.0,
        respect_robots: bool = True,
        host_map: Mapping[str, str] | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        transport: Callable[[str, Mapping[str, str]], Any] | None = None,
    ):
        self.allowed_hosts = {h.lower() for h in allowed_hosts}
        self.user_agent = user_agent
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff_base = backoff_base
        self.max_backoff = max_backoff
        self.max_retry_after = max_retry_after
        self.max_body_bytes = max_body_bytes
        self.default_rate = default_rate
        self.respect_robots = respect_robots
        self.host_map = {k.lower(): v.rstrip("/") for k, v in (host_map or {}).items()}
        self._clock = clock
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._explicit_rates = {k.lower(): float(v) for k, v in (rates or {}).items()}
        self._rates = dict(self._explicit_rates)
        self._crawl_delay: dict[str, float] = {}
        self._next_slot: dict[str, float] = {}
        self._lock = threading.Lock()
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}
        self._robots_errors: dict[str, str] = {}
        # host -> size in bytes of a robots.txt longer than MAX_ROBOTS_BYTES (parsed up to the bound).
        self.robots_cut: dict[str, int] = {}
        self._robots_locks: dict[str, threading.Lock] = {}
        self._local = threading.local()
        self._transport = transport

    # -- configuration -------------------------------------------------------------------------

    @property
    def in_process(self) -> bool:
        """Answered by a transport in this process (recordings), not over the network: waiting on
        sockets is not what limits it, the interpreter lock is."""
        return self._transport is not None

    def allow_host(self, host: str) -> None:
        with self._lock:
            self.allowed_hosts.add(host.lower())

    def set_rate(self, host: str, requests_per_second: float, *, override: bool = False) -> None:
        """Set a host's rate; a rate given to the constructor wins unless `override`."""
        host = host.lower()
        with self._lock:
            if override or host not in self._explicit_rates:
                self._rates[host] = float(requests_per_second)

    def rate(self, host: str) -> float:
        return self._rates.get(host.lower(), self.default_rate)

    def is_allowed_host(self, host: str) -> bool:
        return host.lower() in self.allowed_hosts

    # -- plumbing ------------------------------------------------------------------------------

    def _session(self) -> requests.Session:
        # requests.Session is not documented as thread-safe: one per thread, reused for keep-alive.
        s = getattr(self._local, "session", None)
        if s is None:
            s = requests.Session()
            s.trust_env = False  # no proxies or .netrc from the environment
            s.headers["User-Agent"] = self.user_agent
            self._local.session = s
        return s

    def close(self) -> None:
        s = getattr(self._local, "session", None)
        if s is not None:
            s.close()

    def _interval(self, host: str) -> float:
        rate = self.rate(host)
        interval = 1.0 / rate if rate > 0 else 0.0
        return max(interval, self._crawl_delay.get(host, 0.0))

    def _wait_turn(self, host: str) -> None:
        """Reserve the host's next slot under the lock, then sleep outside it until the slot."""
        with self._lock:
            now = self._clock()
            slot = max(now, self._next_slot.get(host, now))
            self._next_slot[host] = slot + self._interval(host)
        if slot > now:
            self._sleep(slot - now)
            # A late wake-up must not shorten the next gap: count the interval from the real start.
            with self._lock:
                start = self._clock()
                self._next_slot[host] = max(self._next_slot[host], start + self._interval(host))

    def _push_back(self, host: str, seconds: float) -> None:
        """Retry-After applies to the host, not just one URL: nobody talks to it before then."""
        with self._lock:
            until = self._clock() + seconds
            if self._next_slot.get(host, 0.0) < until:
                self._next_slot[host] = until

    def _connect_url(self, url: str) -> tuple[str, dict[str, str]]:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        target = self.host_map.get(host)
        if target is None:
            return url, {}
        t = urlsplit(target)
        conn = urlunsplit((t.scheme, t.netloc, parts.path or "/", parts.query, ""))
        return conn, {"Host": parts.netloc}

    def _check_target(self, url: str, *, redirect: bool) -> str | None:
        """Why `url` may not be fetched, or None."""
        parts = urlsplit(url)
        what = "redirect to" if redirect else "fetch of"
        if parts.scheme not in ("http", "https"):
            return f"{what} {url} refused (scheme {parts.scheme or 'missing'!r} not allowed)"
        host = (parts.hostname or "").lower()
        if self.is_allowed_host(host):
            return None
        ip = _ip_literal(host)
        if ip is not None and (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved):
            return f"{what} {host} refused (private/loopback address, host not allowed)"
        return f"{what} {host} refused (host not allowed)"

    # -- robots.txt ----------------------------------------------------------------------------

    def _robots_for(self, url: str) -> str | None:
        """Why robots.txt forbids `url`, or None. Fetched once per scheme+host."""
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc}".lower()
        with self._lock:
            lock = self._robots_locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._robots:
                self._robots[key] = self._load_robots(key)
        parser = self._robots[key]
        if parser is None:
            return (
                f"robots.txt of {parts.netloc} could not be read ({self._robots_errors[key]}); not crawling"
            )
        if not parser.can_fetch(self.user_agent, url):
            return f"{url}: disallowed by robots.txt"
        return None

    def _load_robots(self, base: str) -> urllib.robotparser.RobotFileParser | None:
        robots_url = base + "/robots.txt"
        res = self._fetch(robots_url, {}, check_robots=False)
        parser = urllib.robotparser.RobotFileParser(robots_url)
        if res.status is not None and 400 <= res.status < 500 and res.status not in (401, 403, 429):
            parser.allow_all = True  # no robots.txt: everything allowed (RFC 9309 section 2.3.1.3)
        elif res.status in (401, 403):
            parser.disallow_all = True
        elif res.error is not None:
            # Unreachable robots.txt (5xx, network): RFC 9309 says assume complete disallow.
            self._robots_errors[base] = res.error
            return None
        else:
            # Parsed up to MAX_ROBOTS_BYTES (a robots.txt of megabytes is a broken or hostile server);
            # the cut is kept in `robots_cut` for the crawl to record.
            body = res.body
            if len(body) > MAX_ROBOTS_BYTES:
                with self._lock:
                    self.robots_cut[_host_of(base)] = len(body)
                body = body[:MAX_ROBOTS_BYTES].rsplit(b"\n", 1)[0]
            parser.parse(body.decode(res.encoding, errors="replace").splitlines())
            delay = parser.crawl_delay(self.user_agent)
            if delay:
                host = _host_of(base)
                with self._lock:
                    self._crawl_delay[host] = float(delay)
        return parser

    def robots_sitemaps(self, url: str) -> list[str]:
        """The `Sitemap:` lines of the robots.txt of `url`'s host (read once, as for every fetch)."""
        if not self.respect_robots:
            return []
        self._robots_for(url)
        parts = urlsplit(url)
        parser = self._robots.get(f"{parts.scheme}://{parts.netloc}".lower())
        return list(parser.site_maps() or []) if parser is not None else []

    # -- fetching ------------------------------------------------------------------------------

    def fetch(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> FetchResult:
        """GET `url` politely. Never raises for network trouble: see `FetchResult.error`."""
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            return self._fetch(url, headers, check_robots=self.respect_robots)
        except Exception as exc:  # noqa: BLE001 - a bug must not kill a whole crawl; report it
            return FetchResult(url=url, final_url=url, error=f"{url}: unexpected {type(exc).__name__}: {exc}")

    def _fetch(self, url: str, headers: dict[str, str], *, check_robots: bool) -> FetchResult:
        result = FetchResult(url=url, final_url=url)
        refused = self._check_target(url, redirect=False)
        if refused:
            result.error = refused
            return result
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            if check_robots:
                why = self._robots_for(current)
                if why:
                    result.error = why
                    result.final_url = current
                    return result
            self._fetch_with_retries(current, headers, result)
            result.final_url = current
            if result.error or result.status not in REDIRECT_STATUSES:
                return result
            location = result.headers.get("location") or result.headers.get("Location")
            if not location:
                result.error = f"{current}: {_status_line(result.status)} without Location"
                return result
            nxt = urljoin(current, location.strip()).split("#", 1)[0]
            refused = self._check_target(nxt, redirect=True)
            if refused:
                result.error = refused
                return result
            result.redirects.append(nxt)
            # A conditional header belongs to the original URL's validator, not the new one.
            headers = {}
            current = nxt
        result.error = f"{url}: more than {MAX_REDIRECTS} redirects"
        return result

    def _fetch_with_retries(self, url: str, headers: dict[str, str], result: FetchResult) -> None:
        host = _host_of(url)
        tries = self.max_retries + 1
        last = ""
        for attempt in range(1, tries + 1):
            result.attempts += 1
            self._wait_turn(host)
            try:
                self._attempt(url, headers, result)
                return
            except _Fatal as exc:
                result.error = str(exc)
                return
            except _Retryable as exc:
                last = str(exc)
                if attempt == tries:
                    break
                delay = self._backoff(attempt)
                if exc.wait is not None:
                    if exc.wait > self.max_retry_after:
                        result.error = (
                            f"{url}: gave up after {attempt} tries: {last} "
                            f"(Retry-After {exc.wait:.0f} s exceeds cap {self.max_retry_after:.0f} s)"
                        )
                        return
                    delay = max(delay, exc.wait)
                    self._push_back(host, exc.wait)
                self._sleep(delay)
        result.error = f"{url}: gave up after {tries} tries: {last}"

    def _backoff(self, attempt: int) -> float:
        # "Equal jitter": half the exponential delay fixed, half random, so retries from many
        # threads spread out but never collapse to zero.
        d = min(self.max_backoff, self.backoff_base * (2 ** (attempt - 1)))
        return d / 2 + self._rng.uniform(0, d / 2)

    def _attempt(self, url: str, headers: dict[str, str], result: FetchResult) -> None:
        result.fetched_at = datetime.now(UTC)
        if self._transport is not None:
            answer = self._transport(url, headers)
            status, raw_headers, body = answer.status, answer.headers, answer.body
            self._take_status(result, status, raw_headers)
            if len(body) > self.max_body_bytes:
                raise _Fatal(f"{url}: body larger than {self.max_body_bytes} bytes")
        else:
            conn_url, extra = self._connect_url(url)
            try:
                r = self._session().get(
                    conn_url, headers={**headers, **extra}, timeout=self.timeout, stream=True, allow_redirects=False
                )
            except requests.Timeout as exc:
                raise _Retryable(f"timed out ({_short(exc)})") from None
            except (requests.RequestException, Urllib3HTTPError, OSError) as exc:
                raise _Retryable(f"connection failed ({_short(exc)})") from None
            try:
                status, raw_headers = r.status_code, r.headers
                self._take_status(result, status, raw_headers)
                body = self._read_body(url, r)
            finally:
                r.close()
        result.body = body
        result.not_modified = status == 304
        result.sha256 = hashlib.sha256(body).hexdigest() if not result.not_modified else ""
        result.encoding = detect_encoding(body, result.headers.get("content-type"))
        result.error = None
        if not (200 <= status < 300 or status == 304 or status in REDIRECT_STATUSES):
            result.error = f"{url}: {_status_line(status)}"

    @staticmethod
    def _take_status(result: FetchResult, status: int, headers: Mapping[str, str]) -> None:
        """Record the status line and headers; a status worth retrying raises _Retryable."""
        result.status = status
        result.headers = {k.lower(): v for k, v in headers.items()}
        if status in RETRY_STATUSES:
            raise _Retryable(_status_line(status), _retry_after_seconds(result.headers.get("retry-after")))

    def _read_body(self, url: str, r: requests.Response) -> bytes:
        cap = self.max_body_bytes
        declared = r.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > cap:
            raise _Fatal(f"{url}: body larger than {cap} bytes (Content-Length {declared})")
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in r.iter_content(chunk_size=65536):
                size += len(chunk)
                if size > cap:
                    raise _Fatal(f"{url}: body larger than {cap} bytes")
                chunks.append(chunk)
        except requests.exceptions.ChunkedEncodingError as exc:
            raise _Retryable(f"truncated body ({_short(exc)})") from None
        except requests.Timeout as exc:
            raise _Retryable(f"timed out reading body ({_short(exc)})") from None
        except (requests.RequestException, Urllib3HTTPError, OSError) as exc:
            raise _Retryable(f"connection broken while reading body ({_short(exc)})") from None
        body = b"".join(chunks)
        # urllib3 2 enforces Content-Length already; this guards other transports and gzip-less
        # bodies where the count is directly comparable.
        plain = "content-encoding" not in {k.lower() for k in r.headers}
        if declared and declared.isdigit() and plain and len(body) != int(declared):
            raise _Retryable(f"truncated body ({len(body)} of {declared} bytes)")
        return body


def _short(exc: BaseException) -> str:
    """The innermost useful line of a requests/urllib3 exception chain."""
    text = str(exc).strip() or type(exc).__name__
    # urllib3 messages nest "(Caused by ...)" reprs; the tail names the real cause.
    m = re.search(r"\(Caused by (\w+)\(", text)
    if m:
        text = m.group(1)
    text = re.sub(r"<[^>]*object at 0x[0-9a-f]+>", "", text)
    return text.replace("\n", " ")[:200]
