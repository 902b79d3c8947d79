"""The import contracts of pyproject.toml ([tool.importlinter]) hold: the core never imports the Dagster
layer, the shared packages never import a domain package, the domains import in the order data flows."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_import_contracts_are_kept():
    # The venv's lint-imports (beside this interpreter), from the repository root where pyproject.toml
    # is; no cache, so a run leaves nothing behind and never reads a stale graph.
    lint_imports = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run([str(lint_imports), "--no-cache"], cwd=REPO, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout
