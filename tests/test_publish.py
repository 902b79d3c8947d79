import json
from datetime import date

import pyarrow.parquet as pq
from conftest import row, stage_rows

from ocop_pipeline.core import rebuild_core
from ocop_pipeline.publish import publish
from ocop_pipeline.schema import TABLES


def test_publish_writes_parquet_zstd_csv_with_bom_and_a_documented_datapackage(con, tmp_path):
    stage_rows(con, [row("Nước mắm \"Cát Hải\", loại 1", "Công ty CP Cát Hải", 4, 2022, "8/QĐ-UBND", date(2022, 8, 8))])
    rebuild_core(con, as_of=date(2023, 1, 1))
    out = tmp_path / "publish"
    published = {p.table: p for p in publish(con, out)}

    assert published["products"].rows == 1
    parquet = pq.ParquetFile(out / "parquet" / "products.parquet")
    assert parquet.metadata.row_group(0).column(0).compression == "ZSTD"
    assert parquet.read().column("name").to_pylist() == ['Nước mắm "Cát Hải", loại 1']

    raw = (out / "csv" / "products.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert "Nước mắm" in raw.decode("utf-8-sig")

    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in package["resources"]}
    assert {"sources", "documents", "rejects", "subjects", "products", "ratings", "news_articles", "news_facts",
            "mentions"} <= set(resources)
    for name, resource in resources.items():
        fields = resource["schema"]["fields"]
        assert [f["name"] for f in fields] == TABLES[name].column_names
        assert all(f["description"] for f in fields), name
    assert resources["products"]["schema"]["primaryKey"] == ["product_id"]
    assert resources["products"]["rows"] == 1
    assert not list(out.rglob("*.tmp"))


def test_ensure_schema_adds_columns_declared_after_a_file_was_made(tmp_path):
    from ocop_pipeline.store import connect, ensure_schema

    con = connect(tmp_path / "old.duckdb")
    con.execute("CREATE TABLE documents (document_id VARCHAR, source_id VARCHAR)")
    con.execute("INSERT INTO documents VALUES ('d1', 's1')")
    ensure_schema(con)
    columns = [r[0] for r in con.execute("SELECT column_name FROM information_schema.columns "
                                          "WHERE table_name = 'documents'").fetchall()]
    assert columns == TABLES["documents"].column_names
    assert con.execute("SELECT document_id, etag FROM documents").fetchall() == [("d1", None)]
    con.close()
