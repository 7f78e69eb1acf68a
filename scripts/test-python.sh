#!/usr/bin/env bash
# Lints, type-checks and runs the Python test suites. Needs `npm run build` first (the simulator
# runs from dist/).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || bash scripts/setup-python.sh
repository=$PWD
# catalyst_runtime is copied into every generated service: it must be ruff-clean and mypy-strict.
# The service templates (python/templates/service) are linted here too.
(cd python && ../.venv/bin/ruff check . && ../.venv/bin/ruff format --check . && ../.venv/bin/mypy)

# The fixed files every generated service gets are checked as one service: the templates, with a
# small hand-written workflow in place of the generated app/workflow.py and tests/sample.json, type-
# checked (app/ and tests/; the runtime was checked above) and tested with their own pytest suite.
service=$(mktemp -d)
trap 'rm -rf "$service"' EXIT
cp -R python/templates/service/. "$service/"
cp python/tests/service_template/workflow.py "$service/app/workflow.py"
cp python/tests/service_template/sample.json "$service/tests/sample.json"
(
  cd "$service"
  export PYTHONPATH="$repository/python"
  "$repository/.venv/bin/mypy" --strict --python-version 3.11 --cache-dir "$repository/python/.mypy_cache" app tests
  # No pytest-asyncio here: a generated project does not install it.
  "$repository/.venv/bin/python" -m pytest tests -q -p no:cacheprovider -p no:asyncio
)

(cd python && ../.venv/bin/python -m pytest -q -p no:cacheprovider)
