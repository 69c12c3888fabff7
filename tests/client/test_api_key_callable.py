"""``api_key`` as a callable: asked for the key before every attempt, as openai-python does.

The case it is for: Azure's v1 endpoint with Microsoft Entra ID, where
``OpenAI(base_url=".../openai/v1/", api_key=get_bearer_token_provider(...))`` sends each
request with a token that is current. ``AzureOpenAI`` takes a callable ``api_key`` too
and sends what it returns as ``api-key``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from openai_uploads import (
    AsyncAzureOpenAI,
    AsyncOpenAI,
    AzureOpenAI,
    MutuallyExclusiveAuthError,
    OpenAI,
)

from .conftest import TEST_API_KEY, Reply, ScriptedServer

VERSION = "2025-04-01-preview"
ENV = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "AZURE_OPENAI_API_KEY", "AZURE_OPENAI_AD_TOKEN")
BUSY = {"error": {"message": "busy", "type": "server_error", "param": None, "code": None}}


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)


class Keys:
    """A key provider handing out a new key on every call, remembering them all."""

    def __init__(self, prefix: str = "key") -> None:
        self.prefix = prefix
        self.issued: list[str] = []
        self._lock = threading.Lock()

    def __call__(self) -> str:
        with self._lock:
            key = f"{self.prefix}-{len(self.issued) + 1}"
            self.issued.append(key)
            return key


def _retry_twice(scripted: ScriptedServer) -> None:
    scripted.script(Reply(status=503, body=BUSY, headers={"retry-after-ms": "1"}))
    scripted.script(Reply(status=503, body=BUSY, headers={"retry-after-ms": "1"}))


def test_each_attempt_is_sent_with_a_new_key_as_bearer(scripted: ScriptedServer) -> None:
    _retry_twice(scripted)
    keys = Keys()
    with OpenAI(base_url=scripted.base_url, api_key=keys, load_plugins=False) as client:
        client.uploads.cancel("upload_abc")
    sent = [r.headers["authorization"] for r in scripted.requests]
    assert sent == ["Bearer key-1", "Bearer key-2", "Bearer key-3"]


def test_the_key_of_a_callable_is_not_kept_on_the_client(scripted: ScriptedServer) -> None:
    keys = Keys()
    with OpenAI(base_url=scripted.base_url, api_key=keys, load_plugins=False) as client:
        client.uploads.cancel("upload_abc")
        assert "key-1" not in repr(client)
        assert "key-1" not in client.api_key
        assert "key-1" not in str(client.default_headers)


@pytest.mark.parametrize("kind", ["coroutine", "sync"])
async def test_async_client_accepts_async_and_sync_key_callables(
    scripted: ScriptedServer, kind: str
) -> None:
    keys = Keys()

    async def async_keys() -> str:
        return keys()

    api_key: Callable[[], str | Awaitable[str]] = async_keys if kind == "coroutine" else keys
    async with AsyncOpenAI(base_url=scripted.base_url, api_key=api_key) as client:
        await client.uploads.cancel("upload_abc")
        await client.uploads.cancel("upload_abc")
    sent = [r.headers["authorization"] for r in scripted.requests]
    assert sent == ["Bearer key-1", "Bearer key-2"]


@pytest.mark.parametrize("returned", ["", None, 42])
def test_a_callable_returning_no_key_fails_before_sending(
    scripted: ScriptedServer, returned: object
) -> None:
    client = OpenAI(base_url=scripted.base_url, api_key=lambda: returned)  # type: ignore[arg-type,return-value]
    with client, pytest.raises(ValueError, match="api_key callable to return a non-empty string"):
        client.uploads.cancel("upload_abc")
    assert scripted.requests == []


def test_a_coroutine_function_given_to_the_sync_client_is_refused_before_sending(
    scripted: ScriptedServer, recwarn: pytest.WarningsRecorder
) -> None:
    async def async_key() -> str:
        return "key"

    client = OpenAI(base_url=scripted.base_url, api_key=async_key)  # type: ignore[arg-type]
    with client, pytest.raises(ValueError, match="needs the async client"):
        client.uploads.cancel("upload_abc")
    assert scripted.requests == []
    assert not [w for w in recwarn if "never awaited" in str(w.message)]


def test_a_callable_that_raises_surfaces_its_error_before_sending(
    scripted: ScriptedServer,
) -> None:
    def broken() -> str:
        raise PermissionError("token service unavailable")

    client = OpenAI(base_url=scripted.base_url, api_key=broken, max_retries=5)
    with client, pytest.raises(PermissionError, match="token service unavailable"):
        client.uploads.cancel("upload_abc")
    assert scripted.requests == []


async def test_an_async_callable_that_raises_surfaces_its_error_before_sending(
    scripted: ScriptedServer,
) -> None:
    async def broken() -> str:
        raise PermissionError("token service unavailable")

    async with AsyncOpenAI(base_url=scripted.base_url, api_key=broken, max_retries=5) as client:
        with pytest.raises(PermissionError, match="token service unavailable"):
            await client.uploads.cancel("upload_abc")
    assert scripted.requests == []


def test_an_api_key_that_is_neither_str_nor_callable_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="api_key must be a str or a callable"):
        OpenAI(api_key=b"sk-bytes")  # type: ignore[arg-type]


def test_with_options_keeps_the_key_callable(scripted: ScriptedServer) -> None:
    keys = Keys()
    with OpenAI(base_url=scripted.base_url, api_key=keys) as client:
        client.with_options(max_retries=0).uploads.cancel("upload_abc")
        client.with_options(api_key="sk-static").uploads.cancel("upload_abc")
    sent = [r.headers["authorization"] for r in scripted.requests]
    assert sent == ["Bearer key-1", "Bearer sk-static"]


def test_with_options_can_switch_a_static_key_to_a_callable(scripted: ScriptedServer) -> None:
    keys = Keys()
    with OpenAI(base_url=scripted.base_url, api_key="sk-static") as client:
        client.with_options(api_key=keys).uploads.cancel("upload_abc")
        client.uploads.cancel("upload_abc")
    sent = [r.headers["authorization"] for r in scripted.requests]
    assert sent == ["Bearer key-1", "Bearer sk-static"]


# --------------------------------------------------------------------------- Azure


def test_azure_sends_a_callable_key_as_api_key_on_every_attempt(
    scripted: ScriptedServer,
) -> None:
    _retry_twice(scripted)
    keys = Keys()
    with AzureOpenAI(base_url=scripted.base_url, api_version=VERSION, api_key=keys) as client:
        client.uploads.cancel("upload_abc")
    assert [r.headers["api-key"] for r in scripted.requests] == ["key-1", "key-2", "key-3"]
    assert all("authorization" not in r.headers for r in scripted.requests)
    assert all(r.query == f"api-version={VERSION}" for r in scripted.requests)


async def test_async_azure_awaits_an_async_key_callable(scripted: ScriptedServer) -> None:
    keys = Keys()

    async def async_keys() -> str:
        return keys()

    async with AsyncAzureOpenAI(
        base_url=scripted.base_url, api_version=VERSION, api_key=async_keys
    ) as client:
        await client.uploads.cancel("upload_abc")
    assert [r.headers["api-key"] for r in scripted.requests] == ["key-1"]


def test_azure_callable_key_and_a_token_are_mutually_exclusive() -> None:
    with pytest.raises(MutuallyExclusiveAuthError):
        AzureOpenAI(
            azure_endpoint="https://r.openai.azure.com",
            api_version=VERSION,
            api_key=Keys(),
            azure_ad_token="t",
        )


def test_azure_callable_key_wins_over_the_environment(
    scripted: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AZURE_OPENAI_AD_TOKEN", "env-token")
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", "env-key")
    with AzureOpenAI(base_url=scripted.base_url, api_version=VERSION, api_key=Keys()) as client:
        client.uploads.cancel("upload_abc")
    (request,) = scripted.requests
    assert request.headers["api-key"] == "key-1"
    assert "authorization" not in request.headers


def test_azure_repr_names_a_callable_key_without_calling_it() -> None:
    keys = Keys()
    client = AzureOpenAI(
        azure_endpoint="https://r.openai.azure.com", api_version=VERSION, api_key=keys
    )
    assert "api_key=<provider>" in repr(client)
    assert keys.issued == []


def test_azure_with_options_switches_a_callable_key_to_a_token_provider(
    scripted: ScriptedServer,
) -> None:
    keys, tokens = Keys(), Keys("entra")
    with AzureOpenAI(base_url=scripted.base_url, api_version=VERSION, api_key=keys) as client:
        client.with_options(azure_ad_token_provider=tokens).uploads.cancel("upload_abc")
        client.with_options(max_retries=0).uploads.cancel("upload_abc")
    first, second = scripted.requests
    assert first.headers["authorization"] == "Bearer entra-1"
    assert "api-key" not in first.headers
    assert second.headers["api-key"] == "key-1"
    assert "authorization" not in second.headers


# --------------------------------------------------------------------------- end to end


@pytest.fixture
def open_emulator(tmp_path: Path) -> Iterator[Any]:
    """An emulator accepting any bearer token (it cannot check Entra tokens)."""
    from openai_uploads.emulator import EmulatorServer

    with EmulatorServer(data_dir=tmp_path / "emulator", api_key=None) as server:
        yield server


def test_upload_through_the_azure_v1_surface_with_a_token_provider_is_byte_exact(
    open_emulator: Any, tmp_path: Path
) -> None:
    data = os.urandom(3 * 65536 + 5)
    path = tmp_path / "train.jsonl"
    path.write_bytes(data)
    tokens = Keys("entra")
    with OpenAI(
        base_url=open_emulator.azure_endpoint + "/openai/v1/", api_key=tokens, load_plugins=False
    ) as client:
        upload = client.uploads.upload_file_chunked(
            file=path, mime_type="application/jsonl", purpose="fine-tune", part_size=65536
        )
        assert upload.file is not None
        assert client.files.content(upload.file.id).content == data
    # create, 4 parts, complete, content: one token each
    assert len(tokens.issued) == 7
    assert open_emulator.store.file_path(upload.file.id).read_bytes() == data


def test_azure_callable_key_uploads_to_the_emulator(emulator: Any, tmp_path: Path) -> None:
    data = os.urandom(2 * 65536 + 9)
    path = tmp_path / "train.jsonl"
    path.write_bytes(data)
    with AzureOpenAI(
        azure_endpoint=emulator.azure_endpoint,
        api_version=VERSION,
        api_key=lambda: TEST_API_KEY,
        load_plugins=False,
    ) as client:
        upload = client.uploads.upload_file_chunked(
            file=path, mime_type="application/jsonl", purpose="fine-tune", part_size=65536
        )
        assert upload.file is not None
    assert emulator.store.file_path(upload.file.id).read_bytes() == data
