#!/usr/bin/env bash
# Set up (first run only: ~15 s) and run the whole pipeline on the bundled offline snapshot.
# Outputs: data/ocop.duckdb and data/publish/. Extra arguments go to `ocop build`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/ocop build "$@"
