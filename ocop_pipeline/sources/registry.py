"""The source registry: one YAML file per source in `sources/`.

A new province is a new YAML file. Spreadsheet sources name a folder glob inside `sources/` (the
bundled snapshot) and an expected band of row counts: a count far outside the band means the feed
changed shape, which a build reports instead of publishing quietly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

KINDS = ("spreadsheet", "news")
# Keys whose value must be one string when present (a list or number there is a typo, not a name).
STRING_KEYS = ("name", "title", "publisher", "province", "legacy_province", "path", "base_url", "language")
REQUIRED_KEYS = {"spreadsheet": ("name", "kind", "path"), "news": ("name", "kind", "base_url")}


class RegistryError(ValueError):
    """A YAML file in the registry is unusable; the message names the file."""


@dataclass(frozen=True)
class Source:
    name: str
    kind: str
    yaml_path: Path
    title: str | None = None
    publisher: str | None = None
    province: str | None = None
    location: str | None = None
    expected: tuple[int, int] | None = None
    config: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def spreadsheet_files(self, sources_dir: Path) -> list[Path]:
        """Files of a spreadsheet source, sorted so every run sees them in the same order."""
        if self.kind != "spreadsheet" or not self.location:
            return []
        return sorted(p for p in sources_dir.glob(self.location) if p.is_file() and not p.name.startswith("."))


def _band(value: Any, yaml_path: Path) -> tuple[int, int] | None:
    if value is None:
        return None
    if isinstance(value, (list, tuple)) and len(value) == 2 and all(isinstance(v, int) for v in value):
        return int(value[0]), int(value[1])
    raise RegistryError(f"{yaml_path}: expected band must be [min, max], got {value!r}")


# libyaml's safe loader when PyYAML was built with it (the wheels are): the same documents, parsed in C,
# about 10x faster than the pure-Python one; 120 registry files were read twice per build.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_source(yaml_path: Path) -> Source:
    """Parse one registry file, with an error naming the file for anything missing or malformed."""
    try:
        data = yaml.load(yaml_path.read_text(encoding="utf-8"), Loader=_SafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise RegistryError(f"{yaml_path}: cannot read YAML ({exc.__class__.__name__}: {exc})") from exc
    if not isinstance(data, dict):
        raise RegistryError(f"{yaml_path}: expected a mapping at the top level")
    kind = data.get("kind")
    if kind not in KINDS:
        raise RegistryError(f"{yaml_path}: kind must be one of {', '.join(KINDS)}, got {kind!r}")
    missing = [k for k in REQUIRED_KEYS[kind] if not data.get(k)]
    if missing:
        raise RegistryError(f"{yaml_path}: missing required key(s): {', '.join(missing)}")
    for key in STRING_KEYS:
        if key in data and data[key] is not None and not isinstance(data[key], str):
            raise RegistryError(f"{yaml_path}: {key} must be a string, got {type(data[key]).__name__} {data[key]!r}")
    location = data.get("path") if kind == "spreadsheet" else data.get("base_url")
    expected = data.get("expected_rows") if kind == "spreadsheet" else data.get("expected_articles")
    return Source(
        name=str(data["name"]),
        kind=kind,
        yaml_path=yaml_path,
        title=data.get("title"),
        publisher=data.get("publisher"),
        province=data.get("province"),
        location=str(location),
        expected=_band(expected, yaml_path),
        config=data,
    )


def load_registry(sources_dir: Path, kind: str | None = None,
                  errors: list[RegistryError] | None = None) -> list[Source]:
    """Every source in `sources_dir/*.yaml` (optionally of one kind), sorted by name; names must be unique.

    The first unusable file raises `RegistryError`; given an `errors` list instead, each unusable file
    is appended there and left out, so one broken YAML does not stop the other sources."""
    sources: list[Source] = []
    for p in sorted(Path(sources_dir).glob("*.yaml")):
        try:
            sources.append(load_source(p))
        except RegistryError as exc:
            if errors is None:
                raise
            errors.append(exc)
    seen: dict[str, Path] = {}
    unique: list[Source] = []
    for s in sources:
        if s.name in seen:
            exc = RegistryError(f"{s.yaml_path}: source name {s.name!r} already used by {seen[s.name]}")
            if errors is None:
                raise exc
            errors.append(exc)
            continue
        seen[s.name] = s.yaml_path
        unique.append(s)
    sources = unique
    return sorted((s for s in sources if kind is None or s.kind == kind), key=lambda s: s.name)
