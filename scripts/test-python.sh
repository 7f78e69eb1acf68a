#!/usr/bin/env bash
# Lints, type-checks and runs the Python test suites. Needs `npm run build` first (the simulator
# runs from dist/).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || bash scripts/setup-python.sh
# catalyst_runtime is copied into every generated service: it must be ruff-clean and mypy-strict.
(cd python && ../.venv/bin/ruff check . && ../.venv/bin/ruff format --check . && ../.venv/bin/mypy)
(cd python && ../.venv/bin/python -m pytest -q -p no:cacheprovider)
