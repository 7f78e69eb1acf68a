"""Serves workflow files with the Python runtime under uvicorn, for tests that drive a real Python
server from outside (the TypeScript reliability suite, packages/runtime/src/server/
reliability.test.ts). Usage::

    python -m tests.runtime.serve_workflows WORKFLOW.json [WORKFLOW.json …]
    python -m tests.runtime.serve_workflows - < WORKFLOWS.json   # a JSON list on stdin

Run from ``python/``. The configuration (provider base URLs and keys, ``CATALYST_*`` limits and
timeouts) comes from the process environment, as a generated service's does. The socket is bound
on a free port of 127.0.0.1 before uvicorn starts, and its URL is printed as the first line of
stdout: ``listening on http://127.0.0.1:PORT``.
"""

from __future__ import annotations

import json
import os
import socket
import sys
from pathlib import Path
from typing import Any

import uvicorn

from catalyst_runtime.server.create_app import create_app


def main(paths: list[str]) -> None:
    """Serves the workflows in ``paths`` until SIGTERM/SIGINT."""
    workflows: list[dict[str, Any]] = (
        json.load(sys.stdin)
        if paths == ["-"]
        else [json.loads(Path(path).read_text(encoding="utf-8")) for path in paths]
    )
    app = create_app(workflows, environment=dict(os.environ))
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    port = listener.getsockname()[1]
    print(f"listening on http://127.0.0.1:{port}", flush=True)
    # The access log is the app's own (one JSON line per request); uvicorn's would double it.
    config = uvicorn.Config(app, access_log=False, log_level="warning", timeout_graceful_shutdown=1)
    uvicorn.Server(config).run(sockets=[listener])


if __name__ == "__main__":
    main(sys.argv[1:])
