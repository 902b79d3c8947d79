"""Official spreadsheets, landed: find every file of the registry and the inbox and keep its bytes.

Incremental and idempotent: each distinct file is recorded once as a document; a file that
disappeared from every folder takes its document, staged rows and rejects with it. Reading the rows
is `spreadsheets.staging`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ocop_pipeline.raw.landing import LandedFile, land_file
from ocop_pipeline.settings import Paths
from ocop_pipeline.sources.registry import Source
from ocop_pipeline.storage.store import delete_where_in, frame_for, insert_frame
from ocop_pipeline.storage.transactions import transaction

INBOX_SOURCE = "inbox"
SHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".csv", ".txt", ".htm", ".html", ".ods"}


@dataclass
class LandingReport:
    files: int = 0
    new_documents: int = 0
    removed_documents: int = 0
    bytes: int = 0
    per_source: dict[str, int] = field(default_factory=dict)


def discover_files(paths: Paths, sources: list[Source]) -> list[tuple[str, Path, str]]:
    """(source_id, path, uri) for every spreadsheet of the registry and of the inbox."""
    found: list[tuple[str, Path, str]] = []
    for source in sources:
        for path in source.spreadsheet_files(paths.sources_dir):
            found.append((source.name, path, path.relative_to(paths.sources_dir).as_posix()))
    for path in inbox_files(paths.inbox_dir):
        found.append((INBOX_SOURCE, path, "inbox/" + path.relative_to(paths.inbox_dir).as_posix()))
    return found


def inbox_files(inbox_dir: Path) -> list[Path]:
    """Spreadsheets in the inbox, sorted; hidden files and Office lock files (~$name.xlsx) are not."""
    if not inbox_dir.is_dir():
        return []
    return [
        path for path in sorted(inbox_dir.rglob("*"))
        if path.is_file() and path.suffix.lower() in SHEET_SUFFIXES and not path.name.startswith((".", "~$"))
    ]


def record_sources(con: duckdb.DuckDBPyConnection, sources: list[Source]) -> None:
    """Replace the `sources` table with the registry as loaded now (plus the inbox)."""
    rows = [
        {
            "source_id": s.name,
            "title": s.title,
            "publisher": s.publisher,
            "kind": s.kind,
            "province": s.province,
            "location": s.location,
            "expected_min": s.expected[0] if s.expected else None,
            "expected_max": s.expected[1] if s.expected else None,
            "config_json": json.dumps(s.config, ensure_ascii=False, default=str),
        }
        for s in sources
    ]
    rows.append({"source_id": INBOX_SOURCE, "title": "Spreadsheets dropped in OCOP_INBOX", "kind": "inbox",
                 "config_json": "{}"})
    con.execute("DELETE FROM sources")
    insert_frame(con, "sources", frame_for("sources", rows))


def land_spreadsheets(con: duckdb.DuckDBPyConnection, paths: Paths, sources: list[Source]) -> LandingReport:
    """Land every spreadsheet file; forget documents whose file is gone from every folder."""
    report = LandingReport()
    landed: dict[str, LandedFile] = {}
    for source_id, path, uri in discover_files(paths, sources):
        item = land_file(path, source_id=source_id, uri=uri, data_dir=paths.data_dir)
        report.files += 1
        report.bytes += item.size_bytes
        report.per_source[source_id] = report.per_source.get(source_id, 0) + 1
        landed.setdefault(item.document_id, item)  # same bytes twice: first place wins

    existing = {r[0] for r in con.execute("SELECT document_id FROM documents WHERE http_status IS NULL").fetchall()}
    new_ids = sorted(set(landed) - existing)
    gone = sorted(existing - set(landed))
    rows = [
        {
            "document_id": d.document_id, "source_id": d.source_id, "uri": d.uri, "file_name": d.file_name,
            "media_type": d.media_type, "size_bytes": d.size_bytes, "sha256": d.document_id,
            "http_status": None, "fetched_at": d.fetched_at, "raw_path": d.raw_path, "parser_version": None,
        }
        for d in (landed[i] for i in new_ids)
    ]
    with transaction(con):
        insert_frame(con, "documents", frame_for("documents", rows))
        for table in ("stg_sheet_rows", "rejects", "documents"):
            delete_where_in(con, table, "document_id", gone)
    report.new_documents, report.removed_documents = len(new_ids), len(gone)
    return report

