"""The caller's objects stay the caller's: requests and responses keep their real
headers, while the SDK's own reprs and hook events never show a credential.

The transports here are ``httpx.MockTransport`` where the point is what a caller's own
transport sees; the redirects run against the scripted loopback server.
"""

from __future__ import annotations

import httpx
import pytest

from openai_uploads import (
    AsyncOpenAI,
    AuthenticationError,
    AzureOpenAI,
    OpenAI,
    RetryContext,
    RetryDecision,
    hookimpl,
)

from .conftest import TEST_API_KEY, UPLOAD_JSON, Reply, ScriptedServer

BEARER = f"Bearer {TEST_API_KEY}"
ERROR = {"error": {"message": "nope", "type": "t", "param": None, "code": None}}


def _recording(seen: list[httpx.Request], status: int = 200) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status, json=UPLOAD_JSON if status == 200 else ERROR)

    return httpx.MockTransport(handler)


def test_a_callers_transport_reads_the_real_key_after_the_call() -> None:
    seen: list[httpx.Request] = []
    http = httpx.Client(transport=_recording(seen))
    with OpenAI(api_key=TEST_API_KEY, base_url="https://api.test/v1", http_client=http) as c:
        c.uploads.cancel("upload_abc")
    (request,) = seen
    assert request.headers["authorization"] == BEARER


async def test_async_a_callers_transport_reads_the_real_key_after_the_call() -> None:
    seen: list[httpx.Request] = []
    http = httpx.AsyncClient(transport=_recording(seen))
    async with AsyncOpenAI(
        api_key=TEST_API_KEY, base_url="https://api.test/v1", http_client=http
    ) as client:
        await client.uploads.cancel("upload_abc")
    (request,) = seen
    assert request.headers["authorization"] == BEARER


def test_a_callers_event_hook_and_the_errors_response_keep_the_real_key() -> None:
    hooked: list[httpx.Request] = []
    http = httpx.Client(transport=_recording([], 401), event_hooks={"request": [hooked.append]})
    client = OpenAI(api_key=TEST_API_KEY, base_url="https://api.test/v1", http_client=http)
    with client, pytest.raises(AuthenticationError) as caught:
        client.uploads.cancel("upload_abc")
    assert hooked[0].headers["authorization"] == BEARER
    assert caught.value.response.request.headers["authorization"] == BEARER
    assert TEST_API_KEY not in repr(caught.value.response.request.headers)


def test_an_azure_key_is_real_on_the_request_and_masked_in_its_repr() -> None:
    seen: list[httpx.Request] = []
    http = httpx.Client(transport=_recording(seen, 401))
    client = AzureOpenAI(
        api_key=TEST_API_KEY,
        api_version="2024-10-21",
        azure_endpoint="https://example-resource.openai.azure.com",
        http_client=http,
        max_retries=0,
    )
    with client, pytest.raises(AuthenticationError) as caught:
        client.files.retrieve("file-1")
    assert seen[0].headers["api-key"] == TEST_API_KEY
    assert TEST_API_KEY not in repr(caught.value.request.headers)
    assert "api-key" in repr(caught.value.request.headers)


def test_azure_after_a_same_origin_redirect_the_key_is_kept_and_never_shown(
    scripted: ScriptedServer,
) -> None:
    seen: list[str] = []

    class Spy:
        @hookimpl
        def decide_retry(self, event: RetryContext) -> RetryDecision:
            seen.append(repr(event.request.headers) + str(dict(event.request.headers)))
            return RetryDecision.give_up()

    scripted.script(
        Reply(status=307, body=b"", headers={"Location": "/v1/files/file-2"}),
        Reply(status=401, body=ERROR),
    )
    client = AzureOpenAI(
        api_key=TEST_API_KEY,
        api_version="2024-10-21",
        base_url=scripted.base_url,
        plugins=[Spy()],
    )
    with client, pytest.raises(AuthenticationError) as caught:
        client.files.retrieve("file-1")
    redirected = caught.value.response.request
    assert redirected.url.path == "/v1/files/file-2"
    assert scripted.requests[1].headers["api-key"] == TEST_API_KEY
    assert redirected.headers["api-key"] == TEST_API_KEY
    assert TEST_API_KEY not in repr(redirected.headers)
    assert [r.status_code for r in caught.value.response.history] == [307]
    assert seen
    assert all(TEST_API_KEY not in text for text in seen)
