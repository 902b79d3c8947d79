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


# Per-page bounds of the build's news extraction workers (runtime/parallel.budget_map). An article
# takes well under a second; a page over these is stopped and recorded in `rejects`, the build goes on.
DEFAULT_PAGE_BUDGET_S = 20.0
DEFAULT_PAGE_MEMORY_MB = 1024


def _positive_env(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r}: not a number") from None
    if not value > 0:
        raise ValueError(f"{name}={raw!r}: must be above 0")
    return value


def page_budget_s() -> float:
    """Seconds one news page may take to extract in a build worker: OCOP_PAGE_BUDGET_S, default 20."""
    return _positive_env("OCOP_PAGE_BUDGET_S", DEFAULT_PAGE_BUDGET_S)


def page_memory_mb() -> int:
    """Memory (MB) one build worker may take beyond what it inherits: OCOP_PAGE_MEMORY_MB, default 1024."""
    return int(_positive_env("OCOP_PAGE_MEMORY_MB", DEFAULT_PAGE_MEMORY_MB))
