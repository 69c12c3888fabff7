"""Request limits applied to every route alike, as an ASGI layer inside the app.

* An unexpected exception is a 500 in the API's error shape, without internals.
* Deadlines for request headers and for each read of a body, and a cap on requests in
  progress (:class:`ServerLimits`).
* Bodies other than multipart uploads and the sink are capped at ``MAX_JSON_BODY``: a
  larger ``Content-Length`` gets a 413 before a byte is read, a longer streamed body a
  413 as soon as it passes the cap.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ._errors import ApiError
from ._faults import send_json
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
    max_concurrency: int = 256
    """Connections and requests in progress at once; beyond it, a 503."""

    def __post_init__(self) -> None:
        for name in ("header_timeout", "keep_alive", "body_timeout"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be positive")
        if self.max_concurrency < 1:
            raise ValueError("max_concurrency must be at least 1")


def http_protocol(limits: ServerLimits) -> Any:
    """uvicorn's httptools protocol with a deadline for request headers (uvicorn has none:
    a client that connects and sends nothing, or trickles its headers, would hold the
    connection for ever). httptools comes with ``uvicorn[standard]``, which the emulator
    extra requires."""
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    class HeaderDeadlineProtocol(HttpToolsProtocol):
        _header_timer: asyncio.TimerHandle | None = None

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

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._arm()

        def on_headers_complete(self) -> None:
            self._disarm()
            super().on_headers_complete()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

    return HeaderDeadlineProtocol


class _Stall:
    """Watches one request's body reads with a single timer, re-armed lazily, so a read
    costs a timestamp rather than a cancel scope (thousands of reads per GiB)."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.loop = asyncio.get_running_loop()
        self.waiting_since: float | None = None
        self.task: asyncio.Task[Any] | None = None
        self.handle: asyncio.TimerHandle | None = None
        self.fired = False

    def start_wait(self) -> None:
        self.waiting_since = self.loop.time()
        self.task = asyncio.current_task()
        if self.handle is None:
            self.handle = self.loop.call_later(self.timeout, self._check)

    def _check(self) -> None:
        self.handle = None
        if self.waiting_since is None:
            return  # not reading now: the next read re-arms the timer
        left = self.waiting_since + self.timeout - self.loop.time()
        if left > 0:
            self.handle = self.loop.call_later(left, self._check)
        elif self.task is not None:
            self.fired = True
            self.task.cancel()

    def stop(self) -> None:
        if self.handle is not None:
            self.handle.cancel()
            self.handle = None


class BodyTimeoutMiddleware:
    """408 (and the connection closed) when a request body stalls for ``timeout`` seconds.

    Outermost, so the waits of an emulated slow link are not counted."""

    def __init__(self, app: ASGIApp, timeout: float) -> None:
        self.app = app
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        stall = _Stall(self.timeout)
        body_done = False

        async def timed() -> Message:
            nonlocal body_done
            if body_done:  # e.g. a streaming response listening for the disconnect
                return await receive()
            stall.start_wait()
            try:
                message = await receive()
            except asyncio.CancelledError:
                task = asyncio.current_task()
                if not stall.fired or task is None:
                    raise
                task.uncancel()
                stall.fired = False
                raise ApiError(
                    408,
                    f"The request body stalled: no bytes for {stall.timeout:g} s.",
                    code="request_timeout",
                    headers={"connection": "close"},
                ) from None
            finally:
                stall.waiting_since = None
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
