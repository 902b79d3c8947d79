"""Official spreadsheets, staged: the rows of every landed file, cleaned and placed, with their rejects.

Incremental and idempotent: only documents not yet parsed by the current reader version are read,
and that document's rows and rejects are replaced (delete-then-insert), so a re-run, or a run killed
half-way, converges to the same tables. Landing the files is `raw.spreadsheet_landing`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache

import duckdb

from ocop_pipeline.entities.keys import product_key, subject_key
from ocop_pipeline.geo.admin_units import (
    REFORM_DATE,
    ProvinceMatch,
    current_provinces,
    legacy_provinces,
    lookup_district,
    lookup_province,
    province_for_commune,
)
from ocop_pipeline.runtime import progress
from ocop_pipeline.runtime.parallel import ordered_map
from ocop_pipeline.settings import Paths
from ocop_pipeline.spreadsheets import reader as sheets
from ocop_pipeline.storage.ids import stable_id
from ocop_pipeline.storage.store import delete_where_in, frame_for, insert_frame, insert_rows, scalar
from ocop_pipeline.storage.transactions import transaction
from ocop_pipeline.text.normalize import NORMALIZATION_VERSION

# What staged a document: the reader's version plus the version of the place canonicalisation below,
# so a change to either re-stages every document on the next build.
GEOGRAPHY_VERSION = "geo-1"
STAGING_VERSION = f"{sheets.PARSER_VERSION}+{GEOGRAPHY_VERSION}+{NORMALIZATION_VERSION}"


@dataclass
class StagingReport:
    parsed_documents: int = 0
    skipped_documents: int = 0
    rows: int = 0
    row_rejects: int = 0
    file_rejects: int = 0
    file_errors: list[str] = field(default_factory=list)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _row_record(document_id: str, row: sheets.SheetRow, fallback: ProvinceMatch | None = None) -> dict:
    """The staging record of a reader row; the source's registered province fills a missing one."""
    record = dict(vars(row))  # every SheetRow field is a staging column of the same name
    record["document_id"] = document_id
    _place(record, fallback)
    record["subject_key"] = subject_key(row.subject_name)
    record["product_key"] = product_key(row.product_name)
    record["parser_version"] = STAGING_VERSION
    return record


_PLACE_COLUMNS = ("province", "province_current", "district", "district_code", "legacy_province_code",
                  "province_code")


def _place(record: dict, fallback: ProvinceMatch | None) -> None:
    """Canonical district and province codes of a staged row, in place (see `_placement`)."""
    rated_on = record.get("decision_date")
    if rated_on is None and record.get("year"):
        rated_on = date(int(record["year"]), 12, 31)
    # The commune is asked only of a row with neither a province nor a registry one: leaving it out of
    # the other rows' questions lets rows of different communes share an answer.
    commune = None if record["province_current"] or fallback else record["commune"]
    placed = _placement(record["province"], record["province_current"], record["district"], commune, rated_on,
                        fallback)
    record.update(zip(_PLACE_COLUMNS, placed, strict=True))


# A list's rows share a handful of places and one date: the same few questions, asked thousands of times.
@lru_cache(maxsize=16384)
def _placement(province_name: str | None, province_current: str | None, district_name: str | None,
               commune: str | None, rated_on: date | None, fallback: ProvinceMatch | None) -> tuple:
    """(province, province_current, district, district_code, legacy_province_code, province_code) of a row.

    The district is looked up within the row's province ('Châu Thành' exists in eleven); a row with a
    district but no province takes the province from the district when only one has that name, and
    the registry's province otherwise; a commune alone names a province only when every commune of
    that name lies in one. The district keeps its official name ('Huyện Vũ Thư' for 'H. Vũ Thư');
    the address keeps the place as written.
    """
    district_code = legacy_province_code = province_code = None
    province = lookup_province(province_name) if province_current else None
    district = lookup_district(district_name, province, rated_on) if district_name else None
    if not province_current:
        if district is None and district_name and fallback:
            district = lookup_district(district_name, fallback, rated_on)
        if district is None and district_name:
            district = lookup_district(district_name, None, rated_on)
        if district is not None:
            province_name, province_current = district.legacy_province, district.province_current
        elif fallback:
            province_name, province_current = fallback.legacy_name or fallback.name, fallback.name
        elif commune:
            current = province_for_commune(commune, None, None, rated_on)
            if current:
                province_name = province_current = current
    elif district is not None and district.province_current == province_current:
        # The district is more precise than a file-level province that may be the merged one.
        province_name = district.legacy_province
    if district is not None:
        district_name, district_code = district.name, district.code
    after_reform = rated_on is not None and rated_on >= REFORM_DATE
    match = lookup_province(province_name) if province_name else None
    if match is not None and match.name == province_current:
        legacy = next((p for p in legacy_provinces() if p.legacy_name == match.legacy_name), None)
        if legacy and not (after_reform and district is None):
            legacy_province_code = legacy.legacy_code
        province_code = _current_code(match.name)
    elif province_current:
        province_code = _current_code(province_current)
    return province_name, province_current, district_name, district_code, legacy_province_code, province_code


def _current_code(name: str) -> str | None:
    return next((code for code, n, _kind in current_provinces() if n == name), None)


def _unusable(record: dict) -> str | None:
    """Why a row the reader accepted still cannot enter the database (every product needs both)."""
    if not record["subject_name"]:
        return "no subject (chủ thể) named for the product"
    if not record["province_current"]:
        return "no province: neither the file, the address nor the source registry names one"
    return None


def _reject(stage: str, source_id: str, document_id: str, location: str, reason: str,
            sheet: str | None = None, row: int | None = None, raw: dict | None = None) -> dict:
    return {
        "reject_id": stable_id("reject", stage, document_id, sheet, row, reason),
        "stage": stage, "source_id": source_id, "document_id": document_id, "location": location,
        "sheet": sheet, "row": row, "reason": reason,
        "raw_json": json.dumps(raw, ensure_ascii=False) if raw is not None else None,
        "recorded_at": _now(),
    }


def _read_document(job: tuple[str, str]) -> sheets.SheetFile | str:
    """Read one landed file: its rows, or the one-line reason it is unreadable."""
    path, display_name = job
    try:
        return sheets.read_sheet_file(path, display_name=display_name)
    except sheets.SheetReadError as exc:
        return str(exc)
    except Exception as exc:  # noqa: BLE001 -- one odd file must not stop the others; it is recorded
        return f"{display_name}: unexpected reader error ({exc.__class__.__name__}: {exc})"


@dataclass
class _Staged:
    """One document's staging records, made in a worker process; `error` when the file is unreadable."""

    rows: list[dict]
    rejects: list[dict]
    error: str | None = None


def _stage_document(job: tuple[str, str, str, str, str, str | None]) -> _Staged:
    """Read one landed file and turn it into staging records (in a worker process).

    The records are made here rather than in the parent: the parent is the only process writing to
    the database, and every row it has to canonicalise itself is a row the workers wait on."""
    path, display_name, document_id, source_id, uri, source_province = job
    parsed = _read_document((path, display_name))
    if isinstance(parsed, str):
        return _Staged([], [_reject("file", source_id, document_id, uri, parsed)], parsed)
    fallback = lookup_province(source_province)
    rows: list[dict] = []
    rejects = [_reject("row", source_id, document_id, uri, r.reason, r.sheet, r.row, r.raw) for r in parsed.rejects]
    for sheet_row in parsed.rows:
        record = _row_record(document_id, sheet_row, fallback)
        problem = _unusable(record)
        if problem:
            rejects.append(_reject("row", source_id, document_id, uri, problem, sheet_row.sheet, sheet_row.row,
                                   sheet_row.to_json_dict()))
        else:
            rows.append(record)
    return _Staged(rows, rejects)


# Staged documents are written in transactions of about this many rows. Each transaction holds whole
# documents (their delete, their rows, their parser_version), so a build killed between two leaves
# every document whole or untouched; one transaction per document cost more than the parsing itself
# (a DataFrame, an INSERT, two DELETEs and a COMMIT for a file of 70 rows). Bigger batches save little
# more time and cost memory: on the national corpus 5,000 rows peaked at 231 MB, 20,000 at 295 MB, and
# one transaction per document at 251 MB.
_WRITE_BATCH_ROWS = 5_000


def _write_batch(con: duckdb.DuckDBPyConnection, document_ids: list[str], rows: list[dict],
                 rejects: list[dict]) -> None:
    """Replace the staged rows and rejects of `document_ids`, and mark them parsed, in one transaction."""
    with transaction(con):
        delete_where_in(con, "stg_sheet_rows", "document_id", document_ids)
        delete_where_in(con, "rejects", "document_id", document_ids)
        insert_rows(con, "stg_sheet_rows", rows)
        insert_frame(con, "rejects", frame_for("rejects", rejects))
        con.execute("UPDATE documents SET parser_version = ? WHERE document_id IN (SELECT unnest(?))",
                    [STAGING_VERSION, document_ids])


def stage_spreadsheets(
    con: duckdb.DuckDBPyConnection, paths: Paths, *, force: bool = False,
    log: Callable[[str], None] | None = None,
) -> StagingReport:
    """Parse every landed spreadsheet not yet parsed by this reader version (all of them with `force`)."""
    report = StagingReport()
    # A source's province as it was when its lists were made: the registry's legacy_province when the
    # province was merged in 2025 (a Thái Bình list is Thái Bình, not Hưng Yên).
    source_provinces = dict(con.execute(
        "SELECT source_id, coalesce(config_json->>'legacy_province', province) FROM sources").fetchall())
    todo = con.execute(
        "SELECT document_id, source_id, uri, file_name, raw_path FROM documents "
        "WHERE http_status IS NULL AND (parser_version IS DISTINCT FROM ? OR ?) ORDER BY uri",
        [STAGING_VERSION, force],
    ).fetchall()
    report.skipped_documents = scalar(con, "SELECT count(*) FROM documents WHERE http_status IS NULL") - len(todo)
    jobs = [
        (str(paths.data_dir / raw_path), file_name, document_id, source_id, uri, source_provinces.get(source_id))
        for document_id, source_id, uri, file_name, raw_path in todo
    ]
    task = progress.task("read spreadsheets", unit="files", total=len(todo))
    batch_ids: list[str] = []
    batch_rows: list[dict] = []
    batch_rejects: list[dict] = []
    for (document_id, _, uri, _, _), staged in zip(todo, ordered_map(_stage_document, jobs), strict=True):
        if staged.error is not None:
            report.file_rejects += 1
            report.file_errors.append(f"{uri}: {staged.error}")
            if log:
                log(f"rejected file {uri}: {staged.error}")
        else:
            report.rows += len(staged.rows)
            report.row_rejects += len(staged.rejects)
        batch_ids.append(document_id)
        batch_rows += staged.rows
        batch_rejects += staged.rejects
        report.parsed_documents += 1
        task.advance(rows=report.rows, rejected_files=report.file_rejects)
        if len(batch_rows) + len(batch_rejects) >= _WRITE_BATCH_ROWS:
            _write_batch(con, batch_ids, batch_rows, batch_rejects)
            batch_ids, batch_rows, batch_rejects = [], [], []
    if batch_ids:
        _write_batch(con, batch_ids, batch_rows, batch_rejects)
    task.finish()
    return report
