"""Spread independent file parsing over the machine's cores, keeping results in input order."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Below this many items a pool costs more (process start, pickling) than it saves.
MIN_ITEMS_FOR_POOL = 8


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
