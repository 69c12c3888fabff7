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
import weakref
from collections.abc import AsyncGenerator
from typing import Any

import httpx

from ._config import DEFAULT_TIMEOUT
from ._deadline import deadline_transport, environment_mounts
from ._response import HTTPX_ERRORS

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
        return DefaultAsyncHttpxClient(timeout=self._timeout)

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
