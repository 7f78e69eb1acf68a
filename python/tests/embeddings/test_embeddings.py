"""The embeddings layer of the Python runtime against the simulator: batching within each
provider's limits, per-batch retries, the caches (memory, Redis, Redis down), and the same keys,
ids and scores as the TypeScript runtime."""

from __future__ import annotations

import asyncio
import json
import math
import urllib.request
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from catalyst_runtime.providers.create_provider import Providers
from catalyst_runtime.providers.embeddings.embeddings import (
    EmbedManyOptions,
    MemoryEmbeddingCache,
    RedisEmbeddingCache,
    cosine_similarity,
    create_embedding_cache,
    decode_vector,
    embed_many,
    embedding_cache_key,
    embedding_limits,
    encode_vector,
    estimate_embedding_tokens,
    point_id_for_text,
    split_into_batches,
    to_qdrant_points,
    top_k,
)
from catalyst_runtime.providers.shared.provider_error import ProviderError
from conftest import Simulator
from tests.redis_server import redis_server

pytestmark = pytest.mark.asyncio


async def _no_wait(_seconds: float) -> None:
    return None


def set_scenario(simulator: Simulator, scenario: dict[str, Any] | None) -> None:
    method = "DELETE" if scenario is None else "PUT"
    data = None if scenario is None else json.dumps(scenario).encode()
    request = urllib.request.Request(
        f"{simulator.url}/_sim/scenario",
        method=method,
        data=data,
        headers={"content-type": "application/json"},
    )
    urllib.request.urlopen(request).close()


@pytest_asyncio.fixture
async def providers(simulator: Simulator) -> AsyncIterator[Providers]:
    set_scenario(simulator, None)
    simulator.reset()
    pool = Providers(
        environment={
            "OPENAI_API_KEY": "sk-test-python-0000",
            "OPENAI_BASE_URL": f"{simulator.url}/v1",
            "GEMINI_API_KEY": "AIzaTestPython000000",
            "GEMINI_BASE_URL": simulator.url,
            "VOYAGE_API_KEY": "pa-test-python-000000",
            "VOYAGE_BASE_URL": f"{simulator.url}/voyage/v1",
        }
    )
    yield pool
    await pool.aclose()


def embedding_requests(simulator: Simulator) -> list[dict[str, Any]]:
    return [entry for entry in simulator.requests() if entry["operation"] == "embeddings"]


def texts(count: int, prefix: str = "text") -> list[str]:
    return [f"{prefix} number {index}" for index in range(count)]


async def test_limits_batches_and_estimates_match_the_typescript_runtime() -> None:
    assert embedding_limits("openai", "text-embedding-3-small") == (2048, 300_000)
    assert embedding_limits("voyage", "voyage-4-large") == (1000, 120_000)
    assert embedding_limits("voyage", "voyage-4") == (1000, 320_000)
    assert embedding_limits("gemini", "gemini-embedding-001")[0] == 100
    assert estimate_embedding_tokens("ééé") == 2
    assert estimate_embedding_tokens("\ud800") == 1  # a lone surrogate is U+FFFD, 3 bytes
    assert split_into_batches(["a" * 30, "b" * 30, "c" * 300, "d"], 10, 25) == [
        (0, 2),
        (2, 3),
        (3, 4),
    ]


async def test_keys_ids_and_scores_are_the_typescript_values() -> None:
    # Values from packages/providers/src/embeddings/*.test.ts.
    assert point_id_for_text("hello") == "2cf24dba-5fb0-830e-a6e8-3b2ac5b9e29e"
    assert embedding_cache_key("openai", "m", None, None, "hello").endswith(
        ":openai:m:default:none:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
    )
    assert cosine_similarity([1, 0], [1, 1]) == 0.7071067811865475
    assert cosine_similarity([0, 0], [1, 1]) == 0
    with pytest.raises(ValueError, match="1 and 2 dimensions"):
        cosine_similarity([1], [1, 2])
    assert top_k([1, 0], [[0, 1], [1, 1], [2, 0], [3, 0]], 3) == [
        {"index": 2, "score": 1.0},
        {"index": 3, "score": 1.0},
        {"index": 1, "score": 0.7071067811865475},
    ]
    vector = [0.1, -2.5e-9, 1 / 3]
    assert decode_vector(encode_vector(vector)) == vector
    assert to_qdrant_points(["a"], [[0.5]], {"source": "faq", "text": "no"}) == [
        {
            "id": point_id_for_text("a"),
            "vector": [0.5],
            "payload": {"source": "faq", "text": "a", "index": 0},
        }
    ]


async def test_ten_thousand_texts_in_order_within_the_limits(
    providers: Providers, simulator: Simulator
) -> None:
    many = texts(10_000)
    result = await embed_many(
        EmbedManyOptions(
            embedder=providers.embedder("openai"),
            model="text-embedding-3-small",
            dimensions=4,
            input=many,
        )
    )
    assert len(result.embeddings) == 10_000
    assert result.usage["requests"] == 5
    assert result.usage["cachedItems"] == 0
    sent = embedding_requests(simulator)
    assert len(sent) == 5
    assert all(entry["status"] == 200 for entry in sent)
    single = await embed_many(
        EmbedManyOptions(
            embedder=providers.embedder("openai"),
            model="text-embedding-3-small",
            dimensions=4,
            input=[many[7777]],
        )
    )
    assert result.embeddings[7777] == single.embeddings[0]
    assert result.cost is not None and result.cost["totalUsd"] > 0


async def test_a_failed_batch_is_retried_alone(providers: Providers, simulator: Simulator) -> None:
    options = {
        "embedder": providers.embedder("openai"),
        "model": "text-embedding-3-small",
        "dimensions": 3,
        "input": texts(10),
        "batch_size": 3,
        "sleep": _no_wait,
    }
    clean = await embed_many(EmbedManyOptions(**options))
    simulator.reset()
    set_scenario(
        simulator,
        {
            "rules": [
                {
                    "match": {"operation": "embeddings", "nth": 2},
                    "fault": {"type": "http", "kind": "server"},
                }
            ]
        },
    )
    retried = await embed_many(EmbedManyOptions(**options))
    assert retried.embeddings == clean.embeddings
    assert retried.usage["requests"] == 4
    assert retried.usage["retries"] == 1
    sent = embedding_requests(simulator)
    assert len(sent) == 5
    assert len({json.dumps(entry["body"]["input"]) for entry in sent}) == 4  # type: ignore[index]


async def test_a_non_retryable_error_stops_everything(
    providers: Providers, simulator: Simulator
) -> None:
    set_scenario(
        simulator,
        {
            "rules": [
                {
                    "match": {"operation": "embeddings", "nth": 1},
                    "fault": {"type": "http", "kind": "auth"},
                },
                {"match": {"operation": "embeddings"}, "timing": {"firstTokenMs": 5000}},
            ]
        },
    )
    with pytest.raises(ProviderError) as caught:
        await embed_many(
            EmbedManyOptions(
                embedder=providers.embedder("openai"),
                model="text-embedding-3-small",
                input=texts(6),
                batch_size=1,
                concurrency=1,
                sleep=_no_wait,
            )
        )
    assert caught.value.kind == "auth"
    assert "OPENAI_API_KEY" in str(caught.value)
    assert "sk-test-python" not in str(caught.value)
    assert len(embedding_requests(simulator)) == 1


async def test_cancelling_closes_every_request_in_flight(
    providers: Providers, simulator: Simulator
) -> None:
    set_scenario(
        simulator,
        {"rules": [{"match": {"operation": "embeddings"}, "timing": {"firstTokenMs": 20000}}]},
    )
    task = asyncio.create_task(
        embed_many(
            EmbedManyOptions(
                embedder=providers.embedder("openai"),
                model="text-embedding-3-small",
                input=texts(4),
                batch_size=1,
            )
        )
    )
    while len(embedding_requests(simulator)) < 4:
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    while not all(entry["finished"] for entry in embedding_requests(simulator)):
        await asyncio.sleep(0.01)
    assert all(entry["clientClosedEarly"] for entry in embedding_requests(simulator))


async def test_gemini_by_100_and_voyage_by_its_limits(
    providers: Providers, simulator: Simulator
) -> None:
    gemini = await embed_many(
        EmbedManyOptions(
            embedder=providers.embedder("gemini"),
            model="gemini-embedding-001",
            dimensions=8,
            input=texts(250),
        )
    )
    assert gemini.usage["requests"] == 3
    assert len(gemini.embeddings[249]) == 8
    simulator.reset()
    voyage = await embed_many(
        EmbedManyOptions(
            embedder=providers.embedder("voyage"),
            model="voyage-4-large",
            input_type="document",
            dimensions=256,
            input=texts(2500),
        )
    )
    assert voyage.usage["requests"] == 3
    sent = embedding_requests(simulator)
    assert all(entry["status"] == 200 for entry in sent)
    assert sent[0]["body"]["input_type"] == "document"  # type: ignore[index]


async def test_voyage_errors_are_typed(providers: Providers, simulator: Simulator) -> None:
    set_scenario(
        simulator,
        {
            "rules": [
                {
                    "match": {"provider": "voyage"},
                    "fault": {"type": "http", "kind": "rate_limit", "retryAfterSeconds": 2},
                }
            ]
        },
    )
    with pytest.raises(ProviderError) as caught:
        await embed_many(
            EmbedManyOptions(
                embedder=providers.embedder("voyage"),
                model="voyage-4",
                input=["x"],
                max_retries=0,
            )
        )
    assert caught.value.kind == "rate_limit"
    assert caught.value.retry_after_ms == 2000
    assert str(caught.value).startswith("Voyage AI rate limit reached (HTTP 429)")


async def test_memory_cache_hits_cost_nothing(providers: Providers, simulator: Simulator) -> None:
    cache = MemoryEmbeddingCache()

    def options(input_texts: list[str], dimensions: int = 4) -> EmbedManyOptions:
        return EmbedManyOptions(
            embedder=providers.embedder("openai"),
            model="text-embedding-3-small",
            dimensions=dimensions,
            input=input_texts,
            cache=cache,
        )

    first = await embed_many(options(["a", "b", "a"]))
    assert first.usage["cachedItems"] == 1 and first.usage["requests"] == 1
    second = await embed_many(options(["b", "a", "c"]))
    assert second.usage["cachedItems"] == 2 and second.embeddings[0] == first.embeddings[1]
    third = await embed_many(options(["a", "b"]))
    assert third.usage["inputTokens"] == 0 and third.usage["requests"] == 0
    assert third.cost is not None and third.cost["totalUsd"] == 0
    other = await embed_many(options(["a"], dimensions=8))
    assert other.usage["cachedItems"] == 0
    assert len(embedding_requests(simulator)) == 3


async def test_redis_shares_vectors_exactly(providers: Providers) -> None:
    with redis_server() as url:
        writer = create_embedding_cache({"REDIS_URL": url})
        reader = create_embedding_cache({"REDIS_URL": url})
        assert reader.backend == "redis"
        common = {
            "embedder": providers.embedder("gemini"),
            "model": "gemini-embedding-001",
            "dimensions": 5,
        }
        first = await embed_many(EmbedManyOptions(**common, input=["x", "y"], cache=writer))
        second = await embed_many(EmbedManyOptions(**common, input=["y", "x"], cache=reader))
        assert second.usage["cachedItems"] == 2 and second.usage["requests"] == 0
        assert second.embeddings == [first.embeddings[1], first.embeddings[0]]
        assert second.cache_backend == "redis" and second.cache_error is None
        await writer.aclose()
        await reader.aclose()


async def test_redis_down_degrades_to_the_provider_and_says_so(providers: Providers) -> None:
    with redis_server() as url:
        pass
    reported: list[str] = []
    cache = RedisEmbeddingCache(
        url.replace("//", "//user:hunter2@"), timeout_ms=300, on_error=reported.append
    )
    result = await embed_many(
        EmbedManyOptions(
            embedder=providers.embedder("openai"),
            model="text-embedding-3-small",
            dimensions=2,
            input=["a", "b"],
            cache=cache,
        )
    )
    assert len(result.embeddings) == 2 and result.usage["requests"] == 1
    assert result.cache_error is not None
    assert "redis://user:***@127.0.0.1" in result.cache_error
    assert reported and all("hunter2" not in message for message in reported)
    assert not math.isnan(result.usage["inputTokens"])
    await cache.aclose()
