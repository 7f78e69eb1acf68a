"""The ``embeddingGenerate`` executor (``packages/runtime/src/executors/embedding-executor.ts``)."""

from __future__ import annotations

from typing import Any

from catalyst_runtime.engine.node_context import NodeContext, NodeResult
from catalyst_runtime.engine.node_failure import NodeFailure
from catalyst_runtime.engine.render_config_value import (
    render_deep,
    render_template_text,
    render_template_value,
)
from catalyst_runtime.providers.catalog.model_catalog import ModelCatalog, empty_usage
from catalyst_runtime.providers.embeddings.embeddings import (
    Embedder,
    EmbeddingCache,
    EmbedManyOptions,
    EmbedManyResult,
    embed_many,
    to_qdrant_points,
    top_k,
)
from catalyst_runtime.providers.shared.provider_error import ProviderError

__all__ = ["execute_embedding_generate"]


def _describe(value: Any) -> str:
    # How the TypeScript executor names a JSON value.
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _invalid(node: str, field: str, message: str) -> NodeFailure:
    return NodeFailure(
        node=node, kind="validation", message=f'node "{node}" field "{field}": {message}'
    )


def _resolve_texts(node_id: str, config: dict[str, Any], scope: dict[str, Any]) -> list[str]:
    value = config.get("input")
    texts: list[Any]
    if isinstance(value, str):
        rendered = render_template_value(node_id, "input", value, scope)
        if isinstance(rendered, str):
            texts = [rendered]
        elif isinstance(rendered, list):
            texts = rendered
        else:
            raise _invalid(
                node_id,
                "input",
                f"gave {_describe(rendered)}; expected a string or a list of strings",
            )
    elif isinstance(value, list):
        texts = [
            render_template_text(node_id, f"input[{index}]", item, scope)
            if isinstance(item, str)
            else item
            for index, item in enumerate(value)
        ]
    else:
        raise _invalid(node_id, "input", "expected a string or a list of strings")
    for index, text in enumerate(texts):
        if not isinstance(text, str):
            raise _invalid(node_id, f"input[{index}]", f"is {_describe(text)}; expected a string")
        if text == "":
            raise _invalid(node_id, f"input[{index}]", "an empty string cannot be embedded")
    return texts


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


async def execute_embedding_generate(context: NodeContext) -> NodeResult:
    """Embeds the input texts (batched, cached, retried per batch); outputs vectors, points and
    an optional cosine ranking against ``query``."""
    config, scope = context.config, context.scope
    node_id: str = context.node["id"]
    provider_name = str(config.get("provider") or "openai")
    model = str(config.get("model"))
    texts = _resolve_texts(node_id, config, scope)
    query: str | None = None
    if isinstance(config.get("query"), str):
        query = render_template_text(node_id, "query", config["query"], scope)
        if query == "":
            raise _invalid(node_id, "query", "an empty string cannot be embedded")
    payload = (
        render_deep(node_id, "payload", config["payload"], scope) if "payload" in config else None
    )
    if context.embedders is None:
        raise RuntimeError("this runtime was started without embedding providers")
    embedder = context.embedders(provider_name)
    cache = None if config.get("cache") is False else context.embedding_cache
    input_type = (
        config.get("inputType") if config.get("inputType") in ("query", "document") else None
    )

    def options(input_texts: list[str], kind: Any) -> EmbedManyOptions:
        return _embed_options(config, embedder, model, cache, input_texts, kind)

    try:
        result = await embed_many(options(texts, input_type))
        query_result: EmbedManyResult | None = None
        if query is not None:
            query_result = await embed_many(options([query], "query"))
    except ProviderError as error:
        raise NodeFailure(
            node=node_id, kind=error.kind, message=str(error), retryable=error.retryable
        ) from error
    return _embedding_result(config, provider_name, model, texts, payload, result, query_result)


def _embed_options(
    config: dict[str, Any],
    embedder: Embedder,
    model: str,
    cache: EmbeddingCache | None,
    input_texts: list[str],
    input_type: Any,
) -> EmbedManyOptions:
    # The node's settings as embed_many takes them; absent numbers take its defaults.
    encoding = (
        config.get("encodingFormat")
        if config.get("encodingFormat") in ("float", "base64")
        else None
    )
    return EmbedManyOptions(
        embedder=embedder,
        model=model,
        input=input_texts,
        dimensions=int(config["dimensions"]) if _number(config.get("dimensions")) else None,
        input_type=input_type,
        encoding_format=encoding,
        batch_size=int(config["batchSize"]) if _number(config.get("batchSize")) else None,
        concurrency=int(config["concurrency"]) if _number(config.get("concurrency")) else 4,
        max_retries=int(config["maxRetries"]) if _number(config.get("maxRetries")) else 2,
        cache=cache,
    )


def _embedding_result(
    config: dict[str, Any],
    provider_name: str,
    model: str,
    texts: list[str],
    payload: Any,
    result: EmbedManyResult,
    query_result: EmbedManyResult | None,
) -> NodeResult:
    # Vectors, points, ranking, and the usage and cost of both calls together.
    results = [result] if query_result is None else [result, query_result]
    input_tokens = sum(each.usage["inputTokens"] for each in results)
    embedding = {
        key: sum(each.usage[key] for each in results)
        for key in ("items", "cachedItems", "requests", "retries")
    }
    usage = empty_usage()
    usage["inputTokens"] = input_tokens
    usage["totalTokens"] = input_tokens
    cost = ModelCatalog.default().cost(provider_name, model, usage)
    cache_error = next((each.cache_error for each in results if each.cache_error is not None), None)

    vectors = result.embeddings
    output: dict[str, Any] = {
        "provider": provider_name,
        "model": model,
        "dimensions": len(vectors[0]) if vectors else None,
        "vectors": vectors,
    }
    if config.get("points") is not False:
        output["points"] = to_qdrant_points(
            texts, vectors, payload if isinstance(payload, dict) else None
        )
    if query_result is not None:
        k = int(config["topK"]) if _number(config.get("topK")) else 5
        output["ranking"] = [
            {"index": item["index"], "score": item["score"], "text": texts[item["index"]]}
            for item in top_k(query_result.embeddings[0], vectors, k)
        ]
    output["usage"] = {"inputTokens": input_tokens, **embedding}
    output["cost"] = dict(cost) if cost else None
    output["cache"] = {"backend": result.cache_backend}
    if cache_error is not None:
        output["cache"]["error"] = cache_error
    return NodeResult(
        output,
        ["output"],
        usage={
            "provider": provider_name,
            "model": model,
            "usage": usage,
            "cost": cost,
            "embedding": embedding,
        },
    )
