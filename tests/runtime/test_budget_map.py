"""runtime/parallel.budget_map: each item within a time and memory budget, the rest goes on, in order."""

import os
import signal
import threading
import time

import pytest

from ocop_pipeline import settings
from ocop_pipeline.runtime.parallel import Unfinished, budget_map, hard_limit_s, read_ahead


def _work(x):
    if x == "sleep":  # Python code: stopped by SIGALRM in the worker
        time.sleep(120)
    if x == "stuck":  # as a C call that never returns: SIGALRM cannot reach it, the parent kills it
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        time.sleep(120)
    if x == "hog":
        return len(bytearray(3 * 1024**3))
    if x == "boom":
        raise ValueError("bad item")
    if x == "die":
        os._exit(3)
    if x == "pid":
        return os.getpid()
    if x == "nap":  # within the budget
        time.sleep(0.6)
        return "rested"
    return x * 2


def test_items_over_budget_are_stopped_by_name_and_the_rest_come_back_in_order():
    items = [1, "sleep", 2, "stuck", "boom", "die", 3, 4]
    started = time.perf_counter()
    out = list(budget_map(_work, items, 1.0, workers=2))
    took = time.perf_counter() - started
    assert out == [2, Unfinished("took longer than 1 s"), 4, Unfinished("took longer than 1 s"),
                   Unfinished("unexpected error (ValueError: bad item)"),
                   Unfinished("worker process died (exit status 3)"), 6, 8]
    assert took < 60  # ~2.5 s: the stuck worker is killed at 1.5 x budget + 1 s, not after 120 s
    assert hard_limit_s(20) == 31


def test_a_worker_over_its_memory_bound_gets_memory_error_not_the_machine():
    assert list(budget_map(_work, ["hog", 5], 30, workers=1, memory_mb=256)) == [
        Unfinished("needed more than 256 MB of memory"), 10]


def test_a_killed_worker_is_replaced_and_its_successor_takes_the_next_items():
    out = list(budget_map(_work, ["stuck", "pid", "pid"], 0.5, workers=1))
    assert out[0] == Unfinished("took longer than 0.5 s")
    assert out[1] == out[2] and out[1] != os.getpid()  # one new worker, not this process


def test_items_sent_ahead_are_timed_from_when_their_worker_starts_them():
    # Five items of 0.6 s sent ahead to one worker: the last ends 3 s after it was sent, past the
    # hard limit (2.5 s), yet each took 0.6 s of its own 1 s budget.
    assert list(budget_map(_work, ["nap"] * 5 + [7], 1.0, workers=1)) == ["rested"] * 5 + [14]


def test_the_budget_is_a_setting(monkeypatch):
    monkeypatch.delenv("OCOP_PAGE_BUDGET_S", raising=False)
    assert settings.page_budget_s() == settings.DEFAULT_PAGE_BUDGET_S == 20
    monkeypatch.setenv("OCOP_PAGE_BUDGET_S", "2.5")
    assert settings.page_budget_s() == 2.5
    monkeypatch.setenv("OCOP_PAGE_BUDGET_S", "soon")
    with pytest.raises(ValueError, match="OCOP_PAGE_BUDGET_S='soon': not a number"):
        settings.page_budget_s()
    monkeypatch.setenv("OCOP_PAGE_MEMORY_MB", "0")
    with pytest.raises(ValueError, match="OCOP_PAGE_MEMORY_MB='0': must be above 0"):
        settings.page_memory_mb()


# -- read_ahead ------------------------------------------------------------------------------------


def _slow_squares(n: int):
    for i in range(n):
        yield i * i


def test_read_ahead_keeps_order_and_raises_where_the_items_raised():
    assert list(read_ahead(_slow_squares(5000), depth=16)) == [i * i for i in range(5000)]

    def failing():
        yield 1
        yield 2
        raise ValueError("row 3 is bad")

    got = []
    with pytest.raises(ValueError, match="row 3 is bad"):
        for x in read_ahead(failing()):
            got.append(x)
    assert got == [1, 2]


def test_read_ahead_closed_early_stops_its_thread_and_closes_the_items():
    closed = threading.Event()

    def endless():
        try:
            i = 0
            while True:
                yield i
                i += 1
        finally:
            closed.set()

    it = read_ahead(endless(), depth=4)
    assert [next(it) for _ in range(10)] == list(range(10))
    it.close()
    assert closed.wait(5)
    assert not any(t.name == "read-ahead" for t in threading.enumerate())


def test_read_ahead_over_budget_map_still_stops_a_slow_item():
    # budget_map forks its workers from the read-ahead thread: the workers' alarm must still fire.
    out = list(read_ahead(budget_map(_work, [1, "sleep", "stuck", 2], 0.5, workers=2)))
    assert out == [2, Unfinished("took longer than 0.5 s"), Unfinished("took longer than 0.5 s"), 4]
