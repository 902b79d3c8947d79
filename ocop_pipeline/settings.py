"""Where the pipeline reads and writes. Resolved when called, never at import time."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# The registry and the bundled snapshot live in the repository's top-level sources/ folder.
REPO_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Paths:
    data_dir: Path
    inbox_dir: Path
    sources_dir: Path

    @property
    def db_path(self) -> Path:
        return self.data_dir / "ocop.duckdb"

    @property
    def raw_dir(self) -> Path:
        return self.data_dir / "raw"

    @property
    def publish_dir(self) -> Path:
        return self.data_dir / "publish"

    @classmethod
    def resolve(
        cls, data_dir: str | os.PathLike | None = None, inbox_dir: str | os.PathLike | None = None,
        sources_dir: str | os.PathLike | None = None,
    ) -> Paths:
        """Explicit values win; then OCOP_DATA_DIR / OCOP_INBOX / OCOP_SOURCES_DIR; then the defaults
        data/, data/inbox/ and the repository's sources/."""
        data = Path(data_dir or os.environ.get("OCOP_DATA_DIR") or "data")
        inbox = Path(inbox_dir or os.environ.get("OCOP_INBOX") or data / "inbox")
        sources = Path(sources_dir or os.environ.get("OCOP_SOURCES_DIR") or REPO_ROOT / "sources")
        return cls(data.absolute(), inbox.absolute(), sources.absolute())
