"""runtime/parallel.budget_map: each item within a time and memory budget, the rest goes on, in order."""

import os
import signal
import time

import pytest

from ocop_pipeline import settings
from ocop_pipeline.runtime.parallel import Unfinished, budget_map, hard_limit_s


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
