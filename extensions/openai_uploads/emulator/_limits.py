"""Request limits applied to every route alike, as an ASGI layer inside the app.

* An unexpected exception is a 500 in the API's error shape, without internals.
* Admission (:class:`ServerLimits`): a cap on requests in progress and one on open
  connections, each enforced on its own. A request beyond the first gets a 503 while
  the requests already admitted carry on; a connection beyond the second first makes
  room by closing an idle one (open, with no request in progress), so idle
  connections cannot lock anyone out, and is answered 503 only when none is idle.
* Deadlines for request headers, for each read of a body, and a minimum body rate, so
  that neither idle nor trickling clients hold the server; a cap on header bytes.
* Bodies other than multipart uploads and the sink are capped at ``MAX_JSON_BODY``: a
  larger ``Content-Length`` gets a 413 before a byte is read, a longer streamed body a
  413 as soon as it passes the cap.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any, Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ._errors import ApiError
from ._faults import REFUSED, send_json
from ._input import MAX_JSON_BODY, too_large


@dataclass(frozen=True)
class ServerLimits:
    """How long the server waits for a client, and how many it serves at once."""

    header_timeout: float = 10.0
    """Seconds a connection has to deliver a request's headers, counted from the moment it
    opens or the request's first byte arrives; then it is closed."""
    keep_alive: float = 30.0
    """Seconds an idle connection is kept open between requests."""
    body_timeout: float = 30.0
    """Seconds the server waits for the next bytes of a request body (per read, so a slow
    but moving upload is fine); then 408 and the connection is closed."""
    min_body_rate: float = 1024.0
    """Bytes per second a request body must average over the time the server spends
    waiting for it, once that time passes ``body_grace``; else 408 and the connection is
    closed. Time the server itself is busy (writing, or emulating a slow link) does not
    count. 0 turns the check off."""
    body_grace: float = 10.0
    """Seconds of waiting for a body before ``min_body_rate`` applies."""
    max_concurrency: int = 256
    """Requests in progress at once; beyond it, a 503 (the others carry on)."""
    max_connections: int = 1024
    """Open connections; beyond it an idle one is closed to make room, or, when none is
    idle, the new connection's request gets a 503 and the connection is closed."""
    max_header_bytes: int = 64 * 1024
    """Bytes of a request line and headers; beyond it, 431 and the connection is closed."""

    def __post_init__(self) -> None:
        for name in ("header_timeout", "keep_alive", "body_timeout", "body_grace"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be positive")
        if self.min_body_rate < 0:
            raise ValueError("min_body_rate must not be negative")
        for name in ("max_concurrency", "max_connections"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        if self.max_header_bytes < 1024:
            raise ValueError("max_header_bytes must be at least 1024")


_HEADERS_TOO_LARGE: Final = (
    b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
    b"content-type: application/json\r\n"
    b"connection: close\r\n"
    b"content-length: %d\r\n\r\n%s"
)
_TOO_LARGE_MESSAGE: Final = "The request line and headers are too large."
_TOO_LARGE: Final = (
    b'{"error": {"message": "%s", "type": "invalid_request_error", "param": null, '
    b'"code": "request_header_fields_too_large"}}' % _TOO_LARGE_MESSAGE.encode()
)


async def _headers_too_large(scope: Scope, receive: Receive, send: Send) -> None:
    error = ApiError(431, _TOO_LARGE_MESSAGE, code="request_header_fields_too_large")
    await send_json(send, 431, error.body(), [(b"connection", b"close")])


def http_protocol(limits: ServerLimits) -> Any:
    """uvicorn's httptools protocol with the emulator's admission and header limits.

    uvicorn has no deadline for request headers (a client that connects and sends
    nothing, or trickles its headers, would hold the connection for ever), no cap on
    their size, and its ``limit_concurrency`` counts open connections, so a burst over
    it fails every request, admitted or not. This protocol admits connections and
    requests each on its own (see :class:`ServerLimits`) and marks a request it does not
    admit with the ``REFUSED`` scope key, which the fault layer answers with a 503.
    httptools comes with ``uvicorn[standard]``, which the emulator extra requires."""
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    class LimitedProtocol(HttpToolsProtocol):
        _header_timer: asyncio.TimerHandle | None = None
        _header_bytes = 0
        """Bytes received towards the request headers not yet complete (0: none)."""
        _header_size = 0
        """Bytes of the request line and headers parsed so far."""
        _in_headers = True
        _refused = False

        def _arm(self) -> None:
            self._disarm()
            self._header_timer = self.loop.call_later(limits.header_timeout, self._expire)

        def _disarm(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def _expire(self) -> None:
            self._header_timer = None
            if not self.transport.is_closing():
                self.transport.close()

        def _idle(self) -> bool:
            """Open, with no request in progress and no byte of the next one."""
            cycle = self.cycle
            return (
                (cycle is None or cycle.response_complete)
                and self._header_bytes == 0
                and not self.pipeline
                and not self.transport.is_closing()
            )

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()
            if len(self.connections) > limits.max_connections:
                idle = next(
                    (
                        p
                        for p in self.connections
                        if p is not self and isinstance(p, LimitedProtocol) and p._idle()
                    ),
                    None,
                )
                if idle is not None:
                    idle.transport.close()  # its client reconnects, as after a keep-alive timeout
                else:
                    self._refused = True

        def data_received(self, data: bytes) -> None:
            # headers arriving over many reads are cut off as soon as they pass the cap,
            # before they are all held in memory
            if self._in_headers:
                self._header_bytes += len(data)
            super().data_received(data)
            if self._in_headers and self._header_bytes > limits.max_header_bytes:
                self._in_headers = False
                if not self.transport.is_closing():
                    self.transport.write(_HEADERS_TOO_LARGE % (len(_TOO_LARGE), _TOO_LARGE))
                    self.transport.close()

        def on_url(self, url: bytes) -> None:
            self._header_size += len(url)
            super().on_url(url)

        def on_header(self, name: bytes, value: bytes) -> None:
            self._header_size += len(name) + len(value) + 4
            super().on_header(name, value)

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._header_size = 0
            self._arm()

        def on_headers_complete(self) -> None:
            self._disarm()
            self._in_headers = False
            self._header_bytes = 0
            app = self.app
            if self._header_size > limits.max_header_bytes:
                # headers that came in one read: parsed, but not served
                self.app = _headers_too_large
            elif self._refused or len(self.tasks) >= limits.max_concurrency:
                self.app = _refuse(app)
            try:
                super().on_headers_complete()
            finally:
                self.app = app

        def on_message_complete(self) -> None:
            super().on_message_complete()
            self._in_headers = True

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

    return LimitedProtocol


def _refuse(app: Any) -> Any:
    """``app``, for a request marked as not admitted."""

    async def refused(scope: Scope, receive: Receive, send: Send) -> None:
        scope[REFUSED] = True
        await app(scope, receive, send)

    return refused


class _Stall:
    """Watches one request's body reads with a single timer, re-armed lazily, so a read
    costs a timestamp rather than a cancel scope (thousands of reads per GiB).

    A read may wait ``timeout`` seconds; and once the reads have waited ``grace``
    seconds in all, the bytes received must keep up with ``rate`` per second waited."""

    def __init__(self, timeout: float, rate: float, grace: float) -> None:
        self.timeout = timeout
        self.rate = rate
        self.grace = grace
        self.loop = asyncio.get_running_loop()
        self.waiting_since: float | None = None
        self.waited = 0.0
        """Seconds spent in earlier reads."""
        self.received = 0
        self.task: asyncio.Task[Any] | None = None
        self.handle: asyncio.TimerHandle | None = None
        self.fired: str | None = None

    def _deadline(self) -> tuple[float, str]:
        """When the read in progress must end, and what is wrong if it does not."""
        assert self.waiting_since is not None
        deadline, why = self.waiting_since + self.timeout, "stall"
        if self.rate > 0:
            allowed = self.grace + self.received / self.rate - self.waited
            if self.waiting_since + allowed < deadline:
                deadline, why = self.waiting_since + allowed, "rate"
        return deadline, why

    def start_wait(self) -> None:
        self.waiting_since = self.loop.time()
        self.task = asyncio.current_task()
        if self.handle is None:
            self.handle = self.loop.call_at(self._deadline()[0], self._check)

    def end_wait(self, nbytes: int) -> None:
        if self.waiting_since is not None:
            self.waited += self.loop.time() - self.waiting_since
        self.waiting_since = None
        self.received += nbytes

    def _check(self) -> None:
        self.handle = None
        if self.waiting_since is None:
            return  # not reading now: the next read re-arms the timer
        deadline, why = self._deadline()
        if deadline > self.loop.time():
            self.handle = self.loop.call_at(deadline, self._check)
        elif self.task is not None:
            self.fired = why
            self.task.cancel()

    def error(self) -> ApiError:
        if self.fired == "rate":
            message = (
                f"The request body is too slow: {self.received} bytes in {self.waited:.0f} s "
                f"of waiting, under the minimum of {self.rate:g} bytes/s."
            )
        else:
            message = f"The request body stalled: no bytes for {self.timeout:g} s."
        return ApiError(408, message, code="request_timeout", headers={"connection": "close"})

    def stop(self) -> None:
        if self.handle is not None:
            self.handle.cancel()
            self.handle = None


class BodyTimeoutMiddleware:
    """408 (and the connection closed) when a request body stalls for ``timeout`` seconds,
    or arrives slower than ``min_rate`` bytes/s once it has taken ``grace`` seconds.

    Outermost, so the waits of an emulated slow link are not counted."""

    def __init__(
        self, app: ASGIApp, timeout: float, min_rate: float = 0.0, grace: float = 10.0
    ) -> None:
        self.app = app
        self.timeout = timeout
        self.min_rate = min_rate
        self.grace = grace

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        stall = _Stall(self.timeout, self.min_rate, self.grace)
        body_done = False

        async def timed() -> Message:
            nonlocal body_done
            if body_done:  # e.g. a streaming response listening for the disconnect
                return await receive()
            stall.start_wait()
            message: Message = {}
            try:
                message = await receive()
            except asyncio.CancelledError:
                task = asyncio.current_task()
                if not stall.fired or task is None:
                    raise
                task.uncancel()
                error = stall.error()
                stall.fired = None
                raise error from None
            finally:
                stall.end_wait(len(message.get("body", b"")))
            if message["type"] != "http.request" or not message.get("more_body", False):
                body_done = True
                stall.stop()
            return message

        try:
            await self.app(scope, timed, send)
        finally:
            stall.stop()


_log = logging.getLogger(__name__)

_SERVER_ERROR = {
    "error": {
        "message": "The server had an error while processing your request. Sorry about that!",
        "type": "server_error",
        "param": None,
        "code": None,
    }
}


class CrashMiddleware:
    """An unexpected exception becomes a 500 in the API's error shape; its details go to
    the log, never to the client, and the connection stays usable."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except Exception:
            _log.exception("%s %s failed", scope.get("method"), scope.get("path"))
            if started:
                raise
            await send_json(send, 500, _SERVER_ERROR)


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return bytes(value)
    return None


def streams_body(scope: Scope) -> bool:
    """Whether a request's body may be large: a multipart upload, or the sink."""
    content_type = (_header(scope, b"content-type") or b"").split(b";", 1)[0].strip().lower()
    return content_type == b"multipart/form-data" or str(scope["path"]).endswith("/_sink")


class BodyLimitMiddleware:
    """413 for a body over ``limit`` bytes, unless the request :func:`streams_body`."""

    def __init__(self, app: ASGIApp, limit: int = MAX_JSON_BODY) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or streams_body(scope):
            await self.app(scope, receive, send)
            return
        length = _header(scope, b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            error = too_large(self.limit)
            await send_json(send, error.status, error.body(), [(b"connection", b"close")])
            return
        limit = self.limit
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    error = too_large(limit)
                    error.headers["connection"] = "close"
                    raise error
            return message

        await self.app(scope, limited, send)
