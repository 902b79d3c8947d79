"""Dated releases: written only when the public content changed, what changed since the previous one,
the database copy readers open while a writer holds the build's database, damaged and deleted
releases found by their hashes, retention, and two writers at once."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

from ocop_pipeline.cli import main
from ocop_pipeline.core.tables import rebuild_core
from ocop_pipeline.publish.datasets import publish
from ocop_pipeline.publish.releases import (
    Retention,
    diff_releases,
    keep_set,
    latest_name,
    list_releases,
    release_names,
    verify_release,
    write_release,
)
from tests.support.processes import repo_env
from tests.support.rows import row, stage_rows

DAY = date(2026, 12, 1)
PRODUCTS = ["Mật ong hoa nhãn", "Chè búp Tân Cương", "Nước mắm Cát Hải", "Gạo tám thơm", "Bánh cáy Làng Nguyễn"]


@pytest.fixture
def built(con):
    """Five products of one list, rated 4 stars in 2024 (active on the build date)."""
    stage_rows(con, [row(p, f"HTX {p}", 4, 2024, "8/QĐ-UBND", date(2024, 8, 8)) for p in PRODUCTS])
    rebuild_core(con, as_of=date(2025, 1, 1))
    return con


def _release(con: duckdb.DuckDBPyConnection, publish_dir: Path, day: date = DAY, **kw):
    publish(con, publish_dir)
    return write_release(publish_dir, today=day, retention=kw.pop("retention", Retention()), **kw)


def _product(con, name: str, **values) -> None:
    sets = ", ".join(f"{k} = ?" for k in values)
    con.execute(f"UPDATE products SET {sets} WHERE name = ?", [*values.values(), name])


def test_first_release_then_unchanged_then_what_changed(built, tmp_path):
    out = tmp_path / "publish"
    first = _release(built, out)
    assert first.created and first.name == "20261201" and first.previous is None
    assert (out / "latest").is_symlink() and latest_name(out) == "20261201"
    assert verify_release(out / "releases" / "20261201") == []
    assert first.changes["products"]["new"]["count"] == 5
    assert first.changes["tables"]["products"] == {"rows": 5, "added": 5, "removed": 0, "changed": 0}

    # Nothing changed: no release, latest stays.
    again = _release(built, out)
    assert not again.created and again.name == "20261201"
    assert release_names(out / "releases") == ["20261201"]

    # One product of each kind of change, one removed, one added; same day: -1.
    _product(built, PRODUCTS[0], current_stars=5)
    _product(built, PRODUCTS[1], current_stars=3)
    _product(built, PRODUCTS[2], status="expired")
    _product(built, PRODUCTS[3], status="revoked")
    built.execute("DELETE FROM products WHERE name = ?", [PRODUCTS[4]])
    # the new product copies an active one (LIMIT 1 alone could pick the revoked or the expired row)
    built.execute("INSERT INTO products SELECT * REPLACE ('p-new' AS product_id, 'Rượu nếp cái hoa vàng' AS name) "
                  "FROM products WHERE name = ?", [PRODUCTS[0]])
    second = _release(built, out)
    assert second.created and second.name == "20261201-1" and second.previous == "20261201"
    assert latest_name(out) == "20261201-1"
    counts = {k: v["count"] for k, v in second.changes["products"].items()}
    assert counts == {"new": 1, "upgraded": 1, "downgraded": 1, "expired": 1, "revoked": 1}
    assert second.changes["tables"]["products"] == {"rows": 5, "added": 1, "removed": 1, "changed": 4}
    upgraded = second.changes["products"]["upgraded"]["examples"][0]
    assert (upgraded["name"], upgraded["stars_before"], upgraded["stars"]) == (PRODUCTS[0], 4, 5)

    folder = out / "releases" / "20261201-1"
    assert json.loads((folder / "changes.json").read_text(encoding="utf-8")) == second.changes
    text = (folder / "CHANGES.md").read_text(encoding="utf-8")
    assert "nâng hạng sao 1" in text and "upgraded 1" in text and "So với bản phát hành 20261201" in text
    assert "Mật ong hoa nhãn (Hưng Yên, 4→5 sao" in text
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["version"] == "20261201-1" and descriptor["release"]["previous"] == "20261201"
    assert set(descriptor["release"]["files"]) >= {"ocop.duckdb", "changes.json", "CHANGES.md",
                                                   "csv/products.csv", "parquet/products.parquet"}

    # The database copy: the public tables and the views, as of the release.
    db = duckdb.connect(str(out / "latest" / "ocop.duckdb"), read_only=True)
    try:
        assert db.execute("SELECT count(*) FROM products WHERE status = 'revoked'").fetchall() == [(1,)]
        assert db.execute("SELECT count(*) FROM v_active_products").fetchall()[0][0] == 3
    finally:
        db.close()
    # The old release is untouched by the new one.
    assert verify_release(out / "releases" / "20261201") == []
    assert diff_releases(out / "releases" / "20261201", folder)["products"] == second.changes["products"]


def test_readers_open_latest_while_a_writer_holds_the_build_database(built, tmp_path):
    out = tmp_path / "publish"
    _release(built, out)
    built.close()
    db_path = tmp_path / "ocop.duckdb"
    script = ("import sys, time, duckdb\ncon = duckdb.connect(sys.argv[1])\nprint('held', flush=True)\n"
              "time.sleep(120)")
    writer = subprocess.Popen([sys.executable, "-c", script, str(db_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "held"
        with pytest.raises(duckdb.IOException, match="lock"):
            duckdb.connect(str(db_path), read_only=True)  # what researchers met before
        reader = duckdb.connect(str(out / "latest" / "ocop.duckdb"), read_only=True)
        assert reader.execute("SELECT count(*) FROM products").fetchall() == [(5,)]
        reader.close()
    finally:
        writer.kill()
        writer.wait()


def test_a_release_edited_by_hand_is_reported_and_not_reused(built, tmp_path, capsys):
    out = tmp_path / "publish"
    _release(built, out)
    edited = out / "releases" / "20261201" / "changes.json"
    edited.chmod(0o644)
    edited.write_text("{}", encoding="utf-8")
    problems = verify_release(out / "releases" / "20261201")
    assert problems == [f"{edited}: changed since the release was written (sha256 differs)"]

    assert main(["releases", "--data-dir", str(tmp_path)]) == 1
    listing = capsys.readouterr().out
    assert "20261201" in listing and "DAMAGED" in listing and "sha256 differs" in listing
    assert main(["diff", "20261201", "latest", "--data-dir", str(tmp_path)]) == 1
    assert "release 20261201 is damaged" in capsys.readouterr().err

    # Same public content, but the latest release is damaged: a new, whole release is written.
    again = _release(built, out)
    assert again.created and again.name == "20261201-1" and again.previous is None
    assert any("sha256 differs" in p for p in again.problems)
    assert latest_name(out) == "20261201-1" and verify_release(out / "releases" / "20261201-1") == []


def test_a_release_deleted_by_hand_is_reported(built, tmp_path, capsys):
    import shutil

    out = tmp_path / "publish"
    _release(built, out)
    _product(built, PRODUCTS[0], current_stars=5)
    _release(built, out, date(2026, 12, 2))
    shutil.rmtree(out / "releases" / "20261201")
    assert main(["releases", "--data-dir", str(tmp_path)]) == 1
    assert "20261201" in capsys.readouterr().out.split("DELETED")[0].splitlines()[-1]
    _product(built, PRODUCTS[1], current_stars=5)
    third = _release(built, out, date(2026, 12, 3))
    assert f"{out / 'releases' / '20261201'}: release deleted by hand (not by retention)" in third.problems

    # Latest removed by hand: pointed back at the intact release, no duplicate written.
    (out / "latest").unlink()
    fourth = _release(built, out, date(2026, 12, 3))
    assert not fourth.created and latest_name(out) == "20261203"


def test_retention_keeps_monthly_firsts_and_the_last_daily_ones():
    names = ["20261001", "20261015", "20261101", "20261102", "20261102-1", "20261201", "20261202"]
    assert keep_set(names, Retention(keep_daily=2), "20261202") == {"20261001", "20261101", "20261201", "20261202"}
    assert keep_set(names, Retention(keep_daily=3, keep_monthly=1), "20261015") == \
        {"20261102-1", "20261201", "20261202", "20261015"}


def test_retention_removes_old_releases_and_records_it(built, tmp_path):
    out = tmp_path / "publish"
    pruned = []
    for i, day in enumerate([date(2026, 11, 1), date(2026, 11, 2), date(2026, 11, 3), date(2026, 12, 1)]):
        _product(built, PRODUCTS[0], rating_count=10 + i)
        pruned += _release(built, out, day, retention=Retention(keep_daily=1)).pruned
    assert pruned == ["20261102", "20261103"]
    assert release_names(out / "releases") == ["20261101", "20261201"]
    assert [i.name for i in list_releases(out) if not i.problems] == ["20261101", "20261201"]
    assert main(["releases", "--data-dir", str(tmp_path)]) == 0  # pruned is not "deleted by hand"


def test_retention_setting_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("OCOP_RELEASES_KEEP_DAILY", "7")
    monkeypatch.setenv("OCOP_RELEASES_KEEP_MONTHLY", "all")
    assert Retention.from_env() == Retention(7, None)
    monkeypatch.setenv("OCOP_RELEASES_KEEP_MONTHLY", "twelve")
    with pytest.raises(ValueError, match="OCOP_RELEASES_KEEP_MONTHLY='twelve'"):
        Retention.from_env()


_WRITER = """
import sys
from datetime import date
from pathlib import Path
from ocop_pipeline.publish.releases import Retention, write_release
print(write_release(Path(sys.argv[1]), today=date(2026, 12, 1), retention=Retention()).name, flush=True)
"""


@pytest.mark.slow
def test_two_writers_at_once_never_write_the_same_release(built, tmp_path):
    """The build lock keeps builds apart; the release writer does not rely on it alone."""
    out = tmp_path / "publish"
    _release(built, out)
    _product(built, PRODUCTS[0], current_stars=5)
    publish(built, out)
    procs = [subprocess.Popen([sys.executable, "-c", _WRITER, str(out)], stdout=subprocess.PIPE, text=True,
                              env=repo_env()) for _ in range(2)]
    names = sorted(p.communicate(timeout=120)[0].strip() for p in procs)
    assert all(p.returncode == 0 for p in procs)
    assert names == ["20261201-1", "20261201-2"]
    assert all(verify_release(out / "releases" / n) == [] for n in names)
    assert latest_name(out) in names


# Killed while writing: the child stops inside the database copy (the slowest step), after the Parquet
# and CSV files are placed; the parent kills it with SIGKILL there.
_KILLED = """
import sys, time
from datetime import date
from pathlib import Path
from ocop_pipeline.publish import releases

def hang(directory, tables):
    (directory / "ocop.duckdb").write_bytes(b"half a database")
    print("writing", flush=True)
    time.sleep(120)

releases._write_database = hang
releases.write_release(Path(sys.argv[1]), today=date(2026, 12, 1), retention=releases.Retention())
"""


@pytest.mark.faults
def test_kill_9_while_writing_leaves_latest_on_the_previous_release(built, tmp_path):
    out = tmp_path / "publish"
    _release(built, out)
    _product(built, PRODUCTS[0], current_stars=5)
    publish(built, out)
    child = subprocess.Popen([sys.executable, "-c", _KILLED, str(out)], stdout=subprocess.PIPE, text=True,
                             env=repo_env())
    try:
        assert child.stdout.readline().strip() == "writing"
        assert any(p.name.startswith(".partial-") for p in (out / "releases").iterdir())
    finally:
        child.kill()
        child.wait()
    assert latest_name(out) == "20261201"
    assert verify_release(out / "latest") == []
    assert release_names(out / "releases") == ["20261201", "20261201-1"]  # the reserved, empty name

    # The next build removes the leftovers and writes the release whole.
    result = write_release(out, today=DAY, retention=Retention())
    assert result.created and result.name == "20261201-1" and latest_name(out) == "20261201-1"
    assert any("unfinished release of an interrupted build, removed" in p for p in result.problems)
    assert not [p for p in (out / "releases").iterdir() if p.name.startswith(".")]
    assert verify_release(out / "releases" / "20261201-1") == []


def test_every_cookbook_query_runs_on_the_release_database(built, tmp_path):
    """README and the cookbook send researchers to latest/ocop.duckdb: every query there works on it."""
    from tests.core.test_cookbook import _blocks

    out = tmp_path / "publish"
    _release(built, out)
    db = duckdb.connect(str(out / "latest" / "ocop.duckdb"), read_only=True)
    try:
        for name, sql in _blocks().items():
            assert db.execute(sql).fetchall() is not None, name
    finally:
        db.close()
