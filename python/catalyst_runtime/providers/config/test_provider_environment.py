"""Server-wide stream timeouts from the environment: the names both runtimes read."""

from __future__ import annotations

import pytest

from catalyst_runtime.providers.config.provider_environment import (
    read_milliseconds_variable,
    resolve_provider_settings,
)


def test_timeouts_come_from_the_catalyst_variables() -> None:
    settings = resolve_provider_settings(
        "openai",
        environment={"CATALYST_FIRST_TOKEN_TIMEOUT_MS": "5000", "CATALYST_IDLE_TIMEOUT_MS": "0"},
    )
    assert settings.first_token_timeout_ms == 5000
    assert settings.idle_timeout_ms == 0
    assert resolve_provider_settings("openai", environment={}).first_token_timeout_ms is None


@pytest.mark.parametrize("raw", ["-1", "1.5", "abc", "1_000", "inf"])
def test_a_malformed_timeout_names_the_variable(raw: str) -> None:
    with pytest.raises(ValueError, match=r"^CATALYST_IDLE_TIMEOUT_MS must be a whole number"):
        read_milliseconds_variable("CATALYST_IDLE_TIMEOUT_MS", {"CATALYST_IDLE_TIMEOUT_MS": raw})


def test_javascript_number_spellings_are_accepted() -> None:
    assert read_milliseconds_variable("X", {"X": " 1e3 "}) == 1000
    assert read_milliseconds_variable("X", {"X": ""}) is None
