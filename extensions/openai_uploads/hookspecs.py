"""The hooks that plugins implement.

Every hook takes one argument, ``event``: a frozen, keyword-only dataclass, so that
fields can be added to an event later without breaking any plugin. A plugin is any
object or module with functions marked by :data:`openai_uploads.hookimpl` whose names
are hook names below; pass it as ``OpenAI(plugins=[...])`` or publish it under the
``openai_uploads`` entry-point group. Every hook is called through pluggy
(``pm.hook.<name>(event=...)``), so ``tryfirst`` / ``trylast``, ``wrapper=True`` /
``hookwrapper=True``, hook-call monitoring and tracing work on all of them, and an
impl may take no argument at all (pluggy passes only the arguments an impl names).

Four families:

* **progress** (``on_transfer_started``, ``on_upload_started``, ``on_bytes_sent``,
  ``on_part_completed``, ``on_upload_completed``, ``on_upload_failed``,
  ``on_upload_cancelled``, and ``on_batch_started`` / ``on_batch_finished`` around
  ``upload_many``): observers. An exception raised here is logged once (naming
  the plugin) and ignored: a progress plugin can never corrupt or stop an upload, nor
  keep the other plugins from being called.
* **requests** (``on_request_start``, ``prepare_request``, ``on_request_end``): around
  every HTTP attempt. The two ``on_`` hooks observe (they always come in pairs, an end
  for every start); ``prepare_request`` may change the outgoing request's headers.
  Their events share the fields of :class:`RequestInfo`.
* **retries** (``decide_retry``): a ``firstresult`` decision. The first plugin that
  returns a :class:`RetryDecision` decides; the built-in policy (openai-python's) runs
  last. The client caps it: never more than ``max_retries`` retries.
* **checksums** (``digest_algorithms``, ``check_digests``): which digests to compute in
  the single read of the file, and a veto over completion once they are known.

Hooks are synchronous: an ``async def`` impl is refused when the plugin is registered.
They run on the thread that does the work: with :class:`openai_uploads.OpenAI` the
request and ``on_bytes_sent`` hooks of parts run on the transfer's worker threads (at
most ``max_concurrency`` at once), the others on the calling thread; with
:class:`openai_uploads.AsyncOpenAI` every hook runs on the event loop's thread, except
hashers, which are fed in a worker thread.

A fault of a plugin in a decision hook (an exception, a result of the wrong type) raises
:class:`openai_uploads.PluginError` naming the plugin.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import pluggy

from ._batch_events import BatchFinished as BatchFinished
from ._batch_events import BatchStarted as BatchStarted
from ._batch_events import InBatch as InBatch
from ._plugin_base import UploadsPlugin as UploadsPlugin

if TYPE_CHECKING:
    import httpx

PROJECT_NAME = "openai_uploads"
"""The pluggy project name, which is also the entry-point group of installed plugins."""

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


# --------------------------------------------------------------------------- events


@dataclass(frozen=True, kw_only=True, slots=True)
class TransferStarted(InBatch):
    """``upload_file_chunked`` checked its arguments; no request was made yet."""

    filename: str
    total_bytes: int
    part_size: int
    """Bytes per part (a resumed Upload may switch to the part size it was made with)."""
    part_count: int
    resume: bool
    """True when the call may pick up an Upload left pending by an earlier one."""


@dataclass(frozen=True, kw_only=True, slots=True)
class UploadStarted(InBatch):
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
class PartCompleted(InBatch):
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
class UploadCompleted(InBatch):
    """The Upload completed: the server assembled the parts into a File."""

    upload_id: str
    file_id: str
    total_bytes: int
    elapsed: float
    digests: Mapping[str, str]
    """Hex digests computed over the file, by algorithm name (``md5`` at least)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class UploadFailed(InBatch):
    """The transfer stopped on an error; ``error`` is what the caller will see raised."""

    upload_id: str | None
    """None when the failure came before the Upload was created."""
    error: BaseException
    kept_for_resume: bool
    """True when the Upload was left pending on purpose so that a later call can resume it."""


@dataclass(frozen=True, kw_only=True, slots=True)
class UploadCancelled(InBatch):
    """An Upload was cancelled on the server, by the caller or after a failure."""

    upload_id: str
    reason: str


@dataclass(frozen=True, kw_only=True, slots=True)
class RequestInfo:
    """What every request event says about its HTTP attempt.

    The base of :class:`RequestStarted`, :class:`OutgoingRequest` and
    :class:`RequestFinished`, so one function can take any of them::

        def describe(event: RequestInfo) -> str:
            return f"{event.operation} {event.method} {event.url} (attempt {event.attempt})"
    """

    operation: str
    """E.g. ``create_upload``, ``add_part``, ``complete_upload``, ``cancel_upload``."""
    method: str
    url: str
    attempt: int
    """0 for the first try, 1 for the first retry, ..."""
    upload_id: str | None = None
    """The Upload the request is about (None for ``create_upload`` and File calls)."""
    part_number: int | None = None
    """For ``add_part`` sent by ``upload_file_chunked``: the part's 1-based position."""
    body_size: int = 0
    """Bytes of the request body (for ``add_part``: the part plus the multipart framing)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class RequestStarted(RequestInfo):
    """An HTTP request is about to be sent (once per attempt)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class OutgoingRequest(RequestInfo):
    """An HTTP attempt about to leave: ``headers`` may be changed (nothing else)."""

    headers: MutableMapping[str, str]
    """The request's own headers: set, replace or delete entries. The credentials
    (``Authorization``, ``api-key``) read as ``<hidden>``; they and ``Content-Length``,
    ``Content-Type``, ``Transfer-Encoding`` and ``Host`` (which describe the body) must
    not change: a plugin that changes them raises ``PluginError``."""


@dataclass(frozen=True, kw_only=True, slots=True, repr=False)
class RequestFinished(RequestInfo):
    """An HTTP request attempt ended, with a response or an exception."""

    elapsed: float
    status_code: int | None
    """None when no response arrived (``error`` says why)."""
    request_id: str | None
    error: BaseException | None
    """Why no response arrived: a transport error, a plugin's ``PluginError``, or the
    interruption that stopped the attempt (``KeyboardInterrupt``, task cancellation,
    the transfer stopping after another part failed)."""

    def __repr__(self) -> str:
        # The order the fields were shown in before RequestInfo: the outcome before the
        # optional fields, as logs and doctests of plugins may expect.
        shown: tuple[str, ...] = ("operation", "method", "url", "attempt", "elapsed")
        shown += ("status_code", "request_id", "error", "upload_id", "part_number", "body_size")
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in shown)
        return f"{type(self).__qualname__}({fields})"


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
    """What a digest algorithm must offer; every ``hashlib`` object qualifies.

    ``update`` gets a **read-only** ``memoryview`` of the file's bytes (no copy is made;
    ``bytes(data)`` copies it when an API insists on ``bytes``). ``hexdigest`` must
    return the digest as hexadecimal digits.
    """

    def update(self, data: memoryview, /) -> None: ...

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
    """The registered name of the plugin that vetoed; filled in by the client."""


@dataclass(frozen=True, kw_only=True, slots=True)
class ChecksumVeto(Veto):
    """A :class:`Veto` because a digest of the bytes read differs from the one expected.

    The upload fails with :class:`~openai_uploads.ChecksumMismatchError` instead of
    :class:`~openai_uploads.UploadVetoedError`; the built-in md5 check returns one.
    """

    algorithm: str
    expected: str
    actual: str


# --------------------------------------------------------------------------- hooks


@hookspec
def on_transfer_started(event: TransferStarted) -> None:
    """Called when ``upload_file_chunked`` starts, before its first request.

    ``on_upload_started`` follows once the Upload exists (or ``on_upload_failed`` if it
    could not be created). Both run in the same thread (or task), so a plugin may keep
    per-transfer state in a ``contextvars.ContextVar``.

    Example::

        @hookimpl
        def on_transfer_started(event):
            print(f"sending {event.filename} in {event.part_count} parts")
    """


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
def on_batch_started(event: BatchStarted) -> None:
    """Called when ``upload_many`` starts, before its first file is opened.

    The per-file events that follow carry ``file_index`` and ``file_count``.

    Example::

        @hookimpl
        def on_batch_started(event):
            print(f"uploading {event.file_count or 'some'} files")
    """


@hookspec
def on_batch_finished(event: BatchFinished) -> None:
    """Called when ``upload_many`` ends, with how many files were done, skipped and failed.

    Example::

        @hookimpl
        def on_batch_finished(event):
            metrics.gauge("files_failed", event.files_failed)
    """


@hookspec
def on_request_start(event: RequestStarted) -> None:
    """Called before each HTTP request attempt (retries included).

    Every start is followed by exactly one ``on_request_end`` for the same attempt, in
    the same thread (or task), whatever happens in between.

    Example::

        @hookimpl
        def on_request_start(event):
            print(event.method, event.url, "attempt", event.attempt)
    """


@hookspec
def prepare_request(event: OutgoingRequest) -> None:
    """Change the headers of an HTTP attempt just before it is sent (retries included).

    Called after ``on_request_start``, once the request is complete: default headers,
    the call's ``extra_headers`` and ``x-retry-count`` are already set, so a plugin sees
    them and may override them. Plugins are called in pluggy's order (``tryfirst``
    first, then the most recently registered first, ``trylast`` last); each sees the
    changes of those before it, so for a header two plugins set, the last one called
    wins. An exception raises ``PluginError`` (the attempt is not sent and not retried).

    Example (an audit header, and W3C trace context)::

        @hookimpl
        def prepare_request(event):
            event.headers["x-audit-user"] = getpass.getuser()
            opentelemetry.propagate.inject(event.headers)
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
    let the next plugin (finally the built-in policy) decide. **The client caps
    retries**: whatever a plugin decides, a call is retried at most ``event.max_retries``
    times (the client's ``max_retries``, or ``part_retries`` for the parts of
    ``upload_file_chunked``); raise those to allow more. A plugin can retry less, or
    choose the delays. The built-in policy is
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

    Return a mapping from a name to a zero-argument factory of a :class:`Hasher`
    (``update(data)`` with a read-only ``memoryview``, and ``hexdigest()``). The results
    of all plugins are merged (for a name two plugins use, the plugin called first
    wins). ``md5`` is reserved for the built-in plugin, which sends it with
    ``complete``: a plugin claiming it is refused when registered. Results are checked:
    a wrong type, a hasher that raises or a ``hexdigest`` that is not hexadecimal raises
    ``PluginError`` naming the plugin.

    Example::

        @hookimpl
        def digest_algorithms(event):
            return {"sha256": hashlib.sha256}
    """


@hookspec
def check_digests(event: DigestsComputed) -> Veto | None:
    """See the final digests before ``complete`` and return a :class:`Veto` to stop it.

    Every plugin is asked; a veto cancels the Upload and raises
    :class:`openai_uploads.UploadVetoedError` carrying every veto's reason (its
    ``vetoes`` lists them, each with ``plugin`` set to the registered name of the plugin
    that returned it). The built-in md5 plugin vetoes when the caller's ``md5`` differs
    from the computed one (that raises ``ChecksumMismatchError``). A result that is not a
    ``Veto`` or ``None`` raises ``PluginError``.

    Example::

        @hookimpl
        def check_digests(event):
            if event.digests["sha256"] != KNOWN_SHA256:
                return Veto(reason="sha256 differs from the catalog")
    """
