"""``examples/chat.json`` as a uvicorn app factory, for tests that run a real uvicorn process:
``uvicorn --factory tests.runtime.uvicorn_app:create``. Its configuration comes from the
environment, as a generated service's does."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi import FastAPI

from catalyst_runtime.server.create_app import create_app

REPO = Path(__file__).resolve().parents[3]


def create() -> FastAPI:
    """The app serving ``examples/chat.json``."""
    workflow = json.loads((REPO / "examples" / "chat.json").read_text(encoding="utf-8"))
    return create_app([workflow])
