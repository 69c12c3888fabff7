"""Cancelling the task of an async transfer: the one failure only the async client has.

The failures both clients share are written once in ``_async/test_failures.py``.
"""

from __future__ import annotations

import asyncio

import pytest

from openai_uploads._client import AsyncOpenAI
from openai_uploads.emulator import EmulatorServer
from openai_uploads.emulator._faults import FaultConfig

from .conftest import PART, Recorder, random_bytes, status_of


async def test_task_cancellation_cancels_the_upload_and_reraises(
    server: EmulatorServer, async_client: AsyncOpenAI, recorder: Recorder
) -> None:
    server.faults = FaultConfig(bandwidth=256 * 1024, endpoints=frozenset())
    data = random_bytes(PART * 16)
    task = asyncio.create_task(
        async_client.uploads.upload_file_chunked(
            file=data,
            filename="f.bin",
            bytes=len(data),
            mime_type="application/jsonl",
            purpose="batch",
            part_size=PART,
        )
    )
    while not recorder.of("started"):  # noqa: ASYNC110 - polling a plugin's list
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.2)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    upload_id = recorder.of("started")[0].upload_id
    assert status_of(server, upload_id) == "cancelled"
    assert recorder.of("failed")[0].upload_id == upload_id
