"""One ``upload_file_chunked`` call as one flow: every ordering decision, written once.

:func:`upload_flow` is a generator. It yields actions (send a request, start a part,
wait for parts, run blocking file work, cancel the parts) and receives their
outcomes; the exception an action raised is thrown in where it was yielded. It does
no I/O of its own and knows no event loop or thread, so a test drives it by feeding
outcomes, with no server (``tests/transfer/test_flow.py``), and one driver written as
async code (:mod:`openai_uploads._async.transfer`, and its generated sync twin)
carries it out.

Theory of operation, per attempt (:func:`_attempt`): load the resume state (and cancel
a stale Upload it names), open the input, create the Upload unless resuming one, send
the parts (:func:`_send_parts`: at most :meth:`.Job.parts_allowed` in flight, each
recorded in the state file as it is accepted, the digest read beside them or the parts
hashed as they are read), then ``complete`` with the md5 and check the answer. A
resumed Upload the server refuses starts a fresh attempt (after cancelling it); any
other failure cancels the Upload (unless kept for resuming) and is translated by
:meth:`.Job.failure`.

The actions (below), and what the driver sends back for each:

* :class:`Call`: sends one request (``client._execute``); the parsed model;
* :class:`StartPart` / :class:`StartHashing`: starts a part, or the digest read in a
  worker thread, beside the flow; None. Parts begin in the order they are started
  (each request starts once the one before it has begun to be sent), so they reach
  the server in file order, in which it can hash them as they land, and then stream
  side by side;
* :class:`WaitParts`: waits (at most ``timeout``) for a started job to end; what ended,
  ``[(key, result or exception)]``;
* :class:`CancelParts`: stops every started job; what ended meanwhile;
* :class:`Blocking`: runs file or state-file work; what it returned.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Generator
from dataclasses import dataclass
from functools import partial
from typing import Any

from .._base_client import APICall, RequestOptions
from .._exceptions import APIResponseValidationError
from .._part_body import PartBody
from .._parts_core import add_part_call
from .._types import Upload, UploadPart, omit
from .._uploads_core import cancel_upload_call, complete_upload_call, create_upload_call
from ._job import Job
from ._plan import Part
from ._source import OrderedReads, RangeReads, ReadStrategy, reads_for

log = logging.getLogger(__name__)

CANCEL_TIMEOUT = 4.0
"""Seconds the ``cancel`` request may take after a failure (Ctrl-C must return fast)."""
STOP_GRACE = 2.0
"""How long a failed transfer waits for its digest read to stop (it stops at its next
1 MiB slice), so that a fresh attempt never shares the source with it."""
LANDING_GRACE = 2.0
"""When the Upload is kept for resuming: how long to wait for the answers to parts
whose bodies had all left, so the state file names them. The API cannot list an
Upload's parts, and a part that landed unrecorded makes a resume start over."""

# --------------------------------------------------------------------------- actions

HASHING = 0
"""The key of the digest read among the started jobs (parts are numbered from 1)."""


@dataclass(frozen=True, slots=True)
class Call:
    """Send ``call``; ``shielded``: the caller's cancellation does not stop it (the
    clean-up after a failure, bounded by its own timeout)."""

    call: APICall[Any]
    shielded: bool = False


@dataclass(frozen=True, slots=True)
class StartPart:
    """Start sending part ``number`` beside the flow, once the part started before it
    has begun to be sent (``began`` tells when this one has); its result is reported by
    a later :class:`WaitParts` under the key ``number``."""

    number: int
    call: APICall[UploadPart]
    began: Began | None = None
    size: int = 0
    """The part's bytes (what it takes from a bandwidth cap)."""


@dataclass(frozen=True, slots=True)
class StartHashing:
    """Start ``read`` (blocking: the sequential read feeding the digests) in a worker
    thread, reported under the key :data:`HASHING`."""

    read: Callable[[], None]


@dataclass(frozen=True, slots=True)
class WaitParts:
    """Wait up to ``timeout`` seconds (None: until something ends; 0: not at all) for a
    started job to end."""

    timeout: float | None


@dataclass(frozen=True, slots=True)
class CancelParts:
    """Stop every started job: wait up to ``grace`` seconds for those in ``landing``
    (their bodies have all left), cancel the rest, and give the digest read
    ``stop_grace`` seconds to stop. Carried out shielded (it is bounded)."""

    landing: frozenset[int]
    grace: float
    stop_grace: float


@dataclass(frozen=True, slots=True)
class Blocking:
    """Run ``run()``: in a worker thread when ``offload`` (file or state-file I/O) under
    an event loop, else right there (cheap: an ``fstat``, an already-open file)."""

    run: Callable[[], Any]
    offload: bool = True
    shielded: bool = False


class Began:
    """Tells, once, that a part's request has begun to be sent: its first slice is on
    the wire (so its headers are), or a later attempt starts (the first failed: the
    next part need not wait for it). The driver sets :attr:`then` when the part starts."""

    __slots__ = ("then",)

    def __init__(self) -> None:
        self.then: Callable[[], None] | None = None

    def __call__(self) -> None:
        then, self.then = self.then, None
        if then is not None:
            then()


Action = Call | StartPart | StartHashing | WaitParts | CancelParts | Blocking

Flow = Generator[Action, Any, Upload]


def upload_flow(job: Job) -> Flow:
    """The whole call: attempts, the restart after a refused resume, and the failure."""
    try:
        job.transfer_started()
        while True:
            try:
                return (yield from _attempt(job))
            except Exception as exc:
                if not job.reset_if_resume_refused(exc):
                    raise
                if job.abandoned_upload_id is not None:
                    yield from _cancel_quietly(job, job.abandoned_upload_id)
                    job.abandoned_upload_id = None
    except GeneratorExit:
        raise
    except BaseException as exc:
        cancelled = False
        if job.should_cancel(exc):
            cancelled = yield from _cancel(job, reason=f"upload failed: {exc!r}")
        error = job.failure(exc, cancelled=cancelled)
        if error is exc:
            raise
        raise error from exc
    finally:
        job.source.close()


def _state_io(job: Job, run: Callable[[], Any], *, shielded: bool = False) -> Blocking:
    """``run``, whose only blocking I/O is the resume state file (none without one)."""
    return Blocking(run, offload=job.resume_state is not None, shielded=shielded)


def _attempt(job: Job) -> Generator[Action, Any, Upload]:
    stale = yield _state_io(job, job.find_resumable)
    if stale is not None:
        yield from _cancel_quietly(job, stale)
    yield Blocking(job.source.open, offload=False)
    if job.upload_id is None:
        created = yield Call(_create_call(job))
        yield _state_io(job, partial(job.created, created))
    job.start()
    yield from _send_parts(job, reads_for(job))
    complete = _complete_call(job)
    try:
        upload: Upload = yield Call(complete)
    except APIResponseValidationError as exc:
        raise job.unreadable_completion(exc) from exc
    yield _state_io(job, partial(job.check_completed, upload))
    yield _state_io(job, job.forget_state)
    job.completed(upload)
    return upload


def _send_parts(job: Job, reads: ReadStrategy) -> Generator[Action, Any, None]:
    """Every part not yet done, at most :meth:`.Job.parts_allowed` at once."""
    in_flight: dict[int, Part] = {}
    hashing = isinstance(reads, RangeReads)  # the digest read runs beside the parts
    if isinstance(reads, RangeReads):
        yield StartHashing(reads.hash_all)
    try:
        for part in job.plan:
            body: memoryview | PartBody
            if isinstance(reads, OrderedReads):
                # One part is read ahead while the others are on the wire.
                while not reads.buffer_free():
                    hashing = yield from _reap(job, reads, in_flight, hashing, block=True)
                body = yield Blocking(partial(reads.read, part))
                if not job.needs_sending(part):
                    reads.release(part)
                    continue
            else:
                if not job.needs_sending(part):
                    continue
                body = reads.read(part)
            while len(in_flight) >= job.parts_allowed():
                hashing = yield from _reap(job, reads, in_flight, hashing, block=True)
            job.check_expiry()
            began = Began()
            yield StartPart(part.number, _part_call(job, part, body, began), began, part.size)
            in_flight[part.number] = part
            hashing = yield from _reap(job, reads, in_flight, hashing, block=False)
        job.all_parts_started()
        if isinstance(reads, OrderedReads):
            yield Blocking(reads.check_ended)
        while in_flight or hashing:
            hashing = yield from _reap(job, reads, in_flight, hashing, block=True)
        yield Blocking(job.check_unchanged, offload=False)
    except BaseException:
        # Parts still streaming abort at their next chunk, the digest read at its next
        # slice; parts whose bodies all left may still land, and are recorded if kept.
        job.stop()
        landing = frozenset(n for n, p in in_flight.items() if job.body_sent(p))
        ended = yield CancelParts(
            landing if job.opts.keep_on_failure else frozenset(), LANDING_GRACE, STOP_GRACE
        )
        for number, result in ended:
            if number in landing and isinstance(result, UploadPart):
                job.part_done(in_flight.pop(number), result)
                yield _state_io(job, job.save_state, shielded=True)
        raise


def _reap(
    job: Job, reads: ReadStrategy, in_flight: dict[int, Part], hashing: bool, *, block: bool
) -> Generator[Action, Any, bool]:
    """Record the parts that ended (waiting for one when ``block``); raise the first
    failure. Returns whether the digest read is still running."""
    # Wakes when the adaptive concurrency wants to measure (else when a job ends).
    ended = yield WaitParts(job.next_concurrency_check() if block else 0)
    for key, result in ended:  # the digest read first: what stopped it is the error
        if key == HASHING:
            hashing = False
            if isinstance(result, BaseException):
                raise result
    for key, result in ended:
        if key == HASHING:
            continue
        part = in_flight.pop(key)
        if isinstance(result, BaseException):
            raise result  # the part's final error
        reads.release(part)
        job.part_done(part, result)
        yield _state_io(job, job.save_state)
        job.announce_part(part)
        yield Blocking(job.check_unchanged, offload=False)
    return hashing


def _cancel(job: Job, *, reason: str) -> Generator[Action, Any, bool]:
    upload_id = job.upload_id
    assert upload_id is not None
    try:
        yield Call(_cancel_call(job, upload_id), shielded=True)
    except BaseException as exc:  # never hide the original error
        log.warning("could not cancel Upload %s after a failure: %r", upload_id, exc)
        return False
    yield _state_io(job, job.forget_state, shielded=True)
    job.cancelled(reason)
    return True


def _cancel_quietly(job: Job, upload_id: str) -> Generator[Action, Any, None]:
    try:
        yield Call(_cancel_call(job, upload_id))
    except Exception as exc:
        log.info("could not cancel stale Upload %s: %r", upload_id, exc)


# --------------------------------------------------------------------------- requests


def _options(job: Job) -> RequestOptions:
    return RequestOptions(**job.opts.request)


def _create_call(job: Job) -> APICall[Upload]:
    arguments = job.create_arguments()  # the Upload's clock starts now
    return create_upload_call(
        size=arguments["bytes"],
        filename=arguments["filename"],
        mime_type=arguments["mime_type"],
        purpose=arguments["purpose"],
        expires_after=arguments["expires_after"],
        params=job.opts.create_params,
        options=_options(job),
    )


def _complete_call(job: Job) -> APICall[Upload]:
    arguments = job.complete_arguments()
    return complete_upload_call(
        job.active_upload_id,
        part_ids=arguments["part_ids"],
        md5=arguments.get("md5", omit),
        params={},
        options=_options(job),
    )


def _cancel_call(job: Job, upload_id: str) -> APICall[Upload]:
    timeout = job.cancel_arguments(CANCEL_TIMEOUT)["timeout"]
    options = dataclasses.replace(_options(job), timeout=timeout)
    return cancel_upload_call(upload_id, params={}, options=options)


def _part_call(
    job: Job, part: Part, body: memoryview | PartBody, began: Began
) -> APICall[UploadPart]:
    arguments = job.part_arguments(part)
    counted, reported = arguments["on_attempt"], arguments["on_progress"]
    attempts = 0

    def on_progress(sent: int) -> None:
        reported(sent)
        began()  # its first slice is on the wire: the next part may begin

    def on_attempt() -> None:
        nonlocal attempts
        counted()
        attempts += 1
        if attempts > 1:  # the first attempt failed: the next part need not wait
            began()

    options = dataclasses.replace(
        _options(job),
        max_retries=arguments["max_retries"],
        expiry_deadline=arguments["expiry_deadline"],
    )
    return add_part_call(
        job.active_upload_id,
        body=body,
        filename=arguments["filename"],
        mime_type=None,
        on_progress=on_progress,
        options=options,
        fixed_boundary=False,
        on_attempt=on_attempt,
        part_number=part.number,
    )
