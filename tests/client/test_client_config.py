"""Client configuration: keys, environment, headers, copies, closing."""

from __future__ import annotations

import dataclasses
from typing import Any

import httpx
import pytest

from openai_uploads import AsyncOpenAI, AzureOpenAI, OpenAI, OpenAIError
from openai_uploads._credentials import (
    AzureKey,
    BearerKey,
    EntraToken,
    EntraTokenProvider,
    KeyProvider,
)

from .conftest import TEST_API_KEY, ScriptedServer


def test_missing_api_key_raises_openai_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(OpenAIError, match="OPENAI_API_KEY"):
        OpenAI()


def test_async_missing_api_key_raises_openai_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(OpenAIError, match="api_key"):
        AsyncOpenAI()


def test_environment_configures_the_client(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://example.test/v9/")
    monkeypatch.setenv("OPENAI_ORG_ID", "org-env")
    monkeypatch.setenv("OPENAI_PROJECT_ID", "proj-env")
    client = OpenAI()
    assert (client.api_key, client.base_url, client.organization, client.project) == (
        "sk-env",
        "http://example.test/v9/",
        "org-env",
        "proj-env",
    )


def test_defaults_match_openai_python(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    client = OpenAI(api_key="sk-x")
    assert client.base_url == "https://api.openai.com/v1/"
    assert client.timeout == httpx.Timeout(600, connect=5)
    assert client.max_retries == 2


def test_headers_identify_the_caller(scripted: ScriptedServer) -> None:
    client = OpenAI(
        api_key=TEST_API_KEY,
        organization="org-1",
        project="proj-1",
        base_url=scripted.base_url,
        default_headers={"X-App": "demo"},
    )
    with client:
        client.uploads.cancel("upload_abc")
    headers = scripted.requests[0].headers
    assert headers["authorization"] == f"Bearer {TEST_API_KEY}"
    assert headers["openai-organization"] == "org-1"
    assert headers["openai-project"] == "proj-1"
    assert headers["user-agent"].startswith("openai-uploads/")
    assert headers["x-app"] == "demo"
    assert headers["x-retry-count"] == "0"


def test_with_options_shares_the_pool_and_plugins(scripted: ScriptedServer) -> None:
    client = OpenAI(api_key=TEST_API_KEY, base_url=scripted.base_url)
    copy = client.with_options(max_retries=7, timeout=3, default_headers={"X-Copy": "1"})
    assert copy.max_retries == 7
    assert client.max_retries == 2
    assert copy._http is client._http
    assert copy.plugins is client.plugins
    copy.uploads.cancel("upload_abc")
    assert scripted.requests[0].headers["x-copy"] == "1"
    copy.close()
    assert not client.is_closed()
    client.close()
    assert client.is_closed()


def test_context_manager_closes_its_own_connections() -> None:
    with OpenAI(api_key="sk-x") as client:
        pass
    assert client.is_closed()


def test_context_manager_leaves_a_callers_http_client_open(scripted: ScriptedServer) -> None:
    http = httpx.Client(headers={"X-Mine": "1"})
    with OpenAI(api_key=TEST_API_KEY, base_url=scripted.base_url, http_client=http) as client:
        client.uploads.cancel("upload_abc")
    assert not http.is_closed
    assert scripted.requests[0].headers["x-mine"] == "1"
    http.close()


async def test_async_context_manager_closes_its_own_connections() -> None:
    async with AsyncOpenAI(api_key="sk-x") as client:
        pass
    assert client.is_closed()


async def test_async_context_manager_leaves_a_callers_http_client_open() -> None:
    http = httpx.AsyncClient()
    async with AsyncOpenAI(api_key="sk-x", http_client=http):
        pass
    assert not http.is_closed
    await http.aclose()


def test_wrong_http_client_type_is_refused() -> None:
    with pytest.raises(TypeError, match="AsyncClient"):
        AsyncOpenAI(api_key="sk-x", http_client=httpx.Client())  # type: ignore[arg-type]


def test_plugins_are_exposed_as_the_plugin_host() -> None:
    class Named:
        pass

    plugin = Named()
    client = OpenAI(api_key="sk-x", plugins=[plugin], load_plugins=False)
    assert client.plugins.pm.is_registered(plugin)


def test_shared_async_client_serves_concurrent_tasks(scripted: ScriptedServer) -> None:
    import asyncio

    async def main() -> list[str]:
        async with AsyncOpenAI(api_key=TEST_API_KEY, base_url=scripted.base_url) as client:
            uploads = await asyncio.gather(*(client.uploads.cancel(f"u{i}") for i in range(20)))
        return [u.id for u in uploads]

    assert len(asyncio.run(main())) == 20
    assert sorted(r.path for r in scripted.requests) == sorted(
        f"/v1/uploads/u{i}/cancel" for i in range(20)
    )


# --------------------------------------------------------------------------- options, credentials


def test_the_options_are_one_frozen_value() -> None:
    client = OpenAI(api_key="sk-x", base_url="http://example.test/v1")
    with pytest.raises(dataclasses.FrozenInstanceError):
        client._options.max_retries = 5  # type: ignore[misc]
    with pytest.raises(AttributeError):
        client.max_retries = 5  # type: ignore[misc]


def test_with_options_is_a_replace_of_the_options() -> None:
    client = OpenAI(api_key="sk-x", base_url="http://example.test/v1", default_headers={"X-A": "1"})
    copy = client.with_options(max_retries=5, default_headers={"X-B": "2"})
    assert copy._options == dataclasses.replace(
        client._options, max_retries=5, default_headers={"X-A": "1", "X-B": "2"}
    )
    assert client._options.max_retries == 2  # the original's options are untouched


def test_with_options_checks_the_new_values() -> None:
    client = OpenAI(api_key="sk-x", base_url="http://example.test/v1")
    with pytest.raises(ValueError, match="max_retries"):
        client.with_options(max_retries=-1)
    with pytest.raises(TypeError, match="strict_response_validation"):
        client.with_options(strict_response_validation="yes")  # type: ignore[arg-type]


def test_a_str_key_is_a_bearer_key_sent_on_every_request() -> None:
    credential = OpenAI(api_key="sk-x", base_url="http://example.test/v1")._options.credential
    assert isinstance(credential, BearerKey)
    assert credential.provider is None
    assert credential.headers() == {"Authorization": "Bearer sk-x"}


def test_a_callable_key_is_asked_for_each_attempt() -> None:
    client = OpenAI(api_key=lambda: "sk-now", base_url="http://example.test/v1")
    credential = client._options.credential
    assert isinstance(credential, KeyProvider)
    assert credential.headers() == {}
    assert credential.attempt_headers("sk-now") == {"Authorization": "Bearer sk-now"}
    assert client.api_key == ""


@pytest.mark.parametrize(
    ("options", "kind", "attempt_headers", "api_key"),
    [
        ({"api_key": "k"}, AzureKey, None, "k"),
        ({"api_key": lambda: "k"}, KeyProvider, {"api-key": "k"}, ""),
        ({"azure_ad_token": "t"}, EntraToken, None, "<missing API key>"),
        (
            {"azure_ad_token_provider": lambda: "t"},
            EntraTokenProvider,
            {"Authorization": "Bearer t"},
            "<missing API key>",
        ),
    ],
    ids=["key", "key provider", "token", "token provider"],
)
def test_each_azure_credential_says_what_to_send_and_when(
    options: dict[str, Any], kind: type, attempt_headers: dict[str, str] | None, api_key: str
) -> None:
    client = AzureOpenAI(
        azure_endpoint="https://example.openai.azure.com", api_version="2025-01-01", **options
    )
    credential = client._options.credential
    assert isinstance(credential, kind)
    assert client.api_key == api_key
    provider = credential.provider
    if attempt_headers is None:
        assert provider is None
    else:
        assert provider is not None
        assert credential.attempt_headers(provider()) == attempt_headers


def test_a_credential_never_shows_its_secret() -> None:
    for credential in (BearerKey("sk-secret"), AzureKey("sk-secret"), EntraToken("sk-secret")):
        assert "sk-secret" not in repr(credential)
