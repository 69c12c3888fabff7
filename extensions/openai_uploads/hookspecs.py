"""The hooks that plugins implement.

Every hook takes exactly one argument, ``event``: a frozen, keyword-only dataclass, so
that fields can be added to an event later without breaking any plugin. A plugin is any
object or module with functions marked by :data:`openai_uploads.hookimpl` whose names
are hook names below; pass it as ``OpenAI(plugins=[...])`` or publish it under the
``openai_uploads`` entry-point group.

Three families:

* **progress** (``on_upload_started``, ``on_bytes_sent``, ``on_part_completed``,
  ``on_upload_completed``, ``on_upload_failed``, ``on_upload_cancelled``): observers.
  An exception raised here is logged and ignored: a progress plugin can never corrupt
  or stop an upload.
* **retries** (``decide_retry``): a ``firstresult`` decision. The first plugin that
  returns a :class:`RetryDecision` decides; the built-in policy (openai-python's) runs
  last.
* **checksums** (``digest_algorithms``, ``check_digests``): which digests to compute in
  the single read of the file, and a veto over completion once they are known.

And **lifecycle** hooks around every HTTP request (``on_request_start``,
``on_request_end``), for timing and logging. Like progress hooks, they only observe.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import pluggy

if TYPE_CHECKING:
    import httpx

PROJECT_NAME = "openai_uploads"
"""The pluggy project name, which is also the entry-point group of installed plugins."""

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


# --------------------------------------------------------------------------- events


@dataclass(frozen=True, kw_only=True, slots=True)
class UploadStarted:
    """An Upload was created (or found again, when resuming) and parts are about to flow."""

    upload_id: str
    filename: str
    total_bytes: int
    part_size: int
    part_count: int
    resumed_bytes: int = 0
    """Bytes already on the server from an earlier attempt (resume); 0 for a new Upload."""


@dataclass(frozen=True, kw_only=True, slots=True)
class BytesSent:
    """Bytes of the file left this machine. Coalesced: at most every 1 MiB or 100 ms per part.

    ``bytes_sent`` counts the whole file and never goes backwards, even when a part is
    re-sent after a failure: a re-sent part only counts again once it passes the point
    its earlier attempt had reached.
    """

    upload_id: str
    part_number: int
    """1-based position of the part in the file."""
    bytes_sent: int
    total_bytes: int


@dataclass(frozen=True, kw_only=True, slots=True)
class PartCompleted:
    """The server accepted a part."""

    upload_id: str
    part_number: int
    part_id: str
    size: int
    attempts: int
    """How many requests it took (1 when nothing failed)."""
    elapsed: float
    """Seconds from the first attempt's start to the accepted response."""
    parts_done: int
    part_count: int


@dataclass(frozen=True, kw_only=True, slots=True)
class UploadCompleted:
    """The Upload completed: the server assembled the parts into a File."""

    upload_id: str
    file_id: str
    total_bytes: int
    elapsed: float
    digests: Mapping[str, str]
    """Hex digests computed over the file, by algorithm name (``md5`` at least)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class UploadFailed:
    """The transfer stopped on an error; ``error`` is what the caller will see raised."""

    upload_id: str | None
    """None when the failure came before the Upload was created."""
    error: BaseException
    kept_for_resume: bool
    """True when the Upload was left pending on purpose so that a later call can resume it."""


@dataclass(frozen=True, kw_only=True, slots=True)
class UploadCancelled:
    """An Upload was cancelled on the server, by the caller or after a failure."""

    upload_id: str
    reason: str


@dataclass(frozen=True, kw_only=True, slots=True)
class RequestStarted:
    """An HTTP request is about to be sent (once per attempt)."""

    operation: str
    """E.g. ``create_upload``, ``add_part``, ``complete_upload``, ``cancel_upload``."""
    method: str
    url: str
    attempt: int
    """0 for the first try, 1 for the first retry, ..."""


@dataclass(frozen=True, kw_only=True, slots=True)
class RequestFinished:
    """An HTTP request attempt ended, with a response or an exception."""

    operation: str
    method: str
    url: str
    attempt: int
    elapsed: float
    status_code: int | None
    """None when no response arrived (``error`` says why)."""
    request_id: str | None
    error: BaseException | None


@dataclass(frozen=True, kw_only=True, slots=True)
class RetryContext:
    """What a retry decision can look at after a failed attempt."""

    operation: str
    attempt: int
    """How many retries were made already: 0 after the first failure."""
    max_retries: int
    """The client's (or the call's) retry budget."""
    request: httpx.Request
    response: httpx.Response | None
    """The error response, or None when the request failed without one."""
    error: BaseException | None
    """The transport exception (connection error, timeout), or None when a response came."""
    time_left: float | None
    """Seconds until the Upload expires (None when the request belongs to no Upload)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class RetryDecision:
    """What ``decide_retry`` returns: retry after ``delay`` seconds, or give up."""

    retry: bool
    delay: float = 0.0

    @classmethod
    def after(cls, seconds: float) -> RetryDecision:
        """Retry once ``seconds`` have passed."""
        return cls(retry=True, delay=max(0.0, seconds))

    @classmethod
    def give_up(cls) -> RetryDecision:
        """Do not retry: the failure is raised to the caller."""
        return cls(retry=False)


class Hasher(Protocol):
    """What a digest algorithm must offer; every ``hashlib`` object qualifies."""

    def update(self, data: bytes, /) -> None: ...

    def hexdigest(self) -> str: ...


HasherFactory = Callable[[], Hasher]


@dataclass(frozen=True, kw_only=True, slots=True)
class DigestSetup:
    """Asked once per transfer, before the file is read."""

    filename: str
    total_bytes: int
    expected_md5: str | None
    """The md5 the caller passed to ``upload_file_chunked``, if any."""


@dataclass(frozen=True, kw_only=True, slots=True)
class DigestsComputed:
    """The whole file was read; ``digests`` holds every algorithm's hex digest."""

    upload_id: str
    filename: str
    total_bytes: int
    digests: Mapping[str, str]
    expected_md5: str | None


@dataclass(frozen=True, kw_only=True, slots=True)
class Veto:
    """Returned by ``check_digests`` to stop an upload before it completes."""

    reason: str
    plugin: str = field(default="")


# --------------------------------------------------------------------------- hooks


@hookspec
def on_upload_started(event: UploadStarted) -> None:
    """Called once the Upload exists on the server, before the first part is sent.

    Example::

        @hookimpl
        def on_upload_started(event):
            print(f"{event.filename}: {event.total_bytes} bytes in {event.part_count} parts")
    """


@hookspec
def on_bytes_sent(event: BytesSent) -> None:
    """Called as part bytes flow out, coalesced to at most every 1 MiB or 100 ms per part.

    ``event.bytes_sent`` covers the whole file and never decreases.

    Example::

        @hookimpl
        def on_bytes_sent(event):
            print(f"{100 * event.bytes_sent / event.total_bytes:.0f}%", end="\\r")
    """


@hookspec
def on_part_completed(event: PartCompleted) -> None:
    """Called when the server has accepted a part.

    Example::

        @hookimpl
        def on_part_completed(event):
            log.info("part %d/%d took %.2fs", event.part_number, event.part_count, event.elapsed)
    """


@hookspec
def on_upload_completed(event: UploadCompleted) -> None:
    """Called after ``complete`` succeeded, with the File id and the digests computed.

    Example::

        @hookimpl
        def on_upload_completed(event):
            catalog.record(event.file_id, sha256=event.digests.get("sha256"))
    """


@hookspec
def on_upload_failed(event: UploadFailed) -> None:
    """Called when a transfer stops on an error, just before that error is raised.

    Example::

        @hookimpl
        def on_upload_failed(event):
            alerts.send(f"upload {event.upload_id} failed: {event.error}")
    """


@hookspec
def on_upload_cancelled(event: UploadCancelled) -> None:
    """Called after an Upload was cancelled on the server.

    Example::

        @hookimpl
        def on_upload_cancelled(event):
            print(f"cancelled {event.upload_id}: {event.reason}")
    """


@hookspec
def on_request_start(event: RequestStarted) -> None:
    """Called before each HTTP request attempt (retries included).

    Example::

        @hookimpl
        def on_request_start(event):
            print(event.method, event.url, "attempt", event.attempt)
    """


@hookspec
def on_request_end(event: RequestFinished) -> None:
    """Called after each HTTP request attempt, with its status or error and duration.

    Example::

        @hookimpl
        def on_request_end(event):
            metrics.observe(event.operation, event.elapsed, event.status_code)
    """


@hookspec(firstresult=True)
def decide_retry(event: RetryContext) -> RetryDecision | None:
    """Decide whether a failed request is retried, and after how long.

    Return :meth:`RetryDecision.after` or :meth:`RetryDecision.give_up`, or ``None`` to
    let the next plugin (finally the built-in policy) decide. The built-in policy is
    openai-python's: retry connection errors, timeouts, 408, 409, 429 and 5xx up to
    ``max_retries`` times, honouring ``retry-after-ms`` / ``retry-after``, otherwise
    ``min(0.5 * 2**attempt, 8)`` seconds with up to 25% jitter, never past the Upload's
    expiry.

    Example (five quick retries on anything)::

        @hookimpl
        def decide_retry(event):
            return RetryDecision.after(0) if event.attempt < 5 else RetryDecision.give_up()
    """


@hookspec
def digest_algorithms(event: DigestSetup) -> Mapping[str, HasherFactory] | None:
    """Name the digests to compute over the file, in the same single read that sends it.

    Return a mapping from a name to a zero-argument factory of a hasher (anything with
    ``update(bytes)`` and ``hexdigest()``). The results of all plugins are merged; the
    built-in plugin adds ``md5``, which is sent with ``complete``.

    Example::

        @hookimpl
        def digest_algorithms(event):
            return {"sha256": hashlib.sha256}
    """


@hookspec
def check_digests(event: DigestsComputed) -> Veto | None:
    """See the final digests before ``complete`` and return a :class:`Veto` to stop it.

    A veto cancels the Upload and raises :class:`openai_uploads.UploadVetoedError`
    carrying the reason. The built-in md5 plugin vetoes when the caller's ``md5`` differs
    from the computed one.

    Example::

        @hookimpl
        def check_digests(event):
            if event.digests["sha256"] != KNOWN_SHA256:
                return Veto(reason="sha256 differs from the catalog")
    """
