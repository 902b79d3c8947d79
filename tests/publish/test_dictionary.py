
from ocop_pipeline.publish.dictionary import data_dictionary_markdown
from ocop_pipeline.storage.schema import ALL_TABLES
from tests.support import REPO

DOC = REPO / "docs" / "data_dictionary.md"


def test_committed_data_dictionary_matches_the_schema():
    assert DOC.read_text(encoding="utf-8") == data_dictionary_markdown(), (
        "docs/data_dictionary.md is stale: run .venv/bin/python -m ocop_pipeline.publish.dictionary > docs/data_dictionary.md")


def test_every_column_is_described():
    for table in ALL_TABLES:
        assert table.description
        for column in table.columns:
            assert column.description.strip(), f"{table.name}.{column.name} has no description"
