import hashlib
import json
from datetime import date

import pyarrow.parquet as pq

from ocop_pipeline.core.tables import rebuild_core
from ocop_pipeline.publish.datasets import publish
from ocop_pipeline.storage.schema import TABLES
from tests.support.rows import row, stage_rows


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


def test_publish_writes_again_only_what_changed(con, tmp_path):
    """A second publish on the same tables writes no file; a changed table, a deleted or edited file,
    a broken record and `force` each bring back exactly the writes they should."""
    stage_rows(con, [row("Mật ong hoa nhãn", "HTX Ong Yên Mông", 3, 2022, "8/QĐ-UBND", date(2022, 8, 8))])
    rebuild_core(con, as_of=date(2023, 1, 1))
    out = tmp_path / "publish"
    first = {p.table: p for p in publish(con, out)}
    assert all(p.written for p in first.values())
    package = (out / "datapackage.json").read_text(encoding="utf-8")
    stamps = {p: p.stat().st_mtime_ns for p in [*out.rglob("*.csv"), *out.rglob("*.parquet")]}

    again = {p.table: p for p in publish(con, out)}
    assert not any(p.written for p in again.values())
    assert {p: p.stat().st_mtime_ns for p in stamps} == stamps
    resources = lambda text: {r["name"]: r for r in json.loads(text)["resources"]}
    assert resources((out / "datapackage.json").read_text(encoding="utf-8")) == resources(package)

    con.execute("UPDATE products SET name = 'Mật ong hoa nhãn Yên Mông'")
    (out / "csv" / "ratings.csv").write_bytes(b"edited by hand")
    (out / "parquet" / "subjects.parquet").unlink()
    written = {p.table for p in publish(con, out) if p.written}
    assert written == {"products", "ratings", "subjects"}
    assert pq.read_table(out / "parquet" / "products.parquet").column("name").to_pylist() == ["Mật ong hoa nhãn Yên Mông"]
    assert (out / "csv" / "ratings.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    now = resources((out / "datapackage.json").read_text(encoding="utf-8"))
    assert now["ratings"]["hash"] == "sha256:" + hashlib.sha256((out / "csv" / "ratings.csv").read_bytes()).hexdigest()

    (out / ".published.json").write_text("{not json", encoding="utf-8")
    assert all(p.written for p in publish(con, out))
    assert all(p.written for p in publish(con, out, force=True))
