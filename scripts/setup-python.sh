#!/usr/bin/env bash
# Creates .venv with the official Python SDKs used by the compatibility tests (and, later, the
# toolchain for generated services). Idempotent: re-running only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r python/requirements-dev.txt
