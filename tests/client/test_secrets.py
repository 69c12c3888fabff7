"""The API key (or Entra ID token) never shows in a repr, an exception, a log line, a
cassette or a resume state file."""

from __future__ import annotations

import logging
import traceback
from pathlib import Path
from typing import Any

import pytest

from openai_uploads import (
    APIStatusError,
    AsyncAzureOpenAI,
    AsyncOpenAI,
    AzureOpenAI,
    OpenAI,
    RetryContext,
    hookimpl,
)

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
        assert "api-key:" not in text.lower(), path


# --------------------------------------------------------------------------- Azure

AZURE_TOKEN = "eyJ0eXAiOiJKV1Qi.entra-token-5d1c-DO-NOT-LEAK"


def _azure_clients(base_url: str) -> list[Any]:
    common = {"base_url": base_url, "api_version": "2025-04-01-preview", "load_plugins": False}
    return [
        AzureOpenAI(api_key=TEST_API_KEY, **common),
        AzureOpenAI(azure_ad_token=AZURE_TOKEN, **common),
        AzureOpenAI(azure_ad_token_provider=lambda: AZURE_TOKEN, **common),
        AsyncAzureOpenAI(api_key=TEST_API_KEY, **common),
        AsyncAzureOpenAI(azure_ad_token=AZURE_TOKEN, **common),
    ]


def test_azure_client_reprs_hide_the_key_and_token() -> None:
    for client in _azure_clients("https://r.openai.azure.com/openai"):
        for text in (repr(client), str(client), repr(client.with_options(max_retries=1))):
            assert TEST_API_KEY not in text
            assert AZURE_TOKEN not in text


@pytest.mark.parametrize(
    "credential", ["api_key", "api_key callable", "azure_ad_token", "azure_ad_token_provider"]
)
def test_azure_errors_hooks_and_logs_do_not_contain_the_key_or_token(
    scripted: ScriptedServer, caplog: pytest.LogCaptureFixture, credential: str
) -> None:
    error = {"error": {"code": "401", "message": "Access denied"}}
    scripted.script(Reply(status=500, body=error, headers={"retry-after": "0"}))
    scripted.script(Reply(status=401, body=error))
    caplog.set_level(logging.DEBUG)
    seen: list[str] = []

    class Spy:
        @hookimpl
        def decide_retry(self, event: RetryContext) -> None:
            seen.append(repr(event.request.headers))
            seen.append(str(dict(event.request.headers)))

    secret = TEST_API_KEY if credential.startswith("api_key") else AZURE_TOKEN
    value: Any = (lambda: secret) if credential.endswith(("callable", "provider")) else secret
    client = AzureOpenAI(
        base_url=scripted.base_url,
        api_version="2025-04-01-preview",
        plugins=[Spy()],
        **{credential.removesuffix(" callable"): value},
    )
    with client, pytest.raises(APIStatusError) as info:
        client.files.retrieve("file-1")
    exc: Any = info.value
    sent = scripted.requests[0].headers
    assert secret in (sent.get("api-key", "") + sent.get("authorization", ""))
    rendered = [
        str(exc),
        repr(exc),
        "".join(traceback.format_exception(exc)),
        repr(exc.request),
        repr(exc.request.headers),
        repr(exc.response),
        caplog.text,
        *seen,
    ]
    assert caplog.text
    assert seen
    for text in rendered:
        assert secret not in text
    # The request itself keeps its real headers: it is the caller's to read.
    assert secret in str(dict(exc.request.headers))


@pytest.mark.parametrize("credential", ["api_key", "azure_ad_token_provider"])
def test_azure_resume_state_file_does_not_contain_the_key_or_token(
    emulator: Any, tmp_path: Path, credential: str
) -> None:
    data = b"x" * 3000
    path = tmp_path / "data.bin"
    path.write_bytes(data)
    state = tmp_path / "state.json"
    from openai_uploads.emulator import FaultConfig

    emulator.faults = FaultConfig(p_500=1.0, endpoints=frozenset({"complete"}))
    with (
        AzureOpenAI(
            # the emulator takes its key as the Entra token
            **{credential: TEST_API_KEY if credential == "api_key" else lambda: TEST_API_KEY},
            azure_endpoint=emulator.azure_endpoint,
            api_version="2025-04-01-preview",
            max_retries=0,
            load_plugins=False,
        ) as client,
        pytest.raises(APIStatusError),
    ):
        client.uploads.upload_file_chunked(
            file=path,
            mime_type="application/octet-stream",
            purpose="assistants",
            part_size=1000,
            resume=True,
            state_file=state,
        )
    assert state.exists()
    assert TEST_API_KEY not in state.read_text()


def test_a_callable_key_does_not_show_in_errors_or_logs(
    scripted: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    error = {"error": {"message": "nope", "type": "t", "param": None, "code": None}}
    scripted.script(Reply(status=500, body=error, headers={"retry-after": "0"}))
    scripted.script(Reply(status=401, body=error))
    caplog.set_level(logging.DEBUG)
    client = OpenAI(api_key=lambda: AZURE_TOKEN, base_url=scripted.base_url)
    with client, pytest.raises(APIStatusError) as info:
        client.files.retrieve("file-1")
    exc: Any = info.value
    assert scripted.requests[0].headers["authorization"] == f"Bearer {AZURE_TOKEN}"
    rendered = [
        str(exc),
        repr(exc),
        "".join(traceback.format_exception(exc)),
        repr(exc.request.headers),
        repr(client),
        str(client.default_headers),
        caplog.text,
    ]
    for text in rendered:
        assert AZURE_TOKEN not in text
    # The request itself keeps its real headers: it is the caller's to read.
    assert exc.request.headers["authorization"] == f"Bearer {AZURE_TOKEN}"
