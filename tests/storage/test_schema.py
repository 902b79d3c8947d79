"""The schema: an existing database file gets the columns declared after it was made."""

from ocop_pipeline.storage.schema import TABLES
from ocop_pipeline.storage.store import connect, ensure_schema


def test_ensure_schema_adds_columns_declared_after_a_file_was_made(tmp_path):
    con = connect(tmp_path / "old.duckdb")
    con.execute("CREATE TABLE documents (document_id VARCHAR, source_id VARCHAR)")
    con.execute("INSERT INTO documents VALUES ('d1', 's1')")
    ensure_schema(con)
    columns = [r[0] for r in con.execute("SELECT column_name FROM information_schema.columns "
                                          "WHERE table_name = 'documents'").fetchall()]
    assert columns == TABLES["documents"].column_names
    assert con.execute("SELECT document_id, etag FROM documents").fetchall() == [("d1", None)]
    con.close()
