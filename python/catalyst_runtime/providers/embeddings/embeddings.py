"""Embeddings at any scale (``packages/providers/src/embeddings/``): per-request limits, batching
with bounded concurrency and per-batch retries, a per-text cache (in-memory LRU, or Redis when
``REDIS_URL`` is set), Qdrant-ready points and cosine top-k. Same keys, numbers and counts as the
TypeScript runtime, so both can share one Redis and give the same node output.

Example::

    result = await embed_many(
        EmbedManyOptions(embedder=providers.embedder("openai"), model="text-embedding-3-small",
                         input=texts, cache=create_embedding_cache(os.environ))
    )
    result.embeddings[0], result.usage["cachedItems"], result.cost
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import math
import random as random_module
import re
import struct
import sys
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from cachetools import LRUCache

from catalyst_runtime.providers.catalog.model_catalog import Cost, ModelCatalog, empty_usage
from catalyst_runtime.providers.shared.provider_error import (
    ProviderError,
    create_provider_error,
    retry_delay,
)

__all__ = [
    "DEFAULT_MEMORY_CACHE_BYTES",
    "EmbedManyOptions",
    "EmbedManyResult",
    "EmbedRequest",
    "EmbedResult",
    "Embedder",
    "EmbeddingCache",
    "MemoryEmbeddingCache",
    "RedisEmbeddingCache",
    "cosine_similarity",
    "create_embedding_cache",
    "decode_vector",
    "embed_many",
    "embedding_cache_key",
    "embedding_limits",
    "encode_vector",
    "estimate_embedding_tokens",
    "point_id_for_text",
    "redact_redis_url",
    "sha256_hex",
    "split_into_batches",
    "to_qdrant_points",
    "top_k",
]

InputType = Literal["query", "document"]


@dataclass
class EmbedRequest:
    """One embeddings call (the spec's ``EmbedRequest``)."""

    model: str
    input: list[str]
    dimensions: int | None = None
    input_type: InputType | None = None
    encoding_format: Literal["float", "base64"] | None = None


@dataclass
class EmbedResult:
    """Vectors in input order, and the tokens the provider billed."""

    provider: str
    model: str
    embeddings: list[list[float]]
    input_tokens: int


class Embedder(Protocol):
    """A provider's embeddings endpoint; raises :class:`ProviderError`."""

    name: str

    async def embed(self, request: EmbedRequest) -> EmbedResult: ...


# --- limits ----------------------------------------------------------------------------------

_PROVIDER_LIMITS: dict[str, tuple[int, int]] = {
    "openai": (2048, 300_000),
    "azure": (2048, 300_000),
    "openai-compatible": (2048, 300_000),
    "gemini": (100, 1_000_000),
    "local": (256, 1_000_000),
}


def _voyage_max_tokens(model: str) -> int:
    if model in ("voyage-4-lite", "voyage-3.5-lite"):
        return 1_000_000
    if model in ("voyage-4", "voyage-3.5", "voyage-2"):
        return 320_000
    return 120_000


def embedding_limits(provider: str, model: str) -> tuple[int, int]:
    """``(max_items, max_tokens)`` of one embeddings request (``embedding-limits.ts``)."""
    if provider == "voyage":
        return 1000, _voyage_max_tokens(model)
    return _PROVIDER_LIMITS.get(provider, (2048, 300_000))


def _utf8(text: str) -> bytes:
    # Buffer.from(text, 'utf8') / TextEncoder: a lone surrogate becomes U+FFFD.
    return re.sub("[\ud800-\udfff]", "\ufffd", text).encode("utf-8")


def estimate_embedding_tokens(text: str) -> int:
    """UTF-8 bytes / 3, rounded up: a deliberately high token estimate."""
    return -(-len(_utf8(text)) // 3)


def split_into_batches(
    texts: Sequence[str], max_items: int, max_tokens: int
) -> list[tuple[int, int]]:
    """Consecutive ``(start, end)`` ranges within the limits; an oversized text travels alone."""
    batches: list[tuple[int, int]] = []
    start = 0
    tokens = 0
    for index, text in enumerate(texts):
        cost = estimate_embedding_tokens(text)
        count = index - start
        if count > 0 and (count >= max_items or tokens + cost > max_tokens):
            batches.append((start, index))
            start = index
            tokens = 0
        tokens += cost
    if start < len(texts):
        batches.append((start, len(texts)))
    return batches


# --- cache -----------------------------------------------------------------------------------


def sha256_hex(text: str) -> str:
    """Lowercase hex SHA-256 of the UTF-8 text."""
    return hashlib.sha256(_utf8(text)).hexdigest()


def embedding_cache_key(
    provider: str, model: str, dimensions: int | None, input_type: str | None, text: str
) -> str:
    """``catalyst:embedding:v1:{provider}:{model}:{dimensions|default}:{inputType|none}:{sha256}``."""
    dims = "default" if dimensions is None else str(dimensions)
    return (
        f"catalyst:embedding:v1:{provider}:{model}:{dims}:{input_type or 'none'}:{sha256_hex(text)}"
    )


def encode_vector(vector: Sequence[float]) -> str:
    """Base64 of little-endian float64 values: exact, the same bytes as the TypeScript runtime."""
    return base64.b64encode(struct.pack(f"<{len(vector)}d", *vector)).decode("ascii")


def decode_vector(encoded: str | bytes) -> list[float] | None:
    """The inverse of :func:`encode_vector`; None for a value that is not one."""
    try:
        raw = base64.b64decode(encoded)
    except ValueError:
        return None
    if len(raw) % 8:
        return None
    return list(struct.unpack(f"<{len(raw) // 8}d", raw))


class EmbeddingCache(Protocol):
    """Vectors kept between calls; a backend failure is returned as an error, never raised."""

    backend: Literal["memory", "redis"]

    async def get_many(self, keys: Sequence[str]) -> tuple[list[list[float] | None], str | None]:
        """The vectors (None where missing) and the backend's error, if it failed."""
        ...

    async def set_many(self, entries: Sequence[tuple[str, list[float]]]) -> str | None:
        """Stores vectors; returns the backend's error, if it failed."""
        ...

    async def aclose(self) -> None: ...


DEFAULT_MEMORY_CACHE_BYTES = 256 * 1024 * 1024
"""Default memory budget of the in-process cache (the TypeScript runtime's too)."""


class MemoryEmbeddingCache:
    """The in-process LRU (``cachetools.LRUCache``), bounded by bytes, vectors as packed float64."""

    backend: Literal["memory", "redis"] = "memory"

    def __init__(self, max_bytes: int = DEFAULT_MEMORY_CACHE_BYTES) -> None:
        self._lru: LRUCache[str, bytes] = LRUCache(
            maxsize=max_bytes, getsizeof=lambda value: len(value) + 64
        )

    async def get_many(self, keys: Sequence[str]) -> tuple[list[list[float] | None], str | None]:
        values: list[list[float] | None] = []
        for key in keys:
            packed = self._lru.get(key)
            values.append(
                None if packed is None else list(struct.unpack(f"<{len(packed) // 8}d", packed))
            )
        return values, None

    async def set_many(self, entries: Sequence[tuple[str, list[float]]]) -> str | None:
        for key, vector in entries:
            self._lru[key] = struct.pack(f"<{len(vector)}d", *vector)
        return None

    async def aclose(self) -> None:
        self._lru.clear()


def redact_redis_url(url: str) -> str:
    """``redis://user:secret@host`` → ``redis://user:***@host``."""
    return re.sub(r"//([^:@/]*):[^@/]*@", r"//\1:***@", url, count=1)


def _stderr_reporter() -> Callable[[str], None]:
    shown: dict[str, float] = {}

    def report(message: str) -> None:
        now = time.monotonic()
        if shown.get(message, -math.inf) > now - 60:
            return
        shown[message] = now
        print(f"catalyst: {message}", file=sys.stderr)

    return report


class RedisEmbeddingCache:
    """The shared cache (``REDIS_URL``), ``SET key base64(float64 LE) EX ttl``.

    Failure policy (the TypeScript runtime's): Redis never fails or hangs a run. Every round trip
    is bounded by ``timeout_ms``; a failure turns into misses (the provider is called), is reported
    through ``on_error`` and returned so the node output says the cache was unavailable; Redis is
    then skipped for ``cooldown_ms``.
    """

    backend: Literal["memory", "redis"] = "redis"

    def __init__(
        self,
        url: str,
        *,
        ttl_seconds: int = 30 * 24 * 3600,
        timeout_ms: float = 1000,
        cooldown_ms: float = 5000,
        on_error: Callable[[str], None] | None = None,
    ) -> None:
        import redis.asyncio as redis_asyncio

        self._where = redact_redis_url(url)
        self._ttl = ttl_seconds
        self._timeout = timeout_ms / 1000
        self._cooldown = cooldown_ms / 1000
        self._report = on_error or _stderr_reporter()
        self._client: Any = redis_asyncio.from_url(  # type: ignore[no-untyped-call]
            url, socket_connect_timeout=self._timeout, socket_timeout=self._timeout
        )
        self._skip_until = 0.0
        self._last_error = ""

    async def _attempt(self, action: Callable[[], Awaitable[Any]]) -> tuple[Any, str | None]:
        if time.monotonic() < self._skip_until:
            return None, (
                f"the Redis embedding cache at {self._where} is unavailable ({self._last_error})"
            )
        try:
            return await asyncio.wait_for(action(), self._timeout), None
        except Exception as error:  # noqa: BLE001 - any Redis failure degrades to misses
            text = str(error) or type(error).__name__
            if isinstance(error, TimeoutError):
                text = f"no answer within {round(self._timeout * 1000)} ms"
            self._last_error = redact_redis_url(text)
            self._skip_until = time.monotonic() + self._cooldown
            message = (
                f"the Redis embedding cache at {self._where} failed ({self._last_error}); "
                "embeddings are fetched from the provider until it recovers"
            )
            self._report(message)
            return None, message

    async def get_many(self, keys: Sequence[str]) -> tuple[list[list[float] | None], str | None]:
        if not keys:
            return [], None

        async def fetch() -> list[Any]:
            replies: list[Any] = []
            for start in range(0, len(keys), 1000):
                replies.extend(await self._client.mget(list(keys[start : start + 1000])))
            return replies

        replies, error = await self._attempt(fetch)
        values: list[list[float] | None] = []
        for index in range(len(keys)):
            reply = replies[index] if replies is not None else None
            values.append(decode_vector(reply) if isinstance(reply, (bytes, str)) else None)
        return values, error

    async def set_many(self, entries: Sequence[tuple[str, list[float]]]) -> str | None:
        if not entries:
            return None

        async def store() -> None:
            async with self._client.pipeline(transaction=True) as pipe:
                for key, vector in entries:
                    pipe.set(key, encode_vector(vector), ex=self._ttl)
                await pipe.execute()

        _, error = await self._attempt(store)
        return error

    async def aclose(self) -> None:
        await self._client.aclose()


def create_embedding_cache(
    environment: Mapping[str, str | None] | None = None,
) -> EmbeddingCache:
    """Redis when ``REDIS_URL`` is set, else the in-process LRU."""
    url = ((environment or {}).get("REDIS_URL") or "").strip()
    if url:
        return RedisEmbeddingCache(url)
    return MemoryEmbeddingCache()


# --- batching --------------------------------------------------------------------------------


@dataclass
class EmbedManyOptions:
    """Options of :func:`embed_many` (``EmbedManyOptions`` in TypeScript)."""

    embedder: Embedder
    model: str
    input: Sequence[str]
    dimensions: int | None = None
    input_type: InputType | None = None
    encoding_format: Literal["float", "base64"] | None = None
    batch_size: int | None = None
    max_items: int | None = None
    max_tokens: int | None = None
    concurrency: int = 4
    max_retries: int = 2
    cache: EmbeddingCache | None = None
    catalog: ModelCatalog | None = None
    random: Callable[[], float] = random_module.random
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep


@dataclass
class EmbedManyResult:
    """Vectors in input order; ``usage`` keys as in TypeScript."""

    provider: str
    model: str
    embeddings: list[list[float]]
    usage: dict[str, int]
    cost: Cost | None
    cache_backend: str
    cache_error: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


async def embed_many(options: EmbedManyOptions) -> EmbedManyResult:
    """Embeds any number of texts: cache lookups, each distinct miss sent once, batches within the
    provider's limits, ``concurrency`` at a time, a failed batch retried alone (retryable errors,
    retry-after honoured); the first other failure cancels the rest and raises
    :class:`ProviderError`. Cancellation closes every request in flight."""
    embedder, model, texts = options.embedder, options.model, list(options.input)
    provider = embedder.name
    cache = options.cache
    positions: dict[str, list[int]] = {}
    for index, text in enumerate(texts):
        positions.setdefault(text, []).append(index)
    distinct = list(positions)
    keys = (
        [
            embedding_cache_key(provider, model, options.dimensions, options.input_type, text)
            for text in distinct
        ]
        if cache is not None
        else []
    )
    embeddings: list[list[float] | None] = [None] * len(texts)
    cache_error: str | None = None
    missing: list[str] = []
    missing_keys: list[str] = []
    cached: list[list[float] | None] = []
    if cache is not None:
        cached, cache_error = await cache.get_many(keys)
    for index, text in enumerate(distinct):
        vector = cached[index] if cache is not None else None
        if vector is not None:
            for position in positions[text]:
                embeddings[position] = vector
        else:
            missing.append(text)
            missing_keys.append(keys[index] if cache is not None else "")

    own_items, own_tokens = embedding_limits(provider, model)
    max_items = options.max_items if options.max_items is not None else own_items
    if options.batch_size is not None:
        max_items = min(max_items, options.batch_size)
    max_items = max(1, max_items)
    max_tokens = options.max_tokens if options.max_tokens is not None else own_tokens
    batches = split_into_batches(missing, max_items, max_tokens)
    counters = {"inputTokens": 0, "requests": 0, "retries": 0}

    async def run_batch(start: int, end: int) -> None:
        nonlocal cache_error
        batch = missing[start:end]
        request = EmbedRequest(
            model=model,
            input=batch,
            dimensions=options.dimensions,
            input_type=options.input_type,
            encoding_format=options.encoding_format,
        )
        attempt = 0
        while True:
            try:
                result = await embedder.embed(request)
                if len(result.embeddings) != len(batch):
                    raise create_provider_error(
                        provider=provider,
                        kind="server",
                        model=model,
                        detail=f"asked for {len(batch)} embeddings, got {len(result.embeddings)}",
                    )
                break
            except ProviderError as error:
                if not error.retryable or attempt >= options.max_retries:
                    raise
                counters["retries"] += 1
                delay = retry_delay(
                    attempt=attempt, retry_after_ms=error.retry_after_ms, random=options.random
                )
                await options.sleep(delay / 1000)
                attempt += 1
        counters["requests"] += 1
        counters["inputTokens"] += result.input_tokens
        entries: list[tuple[str, list[float]]] = []
        for offset, text in enumerate(batch):
            vector = result.embeddings[offset]
            for position in positions[text]:
                embeddings[position] = vector
            entries.append((missing_keys[start + offset], vector))
        if cache is not None:
            stored = await cache.set_many(entries)
            if stored is not None and cache_error is None:
                cache_error = stored

    queue = list(batches)

    async def worker() -> None:
        while queue:
            start, end = queue.pop(0)
            await run_batch(start, end)

    workers = (
        [
            asyncio.create_task(worker())
            for _ in range(max(1, min(options.concurrency, len(batches))))
        ]
        if batches
        else []
    )
    try:
        if workers:
            done, _pending = await asyncio.wait(workers, return_when=asyncio.FIRST_EXCEPTION)
            for task in done:
                error = task.exception()
                if error is not None:
                    raise error
            await asyncio.gather(*workers)
    finally:
        for task in workers:
            if not task.done():
                task.cancel()
        if workers:
            await asyncio.gather(*workers, return_exceptions=True)

    usage = empty_usage()
    usage["inputTokens"] = counters["inputTokens"]
    usage["totalTokens"] = counters["inputTokens"]
    catalog = options.catalog or ModelCatalog.default()
    return EmbedManyResult(
        provider=provider,
        model=model,
        embeddings=[vector if vector is not None else [] for vector in embeddings],
        usage={
            "inputTokens": counters["inputTokens"],
            "items": len(texts),
            "cachedItems": len(texts) - len(missing),
            "requests": counters["requests"],
            "retries": counters["retries"],
        },
        cost=catalog.cost(provider, model, usage),
        cache_backend=cache.backend if cache is not None else "none",
        cache_error=cache_error,
    )


# --- output helpers --------------------------------------------------------------------------


def point_id_for_text(text: str) -> str:
    """A UUID (RFC 9562 version 8) from the first 16 bytes of the text's SHA-256."""
    digest = bytearray(hashlib.sha256(_utf8(text)).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x80
    digest[8] = (digest[8] & 0x3F) | 0x80
    hexed = digest.hex()
    return f"{hexed[:8]}-{hexed[8:12]}-{hexed[12:16]}-{hexed[16:20]}-{hexed[20:]}"


def to_qdrant_points(
    texts: Sequence[str],
    vectors: Sequence[list[float]],
    payload: Mapping[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Qdrant-ready points ``{id, vector, payload: {...payload, text, index}}``."""
    points: list[dict[str, Any]] = []
    for index, text in enumerate(texts):
        merged = {
            key: value for key, value in (payload or {}).items() if key not in ("text", "index")
        }
        merged["text"] = text
        merged["index"] = index
        points.append(
            {
                "id": point_id_for_text(text),
                "vector": vectors[index] if index < len(vectors) else [],
                "payload": merged,
            }
        )
    return points


def cosine_similarity(left: Sequence[float], right: Sequence[float]) -> float:
    """Cosine similarity, summed left to right like the TypeScript runtime; 0 for a zero vector."""
    if len(left) != len(right):
        raise ValueError(f"cannot compare vectors of {len(left)} and {len(right)} dimensions")
    dot = 0.0
    left_norm = 0.0
    right_norm = 0.0
    for a, b in zip(left, right, strict=True):
        dot += a * b
        left_norm += a * a
        right_norm += b * b
    if left_norm == 0 or right_norm == 0:
        return 0.0
    return dot / (math.sqrt(left_norm) * math.sqrt(right_norm))


def top_k(
    query: Sequence[float], candidates: Sequence[Sequence[float]], k: int
) -> list[dict[str, Any]]:
    """The ``k`` candidates most similar to ``query``, best first, ties in candidate order:
    ``[{"index", "score"}]``."""
    scored = [
        {"index": index, "score": cosine_similarity(query, candidate)}
        for index, candidate in enumerate(candidates)
    ]
    scored.sort(key=lambda item: (-item["score"], item["index"]))
    return scored[: max(0, k)]
