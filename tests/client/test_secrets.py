"""The API key never shows in a repr, an exception, a log line or a cassette."""

from __future__ import annotations

import logging
import traceback
from typing import Any

import pytest

from openai_uploads import APIStatusError, AsyncOpenAI, OpenAI

from .conftest import CASSETTE_DIR, TEST_API_KEY, Reply, ScriptedServer


def test_client_repr_hides_the_key() -> None:
    for client in (OpenAI(api_key=TEST_API_KEY), AsyncOpenAI(api_key=TEST_API_KEY)):
        assert TEST_API_KEY not in repr(client)
        assert TEST_API_KEY not in str(client)
        assert "<hidden>" in repr(client)


def test_error_and_logs_do_not_contain_the_key(
    scripted: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    error = {"error": {"message": "nope", "type": "t", "param": None, "code": None}}
    scripted.script(Reply(status=500, body=error, headers={"retry-after": "0"}))
    scripted.script(Reply(status=401, body=error))
    caplog.set_level(logging.DEBUG)
    client = OpenAI(api_key=TEST_API_KEY, base_url=scripted.base_url)
    with client, pytest.raises(APIStatusError) as info:
        client.files.retrieve("file-1")
    exc: Any = info.value
    rendered = [
        str(exc),
        repr(exc),
        "".join(traceback.format_exception(exc)),
        repr(exc.request),
        repr(exc.request.headers),
        repr(exc.response),
        caplog.text,
    ]
    assert caplog.text  # something was logged
    for text in rendered:
        assert TEST_API_KEY not in text


def test_cassettes_do_not_contain_the_key() -> None:
    cassettes = list(CASSETTE_DIR.rglob("*.yaml"))
    assert cassettes
    for path in cassettes:
        text = path.read_text()
        assert TEST_API_KEY not in text, path
        assert "Bearer" not in text, path
