"""One ``upload_file_chunked`` call, minus the I/O: arguments, digests, events, outcomes.

Both drivers make the same requests in the same order; everything they decide (what to
validate, which parts to send, what to fire, what to raise) is decided here, once.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .._constants import MAX_PART_SIZE, MAX_UPLOAD_BYTES, UPLOAD_PURPOSES
from .._exceptions import (
    APIStatusError,
    ChecksumMismatchError,
    OpenAIError,
    UploadError,
    UploadExpiredError,
    UploadVetoedError,
)
from .._plugins import PluginHost
from .._types import Omit
from ..hookspecs import (
    BytesSent,
    DigestsComputed,
    DigestSetup,
    Hasher,
    PartCompleted,
    UploadCancelled,
    UploadCompleted,
    UploadFailed,
    UploadStarted,
)
from ._plan import DEFAULT_PART_SIZE, Part, PartPlan, TransferState
from ._resume import ResumeRecord, StateFile
from ._source import Identity, Source, open_source

log = logging.getLogger("openai_uploads")

_MD5_RE = re.compile(r"[0-9a-fA-F]{32}")
MIN_PART_RETRIES = 5
"""A part is cheap to retry, so it gets at least this many retries."""


@dataclass(frozen=True, slots=True)
class Options:
    """The caller's arguments, checked."""

    mime_type: str
    purpose: str
    part_size: int | None
    """As given (None: the default, or the recorded one when resuming)."""
    expected_md5: str | None
    send_md5: bool
    """False when the caller passed ``md5=None``: complete without an md5."""
    max_concurrency: int
    expires_after: Any
    resume: bool
    keep_on_failure: bool
    part_retries: int


def check_options(
    client: Any,
    *,
    mime_type: object,
    purpose: object,
    part_size: object,
    md5: object,
    max_concurrency: object,
    expires_after: object,
    resume: bool,
    keep_on_failure: bool | None,
    part_retries: int | None,
) -> Options:
    if not isinstance(mime_type, str) or not mime_type:
        raise ValueError("mime_type must be a non-empty string such as 'application/pdf'")
    if purpose not in UPLOAD_PURPOSES:
        raise ValueError(f"purpose must be one of {', '.join(UPLOAD_PURPOSES)}; got {purpose!r}")
    if part_size is not None:
        if not isinstance(part_size, int) or isinstance(part_size, bool):
            raise TypeError(f"part_size must be an int, got {type(part_size).__name__}")
        if not 1 <= part_size <= MAX_PART_SIZE:
            raise ValueError(
                f"part_size must be between 1 and {MAX_PART_SIZE} bytes (64 MiB); got {part_size}"
            )
    expected_md5: str | None = None
    if isinstance(md5, str):
        if not _MD5_RE.fullmatch(md5):
            raise ValueError(f"md5 must be 32 hexadecimal characters; got {md5!r}")
        expected_md5 = md5.lower()
    elif md5 is not None and not isinstance(md5, Omit):
        raise TypeError(f"md5 must be a hex string or None, got {type(md5).__name__}")
    if not isinstance(max_concurrency, int) or isinstance(max_concurrency, bool):
        raise TypeError("max_concurrency must be an int")
    if max_concurrency < 1:
        raise ValueError(f"max_concurrency must be at least 1; got {max_concurrency}")
    if part_retries is None:
        part_retries = max(int(getattr(client, "max_retries", 2)), MIN_PART_RETRIES)
    elif part_retries < 0:
        raise ValueError(f"part_retries must not be negative; got {part_retries}")
    return Options(
        mime_type=mime_type,
        purpose=str(purpose),
        part_size=part_size,
        expected_md5=expected_md5,
        send_md5=md5 is not None,
        max_concurrency=max_concurrency,
        expires_after=expires_after,
        resume=resume,
        keep_on_failure=resume if keep_on_failure is None else keep_on_failure,
        part_retries=part_retries,
    )


class TransferAborted(Exception):
    """Raised inside an in-flight part's body stream to stop it once the transfer failed."""


class Job:
    """The state of one transfer that the drivers share (the sans-I/O part of a call)."""

    def __init__(
        self,
        client: Any,
        *,
        file: object,
        filename: str | None,
        bytes: int | None,
        state_file: str | os.PathLike[str] | None,
        **options: Any,
    ) -> None:
        self.opts = check_options(client, **options)
        self.source: Source = open_source(file, filename=filename, declared=bytes)
        if self.source.size > MAX_UPLOAD_BYTES:
            raise ValueError(
                f"{self.source.filename} is {self.source.size} bytes; an Upload holds at most "
                f"{MAX_UPLOAD_BYTES} bytes (8 GiB)"
            )
        self.state_file: StateFile | None = None
        if self.opts.resume:
            if not self.source.seekable:
                raise ValueError("resume=True needs a path, in-memory data or a seekable file")
            self.state_file = StateFile.for_source(self.source, state_file)
        self.plugins: PluginHost = client.plugins
        self.upload_id: str | None = None
        self.expires_at: float | None = None
        self.record: ResumeRecord | None = None
        self.resumed = False
        self._lock = threading.Lock()
        self._started = 0.0
        self._part_started: dict[int, float] = {}
        self._attempts: dict[int, int] = {}
        self._last_sent: dict[int, int] = {}
        self._identity: Identity | None = None
        self.stopping = False
        self._final_totals: dict[int, int | None] = {}
        self.digests: dict[str, str] = {}
        self.reset(self.opts.part_size or DEFAULT_PART_SIZE)

    # ------------------------------------------------------------------ set-up

    def reset(self, part_size: int) -> None:
        """Start over (a fresh Upload): no parts done, new hashers."""
        self.stopping = False
        self.plan = PartPlan(total_bytes=self.source.size, part_size=part_size)
        self.state = TransferState(self.plan)
        self.upload_id = None
        self.resumed = False
        setup = DigestSetup(
            filename=self.source.filename,
            total_bytes=self.source.size,
            expected_md5=self.opts.expected_md5,
        )
        self.hashers: dict[str, Hasher] = {
            name: factory() for name, factory in self.plugins.digest_algorithms(setup).items()
        }

    @property
    def buffer_size(self) -> int:
        return min(self.plan.part_size, max(self.source.size, 1))

    @property
    def buffer_count(self) -> int:
        return min(self.opts.max_concurrency + 1, max(self.plan.part_count, 1))

    def new_buffer(self) -> bytearray | None:
        return bytearray(self.buffer_size) if self.source.needs_buffers else None

    def find_resumable(self) -> str | None:
        """Load the state file; returns the id of a stale Upload worth cancelling.

        When the record fits this call, the plan switches to its part size and its parts
        count as done. Blocking (small local file I/O).
        """
        if self.state_file is None:
            return None
        record = self.state_file.load()
        identity = self.source.identity()
        if record is not None:
            why = record.mismatch(
                identity=identity,
                part_size=self.opts.part_size,
                filename=self.source.filename,
                mime_type=self.opts.mime_type,
                purpose=self.opts.purpose,
                now=time.time(),
            )
            if why is None and record.identity.size == self.source.size:
                self.reset(record.part_size)
                self.state.resume(record.parts)
                self.record = record
                self.upload_id = record.upload_id
                self.expires_at = record.expires_at
                self.resumed = True
                return None
            log.warning(
                "not resuming Upload %s from %s: %s; starting a new Upload",
                record.upload_id,
                self.state_file.path,
                why,
            )
            self.state_file.delete()
            stale = record.upload_id if record.expires_at > time.time() else None
            self.record = None
            self._identity = identity
            return stale
        self._identity = identity
        return None

    def create_kwargs(self) -> dict[str, Any]:
        return {
            "bytes": self.source.size,
            "filename": self.source.filename,
            "mime_type": self.opts.mime_type,
            "purpose": self.opts.purpose,
            "expires_after": self.opts.expires_after,
        }

    def created(self, upload: Any) -> None:
        """The Upload exists; remember it (and write the state file when resuming)."""
        self.upload_id = str(upload.id)
        self.expires_at = float(upload.expires_at)
        if self.state_file is not None:
            assert self._identity is not None
            self.record = ResumeRecord(
                upload_id=self.upload_id,
                expires_at=self.expires_at,
                part_size=self.plan.part_size,
                filename=self.source.filename,
                mime_type=self.opts.mime_type,
                purpose=self.opts.purpose,
                identity=self._identity,
            )
            self.state_file.save(self.record)

    def start(self) -> None:
        assert self.upload_id is not None
        self._started = time.monotonic()
        self.plugins.upload_started(
            UploadStarted(
                upload_id=self.upload_id,
                filename=self.source.filename,
                total_bytes=self.source.size,
                part_size=self.plan.part_size,
                part_count=self.plan.part_count,
                resumed_bytes=self.state.resumed_bytes,
            )
        )

    # ------------------------------------------------------------------ the transfer

    def read_part(self, part: Part, buffer: bytearray | None) -> memoryview:
        """Read the next part (parts are read in order) and feed every digest. Blocking."""
        view = self.source.read_part(part.size, buffer)
        for hasher in self.hashers.values():
            hasher.update(view)  # type: ignore[arg-type]  # hashlib takes any buffer
        return view

    def needs_sending(self, part: Part) -> bool:
        return part.number not in self.state.done

    def check_expiry(self) -> None:
        if self.expires_at is not None and time.time() >= self.expires_at:
            raise UploadExpiredError(
                f"Upload {self.upload_id} expired before all parts were sent",
                upload_id=self.upload_id,
            )

    def part_kwargs(self, part: Part) -> dict[str, Any]:
        """Everything ``parts._create_part`` needs besides the upload id and the body."""
        self._part_started[part.number] = time.monotonic()
        self._attempts[part.number] = 0
        self._last_sent[part.number] = 0
        return {
            "filename": self.source.filename,
            "on_progress": self._progress_callback(part),
            "on_attempt": self._attempt_callback(part),
            "expires_at": self.expires_at,
            "max_retries": self.opts.part_retries,
        }

    def _attempt_callback(self, part: Part) -> Callable[[], None]:
        number = part.number

        def on_attempt() -> None:
            with self._lock:
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
            BytesSent(
                upload_id=self.upload_id,
                part_number=number,
                bytes_sent=total,
                total_bytes=self.source.size,
            )
        )

    def stop(self) -> None:
        """The transfer failed: parts still streaming abort at their next chunk."""
        self.stopping = True

    def body_sent(self, part: Part) -> bool:
        """Whether all of ``part`` left in its current attempt (the server may have it)."""
        with self._lock:
            return self._last_sent.get(part.number, 0) >= part.size

    def part_done(self, part: Part, result: Any) -> None:
        """The server accepted ``part``: record it (the caller saves the state next)."""
        part_id = str(result.id)
        with self._lock:
            self._final_totals[part.number] = self.state.complete_part(part.number, part_id)
        if self.record is not None:
            self.record.parts[part.number] = part_id

    def announce_part(self, part: Part) -> None:
        """Fire the events of an accepted part, once its id is safe in the state file."""
        assert self.upload_id is not None
        with self._lock:
            total = self._final_totals.pop(part.number, None)
            if total is not None and self.plugins.wants_progress:
                self._emit_progress(part.number, total)
        self.plugins.part_completed(
            PartCompleted(
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
        if self.state_file is not None and self.record is not None:
            self.state_file.save(self.record)

    def forget_state(self) -> None:
        """Delete the resume state file (the Upload completed or was cancelled). Blocking."""
        if self.state_file is not None:
            self.state_file.delete()

    def complete_kwargs(self) -> dict[str, Any]:
        """The digests are final: let plugins veto, then build ``complete``'s arguments."""
        assert self.upload_id is not None
        self.digests = {name: h.hexdigest() for name, h in self.hashers.items()}
        vetoes = self.plugins.check_digests(
            DigestsComputed(
                upload_id=self.upload_id,
                filename=self.source.filename,
                total_bytes=self.source.size,
                digests=self.digests,
                expected_md5=self.opts.expected_md5,
            )
        )
        for veto in vetoes:
            cls = ChecksumMismatchError if veto.plugin == "md5" else UploadVetoedError
            raise cls(
                veto.reason,
                upload_id=self.upload_id,
                plugin=veto.plugin,
                digests=dict(self.digests),
            )
        md5 = self.digests.get("md5")
        kwargs: dict[str, Any] = {"part_ids": self.state.ordered_part_ids()}
        if md5 is not None and self.opts.send_md5:
            kwargs["md5"] = md5
        return kwargs

    def completed(self, upload: Any) -> None:
        assert self.upload_id is not None
        file = getattr(upload, "file", None)
        self.plugins.upload_completed(
            UploadCompleted(
                upload_id=self.upload_id,
                file_id=str(getattr(file, "id", "")),
                total_bytes=self.source.size,
                elapsed=time.monotonic() - self._started,
                digests=dict(self.digests),
            )
        )

    # ------------------------------------------------------------------ failure

    def should_start_over(self, exc: BaseException) -> bool:
        """A resumed Upload the server refuses (expired, cancelled, unknown): start fresh."""
        if not self.resumed or not isinstance(exc, APIStatusError):
            return False
        if exc.status_code not in (400, 404):
            return False
        log.warning(
            "the server refused resumed Upload %s (%s); starting a new Upload",
            self.upload_id,
            exc.message,
        )
        if self.state_file is not None:
            self.state_file.delete()
        self.reset(self.opts.part_size or DEFAULT_PART_SIZE)
        self._identity = self.source.identity()
        return True

    def should_cancel(self, exc: BaseException) -> bool:
        """Cancel the Upload on the server, unless the caller keeps it for resuming."""
        if self.upload_id is None:
            return False
        if isinstance(exc, ChecksumMismatchError | UploadVetoedError | UploadExpiredError):
            return True
        return not self.opts.keep_on_failure

    def cancelled(self, reason: str) -> None:
        assert self.upload_id is not None
        self.plugins.upload_cancelled(UploadCancelled(upload_id=self.upload_id, reason=reason))

    def failure(self, exc: BaseException, *, cancelled: bool) -> BaseException:
        """The exception to raise for ``exc``, with the Upload named; fires UploadFailed.

        * :class:`UploadError` (checksum, veto, expiry, unreadable input): itself, with
          ``upload_id`` and ``cancelled`` filled in.
        * Other errors of this package (API errors, :class:`PluginError`): the same
          exception, so ``except BadRequestError`` still works, with ``upload_id`` and
          ``upload_cancelled`` attributes and a note naming the Upload.
        * ``KeyboardInterrupt`` / ``asyncio.CancelledError``: themselves, with the note.
        * Anything else: an :class:`UploadError` raised ``from`` it.
        """
        kept = self.upload_id is not None and not cancelled
        if kept:
            how = (
                f"call upload_file_chunked again with resume=True to send the rest "
                f"(state in {self.state_file.path})"
                if self.state_file is not None
                else "cancel it with client.uploads.cancel(...) when done"
            )
            note = f"Upload {self.upload_id} was left pending: {how}"
        elif self.upload_id is not None:
            note = f"Upload {self.upload_id} was cancelled"
        else:
            note = ""
        error: BaseException
        if isinstance(exc, UploadError):
            if exc.upload_id is None:
                exc.upload_id = self.upload_id
            exc.cancelled = cancelled
            error = exc
        elif isinstance(exc, OpenAIError | KeyboardInterrupt | asyncio.CancelledError):
            error = exc
            if isinstance(exc, OpenAIError):
                exc.upload_id = self.upload_id  # type: ignore[attr-defined]
                exc.upload_cancelled = cancelled  # type: ignore[attr-defined]
        else:
            error = UploadError(
                f"upload of {self.source.filename} failed: {exc!r}",
                upload_id=self.upload_id,
                cancelled=cancelled,
            )
            error.__cause__ = exc
        if note and (kept or not isinstance(error, UploadError)):
            error.add_note(note)
        self.plugins.upload_failed(
            UploadFailed(upload_id=self.upload_id, error=error, kept_for_resume=kept)
        )
        return error
