"""Stable ids (storage/ids.py): the Python and the SQL forms give the same id."""

from __future__ import annotations

import duckdb

from ocop_pipeline.storage.ids import stable_id, stable_id_sql


def test_stable_ids_agree_in_python_and_sql(tmp_path):
    con = duckdb.connect(str(tmp_path / "ids.duckdb"))
    got = con.execute(f"SELECT {stable_id_sql(chr(39) + 'rating' + chr(39) + ', ?, coalesce(?, ' + chr(39) * 2 + '), ?')}",
                      ["p1", None, "4"]).fetchone()[0]
    assert got == stable_id("rating", "p1", None, "4") and len(got) == 16
