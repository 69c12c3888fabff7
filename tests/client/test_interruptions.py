"""How an interruption reaches the caller: Ctrl-C on the sync client, task cancellation on
the async one, each raised as itself (the rest of the error family is in
``_async/test_error_family.py``, written once for both clients)."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from openai_uploads import AsyncOpenAI, OpenAI

from .conftest import TEST_API_KEY


def test_keyboard_interrupt_is_raised_as_itself() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise KeyboardInterrupt

    http = httpx.Client(transport=httpx.MockTransport(handler))
    with (
        OpenAI(
            api_key=TEST_API_KEY,
            base_url="http://broken.test/v1",
            http_client=http,
            max_retries=0,
            load_plugins=False,
        ) as client,
        pytest.raises(KeyboardInterrupt),
    ):
        client.files.retrieve("file-1")


async def test_async_cancellation_is_raised_as_itself() -> None:
    started = asyncio.Event()

    async def handler(request: httpx.Request) -> httpx.Response:
        started.set()
        await asyncio.sleep(30)
        raise AssertionError("not reached")

    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    async with AsyncOpenAI(
        api_key=TEST_API_KEY,
        base_url="http://broken.test/v1",
        http_client=http,
        load_plugins=False,
    ) as client:
        task = asyncio.create_task(client.files.retrieve("file-1"))
        await started.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
