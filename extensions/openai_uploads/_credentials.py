"""Credentials: checking what a key or token provider returns, and never showing one.

Every request the SDK shows (reprs, logs, hook events) masks the headers that carry a key
or token (:data:`CREDENTIAL_HEADERS`); the request sent keeps the real values.
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Iterator, MutableMapping

import httpx

__all__ = [
    "CREDENTIAL_HEADERS",
    "MaskedHeaders",
    "OutgoingHeaders",
    "checked_secret",
    "error_for_hooks",
    "mask_credentials",
    "response_for_hooks",
    "without_credentials",
]


def checked_secret(value: object, source: str) -> str:
    """What a credential callable returned, as a plain non-empty ``str``, or ValueError."""
    if inspect.isawaitable(value):  # a coroutine function given to a sync client
        if inspect.iscoroutine(value):
            value.close()  # never awaited: no "was never awaited" warning later
        raise ValueError(
            f"Expected {source} to return a non-empty string, not an awaitable: "
            "a coroutine function needs the async client."
        )
    if isinstance(value, str):
        value = str.__str__(value)  # a str subclass could override its own formatting
    if not isinstance(value, str) or not value:
        raise ValueError(f"Expected {source} to return a non-empty string.")
    return value


CREDENTIAL_HEADERS = ("authorization", "api-key", "proxy-authorization")
"""Headers carrying a key or token: never shown by the SDK (reprs, logs, hook events)."""


class MaskedHeaders(httpx.Headers):
    """A request's real headers whose repr masks every credential header.

    httpx masks ``Authorization`` in a repr but not ``api-key``; the values themselves
    stay as sent, so a transport, an event hook or ``response.request`` reads them.
    """

    def __repr__(self) -> str:
        items = [
            (key, "[secure]" if key.lower() in CREDENTIAL_HEADERS else value)
            for key, value in self.multi_items()
        ]
        shown = dict(items)
        return f"Headers({shown if len(shown) == len(items) else items!r})"


def mask_credentials(request: httpx.Request) -> httpx.Request:
    """``request`` with :class:`MaskedHeaders`: the same headers, a repr without secrets."""
    if not isinstance(request.headers, MaskedHeaders):
        request.headers = MaskedHeaders(request.headers)
    return request


def without_credentials(request: httpx.Request) -> httpx.Request:
    """A copy of ``request`` for hook events: the credentials read ``<hidden>``."""
    headers = MaskedHeaders(request.headers)
    for name in CREDENTIAL_HEADERS:
        if name in headers:
            headers[name] = "<hidden>"
    return httpx.Request(
        request.method,
        request.url,
        headers=headers,
        stream=request.stream,
        extensions=dict(request.extensions),
    )


def response_for_hooks(
    response: httpx.Response, request: httpx.Request | None = None
) -> httpx.Response:
    """A copy of a read ``response`` for hook events: its ``request`` (``request`` if given,
    else a :func:`without_credentials` copy), the requests of its redirects and its
    ``next_request`` read ``<hidden>`` for the credentials. The caller's response keeps
    the real ones; the copy has the body (if read) but no stream to consume."""
    shown = copy.copy(response)  # httpx drops the stream: a closed response, body kept
    shown.extensions = {
        key: response.extensions[key]
        for key in ("http_version", "reason_phrase")
        if key in response.extensions
    }
    shown.request = request if request is not None else without_credentials(response.request)
    shown.history = [response_for_hooks(hop) for hop in response.history]
    if response.next_request is not None:
        shown.next_request = without_credentials(response.next_request)
    return shown


def error_for_hooks(
    error: BaseException | None, request: httpx.Request | None = None
) -> BaseException | None:
    """``error`` for hook events: when it carries a request or a response (httpx's errors,
    the SDK's API errors), a copy whose request reads ``<hidden>`` for the credentials
    (``request`` if given) and whose response is :func:`response_for_hooks`'s; any other
    error as it is. The exception raised to the caller keeps the real objects."""
    if error is None:
        return None
    state = getattr(error, "__dict__", {})
    carried = {
        name: value
        for name, value in state.items()
        if isinstance(value, httpx.Request | httpx.Response)
    }
    if not carried:
        return error
    shown = BaseException.__new__(type(error), *error.args)
    shown.__dict__.update(state)
    for name, value in carried.items():
        if isinstance(value, httpx.Request):
            setattr(shown, name, request if request is not None else without_credentials(value))
        else:
            setattr(shown, name, response_for_hooks(value))
    shown.__cause__ = error.__cause__
    shown.__context__ = error.__context__
    shown.__suppress_context__ = error.__suppress_context__
    return shown.with_traceback(error.__traceback__)


class OutgoingHeaders(MutableMapping[str, str]):
    """A request's headers as ``prepare_request`` sees them.

    Changes go to the request itself; the credentials read as ``<hidden>`` and cannot be
    changed or removed (a plugin that tries raises ``PluginError``).
    """

    __slots__ = ("_headers",)

    def __init__(self, headers: httpx.Headers) -> None:
        self._headers = headers

    def _check(self, key: str) -> None:
        if key.lower() in CREDENTIAL_HEADERS:
            raise ValueError(f"the {key} header carries the credentials: a plugin cannot change it")

    def __getitem__(self, key: str) -> str:
        value = self._headers[key]
        return "<hidden>" if key.lower() in CREDENTIAL_HEADERS else value

    def __setitem__(self, key: str, value: str) -> None:
        self._check(key)
        self._headers[key] = value

    def __delitem__(self, key: str) -> None:
        self._check(key)
        del self._headers[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._headers)

    def __len__(self) -> int:
        return len(self._headers)

    def __repr__(self) -> str:
        return f"OutgoingHeaders({dict(self.items())!r})"
