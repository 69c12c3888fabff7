"""One ``upload_file_chunked`` call, minus the I/O: plan, digests, events, outcomes.

The flow (:mod:`._flow`) decides the order of things; the Job keeps the state they
change (plan, digests, the resume record, the Upload's clock) and decides what each
outcome means (which parts still need sending, what to fire, what to raise). The arguments are
checked in :mod:`._options`, the resume state file is kept by :mod:`._resume`, the
Upload's expiry is measured by :mod:`._clock` and failures are translated by
:mod:`._errors`.

**The md5 is core.** The API takes one md5 with ``complete`` and checks the assembled
bytes against it; the engine always computes it, over the bytes it read, in the same
sequential read as any digest a plugin asks for (:data:`CORE_DIGEST`). A caller's
``md5=`` is checked against it before ``complete`` (a mismatch raises
:class:`ChecksumMismatchError` and cancels the Upload) and sent with ``complete``;
no plugin can add, replace or turn off either. Plugins add other digests and vetoes
(``digest_algorithms``, ``check_digests``).
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable
from typing import NotRequired, cast

from openai_uploads_client.sdk import CreateUploadParams

from .. import hookspecs
from .._constants import MAX_UPLOAD_BYTES
from .._exceptions import (
    APIResponseValidationError,
    APIStatusError,
    ChecksumMismatchError,
    UploadCompletionError,
    UploadExpiredError,
    UploadVetoedError,
)
from .._plugins import PluginHost
from .._types import ExpiresAfter, FilePurpose, Omit, Upload, UploadPart
from ._clock import CreateSent, Expiry, server_lifetime
from ._errors import TransferAborted, failure_for_hooks, should_cancel, translate_failure
from ._options import (
    DEFAULT_STREAM_CONCURRENCY,
    RequestArguments,
    TransferOptions,
    capped_timeout,
)
from ._plan import DEFAULT_PART_SIZE, LAYOUT, ConcurrencyLimit, Part, PartPlan, TransferState
from ._resume import ResumeState, StateFile
from ._source import Source, open_source

log = logging.getLogger(__name__)


CORE_DIGEST = "md5"
"""The digest the engine computes itself: the one ``complete`` takes."""


class CreateArguments(CreateUploadParams, RequestArguments):
    """``uploads.create``'s arguments: the one place a transfer passes them through
    (the spec-derived ones of ``CreateUploadParams`` included)."""

    bytes: int
    filename: str
    mime_type: str
    purpose: FilePurpose
    expires_after: ExpiresAfter | Omit


class CompleteArguments(RequestArguments):
    part_ids: list[str]
    md5: NotRequired[str]


class PartArguments(RequestArguments):
    """What a part's request needs besides the upload id and the body."""

    filename: str
    on_progress: Callable[[int], None]
    on_attempt: Callable[[], None]
    expiry_deadline: float | None
    max_retries: int
    part_number: int


SETTLED_STATUSES = frozenset({"completed", "cancelled", "expired"})
"""The statuses of an Upload that is no longer pending."""


def open_input(file: object, opts: TransferOptions, stop: threading.Event | None = None) -> Source:
    """``file`` as a :class:`Source` for this call's arguments (see :func:`.open_source`).
    Blocking when ``file`` is a stream of unknown size (spooled); ``stop`` ends that."""
    return open_source(
        file,
        filename=opts.filename,
        declared=opts.declared_bytes,
        resume=opts.resume,
        stop=stop,
    )


class Job:
    """The state of one transfer (the sans-I/O part of a call, beside :mod:`._flow`).

    ``file`` is the caller's input, or the :class:`Source` :func:`open_input` made of it;
    the Job closes the source if it refuses the call.
    """

    def __init__(self, plugins: PluginHost, file: object, opts: TransferOptions) -> None:
        source = file if isinstance(file, Source) else open_input(file, opts)
        try:
            self._setup(plugins, source, opts)
        except BaseException:
            source.close()
            raise

    def _setup(self, plugins: PluginHost, source: Source, opts: TransferOptions) -> None:
        # A plugin the environment installed but that failed to load: no transfer.
        plugins.check_loaded()
        self.opts = opts
        self.source = source
        if self.source.size > MAX_UPLOAD_BYTES:
            raise ValueError(
                f"{self.source.filename} is {self.source.size} bytes; an Upload holds at most "
                f"{MAX_UPLOAD_BYTES} bytes (8 GiB)"
            )
        self.resume_state: ResumeState | None = None
        if opts.resume:
            self.resume_state = ResumeState(
                StateFile.for_source(self.source, opts.state_file), self.source
            )
        self.plugins = plugins
        self.upload_id: str | None = None
        self.expiry: Expiry | None = None
        """When the server expires the Upload, on the local monotonic clock."""
        self._create_sent: CreateSent | None = None
        self.resumed = False
        self.abandoned_upload_id: str | None = None
        """A resumed Upload the server refused, to cancel before starting over."""
        self._lock = threading.Lock()
        self._started = 0.0
        self._part_started: dict[int, float] = {}
        self._attempts: dict[int, int] = {}
        self._last_sent: dict[int, int] = {}
        self.stopping = False
        self.generation = 0
        self._final_totals: dict[int, int | None] = {}
        self._retries = 0
        """Part attempts that were retries, so far (the adaptive concurrency halves)."""
        self.digests: dict[str, str] = {}
        self.max_in_flight = opts.max_concurrency
        """The most parts in flight at once: the caller's ``max_concurrency``, or the
        default cap (lower for a non-seekable stream, whose parts are buffered)."""
        if opts.adaptive and not self.source.random_access:
            self.max_in_flight = min(self.max_in_flight, DEFAULT_STREAM_CONCURRENCY)
        self.reset(self.opts.part_size or DEFAULT_PART_SIZE)

    # ------------------------------------------------------------------ set-up

    def reset(self, part_size: int, layout: int | None = None) -> None:
        """Start over (a fresh Upload): no parts done, new hashers; ``layout``: a resumed
        record's (None: the one new Uploads use)."""
        self.stopping = False
        self.generation += 1
        self.plan = PartPlan(
            total_bytes=self.source.size,
            part_size=part_size,
            layout=LAYOUT if layout is None else layout,
        )
        self.state = TransferState(self.plan)
        self.concurrency = ConcurrencyLimit(self.max_in_flight, adaptive=self.opts.adaptive)
        self.upload_id = None
        self.resumed = False
        setup = hookspecs.DigestSetup(
            filename=self.source.filename,
            total_bytes=self.source.size,
            expected_md5=self.opts.expected_md5,
        )
        # The core md5 first; a plugin cannot claim its name (refused when registered).
        self.hashers: dict[str, hookspecs.Hasher] = {CORE_DIGEST: hashlib.md5()}
        for name, factory in self.plugins.digest_algorithms(setup).items():
            self.hashers.setdefault(name, factory())

    @property
    def buffer_size(self) -> int:
        return min(self.plan.part_size, max(self.source.size, 1))

    @property
    def buffer_count(self) -> int:
        """The pool's size: one buffer per part in flight, and one read ahead."""
        return min(self.concurrency.limit + 1, max(self.plan.part_count, 1))

    def parts_allowed(self) -> int:
        """How many parts may be in flight now (adapted to the throughput measured so
        far, unless the caller fixed it)."""
        if not self.concurrency.adaptive:
            return self.concurrency.limit
        with self._lock:
            sent, retries = self.state.bytes_sent, self._retries
        before = self.concurrency.limit
        limit = self.concurrency.observe(time.monotonic(), sent, retries)
        if limit != before:
            log.debug("parts in flight: %d -> %d (%d bytes sent)", before, limit, sent)
        return limit

    def next_concurrency_check(self) -> float | None:
        """Seconds until :meth:`parts_allowed` may change (None: not before a part ends).

        Measures first, so that a driver waiting this long never wakes for nothing."""
        self.parts_allowed()
        return self.concurrency.next_check(time.monotonic())

    def all_parts_started(self) -> None:
        """Every part is on its way: the concurrency no longer needs measuring."""
        self.concurrency.stop_growing()

    def find_resumable(self) -> str | None:
        """Load the state file; returns the id of a stale Upload worth cancelling.

        When the record fits this call, the plan switches to its part size and layout and
        its parts count as done. Blocking (small local file I/O).
        """
        if self.resume_state is None:
            return None
        point = self.resume_state.load(
            part_size=self.opts.part_size,
            filename=self.source.filename,
            mime_type=self.opts.mime_type,
            purpose=self.opts.purpose,
            create_params=self.opts.create_params,
        )
        record = point.record
        if record is not None:
            self.reset(record.part_size, record.layout)
            self.state.resume(record.parts)
            self.upload_id = record.upload_id
            self.expiry = Expiry.in_seconds(record.seconds_left(time.time()))
            self.resumed = True
        return point.stale_upload_id

    @property
    def active_upload_id(self) -> str:
        """The Upload being worked on (created or resumed); only asked for after that."""
        if self.upload_id is None:
            raise RuntimeError("no Upload yet: create or resume one first")
        return self.upload_id

    def create_arguments(self) -> CreateArguments:
        """``uploads.create``'s arguments; the Upload's clock starts now (:mod:`._clock`)."""
        arguments = {
            **self.opts.create_params,
            "bytes": self.source.size,
            "filename": self.source.filename,
            "mime_type": self.opts.mime_type,
            "purpose": self.opts.purpose,
            "expires_after": self.opts.expires_after,
            **self.opts.request,
        }
        self._create_sent = CreateSent.now()
        # The spec-derived ones were checked against CreateUploadParams when the call began.
        return cast(CreateArguments, arguments)

    def cancel_arguments(self, cap: float) -> RequestArguments:
        """``uploads.cancel``'s options: the caller's, with the timeout at most ``cap``
        seconds (a cancel after a failure or Ctrl-C must not hold the caller up)."""
        arguments = self.opts.request.copy()
        arguments["timeout"] = capped_timeout(self.opts.request.get("timeout"), cap)
        return arguments

    def created(self, upload: Upload) -> None:
        """The Upload exists; remember it (and write the state file when resuming)."""
        self.upload_id = str(upload.id)
        sent = self._create_sent or CreateSent.now()
        created_at, lifetime = server_lifetime(upload.created_at, upload.expires_at)
        self.expiry = Expiry.from_create(sent, lifetime=lifetime)
        if self.resume_state is not None:
            self.resume_state.created(
                upload_id=self.upload_id,
                expires_at=created_at + lifetime,
                created_at=created_at,
                create_sent_at=sent.wall,
                part_size=self.plan.part_size,
                layout=self.plan.layout,
                filename=self.source.filename,
                mime_type=self.opts.mime_type,
                purpose=self.opts.purpose,
                create_params=self.opts.create_params,
            )

    def transfer_started(self) -> None:
        """Fire ``on_transfer_started`` (once per call, before its first request)."""
        self.plugins.transfer_started(
            hookspecs.TransferStarted(
                filename=self.source.filename,
                total_bytes=self.source.size,
                part_size=self.plan.part_size,
                part_count=self.plan.part_count,
                resume=self.opts.resume,
            )
        )

    def start(self) -> None:
        assert self.upload_id is not None
        self._started = time.monotonic()
        self.plugins.upload_started(
            hookspecs.UploadStarted(
                upload_id=self.upload_id,
                filename=self.source.filename,
                total_bytes=self.source.size,
                part_size=self.plan.part_size,
                part_count=self.plan.part_count,
                resumed_bytes=self.state.resumed_bytes,
            )
        )

    # ------------------------------------------------------------------ the transfer

    def check_unchanged(self) -> None:
        """Raise :class:`FileChangedError` if the input changed since the transfer began."""
        self.source.check_unchanged()

    def needs_sending(self, part: Part) -> bool:
        return part.number not in self.state.done

    def check_expiry(self) -> None:
        """Raise :class:`UploadExpiredError` once the server's hour is up (its clock)."""
        if self.expiry is not None and self.expiry.expired():
            raise UploadExpiredError(
                f"Upload {self.upload_id} expired before all parts were sent",
                upload_id=self.upload_id,
            )

    def part_arguments(self, part: Part) -> PartArguments:
        """The arguments of ``part``'s request (:func:`._flow._part_call`); its clock
        starts now."""
        self._part_started[part.number] = time.monotonic()
        self._attempts[part.number] = 0
        self._last_sent[part.number] = 0
        return PartArguments(
            filename=self.source.filename,
            on_progress=self._progress_callback(part),
            on_attempt=self._attempt_callback(part),
            expiry_deadline=None if self.expiry is None else self.expiry.deadline,
            max_retries=self.opts.part_retries,
            part_number=part.number,
            **self.opts.request,
        )

    def _attempt_callback(self, part: Part) -> Callable[[], None]:
        number = part.number

        def on_attempt() -> None:
            with self._lock:
                if self._attempts[number]:
                    self._retries += 1
                self._attempts[number] += 1
                self._last_sent[number] = 0

        return on_attempt

    def _progress_callback(self, part: Part) -> Callable[[int], None]:
        number = part.number
        wants = self.plugins.wants_progress

        def on_progress(sent: int) -> None:
            if self.stopping:
                raise TransferAborted(f"part {number} aborted: the transfer is stopping")
            with self._lock:
                self._last_sent[number] = sent
                total = self.state.record_progress(number, sent, time.monotonic())
                # Fired under the lock, so that observers see the totals in order.
                if total is not None and wants:
                    self._emit_progress(number, total)

        return on_progress

    def _emit_progress(self, number: int, total: int) -> None:
        assert self.upload_id is not None
        self.plugins.bytes_sent(
            hookspecs.BytesSent(
                upload_id=self.upload_id,
                part_number=number,
                bytes_sent=total,
                total_bytes=self.source.size,
            )
        )

    def stop(self) -> None:
        """The transfer failed: parts still streaming abort at their next chunk, and the
        digest read at its next slice."""
        self.stopping = True

    def body_sent(self, part: Part) -> bool:
        """Whether all of ``part`` left in its current attempt (the server may have it)."""
        with self._lock:
            return self._last_sent.get(part.number, 0) >= part.size

    def part_done(self, part: Part, result: UploadPart) -> None:
        """The server accepted ``part``: record it (the caller saves the state next)."""
        part_id = str(result.id)
        with self._lock:
            self._final_totals[part.number] = self.state.complete_part(part.number, part_id)
        if self.resume_state is not None:
            self.resume_state.part_done(part.number, part_id)

    def announce_part(self, part: Part) -> None:
        """Fire the events of an accepted part, once its id is safe in the state file."""
        assert self.upload_id is not None
        with self._lock:
            total = self._final_totals.pop(part.number, None)
            if total is not None and self.plugins.wants_progress:
                self._emit_progress(part.number, total)
        self.plugins.part_completed(
            hookspecs.PartCompleted(
                upload_id=self.upload_id,
                part_number=part.number,
                part_id=self.state.done[part.number],
                size=part.size,
                attempts=self._attempts.get(part.number, 1),
                elapsed=time.monotonic() - self._part_started.get(part.number, self._started),
                parts_done=self.state.parts_done,
                part_count=self.plan.part_count,
            )
        )

    def save_state(self) -> None:
        """Rewrite the resume state file with the parts done so far. Blocking."""
        if self.resume_state is not None:
            self.resume_state.save()

    def forget_state(self) -> None:
        """Delete the resume state file (the Upload completed or was cancelled). Blocking."""
        if self.resume_state is not None:
            self.resume_state.forget()

    def complete_arguments(self) -> CompleteArguments:
        """The digests are final: check the caller's md5, let plugins veto, then build
        ``complete``'s arguments (with the md5 of the bytes read, unless ``md5=None``)."""
        assert self.upload_id is not None
        self.digests = {name: h.hexdigest() for name, h in self.hashers.items()}
        md5 = self.digests[CORE_DIGEST]
        vetoes: list[hookspecs.Veto] = [] if (veto := self._md5_veto(md5)) is None else [veto]
        vetoes += self.plugins.check_digests(
            hookspecs.DigestsComputed(
                upload_id=self.upload_id,
                filename=self.source.filename,
                total_bytes=self.source.size,
                digests=self.digests,
                expected_md5=self.opts.expected_md5,
            )
        )
        if vetoes:
            # Every veto is reported; a ChecksumVeto (the md5's) makes it a checksum mismatch.
            mismatch = any(isinstance(veto, hookspecs.ChecksumVeto) for veto in vetoes)
            cls = ChecksumMismatchError if mismatch else UploadVetoedError
            raise cls(
                "; ".join(veto.reason for veto in vetoes),
                upload_id=self.upload_id,
                plugin=vetoes[0].plugin or None,
                vetoes=list(vetoes),
                digests=dict(self.digests),
            )
        arguments = CompleteArguments(part_ids=self.state.ordered_part_ids(), **self.opts.request)  # type: ignore[typeddict-item]  # mypy: md5 is added below
        if self.opts.send_md5:
            arguments["md5"] = md5
        return arguments

    def _md5_veto(self, md5: str) -> hookspecs.ChecksumVeto | None:
        """The core check of the caller's ``md5=`` (``plugin`` is empty: no plugin's)."""
        expected = self.opts.expected_md5
        if expected is None or expected == md5:
            return None
        return hookspecs.ChecksumVeto(
            reason=f"md5 mismatch: expected {expected}, the file read has {md5}",
            algorithm=CORE_DIGEST,
            expected=expected,
            actual=md5,
        )

    def check_completed(self, upload: object) -> None:
        """Raise :class:`UploadCompletionError` unless ``complete`` answered with this
        Upload, ``completed``, with a File of the declared bytes. Blocking (the state
        file of an Upload that cannot be resumed is deleted)."""
        assert self.upload_id is not None
        returned_id = getattr(upload, "id", None)
        status = getattr(upload, "status", None)
        file = getattr(upload, "file", None)
        file_bytes = getattr(file, "bytes", None)
        problem = None
        if returned_id != self.upload_id:
            problem = f"answered with another Upload ({returned_id!r})"
        elif status != "completed":
            problem = f"left it {status!r}"
        elif file is None:
            problem = "gave no File"
        elif file_bytes != self.source.size:
            problem = (
                f"gave File {getattr(file, 'id', None)} of {file_bytes!r} bytes, "
                f"not the {self.source.size} declared"
            )
        if problem is None:
            return
        # Another id or an unknown status: this Upload's state is unknown, so cancel it
        # to be sure (a completed, cancelled or expired Upload cannot be cancelled).
        still_pending = returned_id != self.upload_id or status not in SETTLED_STATUSES
        if not still_pending:
            self.forget_state()  # completed or cancelled: nothing left to resume
        raise UploadCompletionError(
            f"complete of Upload {self.upload_id} {problem}",
            upload_id=self.upload_id,
            status=status if isinstance(status, str) else None,
            still_pending=still_pending,
        )

    def unreadable_completion(self, exc: APIResponseValidationError) -> UploadCompletionError:
        """The error for an answer to ``complete`` that is not an Upload at all (not JSON,
        a ``file`` that is not a File, no ``status``): the Upload's state is unknown, so
        it is cancelled to be sure."""
        assert self.upload_id is not None
        error = UploadCompletionError(
            f"complete of Upload {self.upload_id} gave an answer that is not an Upload: {exc}",
            upload_id=self.upload_id,
            still_pending=True,
        )
        error.__cause__ = exc
        return error

    def completed(self, upload: Upload) -> None:
        assert self.upload_id is not None
        file = getattr(upload, "file", None)
        self.plugins.upload_completed(
            hookspecs.UploadCompleted(
                upload_id=self.upload_id,
                file_id=str(getattr(file, "id", "")),
                total_bytes=self.source.size,
                elapsed=time.monotonic() - self._started,
                digests=dict(self.digests),
            )
        )

    # ------------------------------------------------------------------ failure

    def reset_if_resume_refused(self, exc: BaseException) -> bool:
        """Reset to a fresh Upload when the server refuses a resumed one; True if it did.

        A resumed Upload answered with 400 or 404 (expired, cancelled, unknown) cannot
        take more parts: the state file is deleted, the plan and digests are reset, and
        the driver starts over with a new Upload.
        """
        if not self.resumed or not isinstance(exc, APIStatusError):
            return False
        if exc.status_code not in (400, 404):
            return False
        log.warning(
            "the server refused resumed Upload %s (%s); cancelling it and starting a new Upload",
            self.upload_id,
            exc.message,
        )
        # The driver cancels it before starting over: no abandoned Upload stays pending.
        self.abandoned_upload_id = self.upload_id
        if self.resume_state is not None:
            self.resume_state.discard()
        self.reset(self.opts.part_size or DEFAULT_PART_SIZE)
        return True

    def should_cancel(self, exc: BaseException) -> bool:
        """Cancel the Upload on the server, unless the caller keeps it for resuming."""
        return should_cancel(
            exc, upload_id=self.upload_id, keep_on_failure=self.opts.keep_on_failure
        )

    def cancelled(self, reason: str) -> None:
        assert self.upload_id is not None
        self.plugins.upload_cancelled(
            hookspecs.UploadCancelled(upload_id=self.upload_id, reason=reason)
        )

    def failure(self, exc: BaseException, *, cancelled: bool) -> BaseException:
        """The exception to raise for ``exc`` (see :func:`.translate_failure`); fires
        ``hookspecs.UploadFailed``."""
        error, kept = translate_failure(
            exc,
            upload_id=self.upload_id,
            cancelled=cancelled,
            filename=self.source.filename,
            state_path=None if self.resume_state is None else self.resume_state.path,
        )
        # The hooks see a copy without the credentials; the caller gets ``error`` itself.
        shown = failure_for_hooks(error)
        self.plugins.upload_failed(
            hookspecs.UploadFailed(upload_id=self.upload_id, error=shown, kept_for_resume=kept)
        )
        return error
