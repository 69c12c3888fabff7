"""The server goes away while parts are flowing and comes back on the same data dir.

The emulator runs in its own process, is killed (SIGKILL, as a crash) once the first part
has been accepted while others are mid-body, and restarted on the same port and data
dir. The client's retries (every 0.25 s, up to 12 times per part) bridge the gap, so the
upload is expected to complete byte-exact; if a response was lost after the server had
stored its part, the Upload may instead fail cleanly: a typed error, Upload cancelled.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from openai_uploads import APIError, hookimpl
from openai_uploads.emulator import EmulatorProcess, FaultConfig

from ._outcomes import byte_exact, cleanly_failed, status_by_cancelling, upload_kwargs
from .conftest import API_KEY, FIGURES, SteadyRetries, make_async_client, make_client

PART = 256 * 1024
DATA = 12 * PART + 5
# 1 MiB/s per connection: each part takes ~0.25 s, so parts are mid-body at the kill
SLOW = FaultConfig(bandwidth=1024 * 1024)


class Crash:
    """Kills and restarts the server (in a thread) when the first part is accepted."""

    def __init__(self, server: EmulatorProcess) -> None:
        self.server = server
        self.done = threading.Event()
        self._once = threading.Lock()
        self.thread: threading.Thread | None = None
        self.failed_requests = 0

    @hookimpl
    def on_request_end(self, event: Any) -> None:
        if event.error is not None:
            self.failed_requests += 1

    @hookimpl
    def on_part_completed(self, event: Any) -> None:
        if self._once.acquire(blocking=False):
            self.thread = threading.Thread(target=self._restart, daemon=True)
            self.thread.start()

    def _restart(self) -> None:
        FIGURES.add_faults(self.server.fault_stats())
        FIGURES.count("server_crash")
        self.server.kill()
        self.server.start()
        self.server.set_faults(SLOW)
        self.done.set()


@pytest.fixture
def process(tmp_path: Path) -> Iterator[EmulatorProcess]:
    with EmulatorProcess(data_dir=tmp_path / "data", api_key=API_KEY, faults=SLOW) as server:
        yield server
        if server.process is not None:
            FIGURES.add_faults(server.fault_stats())


def _check(outcome: Any, data: bytes, crash: Crash, client: Any, content: Any) -> None:
    assert crash.done.wait(30), "the server was never restarted"
    assert crash.failed_requests > 0  # the crash really cut requests off
    if isinstance(outcome, BaseException):
        cleanly_failed(outcome, APIError, status_by_cancelling(client.uploads.cancel))
    else:
        byte_exact(outcome, data, content)


def test_sync_upload_survives_a_server_crash(process: EmulatorProcess) -> None:
    data = os.urandom(DATA)
    crash = Crash(process)
    plugins = [SteadyRetries(0.25), crash]
    with make_client(process.base_url, plugins=plugins, timeout=10) as client:
        try:
            outcome: Any = client.uploads.upload_file_chunked(
                **upload_kwargs(data, PART, 4, part_retries=12)
            )
        except Exception as exc:
            outcome = exc
        crash.done.wait(30)
        _check(outcome, data, crash, client, client.files.content)


async def test_async_upload_survives_a_server_crash(process: EmulatorProcess) -> None:
    data = os.urandom(DATA)
    crash = Crash(process)
    plugins = [SteadyRetries(0.25), crash]
    async with make_async_client(process.base_url, plugins=plugins, timeout=10) as client:
        try:
            outcome: Any = await client.uploads.upload_file_chunked(
                **upload_kwargs(data, PART, 4, part_retries=12)
            )
        except Exception as exc:
            outcome = exc
        await asyncio.to_thread(crash.done.wait, 30)
    with make_client(process.base_url) as sync_client:
        _check(outcome, data, crash, sync_client, sync_client.files.content)
