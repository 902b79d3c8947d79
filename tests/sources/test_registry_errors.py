"""A registry YAML with a syntax error or a wrong type: a clear error naming the file and the key,
recorded in `rejects` (stage "source"), and every other source still loaded."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ocop_pipeline.raw.crawler import load_site_sources
from ocop_pipeline.raw.source_rejects import record_source_rejects, source_errors
from ocop_pipeline.sources.registry import RegistryError, load_registry
from ocop_pipeline.storage.store import connect, ensure_schema
from tests.support import REPO

SOURCES = REPO / "sources"


@pytest.fixture
def sources_dir(tmp_path: Path) -> Path:
    for name in ("news_thaibinhtv_vn.yaml", "news_hoabinh_gov_vn.yaml", "thai_binh_ocop_lists.yaml"):
        shutil.copy(SOURCES / name, tmp_path / name)
    good = (SOURCES / "news_thaibinhtv_vn.yaml").read_text(encoding="utf-8")
    (tmp_path / "news_syntax.yaml").write_text("name: news_syntax\nkind: news\nallowed_hosts: [a.vn\n  base_url: x\n")
    (tmp_path / "news_wrong_type.yaml").write_text(
        good.replace("name: news_thaibinhtv_vn", "name: news_wrong_type").replace(
            "allowed_hosts: [thaibinhtv.vn]", "allowed_hosts: 42"), encoding="utf-8")
    (tmp_path / "news_bad_method.yaml").write_text(
        good.replace("name: news_thaibinhtv_vn", "name: news_bad_method") + "discovery: [sitemap, crystal_ball]\n",
        encoding="utf-8")
    (tmp_path / "list_wrong_name.yaml").write_text("name: [a, b]\nkind: spreadsheet\npath: x/*\n")
    return tmp_path


def test_bad_yaml_files_are_named_with_their_key_and_the_others_load(sources_dir: Path) -> None:
    errors: list[RegistryError] = []
    sites = load_site_sources(sources_dir, errors=errors)
    assert [s.name for s in sites] == ["news_hoabinh_gov_vn", "news_thaibinhtv_vn"]
    messages = sorted(str(e) for e in errors)
    assert messages[0] == (f"{sources_dir / 'list_wrong_name.yaml'}: name must be a string, got list ['a', 'b']")
    assert messages[1] == (f"{sources_dir / 'news_bad_method.yaml'}: discovery: unknown method(s) crystal_ball "
                           "(one of sitemap, feed, listing, links)")
    assert messages[2].startswith(f"{sources_dir / 'news_syntax.yaml'}: cannot read YAML (")
    assert "line 4" in messages[2]
    assert messages[3] == f"{sources_dir / 'news_wrong_type.yaml'}: allowed_hosts must be a list of strings, got 42"
    # The strict form (no errors list) still raises on the first one.
    with pytest.raises(RegistryError, match="list_wrong_name.yaml: name must be a string"):
        load_registry(sources_dir)


def test_bad_yaml_files_are_recorded_as_rejects(sources_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    con = connect(tmp_path_factory.mktemp("db") / "ocop.duckdb")
    try:
        ensure_schema(con)
        record_source_rejects(con, source_errors(sources_dir))
        rows = con.execute("SELECT stage, location, reason FROM rejects ORDER BY location").fetchall()
        (sources_dir / "news_syntax.yaml").unlink()  # fixed: its reject goes at the next record
        record_source_rejects(con, source_errors(sources_dir))
        after = con.execute("SELECT location FROM rejects ORDER BY location").fetchall()
    finally:
        con.close()
    assert [(r[0], Path(r[1]).name) for r in rows] == [
        ("source", "list_wrong_name.yaml"), ("source", "news_bad_method.yaml"),
        ("source", "news_syntax.yaml"), ("source", "news_wrong_type.yaml")]
    assert all(r[2].startswith(r[1] + ": ") for r in rows)
    assert [Path(r[0]).name for r in after] == ["list_wrong_name.yaml", "news_bad_method.yaml", "news_wrong_type.yaml"]
