"""The prompt estimate routers price with (the same numbers as the TypeScript tests)."""

from __future__ import annotations

from catalyst_runtime.providers.catalog.model_catalog import estimate_prompt_tokens


def test_prompt_estimate_counts_code_points() -> None:
    assert estimate_prompt_tokens([{"role": "user", "content": "Hello there!"}], None) == 10
    image = {"type": "image", "url": "https://x"}
    parts = [{"type": "text", "text": "😀😀😀😀😀"}, image]
    assert estimate_prompt_tokens([{"role": "user", "content": parts}], "sys") == 3 + 5 + 6
