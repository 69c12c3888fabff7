"""``extra_headers``, ``extra_query``, ``extra_body`` and ``timeout`` reach the wire."""

from __future__ import annotations

import json
import time

import pytest

from openai_uploads import APITimeoutError, AsyncOpenAI

from ..conftest import PART_JSON, TEST_API_KEY, Reply, ScriptedServer

CREATE = {"bytes": 3, "filename": "a.txt", "mime_type": "text/plain", "purpose": "assistants"}


async def test_extra_headers_arrive(
    scripted: ScriptedServer, async_scripted_client: AsyncOpenAI
) -> None:
    await async_scripted_client.uploads.cancel("upload_abc", extra_headers={"X-Trace": "t-1"})
    assert scripted.requests[0].headers["x-trace"] == "t-1"


async def test_extra_headers_override_defaults(
    scripted: ScriptedServer, async_scripted_client: AsyncOpenAI
) -> None:
    await async_scripted_client.uploads.cancel("upload_abc", extra_headers={"User-Agent": "mine/1"})
    assert scripted.requests[0].headers["user-agent"] == "mine/1"


async def test_extra_query_arrives(
    scripted: ScriptedServer, async_scripted_client: AsyncOpenAI
) -> None:
    await async_scripted_client.uploads.create(**CREATE, extra_query={"beta": "true", "n": 2})
    assert scripted.requests[0].query == "beta=true&n=2"
    assert scripted.requests[0].path == "/v1/uploads"


async def test_extra_body_is_merged_into_the_json_body(
    scripted: ScriptedServer, async_scripted_client: AsyncOpenAI
) -> None:
    await async_scripted_client.uploads.create(
        **CREATE, extra_body={"note": "hi", "filename": "b.txt"}
    )
    sent = json.loads(scripted.requests[0].body)
    assert sent == {**CREATE, "filename": "b.txt", "note": "hi"}


async def test_extra_body_on_a_body_less_operation_becomes_a_json_body(
    scripted: ScriptedServer, async_scripted_client: AsyncOpenAI
) -> None:
    await async_scripted_client.uploads.cancel("upload_abc", extra_body={"reason": "test"})
    assert json.loads(scripted.requests[0].body) == {"reason": "test"}
    assert scripted.requests[0].headers["content-type"] == "application/json"


async def test_extra_body_on_a_part_becomes_extra_form_fields(
    scripted: ScriptedServer, async_scripted_client: AsyncOpenAI
) -> None:
    scripted.script(Reply(body=PART_JSON))
    await async_scripted_client.uploads.parts.create(
        "upload_abc", data=b"abc", extra_body={"tag": "x"}
    )
    body = scripted.requests[0].body
    assert b'Content-Disposition: form-data; name="tag"\r\n\r\nx\r\n' in body
    assert b'name="data"; filename="part"' in body


async def test_expires_after_days_is_sent_as_seconds(
    scripted: ScriptedServer, async_scripted_client: AsyncOpenAI
) -> None:
    await async_scripted_client.uploads.create(
        **CREATE, expires_after={"anchor": "created_at", "days": 7}
    )
    sent = json.loads(scripted.requests[0].body)
    assert sent["expires_after"] == {"anchor": "created_at", "seconds": 7 * 86400}


async def test_md5_is_sent_only_when_given(
    scripted: ScriptedServer, async_scripted_client: AsyncOpenAI
) -> None:
    await async_scripted_client.uploads.complete("upload_abc", part_ids=["p1", "p2"])
    await async_scripted_client.uploads.complete("upload_abc", part_ids=["p1"], md5="abc")
    assert json.loads(scripted.requests[0].body) == {"part_ids": ["p1", "p2"]}
    assert json.loads(scripted.requests[1].body) == {"part_ids": ["p1"], "md5": "abc"}


async def test_timeout_bounds_the_wait_for_an_answer(
    scripted: ScriptedServer, async_scripted_client: AsyncOpenAI
) -> None:
    scripted.script(Reply(delay=2.0))
    started = time.monotonic()
    with pytest.raises(APITimeoutError):
        await async_scripted_client.with_options(max_retries=0).uploads.cancel(
            "upload_abc", timeout=0.3
        )
    assert time.monotonic() - started < 1.5


async def test_client_timeout_applies_when_the_call_gives_none(scripted: ScriptedServer) -> None:
    scripted.script(Reply(delay=2.0))
    client = AsyncOpenAI(
        api_key=TEST_API_KEY, base_url=scripted.base_url, timeout=0.3, max_retries=0
    )
    async with client:
        with pytest.raises(APITimeoutError):
            await client.files.retrieve("file-1")


async def test_call_timeout_overrides_the_client_timeout(scripted: ScriptedServer) -> None:
    scripted.script(Reply(delay=0.6))
    client = AsyncOpenAI(api_key=TEST_API_KEY, base_url=scripted.base_url, timeout=0.2)
    async with client:
        assert (await client.uploads.cancel("upload_abc", timeout=5)).id == "upload_abc"
    assert len(scripted.requests) == 1
