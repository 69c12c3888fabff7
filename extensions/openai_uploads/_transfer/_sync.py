"""The thread-pool driver: only I/O; every decision is the :class:`Job`'s.

The calling thread is the single reader (so Ctrl-C lands where it can stop everything);
up to ``max_concurrency`` worker threads send parts. A pool of ``max_concurrency + 1``
buffers is the back-pressure: the reader waits for a buffer to come back before it
reads further, so memory stays at about (max_concurrency + 1) * part_size.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

from .._types import Upload, UploadPart
from ._job import Job
from ._plan import Part
from ._protocols import SyncTransferClient

log = logging.getLogger("openai_uploads")

POLL_INTERVAL = 0.2
"""How often the reader wakes while waiting, so signals are handled promptly."""
CANCEL_TIMEOUT = 4.0
"""Seconds the ``cancel`` request may take after a failure (Ctrl-C must return fast)."""
LANDING_GRACE = 2.0
"""When the Upload is kept for resuming: how long to wait for the answers to parts
whose bodies had all left, so the state file names them. The API cannot list an
Upload's parts, and a part that landed unrecorded makes a resume start over."""


def upload_sync(client: SyncTransferClient, job: Job) -> Upload:
    """Run ``job`` against ``client`` (an ``OpenAI``); returns the completed Upload."""
    try:
        while True:
            try:
                return _attempt(client, job)
            except BaseException as exc:
                if isinstance(exc, Exception) and job.reset_if_resume_refused(exc):
                    _cancel_abandoned(client, job)
                    continue
                raise
    except BaseException as exc:
        cancelled = False
        if job.should_cancel(exc):
            cancelled = _cancel(client, job, reason=f"upload failed: {exc!r}")
        error = job.failure(exc, cancelled=cancelled)
        if error is exc:
            raise
        raise error from exc
    finally:
        job.source.close()


def _attempt(client: SyncTransferClient, job: Job) -> Upload:
    uploads = client.uploads
    stale = job.find_resumable()
    if stale is not None:
        _cancel_quietly(client, stale)
    job.source.open()
    if job.upload_id is None:
        job.created(uploads.create(**job.create_arguments()))
    job.start()
    _send_all(client, job)
    upload = uploads.complete(job.active_upload_id, **job.complete_arguments())
    job.check_completed(upload)
    job.forget_state()
    job.completed(upload)
    return upload


def _send_all(client: SyncTransferClient, job: Job) -> None:
    parts = client.uploads.parts
    upload_id = job.active_upload_id
    # Buffers are made as they are first needed, so that the first part goes out
    # without waiting for the whole pool to be allocated (and zeroed).
    free: list[bytearray | None] = []
    allocated = 0
    in_flight: InFlight = {}

    def reap(block: bool) -> None:
        timeout = POLL_INTERVAL if block else 0
        done, _ = wait(in_flight, timeout=timeout, return_when=FIRST_COMPLETED)
        for future in done:
            part, buffer = in_flight.pop(future)
            result = future.result()  # raises the part's final error
            free.append(buffer)
            job.part_done(part, result)
            job.save_state()
            job.announce_part(part)

    executor = ThreadPoolExecutor(job.opts.max_concurrency, thread_name_prefix="openai-upload")
    try:
        for part in job.plan:
            if not free and allocated < job.buffer_count:
                free.append(job.new_buffer())
                allocated += 1
            while not free:
                reap(block=True)
            buffer = free.pop()
            view = job.read_part(part, buffer)
            if not job.needs_sending(part):
                free.append(buffer)
                continue
            job.check_expiry()
            future = executor.submit(
                parts._create_part, upload_id, body=view, **job.part_arguments(part)
            )
            in_flight[future] = (part, buffer)
            reap(block=False)
        while in_flight:
            reap(block=True)
    finally:
        # On failure, queued parts never start and running ones abort at their next
        # chunk; their threads are not waited for.
        if in_flight:
            job.stop()
            if job.opts.keep_on_failure:
                _record_landed_parts(job, in_flight)
            for future in in_flight:
                future.cancel()
        executor.shutdown(wait=not in_flight, cancel_futures=True)


InFlight = dict[Future[UploadPart], tuple[Part, bytearray | None]]


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
        client.uploads.cancel(job.upload_id, timeout=CANCEL_TIMEOUT)
    except BaseException as exc:  # never hide the original error
        log.warning("could not cancel Upload %s after a failure: %r", job.upload_id, exc)
        return False
    job.forget_state()
    job.cancelled(reason)
    return True


def _cancel_quietly(client: SyncTransferClient, upload_id: str) -> None:
    try:
        client.uploads.cancel(upload_id, timeout=CANCEL_TIMEOUT)
    except Exception as exc:
        log.info("could not cancel stale Upload %s: %r", upload_id, exc)


def _cancel_abandoned(client: SyncTransferClient, job: Job) -> None:
    """Cancel the resumed Upload the server refused (it may still be pending)."""
    if job.abandoned_upload_id is not None:
        _cancel_quietly(client, job.abandoned_upload_id)
        job.abandoned_upload_id = None
