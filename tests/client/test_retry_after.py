"""Retry-After: a server's wait is honoured up to 120 s, and a longer one is not retried."""

from __future__ import annotations

import email.utils

import httpx
import pytest
from part_calls import send_part

from openai_uploads import AsyncOpenAI, OpenAI, RateLimitError, RetryContext
from openai_uploads.plugins.retry import decide_retry

from .conftest import TEST_API_KEY, Reply, ScriptedServer

ERROR = {"error": {"message": "slow down", "type": "requests", "param": None, "code": None}}


def _context(retry_after: str, *, time_left: float | None = None) -> RetryContext:
    request = httpx.Request("POST", "https://api.example/v1/uploads")
    response = httpx.Response(429, headers={"retry-after": retry_after}, request=request)
    return RetryContext(
        operation="create_upload",
        attempt=0,
        max_retries=2,
        request=request,
        response=response,
        error=None,
        time_left=time_left,
    )


def test_a_retry_after_of_120_seconds_is_waited_for() -> None:
    decision = decide_retry(_context("120"))
    assert decision.retry
    assert decision.delay == 120


def test_a_retry_after_past_120_seconds_is_not_retried() -> None:
    assert not decide_retry(_context("121")).retry


def test_a_retry_after_past_the_uploads_expiry_is_not_retried() -> None:
    assert not decide_retry(_context("90", time_left=60)).retry


def test_a_call_told_to_wait_121_seconds_fails_at_once(scripted: ScriptedServer) -> None:
    scripted.script(Reply(status=429, body=ERROR, headers={"Retry-After": "121"}))
    client = OpenAI(api_key=TEST_API_KEY, base_url=scripted.base_url)
    with client, pytest.raises(RateLimitError):
        client.uploads.cancel("upload_abc")
    assert len(scripted.requests) == 1


def test_a_part_told_to_wait_121_seconds_fails_at_once(scripted: ScriptedServer) -> None:
    scripted.script(Reply(status=429, body=ERROR, headers={"retry-after-ms": "121000"}))
    client = OpenAI(api_key=TEST_API_KEY, base_url=scripted.base_url)
    with client, pytest.raises(RateLimitError):
        send_part(client, "upload_abc", body=b"abc", max_retries=5)
    assert len(scripted.requests) == 1


async def test_async_call_told_to_wait_121_seconds_fails_at_once(
    scripted: ScriptedServer,
) -> None:
    scripted.script(Reply(status=429, body=ERROR, headers={"Retry-After": "121"}))
    async with AsyncOpenAI(api_key=TEST_API_KEY, base_url=scripted.base_url) as client:
        with pytest.raises(RateLimitError):
            await send_part(client, "upload_abc", body=b"abc", max_retries=5)
    assert len(scripted.requests) == 1


def test_an_http_date_retry_after_is_read_against_the_responses_date_not_the_local_clock(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The server says "now" is 12:00:00 and asks for a wait until 12:00:05; this
    # machine's clock is two hours fast, which would make the wait negative.
    server_now = 1_765_000_000.0
    monkeypatch.setattr("openai_uploads.plugins.retry.time.time", lambda: server_now + 7200)
    request = httpx.Request("POST", "https://api.example/v1/uploads")
    headers = {
        "retry-after": email.utils.formatdate(server_now + 5, usegmt=True),
        "date": email.utils.formatdate(server_now, usegmt=True),
    }
    response = httpx.Response(429, headers=headers, request=request)
    context = RetryContext(
        operation="create_upload",
        attempt=0,
        max_retries=2,
        request=request,
        response=response,
        error=None,
        time_left=None,
    )
    decision = decide_retry(context)
    assert decision.retry
    assert decision.delay == 5
