"""Fixtures every Python test may use (the runtime's unit tests beside its modules, and the suites
in tests/): a provider simulator started once per session on a free port, scenarios loaded into
it, the conformance environment pointing every provider at it, and providers over that
environment. The Python twin of ``@catalyst/providers/testing`` and the simulator's test kit."""

from __future__ import annotations

import json
import subprocess
import urllib.request
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
import pytest_asyncio

from catalyst_runtime.providers.create_provider import Providers

REPO = Path(__file__).resolve().parents[1]
SIMULATOR_BIN = REPO / "packages" / "simulator" / "dist" / "bin.js"


class Simulator:
    """A running simulator: its base URL and its request log."""

    def __init__(self, url: str) -> None:
        self.url = url

    def requests(self) -> list[dict[str, object]]:
        with urllib.request.urlopen(f"{self.url}/_sim/requests") as response:
            data: list[dict[str, object]] = json.loads(response.read())
            return data

    def reset(self) -> None:
        """Forgets the request log and the prompt cache."""
        self._call("/_sim/reset", "POST", b"")

    def use_scenario(self, scenario: object) -> None:
        """Replaces the scripted replies and faults with ``scenario`` and forgets the log."""
        self._call("/_sim/scenario", "PUT", json.dumps(scenario).encode())
        self.reset()

    def clear_scenario(self) -> None:
        """Back to the default replies."""
        self._call("/_sim/scenario", "DELETE")
        self.reset()

    def _call(self, path: str, method: str, body: bytes | None = None) -> None:
        request = urllib.request.Request(f"{self.url}{path}", method=method, data=body)
        request.add_header("content-type", "application/json")
        urllib.request.urlopen(request).close()


def conformance_environment(simulator_url: str) -> dict[str, str]:
    """``conformance/environment.json``: the keys and base URLs the conformance vectors run
    with, every provider pointed at the simulator."""
    raw = json.loads((REPO / "conformance" / "environment.json").read_text(encoding="utf-8"))
    return {
        name: value.replace("{SIMULATOR}", simulator_url)
        for name, value in raw.items()
        if not name.startswith("//")
    }


@pytest.fixture(scope="session")
def simulator() -> Iterator[Simulator]:
    if not SIMULATOR_BIN.exists():
        pytest.fail(f"{SIMULATOR_BIN} is missing: run `npm run build` first")
    process = subprocess.Popen(
        ["node", str(SIMULATOR_BIN), "--port", "0", "--host", "127.0.0.1"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    # The first line is "Catalyst simulator listening on http://127.0.0.1:PORT".
    line = process.stdout.readline().strip()
    url = line.rsplit(" ", 1)[-1]
    if not url.startswith("http://"):
        process.kill()
        pytest.fail(f"simulator did not start: {line!r}")
    try:
        yield Simulator(url)
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def scenario(simulator: Simulator) -> Iterator[Callable[[object], None]]:
    """Loads a scenario into the shared simulator (call it with the scenario), and removes it
    after the test."""
    yield simulator.use_scenario
    simulator.clear_scenario()


@pytest.fixture
def vector_environment(simulator: Simulator) -> dict[str, str]:
    """The conformance environment on this session's simulator."""
    return conformance_environment(simulator.url)


@pytest_asyncio.fixture
async def simulated_providers(vector_environment: dict[str, str]) -> AsyncIterator[Providers]:
    """Providers over :func:`vector_environment`, their connection pools closed afterwards."""
    providers = Providers(environment=vector_environment)
    yield providers
    await providers.aclose()
