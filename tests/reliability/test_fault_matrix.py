"""Each kind of fault x sync/async: the upload ends byte-exact or fails cleanly, as expected.

A moderate fault rate (p = 0.3 on create, parts and complete) is absorbed by the retries,
so those cells complete byte-exact; a fault on every part request (p = 1.0) outlasts
them, so those cells fail with the matching typed exception and the Upload cancelled.
A body slower than the client's timeout fails with ``APITimeoutError``; one within it
completes. (Per-part retry budgets, progress and the part plan's property test are in
tests/transfer; this file is about what the user is left with.)
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from openai_uploads import (
    APIConnectionError,
    APITimeoutError,
    InternalServerError,
    RateLimitError,
)
from openai_uploads.emulator import EmulatorServer, FaultConfig

from ._outcomes import byte_exact, cleanly_failed, upload_kwargs
from .conftest import make_async_client, make_client

KiB = 1024
PART = 64 * KiB
DATA_SIZE = 8 * PART + 123
MOST = frozenset({"create", "parts", "complete"})
PARTS = frozenset({"parts"})


@dataclass(frozen=True)
class Cell:
    faults: FaultConfig
    expect: type[BaseException] | None
    """None: completes byte-exact; else the exception class of the clean failure."""
    status: int | None = None
    client: dict[str, Any] = field(default_factory=dict)
    upload: dict[str, Any] = field(default_factory=dict)
    builtin_retries: bool = False
    """Use the built-in retry policy (which honours Retry-After) instead of FastRetries."""
    part_size: int = PART
    data_size: int = DATA_SIZE


ABSORB = {"client": {"max_retries": 5}, "upload": {"part_retries": 8}}

CELLS = {
    "500-p0.3-completes": Cell(FaultConfig(p_500=0.3, endpoints=MOST, seed=1), None, **ABSORB),
    "500-p1-fails": Cell(FaultConfig(p_500=1.0, endpoints=PARTS), InternalServerError, 500),
    "503-p0.3-completes": Cell(FaultConfig(p_503=0.3, endpoints=MOST, seed=2), None, **ABSORB),
    "503-p1-fails": Cell(FaultConfig(p_503=1.0, endpoints=PARTS), InternalServerError, 503),
    "429-retry-after-p0.3-completes": Cell(
        FaultConfig(p_429=0.3, retry_after=0.05, endpoints=MOST, seed=3),
        None,
        builtin_retries=True,
        **ABSORB,
    ),
    "429-retry-after-p1-fails": Cell(
        FaultConfig(p_429=1.0, retry_after=0.05, endpoints=PARTS),
        RateLimitError,
        429,
        builtin_retries=True,
    ),
    "drop-mid-body-p0.3-completes": Cell(
        FaultConfig(p_drop=0.3, endpoints=MOST, seed=4), None, **ABSORB
    ),
    "drop-mid-body-p1-fails": Cell(FaultConfig(p_drop=1.0, endpoints=PARTS), APIConnectionError),
    "body-slower-than-timeout-fails": Cell(
        FaultConfig(bandwidth=128 * KiB),  # a 256 KiB part takes 2 s
        APITimeoutError,
        client={"timeout": 0.3},
        upload={"part_retries": 1},
        part_size=256 * KiB,
        data_size=3 * 256 * KiB,
    ),
    "body-slow-within-timeout-completes": Cell(
        FaultConfig(bandwidth=4 * 1024 * KiB),  # a 256 KiB part takes 62 ms
        None,
        client={"timeout": 3},
        part_size=256 * KiB,
        data_size=3 * 256 * KiB + 1,
    ),
}


def _status_of(server: EmulatorServer) -> Callable[[str], str]:
    return lambda upload_id: str(server.store.get_upload(upload_id).status)


def _check_cell(
    cell: Cell, server: EmulatorServer, outcome: Any, data: bytes, content: Any
) -> None:
    stats = server.fault_stats()
    if cell.expect is None:
        assert not isinstance(outcome, BaseException), f"expected completion, got {outcome!r}"
        byte_exact(outcome, data, content)
        if cell.faults.bandwidth is None:
            injected = sum(stats[k] for k in ("500", "503", "429", "drop"))
            assert injected > 0, stats  # the retries had something to absorb
    else:
        assert isinstance(outcome, BaseException), f"expected {cell.expect.__name__}, got {outcome}"
        upload_id = cleanly_failed(outcome, cell.expect, _status_of(server))
        assert upload_id is not None
        if cell.status is not None:
            assert outcome.status_code == cell.status  # type: ignore[attr-defined]
        if cell.expect is APIConnectionError:
            assert not isinstance(outcome, APITimeoutError)


@pytest.mark.parametrize("name", list(CELLS))
def test_sync(name: str, server: EmulatorServer) -> None:
    cell = CELLS[name]
    server.faults = cell.faults
    data = _data(cell.data_size)
    plugins = [] if cell.builtin_retries else None
    started = time.monotonic()
    with make_client(server.base_url, plugins=plugins, **cell.client) as client:
        try:
            outcome: Any = client.uploads.upload_file_chunked(
                **upload_kwargs(data, cell.part_size, 4, **cell.upload)
            )
        except Exception as exc:
            outcome = exc
        _check_cell(cell, server, outcome, data, client.with_options(timeout=30).files.content)
    _check_retry_after(cell, server, time.monotonic() - started)


@pytest.mark.parametrize("name", list(CELLS))
async def test_async(name: str, server: EmulatorServer) -> None:
    cell = CELLS[name]
    server.faults = cell.faults
    data = _data(cell.data_size)
    plugins = [] if cell.builtin_retries else None
    started = time.monotonic()
    async with make_async_client(server.base_url, plugins=plugins, **cell.client) as client:
        try:
            outcome: Any = await client.uploads.upload_file_chunked(
                **upload_kwargs(data, cell.part_size, 4, **cell.upload)
            )
        except Exception as exc:
            outcome = exc
        content = b""
        if not isinstance(outcome, BaseException):
            content = (await client.with_options(timeout=30).files.content(outcome.file.id)).content
    _check_cell(cell, server, outcome, data, lambda _id: content)
    _check_retry_after(cell, server, time.monotonic() - started)


def _check_retry_after(cell: Cell, server: EmulatorServer, elapsed: float) -> None:
    """With the built-in policy, each 429 costs its Retry-After: the waits really happen."""
    if cell.builtin_retries:
        n429 = server.fault_stats()["429"]
        assert n429 > 0
        # Parts wait side by side (4 at a time), and a part's last 429 may be the one it
        # gives up on: at least n429 / 4 - 1 waits follow one another.
        assert elapsed >= cell.faults.retry_after * (n429 // 4 - 1)


def _data(size: int) -> bytes:
    return os.urandom(size)
