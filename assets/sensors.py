"""Sensors: the inbox watcher.

A spreadsheet dropped into OCOP_INBOX starts one ingest run (landing -> staging -> core -> publish).
One run per distinct content: the run key is the file's sha256, so the same bytes under another name,
or copied in again, start nothing. The inbox folder is resolved when the sensor is evaluated (through
the `store` resource), never at import.
"""

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING

import dagster as dg

from assets.resources import OcopStore
from ocop_pipeline.raw.spreadsheet_landing import inbox_files
from ocop_pipeline.runtime.fingerprints import file_sha256

if TYPE_CHECKING:  # what define_asset_job returns; not exported at the top level of dagster
    from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

INBOX_SENSOR = "ocop_inbox_sensor"
INBOX_JOB = "ocop_inbox_ingest"

# A file modified less than this long ago may still be being copied in (a browser download, a network
# share): it is looked at again on the next tick instead of being ingested half-written.
SETTLE_SECONDS = 2.0
# The folder is cheap to list; a tick every 30 s makes a dropped file show up within a minute.
TICK_SECONDS = 30
# Suffixes that browsers and copy tools give to files still being written.
PARTIAL_SUFFIXES = (".part", ".crdownload", ".tmp", ".download", "~")


def inbox_job(landing: dg.AssetsDefinition, partitioned: dg.AssetSelection) -> "UnresolvedAssetJobDefinition":
    """Spreadsheet landing and everything downstream of it (no news crawl, no partitioned extract)."""
    return dg.define_asset_job(
        INBOX_JOB,
        selection=dg.AssetSelection.assets(landing).downstream() - partitioned,
        description="Ingest the spreadsheets of the inbox (and the registry): land, stage, rebuild the core "
                    "tables, publish. Started by the inbox sensor, once per new file content.",
        tags={"ocop/trigger": "inbox"},
    )


def _load_cursor(cursor: str | None) -> tuple[dict[str, list], set[str]]:
    """(files: relative path -> [size, mtime_ns, sha256], seen: every sha256 already requested)."""
    if not cursor:
        return {}, set()
    state = json.loads(cursor)
    return state.get("files", {}), set(state.get("seen", []))


def scan_inbox(inbox_dir: Path, cursor: str | None, now: float | None = None
               ) -> tuple[list[tuple[str, str]], list[str], str]:
    """New contents in the inbox: ([(sha256, relative path)], [files still settling], new cursor).

    Pure apart from reading the folder, so it is tested without Dagster. A file is hashed again only
    when its size or modification time changed since the last tick.
    """
    now = time.time() if now is None else now
    known, seen = _load_cursor(cursor)
    files: dict[str, list] = {}
    new: list[tuple[str, str]] = []
    settling: list[str] = []
    for path in inbox_files(inbox_dir):
        rel = path.relative_to(inbox_dir).as_posix()
        if path.name.lower().endswith(PARTIAL_SUFFIXES):
            continue
        try:
            before = path.stat()
            if now - before.st_mtime < SETTLE_SECONDS:
                settling.append(rel)
                continue
            entry = known.get(rel)
            if entry and entry[:2] == [before.st_size, before.st_mtime_ns]:
                sha = entry[2]
            else:
                sha = file_sha256(path)
                after = path.stat()
                if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns):
                    settling.append(rel)  # it changed while we read it: still being written
                    continue
        except FileNotFoundError:
            continue  # moved away between listing and reading
        files[rel] = [before.st_size, before.st_mtime_ns, sha]
        if sha not in seen:
            seen.add(sha)
            new.append((sha, rel))
    # `seen` is kept for files that left the inbox too: dropping the same bytes back in is not news.
    return new, settling, json.dumps({"files": files, "seen": sorted(seen)}, separators=(",", ":"))


def make_inbox_sensor(job: "UnresolvedAssetJobDefinition") -> dg.SensorDefinition:
    @dg.sensor(
        name=INBOX_SENSOR,
        job=job,
        minimum_interval_seconds=TICK_SECONDS,
        description="Watches OCOP_INBOX (default data/inbox/) and requests one ingest run per new spreadsheet "
                    "content (run key = sha256 of the bytes). Office lock files (~$x.xlsx), hidden files and "
                    f"files modified in the last {SETTLE_SECONDS:g} s (still being copied) are left for a later tick.",
    )
    def ocop_inbox_sensor(context: dg.SensorEvaluationContext, store: OcopStore) -> dg.SensorResult:
        inbox = store.paths().inbox_dir
        new, settling, cursor = scan_inbox(inbox, context.cursor)
        requests = [
            dg.RunRequest(run_key=sha, tags={"ocop/inbox_file": rel[-200:], "ocop/sha256": sha})
            for sha, rel in new
        ]
        if settling:
            context.log.info(f"waiting for {len(settling)} file(s) still being written: {', '.join(settling[:5])}")
        skip = None if requests else (
            f"no new spreadsheet in {inbox}" + (f" ({len(settling)} still being written)" if settling else ""))
        return dg.SensorResult(run_requests=requests, cursor=cursor, skip_reason=skip)

    return ocop_inbox_sensor
