"""Where Anthropic prompt-cache breakpoints go (TypeScript:
``providers/anthropic/plan-anthropic-cache-breakpoints``): after the tools and the system prompt
when the request asks for caching, after each message marked ``cache: true``; none below the
model's minimum cacheable length, at most four (the earliest message breakpoints dropped), each
skipped breakpoint reported as a warning in the TypeScript wording."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from catalyst_runtime.javascript.json_text import dumps_text
from catalyst_runtime.providers.catalog.model_catalog import estimate_prompt_tokens

__all__ = [
    "MAX_CACHE_BREAKPOINTS",
    "CacheBreakpoints",
    "minimum_cacheable_tokens",
    "plan_cache_breakpoints",
]

MAX_CACHE_BREAKPOINTS = 4

# Anthropic's prompt-caching docs; first matching id prefix wins, other models 1024. Haiku 4.x
# (4.5) is matched by family, so no model id is copied here from the manifest.
_MINIMUM_CACHEABLE_TOKENS: tuple[tuple[str, int], ...] = (
    ("claude-opus-4-6", 4096),
    ("claude-opus-4-5", 4096),
    ("claude-haiku-4-", 4096),
    ("claude-sonnet-4-6", 2048),
    ("claude-3-5-haiku", 2048),
    ("claude-3-haiku", 2048),
)
_DEFAULT_MINIMUM_CACHEABLE_TOKENS = 1024


def minimum_cacheable_tokens(model: str) -> int:
    """The smallest prefix, in tokens, Anthropic caches for ``model``."""
    for prefix, tokens in _MINIMUM_CACHEABLE_TOKENS:
        if model.startswith(prefix):
            return tokens
    return _DEFAULT_MINIMUM_CACHEABLE_TOKENS


@dataclass
class CacheBreakpoints:
    """Breakpoints to place: after the last tool, after the system prompt, after messages (by
    index in the conversation), and the warnings for those not placed."""

    tools: bool = False
    system: bool = False
    messages: set[int] = field(default_factory=set)
    warnings: list[dict[str, Any]] = field(default_factory=list)


def plan_cache_breakpoints(
    request: Any,
    system: str | None,
    conversation: Sequence[Mapping[str, Any]],
    tools: Sequence[Mapping[str, Any]],
) -> CacheBreakpoints:
    """``planAnthropicCacheBreakpoints``: the same estimate (tools counted as their JSON text),
    the same order of checks, the same messages."""
    plan = CacheBreakpoints()
    model: str = request.model
    minimum = minimum_cacheable_tokens(model)
    tool_tokens = (
        estimate_prompt_tokens([{"content": dumps_text(tool)} for tool in tools], None) - 3
        if tools
        else 0
    )

    def prefix_tokens(message_count: int, with_system: bool) -> int:
        return tool_tokens + estimate_prompt_tokens(
            conversation[:message_count], system if with_system else None
        )

    def too_short(where: str, tokens: int) -> None:
        plan.warnings.append(
            {
                "type": "unsupported-setting",
                "setting": "cache",
                "message": f"anthropic: no cache breakpoint {where}: the prefix is about {tokens} "
                f"tokens, below the {minimum} that {model} caches",
            }
        )

    if request.cache is True and tools:
        tokens = prefix_tokens(0, False)
        if tokens >= minimum:
            plan.tools = True
        else:
            too_short("after the tools", tokens)
    system_marked = request.cache is True or any(
        message["role"] == "system" and message.get("cache") is True for message in request.messages
    )
    if system_marked and system is not None:
        tokens = prefix_tokens(0, True)
        if tokens >= minimum:
            plan.system = True
        else:
            too_short("after the system prompt", tokens)
    marked: list[int] = []
    for index, message in enumerate(conversation):
        if message.get("cache") is not True:
            continue
        tokens = prefix_tokens(index + 1, True)
        if tokens >= minimum:
            marked.append(index)
        else:
            too_short(f"after message {index + 1}", tokens)
    slots = MAX_CACHE_BREAKPOINTS - int(plan.tools) - int(plan.system)
    dropped = len(marked) - slots
    if dropped > 0:
        positions = ", ".join(str(index + 1) for index in marked[:dropped])
        plan.warnings.append(
            {
                "type": "unsupported-setting",
                "setting": "cache",
                "message": f"anthropic: {dropped} cache breakpoint(s) dropped (after message "
                f"{positions}): a request takes at most {MAX_CACHE_BREAKPOINTS}, and the latest "
                "are kept",
            }
        )
    plan.messages.update(marked[max(0, dropped) :])
    return plan
