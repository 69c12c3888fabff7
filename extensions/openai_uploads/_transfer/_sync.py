"""The thread-pool driver: only I/O; every decision is the :class:`Job`'s.

The calling thread runs the loop (so Ctrl-C lands where it can stop everything); up to
``max_concurrency`` worker threads send parts (fewer while the adaptive concurrency
holds them back: :meth:`Job.parts_allowed`).

* Paths, in-memory data and seekable file objects stream: each part is read from the
  source slice by slice as it is sent, and one more thread reads the whole input in
  order for the digests. Memory does not depend on the part size or the concurrency.
* Streams of a declared size go through a pool of one buffer per part in flight and one read
  ahead, filled (and hashed) in order by the calling thread; waiting for a buffer to
  come back is the back-pressure, so memory stays at about (parts in flight + 1) *
  part_size. A stream of unknown size was spooled to a temporary file before the
  transfer began (:func:`._job.open_input`, in the calling thread: Ctrl-C stops it), and
  streams like a file.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any

from .._exceptions import APIResponseValidationError
from .._types import Upload, UploadPart
from ._job import Job, open_input
from ._options import TransferOptions
from ._plan import Part
from ._protocols import SyncTransferClient
from ._source import SourceRange

log = logging.getLogger(__name__)

POLL_INTERVAL = 0.2
"""How often the reader wakes while waiting, so signals are handled promptly."""
CANCEL_TIMEOUT = 4.0
"""Seconds the ``cancel`` request may take after a failure (Ctrl-C must return fast)."""
STOP_GRACE = 2.0
"""How long a failed transfer waits for its digest read to stop (it stops at its next
1 MiB slice), so that a fresh attempt never shares the source with it."""
LANDING_GRACE = 2.0
"""When the Upload is kept for resuming: how long to wait for the answers to parts
whose bodies had all left, so the state file names them. The API cannot list an
Upload's parts, and a part that landed unrecorded makes a resume start over."""


InFlight = dict[Future[UploadPart], tuple[Part, bytearray | None]]
"""The parts being sent, with the pool buffer each holds (None when streamed)."""


def upload_sync(client: SyncTransferClient, file: object, options: TransferOptions) -> Upload:
    """Upload ``file`` with ``client`` (an ``OpenAI``); returns the completed Upload.

    Raises ``TypeError`` / ``ValueError`` for what the :class:`Job` refuses, before any
    request."""
    job = Job(client.plugins, open_input(file, options), options)
    try:
        job.transfer_started()
        while True:
            try:
                return _attempt(client, job)
            except BaseException as exc:
                if isinstance(exc, Exception) and job.reset_if_resume_refused(exc):
                    _cancel_abandoned(client, job)
                    continue
                raise
    except BaseException as caught:
        seen = _interrupt_behind(caught)
        cancelled = False
        if job.should_cancel(seen):
            cancelled = _cancel(client, job, reason=f"upload failed: {seen!r}")
        error = job.failure(seen, cancelled=cancelled)
        if error is caught:
            raise
        if error is seen:
            raise error from None  # the Ctrl-C behind a lock error: see _interrupt_behind
        raise error from seen
    finally:
        job.source.close()


def _interrupt_behind(exc: BaseException) -> BaseException:
    """The KeyboardInterrupt that ``exc`` stands for, else ``exc``.

    CPython's ``threading.Condition.wait`` is not safe against signals: a Ctrl-C that
    lands between its release and re-acquire of the lock surfaces as
    ``RuntimeError('release unlocked lock')`` raised while the KeyboardInterrupt is being
    handled. The calling thread waits on such conditions (``concurrent.futures.wait``)
    for the whole parts phase, so that error is the user's Ctrl-C and is treated as one.
    """
    context = exc.__context__
    if (
        isinstance(exc, RuntimeError)
        and isinstance(context, KeyboardInterrupt)
        and "lock" in str(exc)
    ):
        return context
    return exc


def _attempt(client: SyncTransferClient, job: Job) -> Upload:
    uploads = client.uploads
    stale = job.find_resumable()
    if stale is not None:
        _cancel_quietly(client, job, stale)
    job.source.open()
    if job.upload_id is None:
        job.created(uploads.create(**job.create_arguments()))
    job.start()
    _send_all(client, job)
    arguments = job.complete_arguments()
    try:
        upload = uploads.complete(job.active_upload_id, **arguments)
    except APIResponseValidationError as exc:
        raise job.unreadable_completion(exc) from exc
    job.check_completed(upload)
    job.forget_state()
    job.completed(upload)
    return upload


def _send_all(client: SyncTransferClient, job: Job) -> None:
    parts = client.uploads.parts
    upload_id = job.active_upload_id
    streams = job.streams
    # Buffers (non-seekable streams only) are made as they are first needed, so that the
    # first part goes out without waiting for the whole pool to be allocated (and zeroed).
    free: list[bytearray | None] = []
    allocated = 0
    in_flight: InFlight = {}

    executor = ThreadPoolExecutor(
        job.max_in_flight + (1 if streams else 0), thread_name_prefix="openai-upload"
    )
    # A streamed transfer's digests come from one sequential read beside the parts.
    hashing: Future[None] | None = executor.submit(job.hash_source) if streams else None

    def reap(block: bool) -> None:
        waiting: set[Future[Any]] = set(in_flight)
        if hashing is not None and not hashing.done():
            waiting.add(hashing)
        timeout = 0.0
        if block:
            # Wake to handle signals, and when the adaptive concurrency measures next.
            check = job.next_concurrency_check()
            timeout = POLL_INTERVAL if check is None else min(POLL_INTERVAL, check)
        done, _ = wait(waiting, timeout=timeout, return_when=FIRST_COMPLETED)
        if hashing is not None and hashing in done:
            hashing.result()  # raises what stopped the digest read
        for future in done:
            if future is hashing:
                continue
            part, buffer = in_flight.pop(future)
            result = future.result()  # raises the part's final error
            free.append(buffer)
            job.part_done(part, result)
            job.save_state()
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
                    reap(block=True)
                if not free:
                    free.append(job.new_buffer())
                    allocated += 1
                buffer = free.pop()
                body = job.read_part(part, buffer)
                if not job.needs_sending(part):
                    free.append(buffer)
                    continue
            while len(in_flight) >= job.parts_allowed():
                reap(block=True)
            job.check_expiry()
            future = executor.submit(
                parts._create_part, upload_id, body=body, **job.part_arguments(part)
            )
            in_flight[future] = (part, buffer)
            reap(block=False)
        job.all_parts_started()
        job.check_input_ended()
        while in_flight:
            reap(block=True)
        if hashing is not None:
            while not hashing.done():
                wait([hashing], timeout=POLL_INTERVAL)
            hashing.result()
        job.check_unchanged()
    except BaseException:
        # Queued parts never start, running ones abort at their next chunk and the
        # digest read at its next slice; the part threads are not waited for.
        job.stop()
        if in_flight and job.opts.keep_on_failure:
            _record_landed_parts(job, in_flight)
        for future in in_flight:
            future.cancel()
        if hashing is not None:
            wait([hashing], timeout=STOP_GRACE)
        raise
    finally:
        executor.shutdown(wait=not in_flight, cancel_futures=True)


def _record_landed_parts(job: Job, in_flight: InFlight) -> None:
    """Wait (briefly) for parts that were fully sent, and save the ids of those accepted."""
    landing = {f: part for f, (part, _) in in_flight.items() if job.body_sent(part)}
    deadline = time.monotonic() + LANDING_GRACE
    while landing and (left := deadline - time.monotonic()) > 0:
        done, _ = wait(landing, timeout=left, return_when=FIRST_COMPLETED)
        for future in done:
            part = landing.pop(future)
            del in_flight[future]
            if future.exception() is None:
                job.part_done(part, future.result())
                job.save_state()


def _cancel(client: SyncTransferClient, job: Job, *, reason: str) -> bool:
    assert job.upload_id is not None
    try:
        client.uploads.cancel(job.upload_id, **job.cancel_arguments(CANCEL_TIMEOUT))
    except BaseException as exc:  # never hide the original error
        log.warning("could not cancel Upload %s after a failure: %r", job.upload_id, exc)
        return False
    job.forget_state()
    job.cancelled(reason)
    return True


def _cancel_quietly(client: SyncTransferClient, job: Job, upload_id: str) -> None:
    try:
        client.uploads.cancel(upload_id, **job.cancel_arguments(CANCEL_TIMEOUT))
    except Exception as exc:
        log.info("could not cancel stale Upload %s: %r", upload_id, exc)


def _cancel_abandoned(client: SyncTransferClient, job: Job) -> None:
    """Cancel the resumed Upload the server refused (it may still be pending)."""
    if job.abandoned_upload_id is not None:
        _cancel_quietly(client, job, job.abandoned_upload_id)
        job.abandoned_upload_id = None
