"""Cancelling an async transfer while its stream is being spooled: only the async client
has a task to cancel.

What both clients share is written once in ``_async/test_stream_inputs.py``.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from openai_uploads._client import AsyncOpenAI
from openai_uploads.emulator import EmulatorServer

from ._async.test_stream_inputs import Fifo
from .conftest import PART, random_bytes

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes (POSIX)")

ARGS: dict[str, Any] = {"mime_type": "application/jsonl", "purpose": "batch", "part_size": PART}


async def test_async_cancelling_while_a_stream_is_spooled_returns_at_once(
    server: EmulatorServer, async_client: AsyncOpenAI, tmp_path: Path
) -> None:
    """The producer is still running: the task does not wait for its end."""
    hold = threading.Event()
    pipe = Fifo(tmp_path / "slow.jsonl", random_bytes(PART), hold=hold)
    before = server.fault_stats()["requests"]
    started = time.monotonic()
    try:
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(
                async_client.uploads.upload_file_chunked(file=str(pipe.path), **ARGS), 0.5
            )
        assert time.monotonic() - started < 5
        assert server.fault_stats()["requests"] == before
    finally:
        pipe.join()
