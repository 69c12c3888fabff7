"""The jobs a transfer runs beside its flow: ``AsyncWorkers`` (anyio) and ``Workers``
(threads) report each job's result or exception once, and ``cancel`` keeps only what
it waited for."""

from __future__ import annotations

import threading
import time

import anyio
import pytest

from openai_uploads._concurrency import AsyncWorkers, Workers

BACKENDS = ["asyncio", "trio"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_async_jobs_report_their_result_or_exception(backend: str) -> None:
    async def main() -> list[tuple[int, object]]:
        error = ValueError("boom")

        async def ok() -> str:
            return "done"

        async def fails() -> str:
            raise error

        async with AsyncWorkers(2) as workers:
            workers.start(1, ok)
            workers.start(2, fails)
            ended: list[tuple[int, object]] = []
            while len(ended) < 2:
                ended += await workers.wait(None)
        return sorted(ended, key=lambda item: item[0])

    (one, result), (two, error) = anyio.run(main, backend=backend)
    assert (one, result) == (1, "done")
    assert two == 2
    assert isinstance(error, ValueError)


@pytest.mark.parametrize("backend", BACKENDS)
def test_async_cancel_waits_for_landing_jobs_and_stops_the_others(backend: str) -> None:
    async def main() -> list[tuple[int, object]]:
        async def lands() -> str:
            await anyio.sleep(0.05)
            return "landed"

        async def hangs() -> str:
            await anyio.sleep(60)
            return "never"

        async with AsyncWorkers(2) as workers:
            workers.start(1, lands)
            workers.start(2, hangs)
            ended = await workers.cancel(frozenset({1}), grace=5, stop_grace=1)
            assert await workers.wait(0) == []
        return ended

    assert anyio.run(main, backend=backend) == [(1, "landed")]


def test_thread_jobs_report_their_result_or_exception() -> None:
    def fails() -> None:
        raise OSError("gone")

    with Workers(2) as workers:
        workers.start(1, lambda: "done")
        workers.start_thread(0, fails)
        ended: list[tuple[int, object]] = []
        while len(ended) < 2:
            ended += workers.wait(None)
    results = dict(ended)
    assert results[1] == "done"
    assert isinstance(results[0], OSError)


def test_thread_cancel_waits_for_landing_jobs_and_forgets_the_others() -> None:
    release = threading.Event()
    with Workers(2) as workers:
        workers.start(1, lambda: time.sleep(0.05) or "landed")
        workers.start(2, lambda: release.wait(10) and "late")
        ended = workers.cancel(frozenset({1}), grace=5, stop_grace=0)
        release.set()
        time.sleep(0.05)
        assert workers.wait(0) == []  # the forgotten job's end is not reported
    assert ended == [(1, "landed")]
