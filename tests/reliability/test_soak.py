"""A soak: 100 small uploads against random faults lose nothing and leak nothing.

The emulator (in its own process, so that the counts below are the client's alone)
injects 500, 503, 429 and dropped connections on 24 % of create, part and complete
requests. Half the uploads go through one ``OpenAI`` client, half through one
``AsyncOpenAI``; every fifth upload gets no part retries, so that failures (and their
clean-up: the Upload cancelled, in-flight senders stopped) happen too. Each upload must
end byte-exact or cleanly failed with its Upload cancelled; afterwards the process has
as many open file descriptors and threads as before.
"""

from __future__ import annotations

import asyncio
import gc
import os
import random
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from openai_uploads import OpenAIError
from openai_uploads.emulator import EmulatorProcess, FaultConfig

from ._outcomes import byte_exact, cleanly_failed, status_by_cancelling, upload_kwargs
from .conftest import API_KEY, FIGURES, make_async_client, make_client

UPLOADS = 100
PART = 32 * 1024
FAULTS = FaultConfig(
    p_500=0.06,
    p_503=0.06,
    p_429=0.06,
    p_drop=0.06,
    retry_after=0,
    endpoints=frozenset({"create", "parts", "complete"}),
    seed=20240601,
)


@pytest.fixture
def process(tmp_path: Path) -> Iterator[EmulatorProcess]:
    with EmulatorProcess(data_dir=tmp_path / "data", api_key=API_KEY, faults=FAULTS) as server:
        yield server


def _retries(i: int) -> dict[str, Any]:
    return {"part_retries": 0} if i % 5 == 4 else {}


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def _settle(baseline: int, timeout: float = 10.0) -> int:
    """Thread count once stray threads (a failed part's sender) have finished."""
    deadline = time.monotonic() + timeout
    while threading.active_count() > baseline and time.monotonic() < deadline:
        time.sleep(0.05)
    return threading.active_count()


def test_soak_of_100_uploads_with_random_faults(process: EmulatorProcess) -> None:
    rng = random.Random(7)  # sizes and concurrencies; the faults have their own seed
    inputs = [rng.randbytes(rng.randint(1, 5 * PART)) for _ in range(UPLOADS)]
    sync_inputs, async_inputs = inputs[: UPLOADS // 2], inputs[UPLOADS // 2 :]
    outcomes: list[tuple[bytes, Any]] = []
    gc.collect()
    fds_before, threads_before = _open_fds(), threading.active_count()

    with make_client(process.base_url) as client:
        for i, data in enumerate(sync_inputs):
            try:
                outcome: Any = client.uploads.upload_file_chunked(
                    **upload_kwargs(data, PART, rng.choice((1, 2, 4)), **_retries(i))
                )
            except OpenAIError as exc:
                outcome = exc
            outcomes.append((data, outcome))

    async def run_async() -> None:
        async with make_async_client(process.base_url) as aclient:
            for i, data in enumerate(async_inputs):
                try:
                    outcome: Any = await aclient.uploads.upload_file_chunked(
                        **upload_kwargs(data, PART, rng.choice((1, 2, 4)), **_retries(i))
                    )
                except OpenAIError as exc:
                    outcome = exc
                outcomes.append((data, outcome))

    asyncio.run(run_async())
    gc.collect()
    threads_after = _settle(threads_before)
    fds_after = _open_fds()

    stats = process.fault_stats()
    FIGURES.add_faults(stats)
    # Check every outcome (with a fault-free client: the checks must not be faulted).
    process.set_faults(FaultConfig())
    completed = failed = 0
    with make_client(process.base_url) as checker:
        status_of = status_by_cancelling(checker.uploads.cancel)
        for data, outcome in outcomes:
            if isinstance(outcome, BaseException):
                cleanly_failed(outcome, OpenAIError, status_of)
                failed += 1
            else:
                byte_exact(outcome, data, checker.files.content)
                completed += 1

    assert completed + failed == UPLOADS
    assert completed >= UPLOADS * 0.7  # the retries absorb nearly all of it
    assert failed > 0  # and the uploads without part retries exercised the failure path
    assert sum(stats[k] for k in ("500", "503", "429", "drop")) >= 50
    assert fds_after == fds_before, f"file descriptors: {fds_before} -> {fds_after}"
    assert threads_after == threads_before, f"threads: {threads_before} -> {threads_after}"
