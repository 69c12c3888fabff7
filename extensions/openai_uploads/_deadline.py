"""The total deadline of one attempt: from connect to the last byte of the response.

:func:`total_timeout` says how long an attempt may take; :class:`DeadlineStream` stops a
response body that arrives past it, chunk by chunk (a server trickling a byte a second).

Before the body, a blocking call is bounded down to each socket operation.

httpx's timeouts are per operation: each read may wait the read timeout, so a server
sending its headers a byte at a time could hold a call for ever. ``OpenAI``'s own
connection pool gets a network backend whose sockets never wait past the deadline of
the call in progress (:data:`CALL_DEADLINE`, set around each attempt): every connect,
read and write waits at most what is left of it. (``AsyncOpenAI`` bounds the attempt
with a cancel scope instead.)

Proxies: httpx reads ``HTTP_PROXY``, ``HTTPS_PROXY``, ``ALL_PROXY`` and ``NO_PROXY`` only
for a client it builds its own transport for; :func:`environment_mounts` builds the same
mounts from the environment, each proxy's transport on the deadline backend too.
"""

from __future__ import annotations

import ssl
import time
import typing
from collections.abc import AsyncIterator, Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar

import anyio
import httpcore
import httpx
from httpx._utils import get_environment_proxies  # what httpx itself reads with trust_env

from ._pool_bookkeeping import assign_in_linear_time

__all__ = [
    "CALL_DEADLINE",
    "DeadlineBackend",
    "DeadlineExceeded",
    "DeadlineStream",
    "adeadline",
    "deadline",
    "deadline_transport",
    "environment_mounts",
    "total_timeout",
]

CALL_DEADLINE: ContextVar[float | None] = ContextVar("openai_uploads_call_deadline", default=None)
"""``time.monotonic()`` by which the attempt in progress on this thread must end."""


class DeadlineExceeded(httpx.TimeoutException):
    """A call's attempt ran past its total deadline (see :func:`total_timeout`)."""


def total_timeout(request: httpx.Request) -> float | None:
    """Seconds one attempt may take from connect to the last byte of the response.

    It is the request's timeout: a number is the limit of each network operation *and*
    of the whole attempt; for an ``httpx.Timeout`` the whole attempt may take as long as
    its largest value (600 s by default). ``None`` means no limit.
    """
    values = (request.extensions.get("timeout") or {}).values()
    numbers = [float(v) for v in values if v is not None]
    return max(numbers) if numbers and len(numbers) == len(values) else None


class DeadlineStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response body that raises :class:`DeadlineExceeded` once ``deadline`` passes.

    Checked as each chunk arrives, so a server trickling a byte a second cannot keep a
    call going past its timeout (one silent read still waits at most the read timeout).
    """

    def __init__(self, inner: typing.Any, deadline: float, request: httpx.Request) -> None:
        self._inner = inner
        self._deadline = deadline
        self._request = request

    def _check(self) -> None:
        if time.monotonic() > self._deadline:
            raise DeadlineExceeded("the call took longer than its timeout", request=self._request)

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._inner:
            self._check()
            yield chunk

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._inner:
            self._check()
            yield chunk

    def close(self) -> None:
        self._inner.close()

    async def aclose(self) -> None:
        await self._inner.aclose()


def adeadline(at: float | None) -> AbstractContextManager[object]:
    """The async client's bound on an attempt: a cancel scope ending at ``at``
    (``time.monotonic()``; None for none) with ``TimeoutError``."""
    return anyio.fail_after(None if at is None else at - time.monotonic())


@contextmanager
def deadline(at: float | None) -> Iterator[None]:
    """The sync client's bound on an attempt: its own pool's sockets wait at most until
    ``at`` (:data:`CALL_DEADLINE`; a socket past it raises httpx's timeout)."""
    token = CALL_DEADLINE.set(at)
    try:
        yield
    finally:
        CALL_DEADLINE.reset(token)


SocketOption = (
    tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]
)


def _capped(timeout: float | None, error: type[Exception]) -> float | None:
    deadline = CALL_DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise error("the call took longer than its timeout")
    return left if timeout is None else min(timeout, left)


class _CappedNetworkStream(httpcore.NetworkStream):
    """A socket whose operations end by the call's deadline (:data:`CALL_DEADLINE`)."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _capped(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _capped(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        timeout = _capped(timeout, httpcore.ConnectTimeout)
        return _CappedNetworkStream(self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> typing.Any:
        return self._inner.get_extra_info(info)


class DeadlineBackend(httpcore.NetworkBackend):
    """Opens :class:`_CappedNetworkStream` sockets through another backend."""

    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[SocketOption] | None = None,
    ) -> httpcore.NetworkStream:
        timeout = _capped(timeout, httpcore.ConnectTimeout)
        return _CappedNetworkStream(
            self._inner.connect_tcp(host, port, timeout, local_address, socket_options)
        )

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: typing.Iterable[SocketOption] | None = None,
    ) -> httpcore.NetworkStream:
        timeout = _capped(timeout, httpcore.ConnectTimeout)
        return _CappedNetworkStream(self._inner.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def deadline_transport(
    limits: httpx.Limits, proxy: httpx.Proxy | None = None
) -> httpx.HTTPTransport:
    """httpx's transport (through ``proxy`` if given), its sockets bounded by
    :data:`CALL_DEADLINE`.

    httpx takes no network backend, so it is swapped into the transport's pool (a proxy's
    pool has one too); should a future httpx lay its pool out differently, the transport
    is used as it is (the deadline is then still checked as the body arrives). Its
    bookkeeping runs in linear time (:mod:`._pool_bookkeeping`).
    """
    transport = httpx.HTTPTransport(limits=limits, proxy=proxy)
    pool = getattr(transport, "_pool", None)
    assign_in_linear_time(pool)  # (a proxy's pool is left as it is)
    backend = getattr(pool, "_network_backend", None)
    if pool is not None and isinstance(backend, httpcore.NetworkBackend):
        pool._network_backend = DeadlineBackend(backend)
    return transport


def environment_mounts(limits: httpx.Limits) -> dict[str, httpx.BaseTransport | None]:
    """The proxy mounts httpx builds from the environment with ``trust_env``.

    A URL pattern (``"http://"``, ``"all://"``, ``"all://*example.com"`` ...) maps to a
    deadline transport through its proxy, or to None where ``NO_PROXY`` says to go
    direct (httpx then uses the client's own transport).
    """
    return {
        pattern: None if url is None else deadline_transport(limits, httpx.Proxy(url))
        for pattern, url in get_environment_proxies().items()
    }
