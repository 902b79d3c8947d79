"""Progress of long steps, as they run: counts, rate and ETA for a terminal, a log or the Dagster run log.

The core says what it is doing and how far it got; it never decides where that goes:

    task = progress.task("crawl", unit="pages")
    task.add_total(len(links))          # work discovered as it goes (a crawl's queue grows)
    task.advance(queued=len(queue))     # one more done; extra counts shown beside it
    task.finish()

Where it goes is chosen by whoever runs the step (`ocop build`, a Dagster asset) with
`with progress.reporting(reporter):`. With no reporter installed a task costs a lock and an addition
per call, so library code, tests and parsing commands pay nothing to speak of.

Reporters are shared by every thread (the crawler advances its task from one thread per host), so a
task keeps the reporters that were installed when it was made, and its counts move under a lock.
"""

from __future__ import annotations

import math
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Self, TextIO

_installed: list[Reporter] = []
_installed_lock = threading.Lock()


@dataclass
class TaskState:
    """What a reporter is shown: a snapshot, safe to keep."""

    name: str
    unit: str
    done: int
    total: int | None
    seconds: float
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def rate(self) -> float | None:
        """Items per second so far (None before the first tenth of a second)."""
        return self.done / self.seconds if self.seconds >= 0.1 and self.done else None

    @property
    def eta(self) -> float | None:
        """Seconds left at the rate so far, when the total is known."""
        rate = self.rate
        if rate is None or self.total is None:
            return None
        return max(0.0, (self.total - self.done) / rate)

    def line(self, final: bool = False) -> str:
        """'crawl: 120/450 pages (26%), 35.2/s, ETA 9.4 s; queued 330; fetched 118' or, at the end,
        'crawl: 450 pages in 12.8 s (35.2/s); failures 2'."""
        extra = "".join(f"; {k.replace('_', ' ')} {v:,}" for k, v in self.counts.items())
        rate = f"{self.rate:,.1f}/s" if self.rate is not None else None
        if final:
            tail = f" ({rate})" if rate else ""
            return f"{self.name}: {self.done:,} {self.unit} in {_duration(self.seconds)}{tail}{extra}"
        done = f"{self.done:,}/{self.total:,}" if self.total is not None else f"{self.done:,}"
        share = f" ({100 * self.done // self.total}%)" if self.total else ""
        parts = [f"{self.name}: {done} {self.unit}{share}"]
        if rate:
            parts.append(rate)
        if self.eta is not None:
            parts.append(f"ETA {_duration(self.eta)}")
        queued = f"; queued {self.total - self.done:,}" if self.total is not None else ""
        return ", ".join(parts) + queued + extra


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f} s" if seconds < 10 else f"{seconds:.0f} s"
    minutes, secs = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


class Reporter:
    """Where progress goes. `interval`: the fewest seconds between two updates of one task
    (the final update always comes)."""

    interval: float = math.inf

    def update(self, state: TaskState, final: bool) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class TerminalReporter(Reporter):
    """One line per step on a terminal, redrawn in place while the step runs, kept when it ends."""

    interval = 0.1  # ten redraws a second read as live; more only costs the terminal

    def __init__(self, stream: TextIO | None = None):
        self.stream = stream or sys.stderr
        self.lock = threading.Lock()

    def update(self, state: TaskState, final: bool) -> None:
        with self.lock:
            # \r back to the line's start, ESC[K clears what a longer earlier line left behind.
            self.stream.write(f"\r\x1b[K{state.line(final)}" + ("\n" if final else ""))
            self.stream.flush()


class LineReporter(Reporter):
    """One line per step, when it ends: for logs and pipes, where a redrawn line is noise."""

    def __init__(self, stream: TextIO | None = None):
        self.stream = stream or sys.stderr
        self.lock = threading.Lock()

    def update(self, state: TaskState, final: bool) -> None:
        if final:
            with self.lock:
                self.stream.write(state.line(final=True) + "\n")
                self.stream.flush()


class LogReporter(Reporter):
    """Lines to a logging function (a Dagster step's `context.log.info`) every few seconds while the
    step runs and once at its end, so the run log shows a long step moving, not only its result."""

    def __init__(self, log: Callable[[str], None], interval: float = 5.0):
        self.log = log
        self.interval = interval

    def update(self, state: TaskState, final: bool) -> None:
        self.log(state.line(final))


class Task:
    """One step's progress. Thread-safe; every method is cheap when no reporter is installed."""

    def __init__(self, name: str, unit: str, total: int | None, reporters: list[Reporter]):
        self.name, self.unit = name, unit
        self._total, self._done = total, 0
        self._counts: dict[str, int] = {}
        self._reporters = reporters
        self._started = time.monotonic()
        self._last: list[float] = [-math.inf] * len(reporters)
        self._lock = threading.Lock()
        self._finished = False

    def add_total(self, n: int) -> None:
        """More work found (a crawl's queue grows as listing pages are read)."""
        with self._lock:
            self._total = (self._total or 0) + n

    def advance(self, n: int = 1, **counts: int) -> None:
        """`n` more done; `counts` replace the named side counts shown beside the main one."""
        with self._lock:
            self._done += n
            self._counts.update(counts)
        if self._reporters:
            self._report(final=False)

    def count(self, **increments: int) -> None:
        """Add to side counts without advancing (a failure, a page not modified)."""
        with self._lock:
            for key, n in increments.items():
                self._counts[key] = self._counts.get(key, 0) + n

    def finish(self, **counts: int) -> None:
        """The step is over: the final line goes to every reporter once."""
        with self._lock:
            if self._finished:
                return
            self._finished = True
            self._counts.update(counts)
        self._report(final=True)

    @property
    def done(self) -> int:
        return self._done

    def state(self) -> TaskState:
        with self._lock:
            return TaskState(self.name, self.unit, self._done, self._total,
                             time.monotonic() - self._started, dict(self._counts))

    def _report(self, final: bool) -> None:
        now = time.monotonic()
        due = []
        with self._lock:
            for i, reporter in enumerate(self._reporters):
                if final or now - self._last[i] >= reporter.interval:
                    self._last[i] = now
                    due.append(reporter)
        if due:
            state = self.state()
            for reporter in due:
                reporter.update(state, final)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.finish()


def task(name: str, unit: str = "items", total: int | None = None) -> Task:
    """A new task reporting to the reporters installed now."""
    with _installed_lock:
        reporters = list(_installed)
    return Task(name, unit, total, reporters)


@contextmanager
def reporting(reporter: Reporter) -> Iterator[Reporter]:
    """Send the progress of tasks made meanwhile (in any thread) to `reporter` too."""
    with _installed_lock:
        _installed.append(reporter)
    try:
        yield reporter
    finally:
        with _installed_lock:
            _installed.remove(reporter)


def for_stream(stream: TextIO, quiet: bool = False) -> Reporter | None:
    """The reporter a command line wants: redrawn lines on a terminal, one line per step otherwise,
    none when quiet."""
    if quiet:
        return None
    isatty = getattr(stream, "isatty", None)
    return TerminalReporter(stream) if isatty and isatty() else LineReporter(stream)
