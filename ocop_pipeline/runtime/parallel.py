"""Spread independent file parsing over the machine's cores, keeping results in input order."""

from __future__ import annotations

import multiprocessing
import os
import queue
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import connection
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Below this many items a pool costs more (process start, pickling) than it saves.
MIN_ITEMS_FOR_POOL = 8
# Items sent ahead to each `budget_map` worker: with one at a time a worker that ends a page (about
# a millisecond) waits for the parent to hand it the next, and the parent's thread waits for the
# interpreter lock its DuckDB writes hold (up to 5 ms a switch): workers were idle a quarter of the
# national news step. Behind a slow item this many others wait, each still within its own budget.
PIPELINE_DEPTH = 8


def worker_count(requested: int = 0) -> int:
    """`requested` if positive, else the cores this process may use."""
    if requested > 0:
        return requested
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return os.cpu_count() or 1


def _die_with_parent(parent: int) -> None:
    """Worker initializer: end when the parent ends. A build killed with SIGKILL would otherwise leave
    its workers alive for good, holding its output pipes and the build lock they inherited."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG (Linux)
    except (OSError, AttributeError):
        pass  # not Linux: workers still end when the pool is shut down normally
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)


def ordered_map(func: Callable[[T], R], items: Sequence[T], workers: int = 0, chunksize: int = 2) -> Iterator[R]:
    """`map(func, items)`, in worker processes when it pays; results come in input order.

    `func` must be a module-level function (it is pickled by name)."""
    n = worker_count(workers)
    if n == 1 or len(items) < MIN_ITEMS_FOR_POOL:
        yield from map(func, items)
        return
    with ProcessPoolExecutor(max_workers=n, initializer=_die_with_parent, initargs=(os.getpid(),)) as pool:
        yield from pool.map(func, items, chunksize=chunksize)


# ---------------------------------------------------------------------------------------------
# A map with a time and a memory budget per item
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unfinished:
    """In place of a result: the item was stopped, and why ("took longer than 20 s")."""

    reason: str


class _OverTime(BaseException):
    """Raised in a worker by SIGALRM. A BaseException: `except Exception` in the work cannot swallow it."""


def _on_alarm(signum, frame):  # noqa: ARG001
    raise _OverTime


def hard_limit_s(budget_s: float) -> float:
    """When the parent kills a worker still busy: SIGALRM only stops Python code, not a long C call
    (a parser, a regex), so a worker past its budget by half again plus a second is ended from outside."""
    return 1.5 * budget_s + 1.0


def _limit_memory(memory_mb: int | None) -> None:
    """Cap the worker's address space at what it inherited plus `memory_mb`: an allocation past it
    raises MemoryError (recorded for the item) instead of swapping the machine. Forked workers
    inherit the parent's mappings (DuckDB, Dagster), hence the cap over the current size."""
    if not memory_mb:
        return
    try:
        import resource

        with open("/proc/self/statm") as f:
            size = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        limit = size + memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, resource.getrlimit(resource.RLIMIT_AS)[1]))
    except (OSError, ValueError, ImportError):
        pass  # not Linux, or a hard limit already lower: the time budget still holds


def _budget_worker(conn, func, budget_s: float, memory_mb: int | None, parent: int) -> None:
    _die_with_parent(parent)
    signal.signal(signal.SIGALRM, _on_alarm)
    _limit_memory(memory_mb)
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        index, item = msg
        try:
            signal.setitimer(signal.ITIMER_REAL, budget_s)
            try:
                out = ("ok", func(item))
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
        except _OverTime:
            out = ("stop", f"took longer than {budget_s:g} s")
        except MemoryError:
            out = ("stop", f"needed more than {memory_mb} MB of memory")
        except Exception as exc:  # noqa: BLE001 -- one odd item must not end the worker; it is reported
            out = ("stop", f"unexpected error ({exc.__class__.__name__}: {exc})")
        try:
            conn.send((index, *out))
        except MemoryError:
            conn.send((index, "stop", f"needed more than {memory_mb} MB of memory"))


class _Worker:
    def __init__(self, ctx, func, budget_s: float, memory_mb: int | None):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_budget_worker, args=(child, func, budget_s, memory_mb, os.getpid()),
                                daemon=True)
        self.proc.start()
        child.close()
        self.inflight: deque[int] = deque()  # the items sent to it, the one it works on first
        self.started = 0.0  # when it began the first of them

    def give(self, index: int, item) -> None:
        if not self.inflight:
            self.started = time.monotonic()
        self.inflight.append(index)
        self.conn.send((index, item))

    def took(self) -> int:
        """The item it worked on is back: the next one sent starts now."""
        self.started = time.monotonic()
        return self.inflight.popleft()

    def end(self, *, kill: bool = False) -> None:
        if kill:
            self.proc.kill()
        else:
            try:
                self.conn.send(None)
            except OSError:
                self.proc.kill()
        self.proc.join(5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
        self.conn.close()


def budget_map(func: Callable[[T], R], items: Sequence[T], budget_s: float, *, workers: int = 0,
               memory_mb: int | None = None) -> Iterator[R | Unfinished]:
    """`map(func, items)` in worker processes, in input order, each item within `budget_s` seconds
    (and `memory_mb` beyond the worker's inherited size): an item over it gives `Unfinished(reason)`
    in place of its result, and the rest goes on. SIGALRM stops the item inside its worker; a worker
    still busy after hard_limit_s(budget_s) is killed and replaced. An exception from `func` is an
    Unfinished too. Each worker has up to PIPELINE_DEPTH items sent ahead; the budget counts from when it
    starts an item (the previous result came back), and items behind one whose worker is killed go
    to its successor.

    Workers are forked: `func` need not be picklable, items and results must be. Items should be
    small (a path, not the bytes): those sent ahead sit in the pipe while the worker sends a result."""
    if not items:
        return
    ctx = multiprocessing.get_context("fork")
    n = min(worker_count(workers), len(items))
    pool = [_Worker(ctx, func, budget_s, memory_mb) for _ in range(n)]
    done: dict[int, R | Unfinished] = {}
    fresh = iter(range(len(items)))
    retry: deque[int] = deque()  # items queued behind one whose worker was killed, to send again
    hard = hard_limit_s(budget_s)
    next_out = 0

    def lost(w: _Worker, reason: str) -> _Worker:
        done[w.inflight.popleft()] = Unfinished(reason)
        retry.extendleft(reversed(w.inflight))
        return _replace(w, ctx, func, budget_s, memory_mb)

    try:
        while next_out < len(items):
            for w in pool:  # workers with room take the next items
                while len(w.inflight) < PIPELINE_DEPTH:
                    index = retry.popleft() if retry else next(fresh, None)
                    if index is None:
                        break
                    w.give(index, items[index])
            busy = [w for w in pool if w.inflight]
            if busy:
                now = time.monotonic()
                wait_s = max(0.0, min(w.started + hard - now for w in busy))
                ready = connection.wait([w.conn for w in busy], timeout=wait_s)
                for i, w in enumerate(pool):
                    while w.inflight and w.conn in ready:
                        try:
                            index, status, value = w.conn.recv()
                        except (EOFError, OSError):  # the worker died (killed by the system, a crash)
                            w.proc.join(1)
                            pool[i] = lost(w, f"worker process died (exit status {w.proc.exitcode})")
                            break
                        if w.took() != index:
                            raise RuntimeError(f"worker sent item {index} out of turn")
                        done[index] = value if status == "ok" else Unfinished(value)
                        if not w.conn.poll():  # more results already waiting are taken in this pass
                            break
                now = time.monotonic()
                for i, w in enumerate(pool):
                    if w.inflight and now - w.started > hard:
                        pool[i] = lost(w, f"took longer than {budget_s:g} s")
            while next_out in done:
                yield done.pop(next_out)
                next_out += 1
    finally:
        for w in pool:
            w.end(kill=bool(w.inflight))


def _replace(w: _Worker, ctx, func, budget_s: float, memory_mb: int | None) -> _Worker:
    w.end(kill=True)
    return _Worker(ctx, func, budget_s, memory_mb)


# ---------------------------------------------------------------------------------------------
# Reading ahead of a slow consumer
# ---------------------------------------------------------------------------------------------


def read_ahead(items: Iterator[T], depth: int = 1024) -> Iterator[T]:
    """`items`, advanced by a thread up to `depth` items ahead of the consumer.

    For `budget_map`, whose workers wait for it to hand out the next item: a consumer that stops to
    write a batch to DuckDB would otherwise leave every worker idle while it writes. An exception
    raised by `items` is raised here, in order; closing this iterator early stops the thread."""
    buffer: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(entry: tuple) -> bool:
        while not stop.is_set():
            try:
                buffer.put(entry, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def pump() -> None:
        try:
            for item in items:
                if not put(("item", item)):
                    break
            else:
                put(("end", None))
        except BaseException as exc:  # noqa: BLE001 -- handed to the consumer, which raises it
            put(("error", exc))
        finally:
            close = getattr(items, "close", None)
            if close:
                close()  # a generator's own cleanup (budget_map ends its workers) runs now

    thread = threading.Thread(target=pump, name="read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            kind, value = buffer.get()
            if kind == "item":
                yield value
            elif kind == "error":
                raise value
            else:
                return
    finally:
        stop.set()
        thread.join()
