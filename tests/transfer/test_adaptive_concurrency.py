"""Left out, ``max_concurrency`` adapts to the measured throughput; given, it is fixed.

The decisions are sans-I/O (:class:`ConcurrencyLimit`: the tests feed it a clock and
byte counts); one end-to-end test per driver shows the transfer acting on them.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from openai_uploads._client import AsyncOpenAI, OpenAI
from openai_uploads._plugins import PluginHost
from openai_uploads._transfer._job import Job
from openai_uploads._transfer._options import (
    DEFAULT_MAX_CONCURRENCY,
    DEFAULT_STREAM_CONCURRENCY,
    TransferOptions,
)
from openai_uploads._transfer._plan import (
    ADAPT_SETTLE,
    ADAPT_WINDOW,
    ADAPTIVE_START,
    ConcurrencyLimit,
)
from openai_uploads._types import omit
from openai_uploads.emulator import EmulatorServer
from openai_uploads.emulator._faults import FaultConfig

from ._async.test_concurrency_limit import InFlight
from .conftest import API_KEY, PART, FastRetries, in_memory, random_bytes

STEP = ADAPT_SETTLE + ADAPT_WINDOW + 0.01
"""Clock time from one decision of the adaptive limit to the next."""


def _run(limit: ConcurrencyLimit, rate_of: Callable[[int], float], steps: int) -> list[int]:
    """Drive ``limit`` as a driver would, ``rate_of(n)`` bytes/s flowing with n parts in
    flight; returns the limit after each step."""
    now, sent = 0.0, 0
    limit.observe(now, sent, 0)  # the first parts are out
    seen = []
    for _ in range(steps):
        # settle, then one measurement window, at the rate of the current limit
        for dt in (ADAPT_SETTLE + 0.001, ADAPT_WINDOW + 0.009):
            sent += int(rate_of(limit.limit) * dt)
            now += dt
            limit.observe(now, sent, 0)
        seen.append(limit.limit)
    return seen


def test_a_fixed_limit_is_the_cap_whatever_the_rate() -> None:
    limit = ConcurrencyLimit(8)
    assert limit.limit == 8
    assert _run(limit, lambda n: 1e6 * n, 4) == [8, 8, 8, 8]
    assert limit.observe(100.0, 10**9, retries=3) == 8
    assert limit.next_check(0.0) is None


def test_an_adaptive_limit_starts_at_a_few_parts() -> None:
    assert ConcurrencyLimit(16, adaptive=True).limit == ADAPTIVE_START == 4
    assert ConcurrencyLimit(2, adaptive=True).limit == 2


def test_the_limit_doubles_while_the_rate_grows_with_it_up_to_the_cap() -> None:
    # per-connection caps (the wide-area case): each part adds its share
    limit = ConcurrencyLimit(16, adaptive=True)
    assert _run(limit, lambda n: 20e6 * n, 4) == [8, 16, 16, 16]
    assert not limit.growing
    assert limit.peak == 16


def test_the_limit_never_goes_above_the_cap() -> None:
    limit = ConcurrencyLimit(6, adaptive=True)
    assert _run(limit, lambda n: 20e6 * n, 3) == [6, 6, 6]


def test_the_limit_goes_back_where_more_parts_stopped_raising_the_rate() -> None:
    # a shared link full at 4 parts: 8 move no more, so 4 it stays
    limit = ConcurrencyLimit(16, adaptive=True)
    assert _run(limit, lambda n: 100e6 * min(n, 4) / 4, 4) == [8, 4, 4, 4]
    assert not limit.growing
    assert limit.next_check(1000.0) is None


def test_a_gain_below_the_margin_is_not_worth_more_parts() -> None:
    # 8 -> 16 parts for +10 %: not meaningful (doubling must bring at least +25 %)
    limit = ConcurrencyLimit(16, adaptive=True)
    assert _run(limit, lambda n: {4: 40e6, 8: 80e6, 16: 88e6}[n], 3) == [8, 16, 8]


def test_a_window_in_which_nothing_was_sent_is_no_gain() -> None:
    # e.g. small parts already handed whole to the socket buffers, the server slow
    limit = ConcurrencyLimit(16, adaptive=True)
    assert _run(limit, lambda n: 0.0, 3) == [8, 4, 4]


def test_a_retried_part_halves_the_limit_and_ends_the_growth() -> None:
    limit = ConcurrencyLimit(16, adaptive=True)
    _run(limit, lambda n: 20e6 * n, 1)
    assert limit.limit == 8
    assert limit.observe(10.0, 10**9, retries=1) == 4
    assert not limit.growing
    assert limit.observe(20.0, 2 * 10**9, retries=1) == 4  # the same retry: no change
    assert limit.observe(30.0, 3 * 10**9, retries=2) == 2
    assert limit.observe(40.0, 4 * 10**9, retries=5) == 1
    assert limit.observe(50.0, 5 * 10**9, retries=6) == 1


def test_the_driver_is_woken_when_a_measurement_is_due() -> None:
    limit = ConcurrencyLimit(16, adaptive=True)
    assert limit.next_check(0.0) == 0.0  # nothing measured yet
    limit.observe(0.0, 0, 0)
    assert limit.next_check(0.0) == pytest.approx(ADAPT_SETTLE)
    limit.observe(ADAPT_SETTLE, 0, 0)
    assert limit.next_check(ADAPT_SETTLE) == pytest.approx(ADAPT_WINDOW)
    limit.stop_growing()
    assert limit.next_check(ADAPT_SETTLE) is None


def _options(max_concurrency: object, **changes: Any) -> TransferOptions:
    arguments: dict[str, Any] = {
        "client_max_retries": 2,
        "filename": "f.bin",
        "bytes": None,
        "state_file": None,
        "mime_type": "application/jsonl",
        "purpose": "batch",
        "part_size": PART,
        "md5": None,
        "expires_after": omit,
        "resume": False,
        "keep_on_failure": None,
        "part_retries": None,
    }
    return TransferOptions.from_arguments(
        **{**arguments, **changes, "max_concurrency": max_concurrency}
    )


def test_left_out_max_concurrency_adapts_up_to_16_for_a_path(tmp_path: Path) -> None:
    path = tmp_path / "f.bin"
    path.write_bytes(b"x" * PART * 3)
    job = Job(PluginHost(), str(path), _options(None))
    assert job.opts.adaptive
    assert job.max_in_flight == DEFAULT_MAX_CONCURRENCY == 16
    assert job.concurrency.adaptive
    assert job.concurrency.limit == ADAPTIVE_START


def test_left_out_max_concurrency_adapts_up_to_8_for_a_non_seekable_stream() -> None:
    class Pipe(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def seekable(self) -> bool:
            return False

    job = Job(PluginHost(), Pipe(), _options(None, bytes=3 * PART))
    assert job.max_in_flight == DEFAULT_STREAM_CONCURRENCY == 8
    assert job.concurrency.adaptive
    # one buffer per part in flight and one read ahead, as the limit grows
    assert job.buffer_count == min(ADAPTIVE_START + 1, 3)


def test_a_part_attempt_that_is_a_retry_halves_the_transfers_limit(tmp_path: Path) -> None:
    path = tmp_path / "f.bin"
    path.write_bytes(os.urandom(PART * 8))
    job = Job(PluginHost(), str(path), _options(None))
    first, second = job.plan.part(1), job.plan.part(2)
    on_attempt = job.part_arguments(first)["on_attempt"]
    on_attempt()  # its first attempt: not a retry
    job.part_arguments(second)["on_attempt"]()
    assert job.parts_allowed() == ADAPTIVE_START
    on_attempt()  # part 1 again: throttled, a 5xx or a dropped connection
    assert job.parts_allowed() == ADAPTIVE_START // 2
    assert not job.concurrency.growing


@pytest.mark.parametrize("given", [1, 4, 16, 32])
def test_an_explicit_max_concurrency_is_fixed(tmp_path: Path, given: int) -> None:
    path = tmp_path / "f.bin"
    path.write_bytes(os.urandom(PART))
    job = Job(PluginHost(), str(path), _options(given))
    assert not job.opts.adaptive
    assert job.max_in_flight == given
    assert job.concurrency.limit == given
    assert not job.concurrency.growing


# --------------------------------------------------------------------------- end to end

PARTS = 10
BANDWIDTH = 48 * 1024
"""Per connection: a part takes ~1.3 s, so the first decision (0.5 s after the first
parts left; the first step up needs no comparison: it always doubles) comes while the
first four are still on the wire and parts are left to start."""


def _kwargs() -> dict[str, Any]:
    return in_memory(random_bytes(PART * PARTS))


def test_sync_left_out_max_concurrency_starts_at_4_and_adds_parts(
    server: EmulatorServer,
) -> None:
    server.faults = FaultConfig(bandwidth=BANDWIDTH)
    seen = InFlight()
    with OpenAI(api_key=API_KEY, base_url=server.base_url, plugins=[FastRetries(), seen]) as c:
        upload = c.uploads.upload_file_chunked(**_kwargs())
    assert upload.status == "completed"
    assert ADAPTIVE_START < seen.peak <= DEFAULT_MAX_CONCURRENCY


async def test_async_left_out_max_concurrency_starts_at_4_and_adds_parts(
    server: EmulatorServer,
) -> None:
    server.faults = FaultConfig(bandwidth=BANDWIDTH)
    seen = InFlight()
    async with AsyncOpenAI(
        api_key=API_KEY, base_url=server.base_url, plugins=[FastRetries(), seen]
    ) as c:
        upload = await c.uploads.upload_file_chunked(**_kwargs())
    assert upload.status == "completed"
    assert ADAPTIVE_START < seen.peak <= DEFAULT_MAX_CONCURRENCY
