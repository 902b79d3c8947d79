"""The Dagster UI, tried for real: `dagster dev` on a free port, pages rendered by headless Chromium.

Marked `ui` (deselect with `-m "not ui"`); CI runs it. Skips, saying why, when Chromium is missing.
OCOP_SAVE_SCREENSHOT=1 copies the screenshot to docs/screenshots/asset_graph.png.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.support import REPO

BIN = Path(sys.executable).parent
CHROMIUM = next((c for c in ("chromium", "chromium-browser", "google-chrome") if shutil.which(c)), None)
START_TIMEOUT = 90  # measured: ~20 s for `dagster dev` to answer on a 2-core machine

pytestmark = [
    pytest.mark.ui,
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (.ci/run installs the Debian package)"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, body: dict | None = None, timeout: float = 5) -> bytes:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.read()


def _chromium(tmp_path: Path, url: str, *args: str) -> subprocess.CompletedProcess:
    profile = tmp_path / f"chromium-profile-{len(list(tmp_path.glob('chromium-profile-*')))}"
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={profile}", "--virtual-time-budget=15000", *args, url]
    return subprocess.run(cmd, capture_output=True, timeout=90, check=False)


@pytest.fixture
def dagster_ui(tmp_path):
    """`dagster dev` on a temporary instance and data folder; yields (base URL, seconds to answer)."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    # The repository's instance settings, without the newsletter pop-up and telemetry.
    settings = (REPO / "dagster.yaml").read_text(encoding="utf-8")
    (home / "dagster.yaml").write_text(settings + "\nnux:\n  enabled: false\ntelemetry:\n  enabled: false\n",
                                       encoding="utf-8")
    port = _free_port()
    env = {**os.environ, "DAGSTER_HOME": str(home), "OCOP_DATA_DIR": str(tmp_path / "data"),
           "OCOP_INBOX": str(tmp_path / "inbox")}
    log = (tmp_path / "dagster_dev.log").open("wb")
    started = time.monotonic()
    proc = subprocess.Popen(
        [str(BIN / "dagster"), "dev", "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                if b"dagster_webserver_version" in _get(f"{base}/server_info", timeout=2):
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() - started > START_TIMEOUT:
                log.flush()
                pytest.fail(f"dagster dev did not answer within {START_TIMEOUT} s:\n"
                            + (tmp_path / "dagster_dev.log").read_text(errors="replace")[-3000:])
            time.sleep(0.5)
        yield base, time.monotonic() - started
    finally:
        # `dagster dev` shuts its webserver, daemon and code server down on Ctrl-C; whatever is left
        # after that (all of it is in the process group it leads) is killed.
        try:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=5)
        log.close()


def test_asset_graph_renders_in_a_real_browser(dagster_ui, tmp_path):
    base, seconds = dagster_ui
    print(f"dagster dev answered after {seconds:.1f} s")

    # The code location is served with every layer, descriptions included.
    query = {"query": "{ assetNodes { assetKey { path } groupName description } }"}
    deadline = time.monotonic() + 30
    while True:  # the webserver may answer before the code location has loaded
        nodes = json.loads(_get(f"{base}/graphql", query, timeout=30))["data"]["assetNodes"]
        by_key = {"/".join(n["assetKey"]["path"]): n for n in nodes}
        if "staging/stg_sheet_rows" in by_key or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert {"raw/spreadsheet_documents", "staging/stg_sheet_rows", "core/products", "publish/datasets"} <= set(by_key)
    assert all(n["description"] for n in by_key.values()), [k for k, n in by_key.items() if not n["description"]]

    # The asset catalog, rendered by the browser's JavaScript, names the assets.
    dom = _chromium(tmp_path, f"{base}/assets", "--window-size=1400,2400", "--dump-dom")
    page = dom.stdout.decode("utf-8", errors="replace")
    assert "stg_sheet_rows" in page and "spreadsheet_documents" in page, dom.stderr.decode(errors="replace")[-2000:]

    # The global asset lineage: raw -> staging -> core -> publish.
    shot = tmp_path / "asset_graph.png"
    _chromium(tmp_path, f"{base}/asset-groups", "--window-size=1400,900", f"--screenshot={shot}")
    assert shot.is_file() and shot.stat().st_size > 20_000, "the screenshot is missing or blank"
    if os.environ.get("OCOP_SAVE_SCREENSHOT") == "1":
        target = REPO / "docs" / "screenshots" / "asset_graph.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, target)
