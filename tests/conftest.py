"""Shared fixtures: a temporary DuckDB file per test. Helpers live in tests/support/."""

import pytest

from ocop_pipeline.storage.store import connect, ensure_schema


@pytest.fixture
def con(tmp_path):
    connection = connect(tmp_path / "ocop.duckdb")
    ensure_schema(connection)
    yield connection
    connection.close()
