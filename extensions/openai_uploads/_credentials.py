"""Credentials: how each kind is sent, checking what a provider returns, never showing one.

A client holds one :class:`Credential`, which says what to send and when to ask for it:
a fixed key or token is sent as the same header on every request (:meth:`Credential.headers`);
a provider (``provider`` is set) is asked again before every attempt, and the flow yields
``Authorize`` for it (:meth:`Credential.attempt_headers`). The five kinds:

- :class:`BearerKey`: ``OpenAI(api_key="sk-...")``, sent as ``Authorization: Bearer``;
- :class:`KeyProvider`: ``api_key=callable``, sent as ``Authorization: Bearer``
  (``OpenAI``) or ``api-key`` (the Azure clients);
- :class:`AzureKey`: ``AzureOpenAI(api_key="...")``, sent as ``api-key``;
- :class:`EntraToken`: ``azure_ad_token="..."``, sent as ``Authorization: Bearer``;
- :class:`EntraTokenProvider`: ``azure_ad_token_provider=callable``, the same.

Every request the SDK shows (reprs, logs, hook events) masks the headers that carry a key
or token (:data:`CREDENTIAL_HEADERS`); the request sent keeps the real values.
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from dataclasses import dataclass
from typing import Literal, Protocol

import httpx

__all__ = [
    "CREDENTIAL_HEADERS",
    "ApiKey",
    "AsyncApiKey",
    "NO_API_KEY",
    "AzureKey",
    "BearerKey",
    "Credential",
    "EntraToken",
    "EntraTokenProvider",
    "KeyProvider",
    "MaskedHeaders",
    "OutgoingHeaders",
    "checked_secret",
    "copy_exception",
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


ApiKey = str | Callable[[], str]
"""``api_key`` of the sync clients: a key, or a callable returning one."""

AsyncApiKey = str | Callable[[], "str | Awaitable[str]"]
"""``api_key`` of the async clients: a key, or a callable (plain or async) returning one
(``scripts/unasync.py`` maps it to :data:`ApiKey`)."""

NO_API_KEY = "<missing API key>"
"""``client.api_key`` of an Azure client authenticating with Entra ID (as in openai-python)."""


class Credential(Protocol):
    """What a client authenticates with, and when it is asked for."""

    @property
    def provider(self) -> Callable[[], object] | None:
        """Called before every attempt (a plain or, with the async client, async callable);
        None for a credential that never changes."""

    @property
    def api_key(self) -> str:
        """What ``client.api_key`` reads: the key, ``""`` for a key provider, or
        :data:`NO_API_KEY`."""

    @property
    def shown(self) -> str:
        """The credential in an Azure client's repr, without the secret."""

    def headers(self) -> dict[str, str]:
        """The auth headers of every request (none for a provider)."""

    def attempt_headers(self, secret: object) -> dict[str, str]:
        """The auth headers of one attempt, from what :attr:`provider` returned."""


class _Fixed:
    """A credential that never changes: no provider, nothing to ask per attempt."""

    __slots__ = ()
    provider: Callable[[], object] | None = None

    def attempt_headers(self, secret: object) -> dict[str, str]:
        raise TypeError(f"{type(self).__name__} has no provider to ask")


@dataclass(frozen=True, slots=True, repr=False)
class _Key(_Fixed):
    """An API key given as a string: ``client.api_key`` reads it."""

    key: str
    shown = "api_key='<hidden>'"

    @property
    def api_key(self) -> str:
        return self.key


@dataclass(frozen=True, slots=True, repr=False)
class BearerKey(_Key):
    """An OpenAI API key, sent as ``Authorization: Bearer``."""

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}


@dataclass(frozen=True, slots=True, repr=False)
class AzureKey(_Key):
    """An Azure OpenAI API key, sent as ``api-key``."""

    def headers(self) -> dict[str, str]:
        return {"api-key": self.key}


@dataclass(frozen=True, slots=True, repr=False)
class EntraToken(_Fixed):
    """A Microsoft Entra ID token, sent as ``Authorization: Bearer``."""

    token: str
    shown = "azure_ad_token='<hidden>'"
    api_key = NO_API_KEY

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass(frozen=True, slots=True, repr=False)
class KeyProvider:
    """``api_key`` given as a callable: asked for the key before every attempt, never kept.

    ``sent_as`` is ``"bearer"`` (``OpenAI``: ``Authorization: Bearer``, which is also how
    an Entra ID token reaches Azure's v1 endpoint) or ``"api-key"`` (the Azure clients).
    """

    provider: Callable[[], object]
    sent_as: Literal["bearer", "api-key"] = "bearer"
    shown = "api_key=<provider>"
    api_key = ""

    def headers(self) -> dict[str, str]:
        return {}

    def attempt_headers(self, secret: object) -> dict[str, str]:
        key = checked_secret(secret, "the api_key callable")
        return {"api-key": key} if self.sent_as == "api-key" else {"Authorization": f"Bearer {key}"}


@dataclass(frozen=True, slots=True, repr=False)
class EntraTokenProvider:
    """``azure_ad_token_provider``: asked for a token before every attempt, so a long
    upload keeps a fresh one; sent as ``Authorization: Bearer``."""

    provider: Callable[[], object]
    shown = "azure_ad_token_provider=<provider>"
    api_key = NO_API_KEY

    def headers(self) -> dict[str, str]:
        return {}

    def attempt_headers(self, secret: object) -> dict[str, str]:
        token = checked_secret(secret, "`azure_ad_token_provider` argument")
        return {"Authorization": f"Bearer {token}"}


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
    shown = copy_exception(error)
    for name, value in carried.items():
        if isinstance(value, httpx.Request):
            setattr(shown, name, request if request is not None else without_credentials(value))
        else:
            setattr(shown, name, response_for_hooks(value))
    return shown


def copy_exception(error: BaseException) -> BaseException:
    """A shallow copy of ``error``: its type, args, attributes, chain and traceback, for
    a hook's copy whose attributes are then replaced (the original stays the caller's)."""
    shown = BaseException.__new__(type(error), *error.args)
    shown.__dict__.update(getattr(error, "__dict__", {}))
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
