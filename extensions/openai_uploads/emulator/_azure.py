"""The Azure OpenAI surface: the same Uploads and Files routes, on the same store.

- ``/openai/uploads...`` and ``/openai/files...`` need an ``api-version`` query
  parameter; without one Azure answers ``404 {"error": {"code": "404", "message":
  "Resource not found"}}`` (its reply to any data-plane call that lacks it), and so does
  this layer. Any version is accepted.
- ``/openai/v1/uploads...`` and ``/openai/v1/files...`` (Azure's v1 API) take the plain
  OpenAI request shape; ``api-version`` is optional there.
- Either surface accepts the key in an ``api-key`` header or ``Authorization: Bearer``
  (an Entra ID token; the emulator cannot verify one, so with a required key the token
  must equal it, and without one any token is accepted). Auth failures use Azure's shape:
  ``401 {"error": {"code": "401", "message": "Access denied due to ..."}}``.

A request that passes is handed to the OpenAI routes as ``/v1/...`` with
``Authorization: Bearer`` and without ``api-version``, so both surfaces share every rule
of the emulator.
"""

from __future__ import annotations

from typing import Final
from urllib.parse import parse_qs, parse_qsl, urlencode

from starlette.types import ASGIApp, Receive, Scope, Send

from ._faults import _drain, send_json

PREFIX: Final = "/openai"
_SERVED: Final = frozenset({"uploads", "files"})
_NOT_FOUND: Final = {"error": {"code": "404", "message": "Resource not found"}}
_MISSING_KEY: Final = {
    "error": {
        "code": "401",
        "message": "Access denied due to missing subscription key. Make sure to include "
        "subscription key when making requests to an API.",
    }
}
_INVALID_KEY: Final = {
    "error": {
        "code": "401",
        "message": "Access denied due to invalid subscription key or wrong API endpoint. "
        "Make sure to provide a valid key for an active subscription and use a correct "
        "regional API endpoint for your resource.",
    }
}


def _inner_path(path: str, query: bytes) -> str | None:
    """The ``/v1/...`` path an Azure path maps to, or None for Azure's 404."""
    rest = path[len(PREFIX) :]
    if rest.startswith("/v1/"):
        inner = rest
    else:
        if b"api-version" not in parse_qs(query, keep_blank_values=False):
            return None
        inner = "/v1" + rest
    parts = inner.split("/")
    if len(parts) < 3 or parts[2] not in _SERVED:
        return None
    return inner


def _without_api_version(query: bytes) -> bytes:
    """The query string minus ``api-version``, which this layer consumes."""
    pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True)
    return urlencode([(k, v) for k, v in pairs if k != "api-version"]).encode("latin-1")


class AzureSurface:
    """ASGI layer serving ``/openai/...`` by way of the OpenAI routes under ``/v1``."""

    def __init__(self, app: ASGIApp, *, api_key: str | None) -> None:
        self.app = app
        self.api_key = api_key

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] != "http" or not (path == PREFIX or path.startswith(PREFIX + "/")):
            await self.app(scope, receive, send)
            return
        inner = _inner_path(path, scope.get("query_string", b""))
        if inner is None:
            await _drain(receive)
            await send_json(send, 404, _NOT_FOUND)
            return
        headers: list[tuple[bytes, bytes]] = []
        key: str | None = None
        bearer: str | None = None
        for name, value in scope["headers"]:
            if name == b"api-key":
                key = value.decode("latin-1").strip()
            elif name == b"authorization":
                scheme, _, token = value.decode("latin-1").partition(" ")
                if scheme.lower() == "bearer" and token.strip():
                    bearer = token.strip()
            else:
                headers.append((name, value))
        credential = key or bearer
        if not credential or (self.api_key is not None and credential != self.api_key):
            await _drain(receive)
            await send_json(send, 401, _INVALID_KEY if credential else _MISSING_KEY)
            return
        headers.append((b"authorization", b"Bearer " + credential.encode("latin-1")))
        inner_scope = {
            **scope,
            "path": inner,
            "raw_path": inner.encode(),
            "query_string": _without_api_version(scope.get("query_string", b"")),
            "headers": headers,
        }
        await self.app(inner_scope, receive, send)
