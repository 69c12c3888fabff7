"""Retries: which failures are retried, how long the client waits, who decides."""

from __future__ import annotations

import time
from typing import Any

import pytest
from part_calls import send_part

from openai_uploads import (
    AsyncOpenAI,
    BadRequestError,
    InternalServerError,
    OpenAI,
    RateLimitError,
    RequestFinished,
    RequestStarted,
    RetryContext,
    RetryDecision,
    hookimpl,
)

from .conftest import PART_JSON, TEST_API_KEY, UPLOAD_JSON, Reply, ScriptedServer

ERROR = {"error": {"message": "slow down", "type": "requests", "param": None, "code": None}}


def test_rate_limit_waits_for_retry_after_then_succeeds(
    scripted: ScriptedServer, scripted_client: OpenAI
) -> None:
    scripted.script(Reply(status=429, body=ERROR, headers={"Retry-After": "1"}))
    upload = scripted_client.uploads.cancel("upload_abc")
    assert upload.id == "upload_abc"
    first, second = scripted.requests
    assert 0.95 <= second.at - first.at <= 1.6
    assert (first.headers["x-retry-count"], second.headers["x-retry-count"]) == ("0", "1")


def test_emulator_rate_limit_retry_after_is_honoured(emulator: Any) -> None:
    from openai_uploads.emulator import FaultConfig

    emulator.faults = FaultConfig(p_429=1.0, retry_after=1.0, endpoints=frozenset({"create"}))
    client = OpenAI(api_key=TEST_API_KEY, base_url=emulator.base_url, max_retries=1)
    started = time.monotonic()
    with client, pytest.raises(RateLimitError):
        client.uploads.create(bytes=1, filename="a", mime_type="text/plain", purpose="batch")
    assert 0.95 <= time.monotonic() - started <= 2.0
    assert emulator.fault_stats()["429"] == 2


def test_bad_request_is_not_retried(scripted: ScriptedServer, scripted_client: OpenAI) -> None:
    scripted.script(Reply(status=400, body=ERROR))
    with pytest.raises(BadRequestError):
        scripted_client.uploads.cancel("upload_abc")
    assert len(scripted.requests) == 1


def test_dropped_connection_is_retried(scripted: ScriptedServer, scripted_client: OpenAI) -> None:
    scripted.script(Reply(drop=True), Reply(body=PART_JSON))
    part = scripted_client.with_options(max_retries=1).uploads.parts.create(
        "upload_abc", data=b"x" * 1000
    )
    assert part.id == "part_abc"
    assert len(scripted.requests) == 2
    assert scripted.requests[0].body == scripted.requests[1].body


def test_server_errors_are_retried_up_to_max_retries(
    scripted: ScriptedServer, scripted_client: OpenAI
) -> None:
    scripted.script(*[Reply(status=500, body=ERROR, headers={"retry-after-ms": "10"})] * 5)
    with pytest.raises(Exception, match="slow down"):
        scripted_client.with_options(max_retries=3).uploads.cancel("upload_abc")
    assert len(scripted.requests) == 4


def test_retried_part_is_resent_whole_and_progress_restarts(
    scripted: ScriptedServer, scripted_client: OpenAI
) -> None:
    body = bytes(range(256)) * 1024 * 12  # 3 MiB: several reads of 1 MiB (PartReader)
    scripted.script(
        Reply(status=503, body=ERROR, headers={"retry-after": "0"}), Reply(body=PART_JSON)
    )
    progress: list[int] = []
    part = send_part(
        scripted_client, "upload_abc", body=memoryview(body), on_progress=progress.append
    )
    assert part.id == "part_abc"
    first, second = scripted.requests
    assert first.body == second.body
    assert body in second.body
    restart = progress.index(len(body)) + 1
    assert progress[:restart] == sorted(progress[:restart])
    assert progress[restart] < len(body)  # the second attempt started again from the start
    assert progress[-1] == len(body)


def test_create_part_max_retries_overrides_the_client(
    scripted: ScriptedServer, scripted_client: OpenAI
) -> None:
    scripted.script(*[Reply(status=500, body=ERROR, headers={"retry-after": "0"})] * 3)
    with pytest.raises(Exception, match="slow down"):
        send_part(scripted_client, "upload_abc", body=b"abc", max_retries=0)
    assert len(scripted.requests) == 1


def test_create_part_passes_time_left_until_expiry_to_the_retry_decision(
    scripted: ScriptedServer,
) -> None:
    seen: list[RetryContext] = []

    class Spy:
        @hookimpl
        def decide_retry(self, event: RetryContext) -> RetryDecision:
            seen.append(event)
            return RetryDecision.give_up()

    scripted.script(Reply(status=500, body=ERROR))
    client = OpenAI(api_key=TEST_API_KEY, base_url=scripted.base_url, plugins=[Spy()])
    with client, pytest.raises(Exception, match="slow down"):
        send_part(client, "u1", body=b"abc", expiry_deadline=time.monotonic() + 100)
    (event,) = seen
    assert event.operation == "add_part"
    assert event.time_left is not None
    assert 98 < event.time_left <= 100
    assert event.response is not None
    assert event.response.status_code == 500


def test_a_plugin_decides_retries(scripted: ScriptedServer) -> None:
    class FiveQuickRetries:
        @hookimpl
        def decide_retry(self, event: RetryContext) -> RetryDecision:
            return RetryDecision.after(0) if event.attempt < 5 else RetryDecision.give_up()

    scripted.script(*[Reply(status=400, body=ERROR)] * 5)
    client = OpenAI(
        api_key=TEST_API_KEY,
        base_url=scripted.base_url,
        max_retries=5,
        plugins=[FiveQuickRetries()],
    )
    with client:
        assert client.uploads.cancel("upload_abc").id == UPLOAD_JSON["id"]
    assert len(scripted.requests) == 6


def test_a_plugin_cannot_retry_more_than_max_retries(scripted: ScriptedServer) -> None:
    class AlwaysRetry:
        @hookimpl
        def decide_retry(self, event: RetryContext) -> RetryDecision:
            return RetryDecision.after(0)

    scripted.script(*[Reply(status=500, body=ERROR)] * 6)
    client = OpenAI(
        api_key=TEST_API_KEY, base_url=scripted.base_url, max_retries=2, plugins=[AlwaysRetry()]
    )
    with client, pytest.raises(InternalServerError):
        client.uploads.cancel("upload_abc")
    assert len(scripted.requests) == 3


def test_request_hooks_fire_around_every_attempt(scripted: ScriptedServer) -> None:
    events: list[Any] = []

    class Recorder:
        @hookimpl
        def on_request_start(self, event: RequestStarted) -> None:
            events.append(event)

        @hookimpl
        def on_request_end(self, event: RequestFinished) -> None:
            events.append(event)

    scripted.script(Reply(status=500, body=ERROR, headers={"retry-after": "0"}))
    client = OpenAI(api_key=TEST_API_KEY, base_url=scripted.base_url, plugins=[Recorder()])
    with client:
        client.uploads.cancel("upload_abc")
    assert [(type(e).__name__, e.attempt) for e in events] == [
        ("RequestStarted", 0),
        ("RequestFinished", 0),
        ("RequestStarted", 1),
        ("RequestFinished", 1),
    ]
    assert events[1].status_code == 500
    assert events[3].status_code == 200
    assert all(e.operation == "cancel_upload" for e in events)


async def test_async_rate_limit_waits_for_retry_after(scripted: ScriptedServer) -> None:
    scripted.script(Reply(status=429, body=ERROR, headers={"Retry-After": "1"}))
    async with AsyncOpenAI(api_key=TEST_API_KEY, base_url=scripted.base_url) as client:
        await client.uploads.cancel("upload_abc")
    first, second = scripted.requests
    assert 0.95 <= second.at - first.at <= 1.6


async def test_async_dropped_connection_is_retried(scripted: ScriptedServer) -> None:
    scripted.script(Reply(drop=True), Reply(body=PART_JSON))
    async with AsyncOpenAI(api_key=TEST_API_KEY, base_url=scripted.base_url) as client:
        progress: list[int] = []
        await send_part(client, "upload_abc", body=b"y" * 200_000, on_progress=progress.append)
    assert len(scripted.requests) == 2
    assert progress[-1] == 200_000
