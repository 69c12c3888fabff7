"""How a resource method sends its request, and the wrappers ``with_raw_response`` and
``with_streaming_response`` make of the methods.

A method sends its one request with :func:`amake_request`; a wrapper (:func:`ato_raw_response`,
:func:`ato_streamed_response`) sets the response mode around the method (see
:mod:`openai_uploads._raw_response`), and :func:`amake_request` then answers with a
:class:`~openai_uploads._raw_response.LegacyAPIResponse` (body read) or an
:class:`AsyncAPIResponse` (body unread) instead of the parsed result. The call is the
same in every mode: the same retries, hooks and typed errors.
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Generic, ParamSpec, Self, TypeVar, cast

import httpx

from .._calls import APICall
from .._concurrency import arun_blocking
from .._raw_response import (
    AsyncMethod,
    BaseAPIResponse,
    HttpxBinaryResponseContent,
    LegacyAPIResponse,
    StreamAlreadyConsumed,
    response_mode,
    take_response_mode,
)

if TYPE_CHECKING:
    from .client import AsyncOpenAI

__all__ = [
    "AsyncAPIResponse",
    "AsyncResponseContextManager",
    "amake_request",
    "ato_raw_response",
    "ato_streamed_bytes",
    "ato_streamed_response",
]

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")


class AsyncAPIResponse(BaseAPIResponse[R]):
    """What a ``with_streaming_response`` method gives within its ``with`` block: the
    response with its body not read yet (as openai-python's ``APIResponse``).

    Read it whole (:meth:`read`, :meth:`text`, :meth:`json`, :meth:`parse`) or stream it
    (:meth:`iter_bytes`, :meth:`iter_text`, :meth:`iter_lines`, :meth:`stream_to_file`),
    once; the block closes it. With the async client these are coroutines and async
    iterators.

    Example::

        async with client.files.with_streaming_response.content(file_id) as response:
            async for chunk in response.iter_bytes():
                sink.write(chunk)
    """

    async def parse(self) -> R:
        """What the plain method returns (the body is read first; parsed once)."""
        if not self._parsed:
            await self.read()
        return self._parsed_once()

    async def read(self) -> bytes:
        """The whole body (read once; :class:`StreamAlreadyConsumed` after streaming)."""
        try:
            return await self.http_response.aread()
        except httpx.StreamConsumed as exc:
            raise StreamAlreadyConsumed() from exc

    async def text(self) -> str:
        await self.read()
        return self.http_response.text

    async def json(self) -> object:
        await self.read()
        return self.http_response.json()

    async def close(self) -> None:
        """Close the body, giving the connection back (done at the end of the block)."""
        await self.http_response.aclose()

    async def iter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        """The body's decoded bytes, as they arrive."""
        async for chunk in self.http_response.aiter_bytes(chunk_size):
            yield chunk

    async def iter_text(self, chunk_size: int | None = None) -> AsyncIterator[str]:
        async for chunk in self.http_response.aiter_text(chunk_size):
            yield chunk

    async def iter_lines(self) -> AsyncIterator[str]:
        async for line in self.http_response.aiter_lines():
            yield line

    async def stream_to_file(
        self, file: str | os.PathLike[str], *, chunk_size: int | None = None
    ) -> None:
        """Stream the body to ``file`` as it arrives, whole or not at all (a temporary
        file next to it, renamed into place; a failure leaves an existing file as it
        was). With the async client the writes happen in a worker thread."""
        from .._files_core import Replacement  # _files_core builds what this returns

        target = Replacement(file)
        try:
            async for chunk in self.iter_bytes(chunk_size):
                await arun_blocking(target.file.write, chunk)
            await arun_blocking(target.commit)
        finally:
            target.discard()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()


class AsyncResponseContextManager(Generic[T]):
    """A streamed call: made when the block is entered, its response closed at its end."""

    def __init__(self, make: AsyncMethod[[], T]) -> None:
        self._make = make
        self._response: T | None = None

    async def __aenter__(self) -> T:
        self._response = await self._make()
        return self._response

    async def __aexit__(self, *exc_info: object) -> None:
        if isinstance(self._response, AsyncAPIResponse):
            await self._response.close()


async def amake_request(client: AsyncOpenAI, call: APICall[T]) -> T:
    """Send a resource method's request: its result, or, under a wrapper's response mode,
    a response object whose ``parse()`` gives that result (typed by the wrapper)."""
    mode = take_response_mode()
    if mode is None:
        return await client._execute(call)
    started = time.monotonic()
    response = await client._execute(mode.call(call))

    def parse() -> T:
        return client._parse(call, response)

    if mode.kind == "raw":
        return cast(T, LegacyAPIResponse(response, parse, started))
    return cast(T, AsyncAPIResponse(response, parse, started))


def ato_raw_response(func: AsyncMethod[P, R]) -> AsyncMethod[P, LegacyAPIResponse[R]]:
    """``func`` answering with a :class:`LegacyAPIResponse` (``with_raw_response``)."""

    @functools.wraps(func)
    async def raw(*args: P.args, **kwargs: P.kwargs) -> LegacyAPIResponse[R]:
        with response_mode("raw"):
            return cast(LegacyAPIResponse[R], await func(*args, **kwargs))

    return raw


def ato_streamed_response(
    func: AsyncMethod[P, R],
) -> Callable[P, AsyncResponseContextManager[AsyncAPIResponse[R]]]:
    """``func`` answering with a context manager of an :class:`AsyncAPIResponse`
    (``with_streaming_response``): the call is made when the block is entered."""

    return _astreamed(func, lambda response: response)


def ato_streamed_bytes(
    func: AsyncMethod[P, HttpxBinaryResponseContent],
) -> Callable[P, AsyncResponseContextManager[AsyncAPIResponse[bytes]]]:
    """As :func:`ato_streamed_response`, for a method answering with binary content
    (``files.content``): ``parse()`` gives the body's ``bytes``, as openai-python's
    streamed binary response does (the plain method's result keeps ``.content``)."""

    def as_bytes(
        response: AsyncAPIResponse[HttpxBinaryResponseContent],
    ) -> AsyncAPIResponse[bytes]:
        return AsyncAPIResponse(response.http_response, lambda: response._parsed_once().content)

    return _astreamed(func, as_bytes)


def _astreamed(
    func: AsyncMethod[P, R], wrap: Callable[[AsyncAPIResponse[R]], AsyncAPIResponse[T]]
) -> Callable[P, AsyncResponseContextManager[AsyncAPIResponse[T]]]:
    @functools.wraps(func)
    def streamed(
        *args: P.args, **kwargs: P.kwargs
    ) -> AsyncResponseContextManager[AsyncAPIResponse[T]]:
        async def make() -> AsyncAPIResponse[T]:
            with response_mode("stream"):
                return wrap(cast(AsyncAPIResponse[R], await func(*args, **kwargs)))

        return AsyncResponseContextManager(make)

    return streamed
