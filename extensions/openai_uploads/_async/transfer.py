"""The transfer driver: carries out the actions of :func:`.upload_flow`, and only that.

Written once, as async code; ``scripts/unasync.py`` makes the sync twin. What differs
by more than ``await`` is in :mod:`openai_uploads._concurrency`: the async driver runs
parts as tasks of one anyio task group (so ``upload_file_chunked`` runs under asyncio
and trio alike) and blocking file work in worker threads; the sync one runs parts in a
thread pool while the calling thread carries out the rest, waking every
``POLL_INTERVAL`` so that Ctrl-C lands where it can stop everything.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass, replace
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from .._base_client import APICall
from .._concurrency import (
    POLL_INTERVAL,
    AsyncSlots,
    AsyncWorkers,
    ainterrupted,
    arun_blocking,
    arun_stoppable,
    ashield,
    asleep,
    awatch_interrupts,
)
from .._plugins import PluginHost
from .._transfer._bandwidth import TokenBucket
from .._transfer._flow import (
    HASHING,
    Action,
    Blocking,
    Call,
    CancelParts,
    StartHashing,
    StartPart,
    WaitParts,
    upload_flow,
)
from .._transfer._job import Job, open_input
from .._transfer._options import TransferOptions
from .._transfer._source import Source
from .._types import Upload

if TYPE_CHECKING:
    from .._client import AsyncOpenAI

__all__ = ["Shared", "arun_transfer", "carry_out_blocking", "drive_flow"]

T = TypeVar("T")


def _never() -> BaseException | None:
    return None


@dataclass(frozen=True, slots=True)
class Shared:
    """What a transfer shares with the other files of its batch (``upload_many``): the
    requests in flight (``slots``), the bandwidth cap (``bucket``, also a lone call's),
    the batch's stop (``stopped()``: the exception to stop with, once it stops) and the
    plugins, which tell which file this is (:meth:`.PluginHost.for_file`)."""

    slots: AsyncSlots | None = None
    bucket: TokenBucket | None = None
    stopped: Callable[[], BaseException | None] = _never
    plugins: PluginHost | None = None

    @property
    def in_batch(self) -> bool:
        return self.slots is not None


INLINE_DIGEST_BYTES = 512 * 1024
"""A file this small has its digests computed right where the flow runs, as the
transfer starts, not in a worker thread beside the parts: one page-cache read and an md5
of it cost less than handing them to a thread (``upload_many`` of small files). Sent as
one part, with no bandwidth cap, that part is sent right there too: it leaves in well
under a second on any link the API is used over, so the flow is not blocked for long,
and a batch of small files needs no thread (or task) per file for its part."""

ALONE = Shared()
"""A call of its own: nothing shared."""


async def arun_transfer(
    client: AsyncOpenAI, file: object, options: TransferOptions, shared: Shared = ALONE
) -> Upload:
    """Upload ``file`` with ``client``; returns the completed Upload.

    Raises ``TypeError`` / ``ValueError`` for what the :class:`.Job` refuses, before any
    request. A stream of unknown size is spooled first (stopped by a cancellation or
    Ctrl-C)."""
    source = await arun_stoppable(partial(open_input, file, options), Source.close)
    job = Job(shared.plugins or client.plugins, source, options)
    flow = upload_flow(job)
    # The flow's exception leaves after the workers are closed, so that it is not
    # wrapped in an exception group.
    small = job.source.size <= INLINE_DIGEST_BYTES
    # One small part with no bandwidth cap to wait for: sent where the flow runs.
    alone = small and job.plan.part_count == 1 and shared.bucket is None
    async with AsyncWorkers(job.max_in_flight + 1) as workers:
        carry_out = partial(_carry_out, client, workers, shared, small, alone)
        upload, error = await drive_flow(flow, carry_out)
    if error is not None:
        raise error
    assert upload is not None
    return upload


async def drive_flow(
    flow: Generator[Any, Any, T], carry_out: Callable[[Any], Any]
) -> tuple[T | None, BaseException | None]:
    """Run ``flow``, carrying out each action it yields with ``carry_out``: its result
    is sent back, its exception thrown in. Returns the flow's value or exception.

    A Ctrl-C that a finalizer swallowed is raised when the flow next waits for its
    parts (see :class:`.InterruptWatch`)."""
    outcome: Any = None
    error: BaseException | None = None
    with awatch_interrupts() as watch:
        while True:
            try:
                action = flow.send(outcome) if error is None else flow.throw(error)
            except StopIteration as stop:
                return stop.value, None
            except BaseException as exc:
                return None, exc
            try:  # whatever stops an action (Ctrl-C included) is thrown into the flow
                outcome = error = None
                if isinstance(action, WaitParts):  # a Ctrl-C lost on its way lands here
                    watch.check()
                outcome = await carry_out(action)
            except BaseException as exc:
                outcome, error = None, ainterrupted(exc)
                watch.seen(error)


async def _execute(client: AsyncOpenAI, call: APICall[Any], shared: Shared) -> Any:
    """Send ``call``, within the batch's budget of requests in flight if there is one
    (each retried attempt may shrink it, each success grow it back)."""
    slots = shared.slots
    if slots is None:
        return await client._execute(call)
    options = replace(call.options, on_retry=slots.throttled)
    async with slots.hold():
        result = await client._execute(replace(call, options=options))
    slots.succeeded()
    return result


async def _send_part(
    client: AsyncOpenAI, action: StartPart, shared: Shared, began: Callable[[], None]
) -> Any:
    if action.began is not None:
        action.began.then = began  # the next part begins once this one has
    else:
        began()
    if shared.bucket is not None:
        await asleep(shared.bucket.reserve(action.size))
    return await _execute(client, action.call, shared)


async def _carry_out(
    client: AsyncOpenAI,
    workers: AsyncWorkers,
    shared: Shared,
    small: bool,
    alone: bool,
    action: Action,
) -> Any:
    # New work, when the batch stops: stopped here, after what recorded the last
    # outcome (the Upload's id included), so that the clean-up knows what to cancel.
    if _new_work(action) and (stopped := shared.stopped()) is not None:
        raise stopped
    if isinstance(action, Call):
        with ashield(action.shielded):
            if action.shielded:  # a clean-up never waits for the budget
                return await client._execute(action.call)
            return await _execute(client, action.call, shared)
    if isinstance(action, StartPart):
        send = partial(_send_part, client, action, shared)
        if alone:  # no thread or task to hand it to and wait for: sent right here
            await workers.run_here(action.number, send)
        else:
            workers.start_in_turn(action.number, send)
        return None
    if isinstance(action, WaitParts):
        timeout = action.timeout
        if shared.in_batch:  # wake to see whether the batch is stopping
            timeout = POLL_INTERVAL if timeout is None else min(timeout, POLL_INTERVAL)
        return await workers.wait(timeout)
    if isinstance(action, Blocking):
        return await carry_out_blocking(action)
    if isinstance(action, CancelParts):
        with ashield(True):
            return await workers.cancel(action.landing, action.grace, action.stop_grace)
    if isinstance(action, StartHashing):
        if small:  # read and hashed in well under a millisecond: no thread for it
            workers.start_here(HASHING, action.read)
        else:
            workers.start_thread(HASHING, action.read)
        return None
    raise TypeError(f"not an upload action: {action!r}")


def _new_work(action: Action) -> bool:
    if isinstance(action, Call):
        return not action.shielded
    return isinstance(action, StartPart | WaitParts | StartHashing)


async def carry_out_blocking(action: Blocking) -> Any:
    """Run blocking file work: in a worker thread unless it is cheap (``offload``)."""
    if not action.offload:
        return action.run()
    with ashield(action.shielded):
        return await arun_blocking(action.run)
