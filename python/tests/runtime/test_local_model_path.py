"""A service using ``localCompletion`` needs only ``CATALYST_LOCAL_BASE_URL``: no key. The server
is ``catalyst local serve``'s own (``createLocalOpenAIServer``, which takes no key), with the
simulator's OpenAI model behind it instead of the embedded GGUF model. Before the fix
openai-python refused to send the request ("Could not resolve authentication method") and the run
failed as a network error."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from catalyst_runtime.providers.create_provider import Providers
from catalyst_runtime.server.create_app import create_app

PROVIDERS = Path(__file__).resolve().parents[3] / "packages" / "providers" / "dist"
LOCAL_SERVER = """
import { createLocalOpenAIServer } from 'PROVIDERS/local/create-local-openai-server.js';
import { createOpenAIProvider } from 'PROVIDERS/openai-compatible/index.js';
const provider = createOpenAIProvider({ apiKey: 'sk-test-0000', baseUrl: process.argv[1] + '/v1' });
const server = await createLocalOpenAIServer({ provider, port: 0 });
console.log(server.url);
""".replace("PROVIDERS", PROVIDERS.as_uri())


@pytest.fixture
def local_server(simulator: Any) -> Iterator[str]:
    """``catalyst local serve``'s server over the simulator; yields its ``/v1`` base URL."""
    process = subprocess.Popen(
        ["node", "--input-type=module", "-e", LOCAL_SERVER, simulator.url],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    url = process.stdout.readline().strip()
    try:
        assert url.startswith("http://"), url
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


WORKFLOW = {
    "id": "local",
    "name": "Local",
    "input": {"type": "object", "properties": {"question": {"type": "string"}}},
    "nodes": [
        {"id": "input", "type": "input"},
        {"id": "answer", "type": "localCompletion", "config": {"prompt": "{{ input.question }}"}},
        {"id": "output", "type": "output"},
    ],
    "edges": [{"from": "input", "to": "answer"}, {"from": "answer", "to": "output"}],
}


@pytest.mark.asyncio
async def test_local_completion_runs_with_only_the_base_url(local_server: str) -> None:
    environment = {"CATALYST_LOCAL_BASE_URL": local_server}
    providers = Providers(environment=environment)
    app = create_app([WORKFLOW], providers=providers, environment=environment)
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://catalyst.test", timeout=30
        ) as client:
            response = await client.post(
                "/workflows/local/run",
                content=json.dumps({"question": "hello"}),
                headers={"content-type": "application/json"},
            )
    finally:
        await providers.aclose()
    assert response.status_code == 200, response.text
    assert "hello" in response.json()["text"]
