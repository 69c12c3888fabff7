"""The connection pool of each client: :class:`AsyncHTTPPool` and its sync twin :class:`HTTPPool`.

The clients are written once (``_async/client.py``); what differs between their pools --
building the ``httpx`` client, binding it to an event loop, what reading a body may raise
-- is here, in two classes with the same methods (``scripts/unasync.py`` maps
``AsyncHTTPPool`` to ``HTTPPool``). A caller's own ``http_client`` is used as given and
never closed by the SDK.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import weakref
from collections.abc import AsyncGenerator, Callable
from typing import Any

import httpcore
import httpx

from ._config import DEFAULT_TIMEOUT
from ._deadline import deadline_transport, environment_mounts
from ._pool_bookkeeping import assign_in_linear_time
from ._response import HTTPX_ERRORS

is_socket_readable: Callable[[socket.socket | None], bool] | None
try:  # what httpcore itself asks of a socket; a private helper, so only if it is there
    from httpcore._utils import is_socket_readable
except ImportError:  # pragma: no cover - another httpcore: the pools stay as they are
    is_socket_readable = None

__all__ = [
    "DEFAULT_LIMITS",
    "AsyncHTTPPool",
    "DefaultAsyncHttpxClient",
    "DefaultHttpxClient",
    "HTTPPool",
]

DEFAULT_LIMITS = httpx.Limits(max_connections=1000, max_keepalive_connections=100)


def _sdk_defaults(kwargs: dict[str, Any]) -> dict[str, Any]:
    # The one place the SDK's own httpx settings are written (its pools are built with
    # these classes too).
    defaults = {"timeout": DEFAULT_TIMEOUT, "limits": DEFAULT_LIMITS, "follow_redirects": True}
    return {**defaults, **kwargs}


class DefaultHttpxClient(httpx.Client):
    """An ``httpx.Client`` with this SDK's defaults (timeout, connection limits, following
    redirects) for what it is not given: pass it as ``http_client`` to change one
    setting (a proxy, a transport) without falling back to httpx's own defaults.

    Example::

        client = OpenAI(http_client=DefaultHttpxClient(proxy="http://proxy.local:8080"))
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**_sdk_defaults(kwargs))


class DefaultAsyncHttpxClient(httpx.AsyncClient):
    """:class:`DefaultHttpxClient` for the async clients: an ``httpx.AsyncClient`` with this
    SDK's defaults for what it is not given."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**_sdk_defaults(kwargs))


class _IdleCheckedStream(httpcore.AsyncNetworkStream):
    """A socket whose "is it readable?" costs one ``poll``.

    httpcore asks it of every idle connection each time a request joins or leaves the
    pool; anyio's answer builds the socket's whole attribute map (a ``getpeername`` and a
    dict of closures) every time, so with many requests and connections in flight
    (``upload_many``) the pool's bookkeeping took more CPU than the requests. The socket
    is looked up once here; everything else is the inner stream's.
    """

    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner
        self._socket: socket.socket | None = None

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:  # noqa: ASYNC109
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:  # noqa: ASYNC109
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
    ) -> httpcore.AsyncNetworkStream:
        return _IdleCheckedStream(
            await self._inner.start_tls(ssl_context, server_hostname, timeout)
        )

    def get_extra_info(self, info: str) -> Any:
        if info != "is_readable":
            return self._inner.get_extra_info(info)
        if self._socket is None:
            self._socket = self._inner.get_extra_info("socket")
            if self._socket is None:  # not a socket stream: ask it each time
                return self._inner.get_extra_info(info)
        assert is_socket_readable is not None  # streams are wrapped only when it is
        return is_socket_readable(self._socket)


class _IdleCheckedBackend(httpcore.AsyncNetworkBackend):
    """Opens :class:`_IdleCheckedStream` sockets through another backend."""

    def __init__(self, inner: httpcore.AsyncNetworkBackend) -> None:
        self._inner = inner

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._inner.connect_tcp(host, port, timeout, local_address, socket_options)
        return _IdleCheckedStream(stream)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        socket_options: Any = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._inner.connect_unix_socket(path, timeout, socket_options)
        return _IdleCheckedStream(stream)

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def _check_idle_cheaply(client: httpx.AsyncClient) -> httpx.AsyncClient:
    """``client`` with its transports' sockets opened as :class:`_IdleCheckedStream` and
    their pools' bookkeeping in linear time (:mod:`._pool_bookkeeping`); should a future
    httpx lay its pools out differently, they are left as they are."""
    mounts = getattr(client, "_mounts", {})
    transports = [getattr(client, "_transport", None), *mounts.values()]
    for transport in transports:
        pool = getattr(transport, "_pool", None)
        if pool is None:
            continue
        assign_in_linear_time(pool)
        backend = getattr(pool, "_network_backend", None)
        if is_socket_readable is not None and isinstance(backend, httpcore.AsyncNetworkBackend):
            pool._network_backend = _IdleCheckedBackend(backend)
    return client


class AsyncHTTPPool:
    """The connection pool of an :class:`~openai_uploads.AsyncOpenAI`, one per event loop.

    httpx's connections belong to the event loop that opened them; once that loop is
    closed (the end of an ``asyncio.run``), reusing them fails with "Event loop is
    closed". So the client's own pool is bound to the first loop that uses it, and a
    call from another loop gets a fresh pool. Each pool is closed when its loop shuts
    down (``asyncio.run``'s end), so no socket outlives its loop; :meth:`aclose` closes
    the current one. A caller's own ``http_client`` is always used as given.
    """

    body_errors: tuple[type[Exception], ...] = (*HTTPX_ERRORS, RuntimeError)
    """What sending or reading a body may raise that is an attempt's outcome: httpx's
    errors, and RuntimeError from a closed client or a connection of a closed loop."""

    def __init__(
        self, http_client: httpx.AsyncClient | None, timeout: float | httpx.Timeout | None
    ) -> None:
        self.owned = http_client is None
        """Whether the pool is the SDK's own (closed by the client) or the caller's."""
        self._timeout = timeout
        self.current = http_client if http_client is not None else self._new()
        self._loop: weakref.ref[asyncio.AbstractEventLoop] | None = None
        self._closed = False
        self._closer: AsyncGenerator[None, None] | None = None

    def _new(self) -> httpx.AsyncClient:
        return _check_idle_cheaply(DefaultAsyncHttpxClient(timeout=self._timeout))

    @property
    def is_closed(self) -> bool:
        """Closed by :meth:`aclose` (a pool closed at the end of its loop does not count:
        the next loop gets a new one)."""
        return self._closed if self.owned else self.current.is_closed

    def get(self) -> httpx.AsyncClient:
        """The pool for the running event loop."""
        if not self.owned or self._closed:
            return self.current
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # another async library: no loop to bind to
            return self.current
        bound = None if self._loop is None else self._loop()
        if bound is loop:
            return self.current
        if self._loop is not None or self.current.is_closed:
            # Used before, from a loop that is closed or gone: its connections are dead.
            self.current = self._new()
        self._loop = weakref.ref(loop)
        self._closer = None
        return self.current

    async def close_at_loop_end(self) -> None:
        """Make sure the running loop's pool is closed when the loop shuts down."""
        if not self.owned or self._closed or self._closer is not None:
            return
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # another async library
            return
        closer = _close_when_the_loop_ends(self.current)
        self._closer = closer
        await closer.asend(None)

    async def aclose(self) -> None:
        """Close the SDK's own pool (a caller's ``http_client`` is left open)."""
        if not self.owned:
            return
        # get() first: a pool of a finished loop cannot close its connections, so it is
        # swapped for a fresh one of this loop, which closes at once.
        client = self.get()
        self._closed = True
        self._closer = None
        await client.aclose()


async def _close_when_the_loop_ends(client: httpx.AsyncClient) -> AsyncGenerator[None, None]:
    """Closes ``client`` when its event loop shuts down.

    Started once per loop and left suspended: ``asyncio.run`` (and ``asyncio.Runner``)
    close every pending async generator while the loop still runs, so the pool's
    connections are closed there, in their own loop, instead of leaking their sockets.
    """
    try:
        yield
    finally:
        if not client.is_closed:
            with contextlib.suppress(RuntimeError):  # the loop is already closed
                await client.aclose()


class HTTPPool:
    """The connection pool of an :class:`~openai_uploads.OpenAI`: one ``httpx.Client``.

    The SDK's own client has the environment's proxies mounted as httpx would, and every
    socket (direct or through a proxy) on the deadline backend
    (:func:`~openai_uploads._deadline.deadline_transport`).
    """

    body_errors: tuple[type[Exception], ...] = HTTPX_ERRORS
    """What reading a body may raise that is an attempt's outcome: httpx's errors (a
    RuntimeError is a bug, and raised)."""

    def __init__(
        self, http_client: httpx.Client | None, timeout: float | httpx.Timeout | None
    ) -> None:
        self.owned = http_client is None
        """Whether the pool is the SDK's own (closed by the client) or the caller's."""
        self.current = http_client or DefaultHttpxClient(
            timeout=timeout,
            transport=deadline_transport(DEFAULT_LIMITS),
            mounts=environment_mounts(DEFAULT_LIMITS),
        )

    @property
    def is_closed(self) -> bool:
        return self.current.is_closed

    def get(self) -> httpx.Client:
        """The ``httpx.Client`` to send with."""
        return self.current

    def close_at_loop_end(self) -> None:
        """Nothing to do: a sync pool belongs to no event loop."""

    def close(self) -> None:
        """Close the SDK's own pool (a caller's ``http_client`` is left open)."""
        if self.owned:
            self.current.close()
