import subprocess
import sys

import dagster as dg
import pytest

from ocop_pipeline.definitions import defs


def test_code_location_loads_with_every_layer_and_blocking_checks():
    definitions = defs()
    keys = {k.to_user_string() for k in definitions.resolve_all_asset_keys()}
    assert {"raw/spreadsheet_documents", "staging/stg_sheet_rows", "core/subjects", "core/products",
            "core/ratings", "publish/datasets"} <= keys
    graph = definitions.resolve_asset_graph()
    checks = {k for k in graph.asset_check_keys}
    assert dg.AssetCheckKey(dg.AssetKey(["core", "products"]), "products_integrity") in checks
    assert all(graph.get_check_spec(k).blocking for k in checks if k.asset_key.path[0] == "core")
    assert definitions.resolve_job_def("ocop_build") is not None


@pytest.mark.slow
def test_importing_the_code_location_does_no_work(tmp_path):
    # A fresh interpreter in an empty folder: importing must not create data/ or open DuckDB.
    code = "import ocop_pipeline.definitions, sys; print('duckdb' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    assert list(tmp_path.iterdir()) == []
