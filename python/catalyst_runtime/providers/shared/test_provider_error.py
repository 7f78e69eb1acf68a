"""The provider's own words travel as ``ProviderError.detail``; adding to them rebuilds the message
the TypeScript runtime writes, and the serialised error never carries the field."""

from __future__ import annotations

from catalyst_runtime.providers.shared.provider_error import (
    create_provider_error,
    with_more_detail,
)


def test_detail_holds_the_provider_words_trimmed_and_redacted() -> None:
    error = create_provider_error(
        provider="openai",
        kind="model_not_found",
        model="gpt-x",
        status=404,
        detail="  no model gpt-x for key sk-abcdefghijklmnop  ",
    )
    assert error.detail == "no model gpt-x for key [redacted]"
    assert error.message == (
        'OpenAI does not serve the model "gpt-x" (HTTP 404): no model gpt-x for key [redacted].'
    )
    assert "detail" not in error.to_json()


def test_more_detail_follows_the_provider_words_as_a_sentence() -> None:
    error = create_provider_error(
        provider="openai", kind="model_not_found", model="gpt-x", status=404, detail="not found"
    )
    more = with_more_detail(error, "Available models: a, b.")
    assert more.message == (
        'OpenAI does not serve the model "gpt-x" (HTTP 404): not found. Available models: a, b.'
    )
    assert more.detail == "not found. Available models: a, b."
    assert (more.kind, more.status, more.model) == ("model_not_found", 404, "gpt-x")


def test_without_provider_words_the_message_stands_in_for_them() -> None:
    error = create_provider_error(provider="gemini", kind="model_not_found", model="m")
    assert error.detail is None
    more = with_more_detail(error, "Available models: a.")
    assert more.message == (
        'Google Gemini does not serve the model "m": Google Gemini does not serve the model "m". '
        "Available models: a."
    )
