"""Shared fixtures: a provider simulator started once per test session on a free port."""

from __future__ import annotations

import json
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
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
        request = urllib.request.Request(f"{self.url}/_sim/reset", method="POST", data=b"")
        urllib.request.urlopen(request).close()


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
