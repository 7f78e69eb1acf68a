"""Fixtures for the runtime tests: JavaScript oracles (node over the built TypeScript packages)
and the two servers (TypeScript ``catalyst serve`` and the Python app) on one simulator."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from catalyst_runtime.providers.create_provider import Providers
from catalyst_runtime.server.create_app import create_app

REPO = Path(__file__).resolve().parents[3]
PACKAGES = REPO / "packages"
TS_SERVER = Path(__file__).with_name("ts_server.mjs")
REQUIRED_DIST = [
    PACKAGES / "runtime" / "dist" / "index.js",
    PACKAGES / "providers" / "dist" / "openai-compatible" / "index.js",
    PACKAGES / "providers" / "dist" / "anthropic" / "index.js",
    PACKAGES / "providers" / "dist" / "gemini" / "index.js",
]


def _require_dist() -> None:
    missing = [str(path) for path in REQUIRED_DIST if not path.exists()]
    if missing:
        pytest.fail(f"TypeScript build missing ({', '.join(missing)}): run `npx tsc -b` first")


@pytest.fixture(scope="session")
def node_eval() -> Callable[[str], Any]:
    """Runs an ES module body in node (``PACKAGES`` is the packages directory URL) and returns
    the JSON it prints."""
    _require_dist()

    def run(body: str) -> Any:
        script = f"const PACKAGES = {json.dumps(PACKAGES.as_uri() + '/')};\n{body}"
        completed = subprocess.run(
            ["node", "--input-type=module", "-e", script],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if completed.returncode != 0:
            raise AssertionError(f"node failed: {completed.stderr}")
        return json.loads(completed.stdout)

    return run


def provider_environment(simulator_url: str) -> dict[str, str]:
    """Keys and base URLs that point every provider at the simulator."""
    return {
        "OPENAI_API_KEY": "sk-test-runtime-key-0000",
        "OPENAI_BASE_URL": f"{simulator_url}/v1",
        "ANTHROPIC_API_KEY": "sk-ant-test-runtime-key-0000",
        "ANTHROPIC_BASE_URL": simulator_url,
        "GEMINI_API_KEY": "AIzaTestRuntimeKey0000000",
        "GEMINI_BASE_URL": simulator_url,
        "GROQ_API_KEY": "gsk_test_runtime_key_0000",
        "GROQ_BASE_URL": f"{simulator_url}/groq",
        "XAI_API_KEY": "xai-test-runtime-key-0000",
        "XAI_BASE_URL": f"{simulator_url}/xai/v1",
        "VOYAGE_API_KEY": "pa-test-runtime-key-0000",
        "VOYAGE_BASE_URL": f"{simulator_url}/voyage/v1",
        "GREETING": "hello from env",
    }


class PythonServer:
    """The Python app under uvicorn on 127.0.0.1, in a thread with its own event loop."""

    def __init__(self, workflow: dict[str, Any], environment: dict[str, str], keep_alive_ms: float):
        self._workflow = workflow
        self._environment = environment
        self._keep_alive_ms = keep_alive_ms
        self.url = ""
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        ready = threading.Event()

        def serve() -> None:
            async def main() -> None:
                providers = Providers(environment=self._environment)
                app = create_app(
                    [self._workflow],
                    providers=providers,
                    environment=self._environment,
                    keep_alive_ms=self._keep_alive_ms,
                )
                config = uvicorn.Config(
                    app, host="127.0.0.1", port=0, log_level="warning", lifespan="off"
                )
                server = uvicorn.Server(config)
                self._server = server
                task = asyncio.create_task(server.serve())
                while not server.started:
                    await asyncio.sleep(0.01)
                port = server.servers[0].sockets[0].getsockname()[1]
                self.url = f"http://127.0.0.1:{port}"
                ready.set()
                await task
                await providers.aclose()

            asyncio.run(main())

        self._thread = threading.Thread(target=serve, daemon=True)
        self._thread.start()
        if not ready.wait(timeout=20):
            raise RuntimeError("the Python app did not start")

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
            self._server.force_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)


class TypeScriptServer:
    """``createCatalystApp`` + ``serveNode`` in a node process (ts_server.mjs)."""

    def __init__(self, workflow_file: Path, environment: dict[str, str], keep_alive_ms: float):
        _require_dist()
        env = {**os.environ, **environment}
        self._process = subprocess.Popen(
            ["node", str(TS_SERVER), str(workflow_file), str(int(keep_alive_ms))],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline().strip()
        if not line.startswith("listening on "):
            self._process.kill()
            raise RuntimeError(f"the TypeScript server did not start: {line!r}")
        self.url = line.removeprefix("listening on ")

    def stop(self) -> None:
        self._process.terminate()
        self._process.wait(timeout=10)


@pytest.fixture
def serve_both(simulator: Any, tmp_path: Path) -> Iterator[Callable[..., tuple[str, str]]]:
    """Starts the TypeScript and the Python server for one workflow (``environment`` added to the
    providers' variables); returns their URLs."""
    started: list[PythonServer | TypeScriptServer] = []

    def start(
        workflow: dict[str, Any],
        keep_alive_ms: float = 15_000,
        environment: dict[str, str] | None = None,
    ) -> tuple[str, str]:
        """``environment`` adds to the providers' (e.g. ``OTEL_*``), in both servers."""
        environment = {**provider_environment(simulator.url), **(environment or {})}
        workflow_file = tmp_path / f"{workflow['id']}.json"
        workflow_file.write_text(json.dumps(workflow), encoding="utf-8")
        typescript = TypeScriptServer(workflow_file, environment, keep_alive_ms)
        started.append(typescript)
        python = PythonServer(workflow, environment, keep_alive_ms)
        python.start()
        started.append(python)
        return typescript.url, python.url

    yield start
    for server in started:
        server.stop()
