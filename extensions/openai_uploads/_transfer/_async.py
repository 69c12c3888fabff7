"""The asyncio driver: the same requests in the same order as :mod:`._sync`.

Parts are sent by up to ``max_concurrency`` tasks. A streamed part's slices are read
from the file as they are sent (positional reads of 512 KiB, on the loop: page-cache
reads); the digest read, a declared-size stream's pool reads and the spooling of a
stream of unknown size run in a worker thread (``asyncio.to_thread``) so the event loop
is never blocked for long.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar, cast

from .._exceptions import APIResponseValidationError
from .._types import Upload, UploadPart
from ._errors import TransferAborted
from ._job import Job, open_input
from ._options import TransferOptions
from ._plan import Part
from ._protocols import AsyncTransferClient
from ._source import Source, SourceRange
from ._sync import CANCEL_TIMEOUT, LANDING_GRACE, STOP_GRACE

log = logging.getLogger(__name__)
T = TypeVar("T")


InFlight = dict[asyncio.Task[UploadPart], tuple[Part, bytearray | None]]
"""The parts being sent, with the pool buffer each holds (None when streamed)."""


async def upload_async(
    client: AsyncTransferClient, file: object, options: TransferOptions
) -> Upload:
    """Upload ``file`` with ``client`` (an ``AsyncOpenAI``); returns the completed Upload.

    Raises ``TypeError`` / ``ValueError`` for what the :class:`Job` refuses, before any
    request."""
    job = Job(client.plugins, await _open_input(file, options), options)
    try:
        job.transfer_started()
        while True:
            try:
                return await _attempt(client, job)
            except BaseException as exc:
                if isinstance(exc, Exception) and job.reset_if_resume_refused(exc):
                    if job.abandoned_upload_id is not None:
                        await _cancel_quietly(client, job, job.abandoned_upload_id)
                        job.abandoned_upload_id = None
                    continue
                raise
    except BaseException as exc:
        cancelled = False
        if job.should_cancel(exc):
            # Shielded: the caller's cancellation must not also cancel the clean-up.
            cancelled = await _shielded(_cancel(client, job, reason=f"upload failed: {exc!r}"))
        error = job.failure(exc, cancelled=cancelled)
        if error is exc:
            raise
        raise error from exc
    finally:
        job.source.close()


async def _open_input(file: object, options: TransferOptions) -> Source:
    """:func:`.open_input` in a worker thread (a stream of unknown size is spooled there).

    Cancelled, the task does not wait for the thread: the spooling stops at its next
    read, and a source the thread finishes anyway is closed (its temporary file with
    it), not leaked.
    """
    stop = threading.Event()
    handoff = threading.Lock()

    def run() -> Source:
        source = open_input(file, options, stop)
        with handoff:
            if not stop.is_set():
                return source
        source.close()
        raise TransferAborted("the call was cancelled while its input was being read")

    task = asyncio.ensure_future(asyncio.to_thread(run))
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        with handoff:
            stop.set()
            finished = task.done() and not task.cancelled() and task.exception() is None
        if finished:
            task.result().close()
        else:  # it ends on its own; what it raises then is of no interest
            task.add_done_callback(lambda t: t.cancelled() or t.exception())
        raise


async def _state_io(job: Job, func: Callable[..., T], *args: Any) -> T:
    """Call ``func``, whose only blocking I/O is the resume state file: in a worker
    thread when there is one, else right here (no thread hop for nothing)."""
    if job.resume_state is None:
        return func(*args)
    return await asyncio.to_thread(func, *args)


async def _shielded(coro: Coroutine[Any, Any, bool]) -> bool:
    task = asyncio.ensure_future(coro)
    try:
        return bool(await asyncio.shield(task))
    except asyncio.CancelledError:
        return bool(await task)


async def _attempt(client: AsyncTransferClient, job: Job) -> Upload:
    uploads = client.uploads
    stale = await _state_io(job, job.find_resumable)
    if stale is not None:
        await _cancel_quietly(client, job, stale)
    job.source.open()
    if job.upload_id is None:
        upload = await uploads.create(**job.create_arguments())
        await _state_io(job, job.created, upload)
    job.start()
    await _send_all(client, job)
    arguments = job.complete_arguments()
    try:
        upload = await uploads.complete(job.active_upload_id, **arguments)
    except APIResponseValidationError as exc:
        raise job.unreadable_completion(exc) from exc
    await _state_io(job, job.check_completed, upload)
    await _state_io(job, job.forget_state)
    job.completed(upload)
    return upload


async def _send_all(client: AsyncTransferClient, job: Job) -> None:
    parts = client.uploads.parts
    upload_id = job.active_upload_id
    streams = job.streams
    # Buffers (non-seekable streams only) are made as they are first needed, so that the
    # first part goes out without waiting for the whole pool to be allocated (and zeroed).
    free: list[bytearray | None] = []
    allocated = 0
    in_flight: InFlight = {}
    # A streamed transfer's digests come from one sequential read beside the parts.
    hashing: asyncio.Future[None] | None = (
        asyncio.ensure_future(asyncio.to_thread(job.hash_source)) if streams else None
    )

    async def reap(block: bool) -> None:
        if block:
            waiting: set[asyncio.Future[Any]] = set(in_flight)
            if hashing is not None and not hashing.done():
                waiting.add(hashing)
            # Wakes when the adaptive concurrency wants to measure (else on a part's end).
            done, _ = await asyncio.wait(
                waiting,
                timeout=job.next_concurrency_check(),
                return_when=asyncio.FIRST_COMPLETED,
            )
        else:
            done = {task for task in in_flight if task.done()}
        if hashing is not None and hashing.done():
            hashing.result()  # raises what stopped the digest read
        for task in done:
            if task is hashing:
                continue
            part, buffer = in_flight.pop(cast("asyncio.Task[UploadPart]", task))
            result = task.result()  # raises the part's final error
            free.append(buffer)
            job.part_done(part, result)
            await _state_io(job, job.save_state)
            job.announce_part(part)
            job.check_unchanged()

    try:
        for part in job.plan:
            body: memoryview | SourceRange
            buffer: bytearray | None = None
            if streams:
                if not job.needs_sending(part):
                    continue
                body = job.part_body(part)
            else:
                # One part is read ahead while the others are on the wire.
                while not free and allocated >= job.buffer_count:
                    await reap(block=True)
                if not free:
                    free.append(job.new_buffer())
                    allocated += 1
                buffer = free.pop()
                body = await asyncio.to_thread(job.read_part, part, buffer)
                if not job.needs_sending(part):
                    free.append(buffer)
                    continue
            # At most max_concurrency parts on the wire (fewer while the adaptive
            # concurrency holds them back); the pool's spare buffer reads one part ahead.
            while len(in_flight) >= job.parts_allowed():
                await reap(block=True)
            job.check_expiry()
            task = asyncio.create_task(
                parts._create_part(upload_id, body=body, **job.part_arguments(part))
            )
            in_flight[task] = (part, buffer)
            await reap(block=False)
        job.all_parts_started()
        if not streams:
            await asyncio.to_thread(job.check_input_ended)
        while in_flight:
            await reap(block=True)
        if hashing is not None:
            await hashing
        job.check_unchanged()
    except BaseException:
        job.stop()
        if in_flight and job.opts.keep_on_failure:
            await _record_landed_parts(job, in_flight)
        for task in in_flight:
            task.cancel()
        if in_flight:
            await asyncio.gather(*in_flight, return_exceptions=True)
        if hashing is not None and not hashing.done():
            # The digest read stops at its next slice (a thread cannot be cancelled).
            await asyncio.wait([hashing], timeout=STOP_GRACE)
        if hashing is not None and hashing.done() and not hashing.cancelled():
            hashing.exception()  # retrieved: it is not the error to report
        raise


async def _record_landed_parts(job: Job, in_flight: InFlight) -> None:
    """Wait (briefly) for parts that were fully sent, and save the ids of those accepted.

    See :data:`._sync.LANDING_GRACE`.
    """
    landing = {task: part for task, (part, _) in in_flight.items() if job.body_sent(part)}
    if not landing:
        return
    done, _ = await asyncio.wait(landing, timeout=LANDING_GRACE)
    for task in done:
        del in_flight[task]
        if not task.cancelled() and task.exception() is None:
            job.part_done(landing[task], task.result())
            await _state_io(job, job.save_state)


async def _cancel(client: AsyncTransferClient, job: Job, *, reason: str) -> bool:
    assert job.upload_id is not None
    try:
        await client.uploads.cancel(job.upload_id, **job.cancel_arguments(CANCEL_TIMEOUT))
    except BaseException as exc:  # never hide the original error
        log.warning("could not cancel Upload %s after a failure: %r", job.upload_id, exc)
        return False
    await _state_io(job, job.forget_state)
    job.cancelled(reason)
    return True


async def _cancel_quietly(client: AsyncTransferClient, job: Job, upload_id: str) -> None:
    try:
        await client.uploads.cancel(upload_id, **job.cancel_arguments(CANCEL_TIMEOUT))
    except Exception as exc:
        log.info("could not cancel stale Upload %s: %r", upload_id, exc)
