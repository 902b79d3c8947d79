"""One build at a time per data folder: `<data>/.build.lock`.

A build (`ocop build`, or a run launched from the UI, a schedule or the sensor) opens and closes the
database once per asset, so a second build could slip in between two assets of the first and
interleave its writes. The whole build therefore holds `<data>/.build.lock` (an flock, released by
the kernel even when the process is killed); a second build stops at once with a message naming the
holder, or waits.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ocop_pipeline.storage.store import StoreLockedError


class BuildLockedError(StoreLockedError):
    """Another `ocop build` is running on the same data folder."""


# Data folders whose build lock this process holds, with how many blocks hold it: `ocop build` takes
# the lock, then the run it starts takes it again (the store resource, for runs launched from the UI,
# a schedule or the sensor); a second flock from the same process would wait on itself.
_HELD: dict[str, int] = {}


@contextmanager
def build_lock(data_dir: Path, wait: float | None = 0) -> Iterator[Path]:
    """Hold `<data_dir>/.build.lock` for the block. `wait`: seconds to wait for another build to
    finish (0: stop at once, None: as long as it takes); then BuildLockedError. Re-entrant within a
    process."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / ".build.lock"
    key = str(path.resolve())
    if _HELD.get(key):
        _HELD[key] += 1
        try:
            yield path
        finally:
            _HELD[key] -= 1
        return
    fh = path.open("a+")
    deadline = None if wait is None else time.monotonic() + wait
    try:
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if deadline is not None and time.monotonic() >= deadline:
                    fh.seek(0)
                    holder = fh.read().strip() or "unknown"
                    waited = f" (waited {wait:.0f} s)" if wait else ""
                    raise BuildLockedError(
                        f"another build is running (pid {holder}) on {data_dir}{waited}: let it finish and "
                        f"run again, or use `ocop build --wait` to start when it is done") from None
                time.sleep(0.2)
        fh.seek(0)
        fh.truncate()
        fh.write(f"{os.getpid()}\n")
        fh.flush()
        _HELD[key] = 1
        try:
            yield path
        finally:
            _HELD.pop(key, None)
    finally:
        fh.close()  # closing the file releases the lock; the file itself stays (deleting it would race)
