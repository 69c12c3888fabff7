"""Parts begin in file order, the order in which a server can hash them as they land,
and still stream side by side: each part's request starts once the part before it has
begun to be sent (its first slice is on the wire), failed, or been cancelled.

The jobs' gate is tested on ``Workers`` / ``AsyncWorkers`` (``start_in_turn``); the
engine's use of it on the emulator, from the client's side: when each part's attempt
starts and when its first bytes have left. The order in which the emulator begins
the parts also depends on how promptly its event loop reads each connection (on two
shared cores it can lag behind the client), so it is measured in bench/, not asserted.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
import pytest

from openai_uploads._client import AsyncOpenAI, OpenAI
from openai_uploads._concurrency import AsyncWorkers, Workers
from openai_uploads._transfer._job import Job
from openai_uploads._transfer._plan import Part

from .conftest import md5, write

BACKENDS = ["asyncio", "trio"]
PARTS = 16
IN_FLIGHT = 8
PART = 1024 * 1024  # two 512 KiB slices each


# --------------------------------------------------------------------------- the gate


def test_jobs_begin_in_turn_then_run_side_by_side() -> None:
    log: list[str] = []
    together = threading.Barrier(3, timeout=10)  # breaks if the jobs were serialised

    def job(n: int) -> Callable[[Callable[[], None]], object]:
        def run(began: Callable[[], None]) -> object:
            log.append(f"start {n}")
            threading.Event().wait(0.02 * (3 - n))  # the later, the faster: no help
            log.append(f"began {n}")
            began()
            together.wait()
            return n

        return run

    with Workers(4) as workers:
        for n in (1, 2, 3):
            workers.start_in_turn(n, job(n))
        ended: list[tuple[int, object]] = []
        while len(ended) < 3:
            ended += workers.wait(None)
    assert sorted(ended, key=lambda e: e[0]) == [(1, 1), (2, 2), (3, 3)]
    assert log == ["start 1", "began 1", "start 2", "began 2", "start 3", "began 3"]


def test_a_job_that_fails_before_it_began_lets_the_next_one_start() -> None:
    def fails(began: Callable[[], None]) -> object:
        raise OSError("connection refused")

    with Workers(2) as workers:
        workers.start_in_turn(1, fails)
        workers.start_in_turn(2, lambda began: "sent")
        ended: list[tuple[int, object]] = []
        while len(ended) < 2:
            ended += workers.wait(None)
    results = dict(ended)
    assert isinstance(results[1], OSError)
    assert results[2] == "sent"


def test_cancelled_jobs_never_hold_back_later_ones() -> None:
    release = threading.Event()

    def stuck(began: Callable[[], None]) -> object:  # never begins; stops when told
        release.wait(10)
        return "stopped"

    with Workers(1) as workers:
        workers.start_in_turn(1, stuck)
        workers.start_in_turn(2, lambda began: "queued")  # cancelled before it ran
        workers.cancel(frozenset(), grace=0, stop_grace=0)
        release.set()
        workers.start_in_turn(3, lambda began: "fresh")  # a new turn order
        ended: list[tuple[int, object]] = []
        while not any(key == 3 for key, _ in ended):
            ended += workers.wait(None)
    assert (3, "fresh") in ended


@pytest.mark.parametrize("backend", BACKENDS)
def test_async_jobs_begin_in_turn_then_run_side_by_side(backend: str) -> None:
    async def main() -> tuple[list[str], list[tuple[int, object]]]:
        log: list[str] = []
        arrived = 0
        all_in = anyio.Event()

        def job(n: int) -> Callable[[Callable[[], None]], Any]:
            async def run(began: Callable[[], None]) -> object:
                nonlocal arrived
                log.append(f"start {n}")
                await anyio.sleep(0.02 * (3 - n))
                log.append(f"began {n}")
                began()
                arrived += 1
                if arrived == 3:
                    all_in.set()
                with anyio.fail_after(10):  # serialised jobs would never all arrive
                    await all_in.wait()
                return n

            return run

        async with AsyncWorkers(4) as workers:
            for n in (1, 2, 3):
                workers.start_in_turn(n, job(n))
            ended: list[tuple[int, object]] = []
            while len(ended) < 3:
                ended += await workers.wait(None)
        return log, ended

    log, ended = anyio.run(main, backend=backend)
    assert sorted(ended, key=lambda e: e[0]) == [(1, 1), (2, 2), (3, 3)]
    assert log == ["start 1", "began 1", "start 2", "began 2", "start 3", "began 3"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_async_failed_or_cancelled_jobs_let_the_next_ones_start(backend: str) -> None:
    async def main() -> list[tuple[int, object]]:
        async def fails(began: Callable[[], None]) -> object:
            raise OSError("connection refused")

        async def hangs(began: Callable[[], None]) -> object:
            await anyio.sleep(60)
            return "never"

        async def sends(began: Callable[[], None]) -> object:
            began()
            return "sent"

        ended: list[tuple[int, object]] = []
        async with AsyncWorkers(4) as workers:
            workers.start_in_turn(1, fails)
            workers.start_in_turn(2, sends)
            while len(ended) < 2:
                ended += await workers.wait(None)
            workers.start_in_turn(3, hangs)
            workers.start_in_turn(4, sends)  # waits for 3, which never begins
            await workers.cancel(frozenset(), grace=0, stop_grace=0)
            workers.start_in_turn(5, sends)  # a new turn order
            while not any(key == 5 for key, _ in ended):
                ended += await workers.wait(None)
        return ended

    results = dict(anyio.run(main, backend=backend))
    assert isinstance(results[1], OSError)
    assert results[2] == "sent"
    assert results[5] == "sent"
    assert 3 not in results  # cancelled jobs report nothing
    assert 4 not in results


# --------------------------------------------------------------------------- the engine


def _record(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """("attempt", n) when part n's attempt starts; ("left", n) when its first bytes
    have left (its first progress report)."""
    events: list[tuple[str, int]] = []
    lock = threading.Lock()
    attempt_callback = Job._attempt_callback
    progress_callback = Job._progress_callback

    def on_attempt(self: Job, part: Part) -> Callable[[], None]:
        inner = attempt_callback(self, part)

        def record() -> None:
            with lock:
                events.append(("attempt", part.number))
            inner()

        return record

    def on_progress(self: Job, part: Part) -> Callable[[int], None]:
        inner = progress_callback(self, part)
        first = True

        def record(sent: int) -> None:
            nonlocal first
            with lock:
                if first and sent > 0:
                    first = False
                    events.append(("left", part.number))
            inner(sent)

        return record

    monkeypatch.setattr(Job, "_attempt_callback", on_attempt)
    monkeypatch.setattr(Job, "_progress_callback", on_progress)
    return events


def _check_in_turn(events: list[tuple[str, int]]) -> None:
    attempts = [n for kind, n in events if kind == "attempt"]
    assert attempts == list(range(1, PARTS + 1))  # one attempt each, in file order
    for n in range(2, PARTS + 1):
        assert events.index(("left", n - 1)) < events.index(("attempt", n))


def _data() -> bytes:
    return b"".join(bytes([i]) * PART for i in range(PARTS))


def test_sync_parts_begin_in_file_order(
    client: OpenAI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _data()
    events = _record(monkeypatch)
    upload = client.uploads.upload_file_chunked(
        file=write(tmp_path, data),
        mime_type="application/octet-stream",
        purpose="assistants",
        part_size=PART,
        max_concurrency=IN_FLIGHT,
        md5=md5(data),
    )
    assert upload.status == "completed"
    _check_in_turn(events)


@pytest.mark.parametrize("backend", BACKENDS)
def test_async_parts_begin_in_file_order(
    async_client: AsyncOpenAI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, backend: str
) -> None:
    data = _data()
    events = _record(monkeypatch)

    async def main() -> str:
        async with async_client:
            upload = await async_client.uploads.upload_file_chunked(
                file=write(tmp_path, data),
                mime_type="application/octet-stream",
                purpose="assistants",
                part_size=PART,
                max_concurrency=IN_FLIGHT,
                md5=md5(data),
            )
        return str(upload.status)

    assert anyio.run(main, backend=backend) == "completed"
    _check_in_turn(events)
