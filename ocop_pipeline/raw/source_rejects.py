"""Registry files that cannot be used, recorded in `rejects` (stage "source") so a build that skipped
them says so: the YAML's path and the key at fault are in the reason (see sources/registry.py).

Both landing steps (spreadsheets and news) call `record_source_rejects`; each writes the whole set,
found the same way, so whichever runs last leaves the same rows.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb

from ocop_pipeline.sources.registry import RegistryError, load_registry
from ocop_pipeline.storage.ids import stable_id
from ocop_pipeline.storage.store import frame_for, insert_frame
from ocop_pipeline.storage.transactions import transaction


def source_errors(sources_dir: Path) -> list[RegistryError]:
    """Every unusable registry file: unreadable YAML, wrong types, and news files the crawler refuses."""
    from ocop_pipeline.raw.crawler import load_site_sources  # the crawler imports this package's siblings

    errors: list[RegistryError] = []
    load_registry(Path(sources_dir), errors=errors)
    news_errors: list[RegistryError] = []
    load_site_sources(sources_dir, errors=news_errors)
    seen = {str(e) for e in errors}
    return errors + [e for e in news_errors if str(e) not in seen]


def _file_of(error: RegistryError) -> str:
    return str(error).split(": ", 1)[0]


def record_source_rejects(con: duckdb.DuckDBPyConnection, errors: list[RegistryError]) -> None:
    """Replace the stage "source" rejects with `errors` (a fixed file's row goes away)."""
    now = datetime.now(UTC).replace(tzinfo=None)
    rows = {
        stable_id("reject", "source", str(e)): {
            "reject_id": stable_id("reject", "source", str(e)), "stage": "source", "source_id": None,
            "document_id": None, "location": _file_of(e), "sheet": None, "row": None, "reason": str(e),
            "raw_json": None, "recorded_at": now,
        }
        for e in errors
    }
    with transaction(con):
        con.execute("DELETE FROM rejects WHERE stage = 'source'")
        insert_frame(con, "rejects", frame_for("rejects", rows.values()))
