"""Dated, immutable releases of the published data, as OpenSanctions publishes its datasets.

Each build whose public content changed writes `publish/releases/<YYYYMMDD>[-N]/` (the date in
Vietnam's time zone, `-1`, `-2` ... for a second and third release on one day) holding the Parquet
and CSV files, a `datapackage.json` whose `release.files` gives the sha256 of every other file of the
folder, a copy of the public tables and views as `ocop.duckdb` (which readers open read-only while the
next build holds the build's own database), `changes.json` and a bilingual `CHANGES.md`. A build
whose public content is unchanged writes none.

`publish/latest` is a relative symbolic link to the newest complete release. It is moved by writing a
new link beside it and renaming it over the old one (one rename(2): atomic), so a reader resolving
`latest/ocop.duckdb` gets the old release or the new one, never a mixture; a path (not a pointer
file that readers would have to read first) is what DuckDB, pandas and frictionless accept as is.

A release is written into `releases/.partial-<name>/` and renamed into place only when complete; its
name is reserved first by creating the empty folder (mkdir is exclusive), so two writers never
write the same release. A build killed half-way leaves `latest` on the previous release; the next
build removes what it left. A release edited or deleted by hand is found by the hashes (or the index
`releases/releases.json`) and reported; it is never the base of a diff nor taken as "unchanged".

The Parquet and CSV files are hard links to those in `publish/` when the file system allows (they are
immutable: `publish()` replaces a file by renaming a new one over it, so a release keeps the old one),
else copies. Retention: every monthly release (the first of each month) and the last 30 releases are
kept (`OCOP_RELEASES_KEEP_MONTHLY`, `OCOP_RELEASES_KEEP_DAILY`); `latest` is never removed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from ocop_pipeline.core.views import create_views
from ocop_pipeline.runtime.fingerprints import file_sha256
from ocop_pipeline.storage.schema import TABLES, create_table_sql

RELEASES = "releases"
LATEST = "latest"
INDEX = "releases.json"
DATABASE = "ocop.duckdb"
PARTIAL_PREFIX = ".partial-"
NAME_RE = re.compile(r"^(\d{8})(?:-(\d+))?$")
EXAMPLES = 50  # products listed per kind of change in changes.json (the counts are complete)
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


class ReleaseError(Exception):
    """A release that cannot be used (missing, damaged, unknown name), with the reason."""


@dataclass(frozen=True)
class Retention:
    """Which releases are kept: the last `keep_daily`, and the first of each month (all of them, or
    those of the last `keep_monthly` months)."""
    keep_daily: int = 30
    keep_monthly: int | None = None  # None: every month

    @classmethod
    def from_env(cls) -> Retention:
        """OCOP_RELEASES_KEEP_DAILY (a number, default 30) and OCOP_RELEASES_KEEP_MONTHLY (a number of
        months, or `all`, the default). A value that is not a number is an error naming the variable."""
        def read(name: str, default: int | None) -> int | None:
            raw = os.environ.get(name, "").strip().lower()
            if not raw or raw == "all":
                return default
            if not raw.isdigit():
                raise ValueError(f"{name}={raw!r}: expected a whole number of releases (or 'all')")
            return int(raw)
        return cls(read("OCOP_RELEASES_KEEP_DAILY", 30) or 0, read("OCOP_RELEASES_KEEP_MONTHLY", None))


@dataclass
class ReleaseResult:
    name: str | None  # the release written, else the latest one (None when there is none)
    created: bool
    directory: Path | None
    previous: str | None = None
    changes: dict | None = None
    problems: list[str] = field(default_factory=list)  # damaged or deleted releases, leftovers removed
    pruned: list[str] = field(default_factory=list)
    seconds: float = 0.0
    bytes_written: int = 0  # new bytes on disk (hard links cost none)


# -- names --------------------------------------------------------------------------------------

def _name_key(name: str) -> tuple[str, int]:
    match = NAME_RE.match(name)
    if not match:
        raise ReleaseError(f"{name!r}: not a release name (YYYYMMDD or YYYYMMDD-N)")
    return match.group(1), int(match.group(2) or 0)


def release_names(releases_dir: Path) -> list[str]:
    """The release folders, oldest first (whatever their state)."""
    if not releases_dir.is_dir():
        return []
    return sorted((p.name for p in releases_dir.iterdir() if p.is_dir() and NAME_RE.match(p.name)), key=_name_key)


def candidate_name(existing: set[str], today: date) -> str:
    """The first free name for a release made on `today`: YYYYMMDD, then YYYYMMDD-1, -2 ..."""
    base = today.strftime("%Y%m%d")
    name, n = base, 0
    while name in existing:
        n += 1
        name = f"{base}-{n}"
    return name


def keep_set(names: list[str], retention: Retention, latest: str | None) -> set[str]:
    """The releases retention keeps: the last `keep_daily`, the first of each month (of the last
    `keep_monthly` months when set), and `latest`."""
    ordered = sorted(names, key=_name_key)
    keep = set(ordered[-retention.keep_daily:]) if retention.keep_daily > 0 else set()
    firsts: dict[str, str] = {}
    for name in ordered:
        firsts.setdefault(name[:6], name)
    months = sorted(firsts)
    if retention.keep_monthly is not None:
        months = months[-retention.keep_monthly:] if retention.keep_monthly > 0 else []
    keep |= {firsts[m] for m in months}
    if latest:
        keep.add(latest)
    return keep


# -- integrity ----------------------------------------------------------------------------------



def read_descriptor(directory: Path) -> dict:
    """A release's datapackage.json; ReleaseError naming the file when it is missing or unreadable."""
    path = directory / "datapackage.json"
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReleaseError(f"{path}: missing (the release is incomplete or was emptied by hand)") from None
    except (OSError, ValueError) as exc:
        raise ReleaseError(f"{path}: unreadable ({exc})") from None
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("release", {}).get("files"), dict):
        raise ReleaseError(f"{path}: no release.files (not a release descriptor, or edited by hand)")
    return descriptor


def verify_release(directory: Path) -> list[str]:
    """What is wrong with a release folder, one line each naming the file; [] when it is exactly as
    written: every file listed with its sha256 in datapackage.json, none missing, none added."""
    try:
        descriptor = read_descriptor(directory)
    except ReleaseError as exc:
        return [str(exc)]
    files: dict = descriptor["release"]["files"]
    problems = []
    for rel, expected in sorted(files.items()):
        path = directory / rel
        if not path.is_file():
            problems.append(f"{path}: missing (deleted by hand?)")
        elif "sha256:" + file_sha256(path) != expected:
            problems.append(f"{path}: changed since the release was written (sha256 differs)")
    listed = set(files) | {"datapackage.json"}
    for path in sorted(directory.rglob("*")):
        if path.is_file() and path.relative_to(directory).as_posix() not in listed:
            problems.append(f"{path}: not part of the release (added by hand?)")
    return problems


# -- what changed -------------------------------------------------------------------------------

def _tables_of(directory: Path) -> dict[str, Path]:
    descriptor = read_descriptor(directory)
    return {r["name"]: directory / r["parquet"]["path"] for r in descriptor["resources"]}


def _table_counts(con: duckdb.DuckDBPyConnection, table: str, old: Path | None, new: Path | None) -> dict:
    """Rows, and rows added / removed / changed by primary key, of one table between two files."""
    key_columns = TABLES[table].primary_key if table in TABLES else ()
    if new is None:
        rows = 0
    else:
        rows = con.execute("SELECT count(*) FROM read_parquet(?)", [str(new)]).fetchall()[0][0]
    if old is None or new is None:
        previous = 0 if old is None else con.execute("SELECT count(*) FROM read_parquet(?)", [str(old)]).fetchall()[0][0]
        return {"rows": rows, "added": rows, "removed": previous, "changed": 0}
    key = "row(" + ", ".join(f'"{c}"' for c in key_columns) + ")" if key_columns else "t"
    # Identifiers come from schema.py; paths are bound parameters.
    added, removed, changed = con.execute(
        f"""WITH a AS (SELECT {key} AS k, hash(t) AS h FROM read_parquet(?) t),
                 b AS (SELECT {key} AS k, hash(t) AS h FROM read_parquet(?) t)
            SELECT count(*) FILTER (WHERE a.k IS NULL), count(*) FILTER (WHERE b.k IS NULL),
                   count(*) FILTER (WHERE a.k IS NOT NULL AND b.k IS NOT NULL AND a.h <> b.h)
            FROM a FULL OUTER JOIN b ON a.k IS NOT DISTINCT FROM b.k""",
        [str(old), str(new)],
    ).fetchall()[0]
    return {"rows": rows, "added": added, "removed": removed, "changed": changed}


# The kinds of product change, each a condition on the old (a) and new (b) row of one product.
PRODUCT_CHANGES = {
    "new": "a.product_id IS NULL",
    "upgraded": "a.product_id IS NOT NULL AND b.current_stars > a.current_stars",
    "downgraded": "a.product_id IS NOT NULL AND b.current_stars < a.current_stars",
    "expired": "a.product_id IS NOT NULL AND b.status = 'expired' AND a.status IS DISTINCT FROM 'expired'",
    "revoked": "a.product_id IS NOT NULL AND b.status = 'revoked' AND a.status IS DISTINCT FROM 'revoked'",
}


def _product_changes(con: duckdb.DuckDBPyConnection, old: Path | None, new: Path) -> dict:
    empty = "(SELECT NULL::VARCHAR AS product_id, NULL::INTEGER AS current_stars, NULL::VARCHAR AS status LIMIT 0)"
    old_sql = "read_parquet(?)" if old else empty
    params = [str(new)] + ([str(old)] if old else [])
    out = {}
    for kind, condition in PRODUCT_CHANGES.items():
        rows = con.execute(
            f"""SELECT b.product_id, b.name, b.province, a.current_stars, b.current_stars, a.status, b.status,
                       count(*) OVER () AS n
                FROM read_parquet(?) b LEFT JOIN {old_sql} a USING (product_id)
                WHERE {condition} ORDER BY b.province, b.name, b.product_id LIMIT ?""",
            [*params, EXAMPLES],
        ).fetchall()
        out[kind] = {"count": rows[0][7] if rows else 0, "examples": [
            {"product_id": r[0], "name": r[1], "province": r[2], "stars_before": r[3], "stars": r[4],
             "status_before": r[5], "status": r[6]} for r in rows]}
    return out


def diff_releases(old: Path | None, new: Path, name: str | None = None) -> dict:
    """What changed from release folder `old` (None: nothing before) to `new`: rows per table
    (added, removed, changed by primary key) and products new, upgraded, downgraded, expired, revoked."""
    new_tables = _tables_of(new)
    old_tables = _tables_of(old) if old is not None else {}
    con = duckdb.connect()
    try:
        tables = {name: _table_counts(con, name, old_tables.get(name), new_tables.get(name))
                  for name in sorted(set(new_tables) | set(old_tables))}
        products = _product_changes(con, old_tables.get("products"), new_tables["products"]) \
            if "products" in new_tables else {}
    finally:
        con.close()
    return {"from": old.name if old is not None else None, "to": name or new.name, "tables": tables, "products": products}


_KINDS_VI = {"new": "mới", "upgraded": "nâng hạng sao", "downgraded": "hạ hạng sao", "expired": "hết hiệu lực",
             "revoked": "bị thu hồi"}


def changes_markdown(changes: dict) -> str:
    """The short CHANGES.md of a release, in Vietnamese then English."""
    before = changes["from"]
    p = {k: v["count"] for k, v in changes["products"].items()}
    lines = [f"# Phát hành / Release {changes['to']}", ""]
    lines += ["## Tiếng Việt", "",
              f"So với bản phát hành {before}." if before else "Bản phát hành đầu tiên: mọi dòng đều mới.", "",
              "Sản phẩm: " + ", ".join(f"{_KINDS_VI[k]} {n:,}" for k, n in p.items()) + ".", "",
              "| Bảng | Số dòng | Thêm | Bớt | Thay đổi |", "|---|---:|---:|---:|---:|"]
    rows = [f"| {t} | {c['rows']:,} | {c['added']:,} | {c['removed']:,} | {c['changed']:,} |"
            for t, c in changes["tables"].items()]
    lines += rows + ["", "## English", "",
                     f"Compared with release {before}." if before else "First release: every row is new.", "",
                     "Products: " + ", ".join(f"{k} {n:,}" for k, n in p.items()) + ".", "",
                     "| Table | Rows | Added | Removed | Changed |", "|---|---:|---:|---:|---:|", *rows, ""]
    shown = [(k, v["examples"][:10]) for k, v in changes["products"].items() if k != "new" and v["examples"]]
    if shown:
        lines += ["## Sản phẩm thay đổi / Products changed", ""]
        for kind, examples in shown:
            lines.append(f"- {_KINDS_VI[kind]} / {kind}: " + "; ".join(
                f"{e['name']} ({e['province']}, {e['stars_before']}→{e['stars']} sao, {e['status']})" for e in examples))
        lines.append("")
    lines.append("Chi tiết / Details: changes.json.")
    return "\n".join(lines) + "\n"


# -- listing ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ReleaseInfo:
    name: str
    latest: bool
    created: str | None
    previous: str | None
    rows: dict[str, int]
    products: dict[str, int]  # counts of changes since the previous release
    problems: list[str]


def latest_name(publish_dir: Path) -> str | None:
    """The release `latest` points to, when it is a link to a release folder that exists."""
    link = publish_dir / LATEST
    if not link.is_symlink():
        return None
    target = Path(os.readlink(link)).name
    return target if NAME_RE.match(target) and (publish_dir / RELEASES / target).is_dir() else None


def _load_index(releases_dir: Path) -> dict:
    try:
        index = json.loads((releases_dir / INDEX).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"written": [], "pruned": []}
    return index if isinstance(index, dict) else {"written": [], "pruned": []}


def missing_releases(publish_dir: Path) -> list[str]:
    """Releases the index records as written, not removed by retention, whose folder is gone."""
    releases_dir = publish_dir / RELEASES
    index = _load_index(releases_dir)
    present = set(release_names(releases_dir))
    pruned = set(index.get("pruned", []))
    return [n for n in index.get("written", []) if n not in present and n not in pruned]


def list_releases(publish_dir: Path, verify: bool = True) -> list[ReleaseInfo]:
    """Every release folder, oldest first, each checked against its hashes (when `verify`)."""
    releases_dir = publish_dir / RELEASES
    latest = latest_name(publish_dir)
    infos = []
    for name in release_names(releases_dir):
        directory = releases_dir / name
        problems = verify_release(directory) if verify else []
        try:
            descriptor = read_descriptor(directory)
        except ReleaseError as exc:
            infos.append(ReleaseInfo(name, name == latest, None, None, {}, {}, problems or [str(exc)]))
            continue
        release = descriptor["release"]
        infos.append(ReleaseInfo(name, name == latest, release.get("created"), release.get("previous"),
                                 {r["name"]: r.get("rows", 0) for r in descriptor.get("resources", [])},
                                 dict(release.get("products", {})), problems))
    return infos


def resolve_release(publish_dir: Path, name: str) -> Path:
    """A release folder by name (or `latest`), checked against its hashes; ReleaseError otherwise."""
    if name == LATEST:
        found = latest_name(publish_dir)
        if found is None:
            raise ReleaseError(f"{publish_dir / LATEST}: no latest release (run `ocop build`)")
        name = found
    _name_key(name)
    directory = publish_dir / RELEASES / name
    if not directory.is_dir():
        raise ReleaseError(f"{directory}: no such release")
    problems = verify_release(directory)
    if problems:
        raise ReleaseError(f"release {name} is damaged: " + "; ".join(problems))
    return directory


# -- writing ------------------------------------------------------------------------------------

def _public_hashes(descriptor: dict) -> dict[str, str]:
    """Each table's CSV hash: what a release's public content is compared by."""
    return {r["name"]: r["hash"] for r in descriptor.get("resources", [])}


def _place(source: Path, target: Path) -> None:
    """Hard-link (else copy) a published file into the release."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:  # another file system, or links not allowed
        shutil.copy2(source, target)


def _write_database(directory: Path, tables: dict[str, Path]) -> None:
    """The public tables (types exactly as in the build's database, from schema.py) and the
    researchers' views, read from the release's Parquet files."""
    con = duckdb.connect(str(directory / DATABASE))
    try:
        for name, parquet in tables.items():
            table = TABLES[name]
            con.execute(create_table_sql(table))
            columns = ", ".join(f'"{c}"' for c in table.column_names)
            con.execute(f"INSERT INTO {name} ({columns}) SELECT {columns} FROM read_parquet(?)", [str(parquet)])
            con.execute(f"COMMENT ON TABLE {name} IS '{table.description.replace(chr(39), chr(39) * 2)}'")
        create_views(con)
        con.execute("CHECKPOINT")
    finally:
        con.close()


def _reserve(releases_dir: Path, today: date) -> str:
    """Create the empty folder of the next free name (mkdir is exclusive: a second writer gets the
    next name)."""
    while True:
        name = candidate_name({p.name for p in releases_dir.iterdir()}, today)
        try:
            (releases_dir / name).mkdir()
            return name
        except FileExistsError:
            continue


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def _partial_pid(path: Path) -> int | None:
    match = re.fullmatch(re.escape(PARTIAL_PREFIX) + r"(\d+)", path.name)
    return int(match.group(1)) if match else None


def _clean_leftovers(releases_dir: Path) -> list[str]:
    """Remove what an interrupted writer left: its partial folder (`.partial-<pid>`, the pid no longer
    running) and the empty folder of the name it had reserved. A writer makes its partial folder
    before it reserves a name, so while any writer is alive an empty folder may be its reservation
    and is left alone (builds take the build lock, so this is a second guard, not the first)."""
    notes = []
    live_writer = False
    for path in sorted(releases_dir.iterdir()):
        pid = _partial_pid(path) if path.is_dir() else None
        if path.is_dir() and path.name.startswith(PARTIAL_PREFIX):
            if pid is not None and pid != os.getpid() and _alive(pid):
                live_writer = True
                continue
            if pid != os.getpid():
                shutil.rmtree(path)
                notes.append(f"{path}: an unfinished release of an interrupted build, removed")
    if not live_writer:
        written = set(_load_index(releases_dir).get("written", []))
        for name in release_names(releases_dir):
            path = releases_dir / name
            if name not in written and not any(path.iterdir()):
                path.rmdir()
                notes.append(f"{path}: the empty reserved folder of an interrupted build, removed")
    return notes


def _write_json(path: Path, value: object) -> None:
    # A temporary file of this process's own, as for `latest`: two writers at once (the release
    # writer does not rely on the build lock alone) would otherwise rename each other's file away.
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    tmp.write_text(json.dumps(value, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, path)


def _point_latest(publish_dir: Path, name: str) -> None:
    """Move `latest` to the release in one rename (atomic)."""
    link = publish_dir / LATEST
    if link.exists() and not link.is_symlink():
        raise ReleaseError(f"{link}: exists and is not a link; move it away so that `latest` can point to a release")
    tmp = publish_dir / f".{LATEST}.tmp-{os.getpid()}"
    tmp.unlink(missing_ok=True)
    os.symlink(Path(RELEASES) / name, tmp, target_is_directory=True)
    os.replace(tmp, link)


def write_release(publish_dir: Path, *, today: date | None = None, retention: Retention | None = None) -> ReleaseResult:
    """A new release of what `publish()` wrote into `publish_dir` when its public content differs
    from the latest intact release; else nothing. Run under the build lock (one writer at a time)."""
    started = datetime.now(UTC)
    today = today or datetime.now(VIETNAM).date()
    retention = retention or Retention.from_env()
    releases_dir = publish_dir / RELEASES
    releases_dir.mkdir(parents=True, exist_ok=True)
    work = releases_dir / f"{PARTIAL_PREFIX}{os.getpid()}"
    if work.exists():  # this process's own leftover (a writer that raised): start again
        shutil.rmtree(work)
    problems = _clean_leftovers(releases_dir)
    problems += [f"{releases_dir / n}: release deleted by hand (not by retention)" for n in missing_releases(publish_dir)]
    if (publish_dir / LATEST).is_symlink() and latest_name(publish_dir) is None:
        problems.append(f"{publish_dir / LATEST}: points to {os.readlink(publish_dir / LATEST)}, which is gone")

    # The base: the newest release that is exactly as written. A damaged one is reported, never reused.
    base: Path | None = None
    for name in reversed(release_names(releases_dir)):
        damage = verify_release(releases_dir / name)
        if not damage:
            base = releases_dir / name
            break
        problems += damage
    current = json.loads((publish_dir / "datapackage.json").read_text(encoding="utf-8"))
    latest = latest_name(publish_dir)
    if base is not None and _public_hashes(read_descriptor(base)) == _public_hashes(current):
        if base.name != latest:  # `latest` removed, or on a damaged release: back to the intact one
            _point_latest(publish_dir, base.name)
            problems.append(f"{publish_dir / LATEST}: was {latest or 'missing'}; points to {base.name} again")
        return ReleaseResult(base.name, False, base, problems=problems,
                             seconds=(datetime.now(UTC) - started).total_seconds())

    work.mkdir()  # before the name is reserved: see _clean_leftovers
    name = _reserve(releases_dir, today)
    written = 0
    tables: dict[str, Path] = {}
    for resource in current["resources"]:
        for rel in (resource["path"], resource["parquet"]["path"]):
            _place(publish_dir / rel, work / rel)
        tables[resource["name"]] = work / resource["parquet"]["path"]
    _write_database(work, tables)
    changes = diff_releases(base, _provisional(work, current, name), name)
    (work / "changes.json").write_text(json.dumps(changes, ensure_ascii=False, indent=2), encoding="utf-8")
    (work / "CHANGES.md").write_text(changes_markdown(changes), encoding="utf-8")
    files = {p.relative_to(work).as_posix(): "sha256:" + file_sha256(p)
             for p in sorted(work.rglob("*")) if p.is_file() and p.name != "datapackage.json"}
    descriptor = {**current, "name": f"ocop-vietnam-{name}", "version": name, "release": {
        "name": name, "created": started.replace(microsecond=0).isoformat(), "previous": base.name if base else None,
        "database": DATABASE, "products": {k: v["count"] for k, v in changes["products"].items()}, "files": files}}
    (work / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False, indent=2), encoding="utf-8")
    for path in work.rglob("*"):
        if path.is_file():
            written += path.stat().st_size if path.stat().st_nlink == 1 else 0  # a hard link costs none
            path.chmod(0o444)  # a reminder that a release is not edited; the hashes are the guard
    os.replace(work, releases_dir / name)  # over the empty reserved folder: the release appears whole

    index = _load_index(releases_dir)
    index["written"] = [*index.get("written", []), name]
    _write_json(releases_dir / INDEX, index)
    _point_latest(publish_dir, name)

    keep = keep_set(release_names(releases_dir), retention, name)
    pruned = [n for n in release_names(releases_dir) if n not in keep]
    for old in pruned:
        shutil.rmtree(releases_dir / old)
    if pruned:
        index["pruned"] = sorted({*index.get("pruned", []), *pruned}, key=_name_key)
        _write_json(releases_dir / INDEX, index)
    return ReleaseResult(name, True, releases_dir / name, base.name if base else None, changes, problems, pruned,
                         (datetime.now(UTC) - started).total_seconds(), written)


def _provisional(work: Path, current: dict, name: str) -> Path:
    """The folder being written, readable by `diff_releases` before its final descriptor exists."""
    (work / "datapackage.json").write_text(json.dumps({**current, "release": {"name": name, "files": {}}}),
                                           encoding="utf-8")
    return work
