"""Where a data file the runtime reads lives (the model catalog, the node manifest).

Both are written by ``npm run generate``: in the repository they are in ``conformance/``; a
generated project carries a copy at the top of ``catalyst_runtime/``; an environment variable
can point elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["find_runtime_data_file"]

# This module is catalyst_runtime/providers/config/runtime_data_file.py.
_RUNTIME = Path(__file__).resolve().parents[2]


def find_runtime_data_file(file_name: str, variable: str) -> Path:
    """``$variable`` when set, else ``catalyst_runtime/<file_name>`` (generated projects), else
    the repository's ``conformance/<file_name>``."""
    configured = os.environ.get(variable)
    if configured:
        return Path(configured)
    for candidate in (_RUNTIME / file_name, _RUNTIME.parents[1] / "conformance" / file_name):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(
        f"{file_name} not found in {_RUNTIME} nor in the repository's conformance/"
    )
