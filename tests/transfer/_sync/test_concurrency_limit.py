# Generated from tests/transfer/_async/test_concurrency_limit.py by `python scripts/unasync.py`: do not edit.
"""``max_concurrency`` bounds the part requests in flight, in both drivers.

Both keep one part read ahead (``max_concurrency + 1`` buffers), but only
``max_concurrency`` part requests may be on the wire at once. The emulator's bandwidth
cap makes each part take long enough for the requests to overlap.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest

from openai_uploads._client import OpenAI
from openai_uploads.emulator import EmulatorServer
from openai_uploads.emulator._faults import FaultConfig
from openai_uploads.hookspecs import hookimpl

from ..conftest import API_KEY, PART, FastRetries, in_memory, random_bytes


class InFlight:
    """The most ``add_part`` requests seen in flight at once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.now = 0
        self.peak = 0

    @hookimpl
    def on_request_start(self, event: Any) -> None:
        if event.operation == "add_part":
            with self._lock:
                self.now += 1
                self.peak = max(self.peak, self.now)

    @hookimpl
    def on_request_end(self, event: Any) -> None:
        if event.operation == "add_part":
            with self._lock:
                self.now -= 1


def _kwargs(concurrency: int) -> dict[str, Any]:
    return in_memory(random_bytes(PART * 8), max_concurrency=concurrency)


@pytest.mark.parametrize("concurrency", [1, 3])
def test_the_driver_keeps_at_most_max_concurrency_parts_in_flight(
    server: EmulatorServer, concurrency: int
) -> None:
    server.faults = FaultConfig(bandwidth=2 * 1024 * 1024)  # 64 KiB in ~30 ms
    seen = InFlight()
    with OpenAI(api_key=API_KEY, base_url=server.base_url, plugins=[FastRetries(), seen]) as c:
        c.uploads.upload_file_chunked(**_kwargs(concurrency))
    assert seen.peak == concurrency
