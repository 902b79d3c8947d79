"""Progress of long steps: what each reporter prints, from one thread or many."""

import io
import threading

from ocop_pipeline.runtime import progress


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_no_reporter_installed_costs_nothing_and_prints_nothing():
    task = progress.task("crawl", unit="pages", total=3)
    for _ in range(3):
        task.advance()
    task.finish()
    assert task.done == 3


def test_line_reporter_prints_one_line_per_step_when_it_ends():
    out = io.StringIO()
    with progress.reporting(progress.for_stream(out)), progress.task("extract pages", unit="pages",
                                                                     total=2000) as task:
        for _ in range(2000):
            task.advance()
        task.count(failed=2)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("extract pages: 2,000 pages in ")
    assert lines[0].endswith("; failed 2")


def test_terminal_reporter_redraws_in_place_with_total_share_and_queue():
    out = _Tty()
    reporter = progress.for_stream(out)
    assert isinstance(reporter, progress.TerminalReporter)
    with progress.reporting(reporter):
        task = progress.task("crawl", unit="article links", total=0)
        task.add_total(450)
        task.advance(120, fetched=118)
        task.finish()
    text = out.getvalue()
    first = text.split("\r\x1b[K")[1]
    assert first == "crawl: 120/450 article links (26%); queued 330; fetched 118"
    assert text.endswith("crawl: 120 article links in 0.0 s; fetched 118\n")


def test_state_gives_rate_and_eta_from_the_elapsed_time():
    state = progress.TaskState("crawl", "pages", done=100, total=400, seconds=10.0, counts={"failed": 1})
    assert state.rate == 10.0 and state.eta == 30.0
    assert state.line() == "crawl: 100/400 pages (25%), 10.0/s, ETA 30 s; queued 300; failed 1"
    assert progress.TaskState("x", "pages", 5, None, 3725.0).line(final=True) == "x: 5 pages in 1 h 02 min (0.0/s)"


def test_quiet_means_no_reporter():
    assert progress.for_stream(_Tty(), quiet=True) is None


def test_log_reporter_is_throttled_but_always_gets_the_end():
    lines: list[str] = []
    with progress.reporting(progress.LogReporter(lines.append, interval=3600)):
        task = progress.task("match mentions", unit="articles", total=10)
        for _ in range(10):
            task.advance()
        task.finish()
        task.finish()  # a second finish says nothing more
    assert lines[0].startswith("match mentions: 1/10 articles (10%)")
    assert lines[1].startswith("match mentions: 10 articles in ")
    assert len(lines) == 2


def test_threads_advance_one_task_without_losing_counts():
    lines: list[str] = []
    with progress.reporting(progress.LogReporter(lines.append, interval=0)):
        task = progress.task("crawl", unit="pages", total=4000)
        workers = [threading.Thread(target=lambda: [task.advance() for _ in range(1000)]) for _ in range(4)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        task.finish()
    assert task.done == 4000
    assert lines[-1].startswith("crawl: 4,000 pages in ")


def test_a_task_made_after_the_reporter_is_removed_reports_nowhere():
    lines: list[str] = []
    with progress.reporting(progress.LogReporter(lines.append)):
        pass
    progress.task("late").finish()
    assert lines == []
