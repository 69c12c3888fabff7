"""``AzureOpenAI`` / ``AsyncAzureOpenAI``: configuration, credentials, and auth per attempt."""

from __future__ import annotations

import os
import threading
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from openai_uploads import (
    AsyncAzureOpenAI,
    AuthenticationError,
    AzureOpenAI,
    OpenAIError,
    RequestStarted,
    hookimpl,
)
from openai_uploads._azure import MutuallyExclusiveAuthError

from .conftest import TEST_API_KEY, Reply, ScriptedServer

ENDPOINT = "https://my-resource.openai.azure.com"
VERSION = "2025-04-01-preview"
KEY = "azure-key-3b9e-DO-NOT-LEAK"
AZURE_ENV = (
    "AZURE_OPENAI_API_KEY",
    "AZURE_OPENAI_AD_TOKEN",
    "AZURE_OPENAI_ENDPOINT",
    "OPENAI_API_VERSION",
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in AZURE_ENV:
        monkeypatch.delenv(name, raising=False)


class Tokens:
    """A token provider handing out a new token on every call, remembering them all."""

    def __init__(self) -> None:
        self.issued: list[str] = []
        self._lock = threading.Lock()

    def __call__(self) -> str:
        with self._lock:
            token = f"entra-{len(self.issued) + 1}"
            self.issued.append(token)
            return token


def _sent_headers() -> tuple[list[httpx.Headers], Callable[[httpx.Request], None]]:
    seen: list[httpx.Headers] = []

    def hook(request: httpx.Request) -> None:
        seen.append(httpx.Headers(request.headers))

    return seen, hook


# --------------------------------------------------------------------------- configuration


def test_missing_credentials_is_an_openai_error() -> None:
    with pytest.raises(OpenAIError, match="Missing credentials"):
        AzureOpenAI(azure_endpoint=ENDPOINT, api_version=VERSION)


def test_openai_api_key_is_not_an_azure_credential(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai")
    with pytest.raises(OpenAIError, match="AZURE_OPENAI_API_KEY"):
        AsyncAzureOpenAI(azure_endpoint=ENDPOINT, api_version=VERSION)


def test_missing_api_version_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="OPENAI_API_VERSION"):
        AzureOpenAI(azure_endpoint=ENDPOINT, api_key=KEY)


def test_missing_endpoint_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="AZURE_OPENAI_ENDPOINT"):
        AzureOpenAI(api_key=KEY, api_version=VERSION)


def test_base_url_and_azure_endpoint_are_exclusive() -> None:
    with pytest.raises(ValueError, match="mutually exclusive"):
        AzureOpenAI(
            base_url=ENDPOINT + "/openai", azure_endpoint=ENDPOINT, api_key=KEY, api_version=VERSION
        )


CONSTRUCTOR_ERRORS: dict[str, dict[str, Any]] = {
    "no credential": {"azure_endpoint": ENDPOINT, "api_version": VERSION},
    "no api_version": {"azure_endpoint": ENDPOINT, "api_key": KEY},
    "no endpoint": {"api_version": VERSION, "api_key": KEY},
    "base_url and azure_endpoint": {
        "azure_endpoint": ENDPOINT,
        "base_url": ENDPOINT + "/openai",
        "api_version": VERSION,
        "api_key": KEY,
    },
    "key and token": {
        "azure_endpoint": ENDPOINT,
        "api_version": VERSION,
        "api_key": KEY,
        "azure_ad_token": "t",
    },
}


@pytest.mark.parametrize("case", list(CONSTRUCTOR_ERRORS))
def test_constructor_errors_equal_openai_pythons(case: str) -> None:
    import openai

    def error_of(make: Callable[..., object]) -> Exception:
        try:
            make(**CONSTRUCTOR_ERRORS[case])
        except Exception as exc:  # whichever it is, it must be theirs
            return exc
        raise AssertionError(f"{make!r} accepted {case}")

    theirs, ours = error_of(openai.AzureOpenAI), error_of(AzureOpenAI)
    assert type(ours).__name__ == type(theirs).__name__
    assert str(ours) == str(theirs)


def test_an_empty_api_version_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="api_version must be a non-empty string"):
        AzureOpenAI(azure_endpoint=ENDPOINT, api_key=KEY, api_version="")


@pytest.mark.parametrize("endpoint", ["", "my-resource.openai.azure.com", "ftp://host"])
def test_an_endpoint_that_is_not_an_http_url_is_a_value_error(endpoint: str) -> None:
    with pytest.raises(ValueError, match="azure_endpoint must be an http"):
        AzureOpenAI(azure_endpoint=endpoint, api_key=KEY, api_version=VERSION)


def test_an_endpoint_from_the_environment_is_checked_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", "my-resource.openai.azure.com")
    with pytest.raises(ValueError, match="azure_endpoint must be an http"):
        AzureOpenAI(api_key=KEY, api_version=VERSION)


@pytest.mark.parametrize(
    "credentials",
    [
        {"api_key": KEY, "azure_ad_token": "t"},
        {"api_key": KEY, "azure_ad_token_provider": lambda: "t"},
        {"azure_ad_token": "t", "azure_ad_token_provider": lambda: "t"},
    ],
)
def test_credentials_are_mutually_exclusive(credentials: dict[str, Any]) -> None:
    with pytest.raises(MutuallyExclusiveAuthError):
        AzureOpenAI(azure_endpoint=ENDPOINT, api_version=VERSION, **credentials)
    assert issubclass(MutuallyExclusiveAuthError, OpenAIError)


def test_environment_supplies_endpoint_version_and_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", ENDPOINT + "/")
    monkeypatch.setenv("OPENAI_API_VERSION", VERSION)
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", KEY)
    client = AzureOpenAI()
    assert client.base_url == f"{ENDPOINT}/openai/"
    assert client.api_version == VERSION
    assert client.default_headers["api-key"] == KEY
    assert "Authorization" not in client.default_headers


def test_ad_token_from_the_environment_wins_over_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", KEY)
    monkeypatch.setenv("AZURE_OPENAI_AD_TOKEN", "entra-env")
    client = AzureOpenAI(azure_endpoint=ENDPOINT, api_version=VERSION)
    assert client.default_headers["Authorization"] == "Bearer entra-env"
    assert "api-key" not in client.default_headers


def test_an_explicit_credential_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AZURE_OPENAI_AD_TOKEN", "entra-env")
    client = AzureOpenAI(azure_endpoint=ENDPOINT, api_version=VERSION, api_key=KEY)
    assert client.default_headers["api-key"] == KEY
    assert "Authorization" not in client.default_headers


def test_with_options_keeps_the_azure_settings() -> None:
    client = AzureOpenAI(
        azure_endpoint=ENDPOINT, api_version=VERSION, api_key=KEY, default_query={"a": "1"}
    )
    copy = client.with_options(max_retries=7, default_query={"b": "2"})
    assert copy.base_url == f"{ENDPOINT}/openai/"
    assert copy.max_retries == 7
    assert dict(copy._default_query) == {"a": "1", "b": "2", "api-version": VERSION}
    assert copy.default_headers["api-key"] == KEY
    newer = copy.with_options(api_version="2024-10-21", azure_ad_token="entra-x")
    assert newer.api_version == "2024-10-21"
    assert newer.default_headers["Authorization"] == "Bearer entra-x"
    assert "api-key" not in newer.default_headers
    with pytest.raises(MutuallyExclusiveAuthError):
        client.with_options(api_key=KEY, azure_ad_token="t")


# --------------------------------------------------------------------------- auth per attempt


def test_401_is_not_retried_and_asks_for_one_token(scripted: ScriptedServer) -> None:
    error = {"error": {"code": "401", "message": "Access denied"}}
    scripted.script(Reply(status=401, body=error))
    tokens = Tokens()
    client = AzureOpenAI(
        base_url=scripted.base_url, api_version=VERSION, azure_ad_token_provider=tokens
    )
    with client, pytest.raises(AuthenticationError):
        client.uploads.cancel("upload_abc")
    assert tokens.issued == ["entra-1"]
    assert len(scripted.requests) == 1


def test_each_retry_is_sent_with_a_new_token(scripted: ScriptedServer) -> None:
    busy = {"error": {"message": "busy", "type": "server_error", "param": None, "code": None}}
    scripted.script(Reply(status=503, body=busy, headers={"retry-after-ms": "1"}))
    scripted.script(Reply(status=503, body=busy, headers={"retry-after-ms": "1"}))
    tokens = Tokens()
    client = AzureOpenAI(
        base_url=scripted.base_url, api_version=VERSION, azure_ad_token_provider=tokens
    )
    with client:
        client.uploads.cancel("upload_abc")
    sent = [r.headers["authorization"] for r in scripted.requests]
    assert sent == ["Bearer entra-1", "Bearer entra-2", "Bearer entra-3"]
    assert all(r.query == f"api-version={VERSION}" for r in scripted.requests)


def test_a_provider_returning_no_token_fails_before_sending(scripted: ScriptedServer) -> None:
    client = AzureOpenAI(
        base_url=scripted.base_url, api_version=VERSION, azure_ad_token_provider=lambda: ""
    )
    with client, pytest.raises(ValueError, match="non-empty string"):
        client.uploads.cancel("upload_abc")
    assert scripted.requests == []


def test_an_async_provider_given_to_the_sync_client_is_refused_before_sending(
    scripted: ScriptedServer,
) -> None:
    async def token() -> str:
        return "entra"

    client = AzureOpenAI(
        base_url=scripted.base_url,
        api_version=VERSION,
        azure_ad_token_provider=token,  # type: ignore[arg-type]
    )
    with client, pytest.raises(ValueError, match="needs the async client"):
        client.uploads.cancel("upload_abc")
    assert scripted.requests == []


@pytest.mark.parametrize("kind", ["coroutine", "sync"])
async def test_async_client_accepts_async_and_sync_providers(
    scripted: ScriptedServer, kind: str
) -> None:
    tokens = Tokens()

    async def async_tokens() -> str:
        return tokens()

    provider: Callable[[], str | Awaitable[str]] = async_tokens if kind == "coroutine" else tokens
    async with AsyncAzureOpenAI(
        base_url=scripted.base_url, api_version=VERSION, azure_ad_token_provider=provider
    ) as client:
        await client.uploads.cancel("upload_abc")
        await client.uploads.cancel("upload_abc")
    assert [r.headers["authorization"] for r in scripted.requests] == [
        "Bearer entra-1",
        "Bearer entra-2",
    ]


def test_the_api_key_is_not_sent_to_another_origin_on_redirect(scripted: ScriptedServer) -> None:
    other = ScriptedServer()
    other.thread.start()
    try:
        target = other.base_url + "/uploads/upload_abc/cancel"
        scripted.script(Reply(status=307, body=b"", headers={"Location": target}))
        with AzureOpenAI(base_url=scripted.base_url, api_version=VERSION, api_key=KEY) as client:
            client.uploads.cancel("upload_abc")
        assert scripted.requests[0].headers["api-key"] == KEY
        assert "api-key" not in other.requests[0].headers
    finally:
        other.httpd.shutdown()
        other.httpd.server_close()


async def test_async_client_does_not_send_the_api_key_to_another_origin(
    scripted: ScriptedServer,
) -> None:
    other = ScriptedServer()
    other.thread.start()
    try:
        target = other.base_url + "/uploads/upload_abc/cancel"
        scripted.script(Reply(status=307, body=b"", headers={"Location": target}))
        async with AsyncAzureOpenAI(
            base_url=scripted.base_url, api_version=VERSION, api_key=KEY
        ) as client:
            await client.uploads.cancel("upload_abc")
        assert scripted.requests[0].headers["api-key"] == KEY
        assert "api-key" not in other.requests[0].headers
    finally:
        other.httpd.shutdown()
        other.httpd.server_close()


# --------------------------------------------------------------------------- whole uploads


@pytest.fixture
def open_emulator(tmp_path: Path) -> Iterator[Any]:
    """An emulator accepting any bearer token (it cannot check Entra tokens)."""
    from openai_uploads.emulator import EmulatorServer

    with EmulatorServer(data_dir=tmp_path / "emulator", api_key=None) as server:
        yield server


def test_upload_of_several_parts_sends_each_attempt_with_the_current_token(
    open_emulator: Any, tmp_path: Path
) -> None:
    from openai_uploads.emulator import FaultConfig

    data = os.urandom(5 * 65536 + 123)
    path = tmp_path / "train.jsonl"
    path.write_bytes(data)
    open_emulator.faults = FaultConfig(
        p_429=0.4, retry_after=0.001, endpoints=frozenset({"parts"}), seed=7
    )
    tokens = Tokens()
    sent, hook = _sent_headers()
    attempts: list[RequestStarted] = []

    class Attempts:
        @hookimpl
        def on_request_start(self, event: RequestStarted) -> None:
            attempts.append(event)

    client = AzureOpenAI(
        azure_endpoint=open_emulator.azure_endpoint,
        api_version=VERSION,
        azure_ad_token_provider=tokens,
        max_retries=20,
        http_client=httpx.Client(event_hooks={"request": [hook]}),
        plugins=[Attempts()],
        load_plugins=False,
    )
    with client:
        upload = client.uploads.upload_file_chunked(
            file=path, mime_type="application/jsonl", purpose="fine-tune", part_size=65536
        )
        assert upload.file is not None
        assert client.files.content(upload.file.id).content == data
    retried = [a for a in attempts if a.attempt > 0]
    assert retried, "the fault seed must cause retries"
    # every attempt asked for a token of its own, and was sent with it
    bearer = [h["authorization"].removeprefix("Bearer ") for h in sent]
    assert sorted(bearer) == sorted(tokens.issued)
    assert len(set(bearer)) == len(bearer) == len(attempts)


def test_upload_file_chunked_through_azure_is_byte_exact(emulator: Any, tmp_path: Path) -> None:
    data = os.urandom(3 * 65536 + 17)
    path = tmp_path / "train.jsonl"
    path.write_bytes(data)
    with AzureOpenAI(
        azure_endpoint=emulator.azure_endpoint,
        api_version=VERSION,
        api_key=TEST_API_KEY,
        load_plugins=False,
    ) as client:
        upload = client.uploads.upload_file_chunked(
            file=path, mime_type="application/jsonl", purpose="fine-tune", part_size=65536
        )
        assert upload.status == "completed"
        assert upload.file is not None
        assert client.files.content(upload.file.id).content == data
        assert upload.file.id in [f.id for f in client.files.list(limit=5)]
    stored = emulator.store.file_path(upload.file.id).read_bytes()
    assert stored == data


async def test_async_upload_file_chunked_through_azure_is_byte_exact(
    emulator: Any, tmp_path: Path
) -> None:
    data = os.urandom(3 * 65536 + 17)
    path = tmp_path / "train.jsonl"
    path.write_bytes(data)

    async def token() -> str:  # the emulator takes its key as the Entra token
        return TEST_API_KEY

    async with AsyncAzureOpenAI(
        azure_endpoint=emulator.azure_endpoint,
        api_version=VERSION,
        azure_ad_token_provider=token,
        load_plugins=False,
    ) as client:
        upload = await client.uploads.upload_file_chunked(
            file=path, mime_type="application/jsonl", purpose="fine-tune", part_size=65536
        )
        assert upload.file is not None
        assert (await client.files.content(upload.file.id)).content == data
    assert emulator.store.file_path(upload.file.id).read_bytes() == data


def test_a_provider_that_is_not_callable_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="callable"):
        AzureOpenAI(
            azure_endpoint=ENDPOINT,
            api_version=VERSION,
            azure_ad_token_provider="not-a-function",  # type: ignore[arg-type]
        )


def test_an_empty_api_key_is_refused_before_any_request() -> None:
    with pytest.raises(OpenAIError, match="non-empty"):
        AzureOpenAI(azure_endpoint=ENDPOINT, api_version=VERSION, api_key="")


def test_per_call_headers_and_query_go_with_the_azure_auth(scripted: ScriptedServer) -> None:
    with AzureOpenAI(
        base_url=scripted.base_url,
        api_version=VERSION,
        api_key=KEY,
        default_headers={"x-team": "ml"},
        default_query={"tenant": "t1"},
    ) as client:
        client.with_options(max_retries=0).uploads.cancel(
            "upload_abc", extra_headers={"x-trace": "a"}, extra_query={"q": "1"}
        )
    (request,) = scripted.requests
    assert request.query == f"tenant=t1&api-version={VERSION}&q=1"
    assert request.headers["api-key"] == KEY
    assert request.headers["x-team"] == "ml"
    assert request.headers["x-trace"] == "a"
    assert "authorization" not in request.headers


async def test_async_with_options_keeps_the_azure_settings(scripted: ScriptedServer) -> None:
    tokens = Tokens()
    async with AsyncAzureOpenAI(
        base_url=scripted.base_url, api_version=VERSION, azure_ad_token_provider=tokens
    ) as client:
        copy = client.with_options(timeout=5, api_version="2024-10-21")
        await copy.uploads.cancel("upload_abc")
    (request,) = scripted.requests
    assert request.query == "api-version=2024-10-21"
    assert request.headers["authorization"] == "Bearer entra-1"
