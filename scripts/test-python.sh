#!/usr/bin/env bash
# Runs the Python test suites. Needs `npm run build` first (the simulator runs from dist/).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || bash scripts/setup-python.sh
.venv/bin/python -m pytest python/tests -q -p no:cacheprovider
