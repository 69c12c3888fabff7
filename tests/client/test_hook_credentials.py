"""No hook event shows the credentials: the requests, responses and errors a hook sees
read ``<hidden>`` for ``Authorization`` and ``api-key``, while the caller's own objects
(the exception raised) keep the real headers.

A plugin implementing every hook records every event of a call retried once (503, then
200) and of a call that fails (the connection dropped twice), against the scripted
loopback server, for ``OpenAI``, ``AsyncOpenAI`` and the Azure clients (``api-key``).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from openai_uploads import (
    APIConnectionError,
    AsyncAzureOpenAI,
    AsyncOpenAI,
    AzureOpenAI,
    OpenAI,
    RetryContext,
    hookimpl,
)
from openai_uploads.testing import FastRetries

from .conftest import TEST_API_KEY, Reply, ScriptedServer

FILE_JSON = {
    "id": "file-abc",
    "object": "file",
    "bytes": 3,
    "created_at": 1700000000,
    "filename": "a.txt",
    "purpose": "assistants",
}
OVERLOADED = {"error": {"message": "overloaded", "type": "server_error"}}
HOOKS = (
    "on_transfer_started",
    "on_upload_started",
    "on_bytes_sent",
    "on_part_completed",
    "on_upload_completed",
    "on_upload_failed",
    "on_upload_cancelled",
    "on_request_start",
    "prepare_request",
    "on_request_end",
    "decide_retry",
    "digest_algorithms",
    "check_digests",
)


class Recorder:
    """Every event of every hook, in order; it decides nothing."""

    def __init__(self) -> None:
        self.events: list[tuple[str, Any]] = []
        for name in HOOKS:
            setattr(self, name, hookimpl(tryfirst=True)(self._recorder(name)))

    def _recorder(self, name: str) -> Any:
        def record(event: Any) -> None:
            self.events.append((name, event))

        record.__name__ = name
        return record


def _requests_in(event: Any) -> list[httpx.Request]:
    """Every request an event exposes: its own, its response's (and their redirects'),
    its error's."""
    found: list[httpx.Request] = []

    def response(value: Any) -> None:
        if isinstance(value, httpx.Response):
            found.append(value.request)
            for hop in value.history:
                response(hop)

    request = getattr(event, "request", None)
    if isinstance(request, httpx.Request):
        found.append(request)
    response(getattr(event, "response", None))
    error = getattr(event, "error", None)
    if error is not None:
        for value in vars(error).values():
            if isinstance(value, httpx.Request):
                found.append(value)
            response(value)
    return found


def _assert_no_credential(events: list[tuple[str, Any]]) -> None:
    for name, event in events:
        assert TEST_API_KEY not in repr(event), name
        assert TEST_API_KEY not in str(event), name
        assert TEST_API_KEY not in str(getattr(event, "error", None)), name
        headers = getattr(event, "headers", None)
        if headers is not None:  # prepare_request's view of the outgoing headers
            assert TEST_API_KEY not in repr(dict(headers)), name
        for request in _requests_in(event):
            assert TEST_API_KEY not in repr(request.headers.multi_items()), name
            for header in ("authorization", "api-key"):
                assert request.headers.get(header) in (None, "<hidden>"), (name, header)


def _assert_events_seen(events: list[tuple[str, Any]]) -> None:
    """The calls did give the hooks a response and an error to show (else the test above
    proves nothing)."""
    retries = [event for name, event in events if name == "decide_retry"]
    assert any(isinstance(e, RetryContext) and e.response is not None for e in retries)
    assert any(isinstance(e, RetryContext) and e.error is not None for e in retries)
    ends = [event for name, event in events if name == "on_request_end"]
    assert any(e.error is not None and _requests_in(e) for e in ends)


def _script(scripted: ScriptedServer) -> None:
    scripted.script(
        Reply(status=503, body=OVERLOADED),
        Reply(body=FILE_JSON),
        Reply(drop=True),
        Reply(drop=True),
    )


def _client(kind: str, scripted: ScriptedServer, recorder: Recorder) -> Any:
    options: dict[str, Any] = {
        "api_key": TEST_API_KEY,
        "max_retries": 1,
        "plugins": [recorder, FastRetries()],
        "load_plugins": False,
    }
    root = scripted.base_url.removesuffix("/v1")
    return {
        "openai": lambda: OpenAI(base_url=scripted.base_url, **options),
        "azure": lambda: AzureOpenAI(azure_endpoint=root, api_version="2024-10-21", **options),
        "async-openai": lambda: AsyncOpenAI(base_url=scripted.base_url, **options),
        "async-azure": lambda: AsyncAzureOpenAI(
            azure_endpoint=root, api_version="2024-10-21", **options
        ),
    }[kind]()


def _assert_callers_error_keeps_the_key(error: APIConnectionError, kind: str) -> None:
    header = "api-key" if "azure" in kind else "authorization"
    assert TEST_API_KEY in error.request.headers[header]


@pytest.mark.parametrize("kind", ["openai", "azure"])
def test_hook_events_of_retried_and_failed_calls_show_no_credential(
    scripted: ScriptedServer, kind: str
) -> None:
    _script(scripted)
    recorder = Recorder()
    with _client(kind, scripted, recorder) as client:
        assert client.files.retrieve("file-abc").id == "file-abc"
        with pytest.raises(APIConnectionError) as raised:
            client.files.retrieve("file-abc")
    _assert_events_seen(recorder.events)
    _assert_no_credential(recorder.events)
    _assert_callers_error_keeps_the_key(raised.value, kind)


@pytest.mark.parametrize("kind", ["async-openai", "async-azure"])
async def test_async_hook_events_of_retried_and_failed_calls_show_no_credential(
    scripted: ScriptedServer, kind: str
) -> None:
    _script(scripted)
    recorder = Recorder()
    async with _client(kind, scripted, recorder) as client:
        assert (await client.files.retrieve("file-abc")).id == "file-abc"
        with pytest.raises(APIConnectionError) as raised:
            await client.files.retrieve("file-abc")
    _assert_events_seen(recorder.events)
    _assert_no_credential(recorder.events)
    _assert_callers_error_keeps_the_key(raised.value, kind)
