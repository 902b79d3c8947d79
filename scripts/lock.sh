#!/usr/bin/env bash
# Re-pin the whole dependency tree from pyproject.toml (run after changing a dependency).
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/uv pip compile -q pyproject.toml --extra dev --extra postgres -p 3.11 --no-header -o requirements.lock
