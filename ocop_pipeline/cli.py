"""The `ocop` command line: build, parse-sheet, extract-article, export, releases, diff, discover.

Dagster is imported only by `ocop build`, so the parsing commands start in a fraction of a second.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path


def _json_default(value: object) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _parse_one(name: str) -> tuple[list[str], list[str], bool]:
    """JSON lines of one file's product rows, its stderr lines, and whether the file was unreadable."""
    from ocop_pipeline.spreadsheets.reader import SheetReadError, read_sheet_file

    path = Path(name)
    try:
        if not path.is_file():
            raise SheetReadError(f"{name}: no such file")
        result = read_sheet_file(path, display_name=name)
    except SheetReadError as exc:
        return [], [f"ocop parse-sheet: {exc}"], True
    except Exception as exc:  # noqa: BLE001 -- a reader bug must not hide the other files' rows
        return [], [f"ocop parse-sheet: {name}: unexpected error ({exc.__class__.__name__}: {exc})"], True
    lines = [json.dumps(row.to_json_dict(), ensure_ascii=False, default=_json_default) for row in result.rows]
    errors = []
    for reject in result.rejects:
        where = f"{reject.file}:{reject.sheet}:{reject.row}" if reject.sheet else f"{reject.file}:{reject.row}"
        errors.append(f"ocop parse-sheet: rejected {where}: {reject.reason}")
    return lines, errors, False


def cmd_parse_sheet(args: argparse.Namespace) -> int:
    """One JSON object per product row on stdout; one line per unreadable file or rejected row on stderr.

    Many files are read by one process per core; output stays in the order the files were given."""
    from ocop_pipeline.runtime.parallel import ordered_map

    status = 0
    for lines, errors, failed in ordered_map(_parse_one, args.files, workers=args.jobs):
        if lines:
            sys.stdout.write("\n".join(lines) + "\n")
        for line in errors:
            print(line, file=sys.stderr)
        status = 1 if failed else status
    sys.stdout.flush()
    return status


def cmd_extract_article(args: argparse.Namespace) -> int:
    """One JSON object describing the OCOP facts of one news page."""
    from ocop_pipeline.news.article import extract_article

    path = Path(args.file)
    try:
        content = path.read_bytes()
    except OSError as exc:
        print(f"ocop extract-article: {args.file}: cannot read ({exc.strerror or exc})", file=sys.stderr)
        return 1
    from ocop_pipeline.text.content import not_text_reason

    reason = not_text_reason(content)
    if reason:
        print(f"ocop extract-article: {args.file}: {reason}", file=sys.stderr)
        return 1
    from ocop_pipeline.news.page_text import PageRefused

    try:
        result = extract_article(content, url=args.url)
    except PageRefused as exc:  # outside the page bounds (too deep, too many or too long blocks)
        print(f"ocop extract-article: {args.file}: {exc.reason}", file=sys.stderr)
        return 1
    print(json.dumps(result, ensure_ascii=False, default=_json_default, indent=None if args.compact else 2))
    return 0


def cmd_discover(args: argparse.Namespace) -> int:
    """What discovery finds for one news source: the method that worked, the article URLs, the rejects.
    Against the recorded site by default; `--live` asks the real site (politely); `--record DIR` keeps
    every sitemap, feed and listing page read, laid out as a recorded site."""
    from ocop_pipeline.raw.crawler import _join, load_site_sources, normalize_url
    from ocop_pipeline.raw.discovery import discover
    from ocop_pipeline.raw.news_landing import live_client, snapshot_client
    from ocop_pipeline.raw.replay import recording_path
    from ocop_pipeline.settings import Paths
    from ocop_pipeline.sources.registry import RegistryError

    paths = Paths.resolve(sources_dir=args.sources_dir)
    errors: list[RegistryError] = []
    sites = load_site_sources(paths.sources_dir, errors=errors)
    wanted = [s for s in sites if s.name == args.source or (s.yaml_path and s.yaml_path.name == Path(args.source).name)]
    if not wanted:
        named = [e for e in errors if Path(args.source).name in str(e) or args.source in str(e)]
        why = str(named[0]) if named else f"no news source named {args.source!r} in {paths.sources_dir}"
        print(f"ocop discover: {why}", file=sys.stderr)
        return 1
    site = wanted[0]
    context = contextlib.nullcontext(live_client([site])) if args.live else snapshot_client(paths, [site])
    with context as client:
        try:
            found = discover(site, client, _join, normalize_url)
        finally:
            client.close()
    if args.record:
        for res in [*found.feeds, *found.listing_pages]:
            target = recording_path(args.record, res.url)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(res.body)
    out = {
        "source": site.name, "method": found.method, "tried": found.tried, "urls": found.urls,
        "rejects": found.rejects, "failures": [f.error for f in found.failures],
        "read": [r.url for r in [*found.feeds, *found.listing_pages]],
    }
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        tried = ", ".join(f"{m} {n}" for m, n in found.tried.items())
        print(f"{site.name}: {len(found.urls)} article URLs by {found.method or 'no method'} (tried: {tried})")
        for url in found.urls:
            print(f"  {url}")
        for r in found.rejects:
            print(f"  rejected {r['url']}: {r['reason']}")
        for line in out["failures"]:
            print(f"  failed {line}")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    """Materialise every asset in process and print a summary."""
    # The Dagster layer, imported here only: the other commands never pay for loading Dagster.
    from assets.build import run_build
    from ocop_pipeline.runtime import progress
    from ocop_pipeline.storage.store import StoreLockedError

    started = time.perf_counter()
    # Progress on stderr (stdout is the summary, or the JSON a script reads): redrawn lines on a
    # terminal, one line per long step otherwise, nothing with --quiet.
    reporter = progress.for_stream(sys.stderr, quiet=args.quiet)
    try:
        with progress.reporting(reporter) if reporter else contextlib.nullcontext():
            summary = run_build(data_dir=args.data_dir, inbox_dir=args.inbox, sources_dir=args.sources_dir,
                                verbose=args.verbose, wait=None if args.wait < 0 else args.wait)
    except StoreLockedError as exc:  # another build, or another process holding the database
        print(f"ocop build: {exc}", file=sys.stderr)
        return 75  # EX_TEMPFAIL: nothing is wrong with this build; run it again later
    summary["seconds"] = round(time.perf_counter() - started, 2)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2, default=_json_default))
    else:
        print(format_summary(summary))
    return 0 if summary["success"] else 1


def cmd_export(args: argparse.Namespace) -> int:
    """The ministry's monthly extract, read from the built database (read-only)."""
    from ocop_pipeline.publish.extract import export_month, month_bounds
    from ocop_pipeline.settings import Paths
    from ocop_pipeline.storage.store import StoreLockedError, connect

    try:
        month_bounds(args.month)
    except ValueError as exc:
        print(f"ocop export: {exc}", file=sys.stderr)
        return 2
    paths = Paths.resolve(args.data_dir)
    if not paths.db_path.is_file():
        print(f"ocop export: {paths.db_path}: no database; run `ocop build` first", file=sys.stderr)
        return 1
    try:
        con = connect(paths.db_path, read_only=True)
    except StoreLockedError as exc:
        print(f"ocop export: {exc}", file=sys.stderr)
        return 1
    try:
        result = export_month(con, args.month, paths.publish_dir / "extracts", with_report=not args.no_report)
    finally:
        con.close()
    summary = {"month": result.month, "version": result.version, "created": result.created,
               "directory": str(result.directory), "workbook": str(result.workbook),
               "report": str(result.report) if result.report else None, "rows": result.rows,
               "data_sha256": result.data_sha256}
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        state = "written" if result.created else "unchanged since the last version, nothing written"
        print(f"ocop export: {result.month} v{result.version} {state}: {result.workbook}")
        for sheet, n in result.rows.items():
            print(f"  {sheet:<24} {n:>8,}")
    return 0


def cmd_releases(args: argparse.Namespace) -> int:
    """Every release, oldest first, each checked against its hashes; 1 when one is damaged or gone."""
    from ocop_pipeline.publish.releases import list_releases, missing_releases
    from ocop_pipeline.settings import Paths

    publish_dir = Paths.resolve(args.data_dir).publish_dir
    infos = list_releases(publish_dir)
    missing = missing_releases(publish_dir)
    if args.json:
        print(json.dumps({"releases": [info.__dict__ for info in infos], "deleted_by_hand": missing},
                         ensure_ascii=False, indent=2))
    else:
        if not infos and not missing:
            print(f"ocop releases: no release in {publish_dir / 'releases'} (run `ocop build`)")
        for info in infos:
            changes = ", ".join(f"{k} {v:,}" for k, v in info.products.items())
            state = "ok" if not info.problems else "DAMAGED"
            print(f"{info.name:<12}{' latest' if info.latest else '':<8} {state:<8} "
                  f"products {info.rows.get('products', 0):>7,}  ratings {info.rows.get('ratings', 0):>7,}  "
                  f"since {info.previous or '-'}: {changes or '-'}")
            for problem in info.problems:
                print(f"    {problem}")
        for name in missing:
            print(f"{name:<12}         DELETED  (recorded in releases.json, folder gone: deleted by hand)")
    return 1 if missing or any(info.problems for info in infos) else 0


def cmd_diff(args: argparse.Namespace) -> int:
    """What changed between two releases (names as `ocop releases` lists them, or `latest`)."""
    from ocop_pipeline.publish.releases import ReleaseError, changes_markdown, diff_releases, resolve_release
    from ocop_pipeline.settings import Paths

    publish_dir = Paths.resolve(args.data_dir).publish_dir
    try:
        old, new = resolve_release(publish_dir, args.old), resolve_release(publish_dir, args.new)
    except ReleaseError as exc:
        print(f"ocop diff: {exc}", file=sys.stderr)
        return 1
    changes = diff_releases(old, new)
    print(json.dumps(changes, ensure_ascii=False, indent=2) if args.json else changes_markdown(changes), end="\n"
          if args.json else "")
    return 0


def format_summary(summary: dict) -> str:
    lines = [f"ocop build: {'succeeded' if summary['success'] else 'FAILED'} in {summary.get('seconds', '?')} s"]
    lines.append("  rows per table:")
    for table, n in summary["tables"].items():
        lines.append(f"    {table:<16} {n:>8,}")
    rejects = summary["rejects"]
    lines.append(f"  rejects: {rejects['total']:,} ({', '.join(f'{k}: {v}' for k, v in rejects['by_stage'].items()) or 'none'})")
    for reason in rejects["examples"]:
        lines.append(f"    - {reason}")
    for warning in summary.get("warnings", []):
        lines.append(f"  warning: {warning}")
    for failure in summary.get("failures", []):
        lines.append(f"  failed: {failure}")
    lines.append(f"  database: {summary['database']}")
    lines.append(f"  published: {summary['publish_dir']} (Parquet, CSV, datapackage.json)")
    if summary.get("release"):
        lines.append(f"  latest release: {summary['release']} ({summary['publish_dir']}/latest/ocop.duckdb, read-only)")
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ocop", description="OCOP national database pipeline.")
    sub = parser.add_subparsers(dest="command", required=True)

    build = sub.add_parser("build", help="run the whole pipeline in process into data/ocop.duckdb and data/publish/")
    build.add_argument("--data-dir", help="data folder (default: $OCOP_DATA_DIR or ./data)")
    build.add_argument("--inbox", help="inbox of extra spreadsheets (default: $OCOP_INBOX or <data>/inbox)")
    build.add_argument("--sources-dir", help="source registry (default: the repository's sources/)")
    build.add_argument("--json", action="store_true", help="print the summary as JSON")
    build.add_argument("--verbose", action="store_true", help="show Dagster's event log")
    build.add_argument("--quiet", action="store_true",
                       help="no progress lines on stderr (the summary is still printed)")
    build.add_argument("--wait", type=float, nargs="?", const=-1, default=0, metavar="SECONDS",
                       help="if another build is running on the data folder, wait for it (for SECONDS, or "
                       "as long as it takes) instead of stopping at once")
    build.set_defaults(func=cmd_build)

    sheet = sub.add_parser("parse-sheet", help="print the product rows of official spreadsheets as JSON Lines")
    sheet.add_argument("files", nargs="+", metavar="FILE")
    sheet.add_argument("--jobs", type=int, default=0, help="worker processes (default: one per core)")
    sheet.set_defaults(func=cmd_parse_sheet)

    article = sub.add_parser("extract-article", help="print the OCOP facts of one news page as JSON")
    article.add_argument("file", metavar="FILE")
    article.add_argument("--url", help="the page's URL (its domain is evidence of the province)")
    article.add_argument("--compact", action="store_true", help="one line of JSON")
    article.set_defaults(func=cmd_extract_article)

    export = sub.add_parser("export", help="write the ministry's monthly Excel extract (a new version only when the data changed)")
    export.add_argument("--month", required=True, help="month as YYYY-MM; the data cut-off is its last day")
    export.add_argument("--data-dir", help="data folder (default: $OCOP_DATA_DIR or ./data)")
    export.add_argument("--no-report", action="store_true", help="skip the HTML chart report")
    export.add_argument("--json", action="store_true", help="print the result as JSON")
    export.set_defaults(func=cmd_export)

    releases = sub.add_parser("releases", help="list the dated releases in data/publish/releases/, each checked "
                              "against its hashes")
    releases.add_argument("--data-dir", help="data folder (default: $OCOP_DATA_DIR or ./data)")
    releases.add_argument("--json", action="store_true", help="print the list as JSON")
    releases.set_defaults(func=cmd_releases)

    diff = sub.add_parser("diff", help="print what changed between two releases (rows per table, products "
                          "new, upgraded, downgraded, expired, revoked)")
    diff.add_argument("old", metavar="A", help="the earlier release (YYYYMMDD[-N] or latest)")
    diff.add_argument("new", metavar="B", help="the later release")
    diff.add_argument("--data-dir", help="data folder (default: $OCOP_DATA_DIR or ./data)")
    diff.add_argument("--json", action="store_true", help="print the changes as JSON (as changes.json)")
    diff.set_defaults(func=cmd_diff)

    disc = sub.add_parser("discover", help="print the article URLs discovery finds for one news source "
                          "(sitemap, feed, listing or links), and what it rejected")
    disc.add_argument("source", metavar="SOURCE", help="the source's name or its YAML file name")
    disc.add_argument("--live", action="store_true", help="ask the real site (politely) instead of the recording")
    disc.add_argument("--record", metavar="DIR", help="keep every sitemap, feed and listing page read under DIR, "
                      "laid out as a recorded site (sources/snapshot/sites/)")
    disc.add_argument("--sources-dir", help="source registry (default: the repository's sources/)")
    disc.add_argument("--json", action="store_true", help="print the result as JSON")
    disc.set_defaults(func=cmd_discover)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:  # `ocop parse-sheet ... | head` is normal use
        return 0
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
