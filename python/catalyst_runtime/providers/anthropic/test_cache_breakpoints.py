"""Cache breakpoints in the Anthropic body, with the TypeScript tests' cases and wording."""

from __future__ import annotations

import json
from typing import Any

from catalyst_runtime.providers.anthropic.anthropic_provider import (
    anthropic_warnings,
    create_anthropic_body,
)
from catalyst_runtime.providers.anthropic.cache_breakpoints import minimum_cacheable_tokens
from catalyst_runtime.providers.catalog.model_catalog import ModelCatalog, compute_cost
from catalyst_runtime.providers.create_provider import ChatRequest

CATALOG = ModelCatalog.default()
# About 1,250 estimated tokens: above Sonnet 4.5's minimum (1024), below Haiku 4.5's (4096).
LONG = "All work and no play. " * 225
TOOL = {
    "name": "lookup",
    "description": "Looks a word up",
    "parameters": {"type": "object", "properties": {"word": {"type": "string"}}},
}


def _request(**fields: Any) -> ChatRequest:
    request = ChatRequest(model="claude-sonnet-4-5", messages=[{"role": "user", "content": "hi"}])
    for name, value in fields.items():
        setattr(request, name, value)
    return request


def test_minimums_per_model() -> None:
    assert minimum_cacheable_tokens("claude-sonnet-4-5") == 1024
    assert minimum_cacheable_tokens("claude-sonnet-4-6") == 2048
    assert minimum_cacheable_tokens("claude-haiku-4-5") == 4096


def test_system_and_last_tool_get_breakpoints() -> None:
    tools = [TOOL, {**TOOL, "name": "define", "description": LONG}]
    body = create_anthropic_body(_request(system="be brief", tools=tools, cache=True), CATALOG)
    ephemeral = {"type": "ephemeral"}
    assert body["system"] == [{"type": "text", "text": "be brief", "cache_control": ephemeral}]
    assert "cache_control" not in body["tools"][0]
    assert body["tools"][1]["cache_control"] == ephemeral


def test_nothing_without_cache() -> None:
    body = create_anthropic_body(_request(system=LONG, tools=[TOOL]), CATALOG)
    assert body["system"] == LONG
    assert "cache_control" not in json.dumps(body)


def test_marked_message_breakpoint_inside_a_merged_turn() -> None:
    messages = [{"role": "user", "content": LONG, "cache": True}, {"role": "user", "content": "?"}]
    body = create_anthropic_body(_request(messages=messages), CATALOG)
    assert body["messages"] == [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": LONG, "cache_control": {"type": "ephemeral"}},
                {"type": "text", "text": "?"},
            ],
        }
    ]


def test_below_the_minimum_is_skipped_with_a_warning() -> None:
    request = _request(model="claude-haiku-4-5", system=LONG, cache=True)
    assert create_anthropic_body(request, CATALOG)["system"] == LONG
    assert anthropic_warnings(request) == [
        {
            "type": "unsupported-setting",
            "setting": "cache",
            "message": "anthropic: no cache breakpoint after the system prompt: the prefix is "
            "about 1245 tokens, below the 4096 that claude-haiku-4-5 caches",
        }
    ]


def test_at_most_four_the_latest_messages_kept() -> None:
    messages: list[dict[str, Any]] = []
    for turn in range(1, 5):
        messages.append({"role": "user", "content": f"question {turn}", "cache": True})
        messages.append({"role": "assistant", "content": f"answer {turn}", "cache": True})
    request = _request(
        system="be brief", tools=[{**TOOL, "description": LONG}], messages=messages, cache=True
    )
    body = create_anthropic_body(request, CATALOG)
    assert json.dumps(body).count("cache_control") == 4
    assert body["messages"][-1]["content"][-1]["cache_control"] == {"type": "ephemeral"}
    assert "cache_control" not in body["messages"][5]["content"][-1]
    assert anthropic_warnings(request) == [
        {
            "type": "unsupported-setting",
            "setting": "cache",
            "message": "anthropic: 6 cache breakpoint(s) dropped (after message 1, 2, 3, 4, 5, 6): "
            "a request takes at most 4, and the latest are kept",
        }
    ]


def test_saving_only_with_cached_tokens() -> None:
    pricing = {
        "inputPerMillion": 1,
        "outputPerMillion": 5,
        "cacheReadPerMillion": 0.1,
        "cacheWritePerMillion": 1.25,
    }

    def usage(read: int, write: int) -> Any:
        return {
            "inputTokens": 10_000,
            "outputTokens": 10,
            "totalTokens": 10_010,
            "cacheReadTokens": read,
            "cacheWriteTokens": write,
            "reasoningTokens": 0,
        }

    assert "saving" not in compute_cost(pricing, usage(0, 0))
    assert compute_cost(pricing, usage(9000, 0))["saving"] == 0.0081
    assert compute_cost(pricing, usage(0, 9000))["saving"] == -0.00225
