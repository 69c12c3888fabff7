"""Request limits applied to every route alike, as an ASGI layer inside the app.

* An unexpected exception is a 500 in the API's error shape, without internals.
* Bodies other than multipart uploads and the sink are capped at ``MAX_JSON_BODY``: a
  larger ``Content-Length`` gets a 413 before a byte is read, a longer streamed body a
  413 as soon as it passes the cap.
"""

from __future__ import annotations

import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ._faults import send_json
from ._input import MAX_JSON_BODY, too_large

_log = logging.getLogger("openai_uploads.emulator")

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
                    raise too_large(limit)
            return message

        await self.app(scope, limited, send)
