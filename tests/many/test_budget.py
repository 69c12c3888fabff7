"""``upload_many``'s one budget of requests in flight: fixed when given, else halved while
the server pushes back and raised again by successes (:class:`RequestBudget`)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import anyio
import pytest

from openai_uploads import OpenAI
from openai_uploads._concurrency import AsyncSlots, Slots
from openai_uploads._sync.uploads import DEFAULT_MANY_CONCURRENCY
from openai_uploads._transfer._plan import THROTTLE_HOLD, RequestBudget
from openai_uploads.emulator import EmulatorServer
from openai_uploads.hookspecs import hookimpl

from .conftest import API_KEY, jsonl_files


def _never() -> BaseException | None:
    return None


# ------------------------------------------------------------------ the budget, sans-I/O


def test_an_adaptive_budget_starts_at_its_cap() -> None:
    assert RequestBudget(32).limit == 32


def test_a_retried_attempt_halves_the_budget() -> None:
    budget = RequestBudget(32)
    budget.throttled(now=10.0)
    assert budget.limit == 16
    assert budget.cuts == 1


def test_retries_within_the_hold_count_as_one_push_back() -> None:
    budget = RequestBudget(32)
    budget.throttled(now=10.0)
    budget.throttled(now=10.0 + THROTTLE_HOLD / 2)
    assert budget.limit == 16
    budget.throttled(now=10.0 + THROTTLE_HOLD)
    assert budget.limit == 8


def test_the_budget_never_goes_below_one() -> None:
    budget = RequestBudget(2)
    for second in range(5):
        budget.throttled(now=second * THROTTLE_HOLD)
    assert budget.limit == 1
    assert budget.lowest == 1


def test_each_run_of_half_the_limit_in_successes_raises_it_by_one() -> None:
    budget = RequestBudget(32)
    budget.throttled(now=0.0)
    assert [budget.succeeded() for _ in range(8)] == [False] * 7 + [True]
    assert budget.limit == 17
    assert [budget.succeeded() for _ in range(8)] == [False] * 7 + [True]
    assert budget.limit == 18


def test_successes_never_raise_the_budget_above_its_cap() -> None:
    budget = RequestBudget(4)
    budget.throttled(now=0.0)
    for _ in range(100):
        budget.succeeded()
    assert budget.limit == 4


def test_a_fixed_budget_ignores_push_back() -> None:
    budget = RequestBudget(32, adaptive=False)
    budget.throttled(now=0.0)
    assert budget.limit == 32
    assert budget.cuts == 0


def test_a_budget_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        RequestBudget(0)


# ------------------------------------------------------------------ the slots


def test_sync_slots_hold_back_requests_beyond_a_lowered_limit() -> None:
    slots = Slots(RequestBudget(4), _never)
    admitted: list[int] = []
    release = threading.Event()

    def request(n: int) -> None:
        with slots.hold():
            admitted.append(n)
            release.wait(5)

    holders = [threading.Thread(target=request, args=(n,)) for n in range(2)]
    for holder in holders:
        holder.start()
    while len(admitted) < 2:
        threading.Event().wait(0.01)
    slots.throttled()  # 4 -> 2: both slots in use
    late = threading.Thread(target=request, args=(2,))
    late.start()
    late.join(0.5)
    assert admitted == [0, 1] or admitted == [1, 0]
    release.set()
    for thread in [*holders, late]:
        thread.join(5)
    assert sorted(admitted) == [0, 1, 2]


def test_async_slots_admit_a_waiter_as_soon_as_the_limit_grows() -> None:
    async def main() -> list[str]:
        budget = RequestBudget(2)
        slots = AsyncSlots(budget, _never)
        order: list[str] = []
        budget.throttled(now=0.0)  # 2 -> 1
        proceed = anyio.Event()

        async def first() -> None:
            async with slots.hold():
                order.append("first in")
                await proceed.wait()

        async def second() -> None:
            async with slots.hold():
                order.append("second in")

        async with anyio.create_task_group() as group:
            group.start_soon(first)
            await anyio.sleep(0.05)
            group.start_soon(second)
            await anyio.sleep(0.05)
            order.append("raised")
            slots.succeeded()  # 1 // 2 -> one success raises 1 -> 2: the waiter goes
            await anyio.sleep(0.05)
            proceed.set()
        return order

    assert anyio.run(main) == ["first in", "raised", "second in"]


def test_an_async_waiter_cancelled_as_it_is_admitted_passes_its_slot_on() -> None:
    async def main() -> int:
        slots = AsyncSlots(RequestBudget(1), _never)
        got: list[str] = []

        async def holder(release: anyio.Event) -> None:
            async with slots.hold():
                await release.wait()

        async def waiter(name: str) -> None:
            async with slots.hold():
                got.append(name)

        release = anyio.Event()
        async with anyio.create_task_group() as group:
            group.start_soon(holder, release)
            await anyio.sleep(0.02)
            with anyio.CancelScope() as doomed:
                doomed.cancel()
                await waiter("cancelled")
            group.start_soon(waiter, "next")
            await anyio.sleep(0.02)
            release.set()
        return len(got) if got == ["next"] else -1

    assert anyio.run(main) == 1


# ------------------------------------------------------------------ a batch, end to end


HALVED = DEFAULT_MANY_CONCURRENCY // 2
"""The default budget after one push-back."""


class InFlight:
    """Counts the requests in flight, and the most seen at a request's start after the
    server pushed back with a 429 and before successes could raise the budget again
    (fewer than half the halved budget since)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now = 0
        self.pushed_back = False
        self.successes = 0
        self.peak = 0

    @hookimpl
    def on_request_start(self, event: Any) -> None:
        with self.lock:
            self.now += 1
            if self.pushed_back and self.successes < HALVED // 2:
                self.peak = max(self.peak, self.now)

    @hookimpl
    def on_request_end(self, event: Any) -> None:
        with self.lock:
            self.now -= 1
            if event.status_code == 429:
                self.pushed_back = True
            elif self.pushed_back and event.status_code == 200:
                self.successes += 1


def _throttled_batch(server: EmulatorServer, tmp_path: Path, **kwargs: Any) -> InFlight:
    # The first create is rate-limited; every other request takes a while, so the
    # budget is what bounds the requests in flight (40 files: more than half of 48).
    server.set_fault_script(
        {
            "create": ["429:retry-after=0", *["slow:0.3"] * 40],
            "parts": ["slow:0.2"] * 40,
        }
    )
    paths = jsonl_files(tmp_path, 40)
    counter = InFlight()
    with OpenAI(
        api_key=API_KEY, base_url=server.base_url, max_retries=2, plugins=[counter]
    ) as client:
        results = client.uploads.upload_many(paths, purpose="batch", **kwargs)
    server.set_fault_script({})
    assert all(result.ok for result in results)
    return counter


def test_a_batch_pushed_back_with_a_429_sends_at_most_half_its_cap_at_once(
    server: EmulatorServer, tmp_path: Path
) -> None:
    counter = _throttled_batch(server, tmp_path)
    assert 0 < counter.peak <= HALVED


def test_a_batch_with_max_concurrency_given_keeps_it_when_pushed_back(
    server: EmulatorServer, tmp_path: Path
) -> None:
    counter = _throttled_batch(server, tmp_path, max_concurrency=DEFAULT_MANY_CONCURRENCY)
    assert counter.peak > HALVED + 4
