"""Raw landing: keep the bytes of every input, content-addressed, with provenance.

A file is copied once to `data/raw/<sha[:2]>/<sha><suffix>`; landing the same bytes again is free.
The document id is the sha256, so the same file found in the snapshot and in the inbox is one
document (the first place it was found is recorded).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ocop_pipeline.runtime.fingerprints import file_sha256
from ocop_pipeline.text.content import OLE_MAGIC, ZIP_MAGIC


@dataclass(frozen=True)
class LandedFile:
    document_id: str
    source_id: str
    uri: str
    file_name: str
    media_type: str
    size_bytes: int
    raw_path: str  # relative to the data folder
    fetched_at: datetime


def sniff_media_type(head: bytes) -> str:
    """Format from the first bytes: xlsx (zip), ole (xls or an encrypted workbook), html, text or empty."""
    if not head:
        return "empty"
    if head.startswith(ZIP_MAGIC):
        return "xlsx"
    if head.startswith(OLE_MAGIC):
        return "ole"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith((b"<!doctype", b"<html", b"<table", b"<?xml", b"<meta", b"<head", b"<body")):
        return "html"
    if b"\x00" in head[:1024]:
        return "binary"
    return "text"




def land_file(path: Path, *, source_id: str, uri: str, data_dir: Path) -> LandedFile:
    """Copy `path` into the raw store (if not there yet) and describe it."""
    sha = file_sha256(path)
    with path.open("rb") as fh:
        head = fh.read(2048)
    relative = Path("raw") / sha[:2] / (sha + path.suffix.lower())
    target = data_dir / relative
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".part")
        shutil.copyfile(path, tmp)
        tmp.replace(target)  # atomic: a killed build never leaves half a file under its final name
    return LandedFile(
        document_id=sha,
        source_id=source_id,
        uri=uri,
        file_name=path.name,
        media_type=sniff_media_type(head),
        size_bytes=path.stat().st_size,
        raw_path=relative.as_posix(),
        fetched_at=datetime.now(UTC).replace(tzinfo=None),
    )
