"""Commands run in a child process, measured: wall time and peak memory, killed past a timeout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.support import REPO

PYTHON = REPO / ".venv" / "bin" / "python"
OCOP = [str(PYTHON), "-m", "ocop_pipeline.cli"]


def repo_env() -> dict[str, str]:
    """This environment, with the repository on PYTHONPATH (child processes import tests/ and devtools/)."""
    return {**os.environ, "PYTHONPATH": str(REPO)}


def hold_build_lock(data: Path) -> subprocess.Popen:
    """Another process holding `data`'s build lock until it is killed (`holder.kill()`)."""
    script = ("import sys, time; from pathlib import Path; from ocop_pipeline.storage.build_lock import build_lock\n"
              "with build_lock(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(120)")
    holder = subprocess.Popen([sys.executable, "-c", script, str(data)], stdout=subprocess.PIPE, text=True,
                              env=repo_env())
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


@dataclass
class Measured:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    max_rss_mb: float


# Runs the command and reports its peak RSS. Measured from a small parent of its own: on Linux a child
# forked from the big pytest process inherits pytest's high-water mark through exec.
_MEASURE = """
import json, os, resource, subprocess, sys, time
out, timeout, cap, args = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
started = time.monotonic()
proc = subprocess.Popen(args)
if cap:
    resource.prlimit(proc.pid, resource.RLIMIT_AS, (cap, cap))
while True:
    pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
    if pid:
        break
    if time.monotonic() > started + timeout:
        proc.kill()
        pid, status, usage = os.wait4(proc.pid, 0)
        break
    time.sleep(0.01)
proc.returncode = os.waitstatus_to_exitcode(status)
with open(out, "w") as fh:
    json.dump({"returncode": proc.returncode, "seconds": time.monotonic() - started,
               "max_rss_mb": usage.ru_maxrss / 1024}, fh)
"""


def run_measured(args: list[str], timeout: float, env: dict | None = None,
                 address_space_mb: int | None = 4096) -> Measured:
    """Run a command, kill it past `timeout`, and report wall time and its peak RSS (wait4). The
    address-space cap keeps a runaway reader from taking the machine down with it."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "measure.json"
        done = subprocess.run([sys.executable, "-c", _MEASURE, str(report), str(timeout),
                               str((address_space_mb or 0) * 1024 * 1024), *args],
                              check=False, capture_output=True, env=env, timeout=timeout + 30)
        measured = json.loads(report.read_text())
    return Measured(measured["returncode"], done.stdout.decode("utf-8", "replace"),
                    done.stderr.decode("utf-8", "replace"), measured["seconds"], measured["max_rss_mb"])
