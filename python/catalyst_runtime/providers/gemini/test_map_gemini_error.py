"""How google-genai's transport failures map to typed errors (the TypeScript twin is
packages/providers/src/gemini/map-gemini-error.test.ts)."""

from __future__ import annotations

import json

from google.genai import errors as genai_errors

from catalyst_runtime.providers.gemini.gemini_provider import map_gemini_error


def _decode_error() -> json.JSONDecodeError:
    try:
        json.loads('{"candidates": [{"text": "trunc')
    except json.JSONDecodeError as error:
        return error
    raise AssertionError("the cut-off JSON parsed")


def test_a_cut_off_stream_chunk_is_a_retryable_server_error() -> None:
    # What google-genai 1.x raises when a stream frame's JSON is cut off (the simulator's
    # `malformed` fault): the run must say "malformed", not "could not reach".
    error = genai_errors.UnknownApiResponseError(
        'Failed to parse response as JSON. Raw response: {"candidates": [{"text": "trunc'
    )
    error.__cause__ = _decode_error()
    mapped = map_gemini_error(error, model="gemini-2.5-flash", secrets=[])
    assert mapped.kind == "server"
    assert mapped.retryable
    assert "malformed" in str(mapped)


def test_a_bare_decode_error_is_malformed_too() -> None:
    mapped = map_gemini_error(_decode_error(), model="gemini-2.5-flash", secrets=[])
    assert mapped.kind == "server"


def test_other_value_errors_stay_network_errors() -> None:
    mapped = map_gemini_error(ValueError("something else"), model=None, secrets=[])
    assert mapped.kind == "network"
