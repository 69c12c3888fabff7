# Generated from openai_uploads/_async/response.py by `python scripts/unasync.py`: do not edit.
"""How a resource method sends its request, and the wrappers ``with_raw_response`` and
``with_streaming_response`` make of the methods.

A method sends its one request with :func:`make_request`; a wrapper (:func:`to_raw_response`,
:func:`to_streamed_response`) sets the response mode around the method (see
:mod:`openai_uploads._raw_response`), and :func:`make_request` then answers with a
:class:`~openai_uploads._raw_response.LegacyAPIResponse` (body read) or an
:class:`APIResponse` (body unread) instead of the parsed result. The call is the
same in every mode: the same retries, hooks and typed errors.
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Generic, ParamSpec, Self, TypeVar, cast

import httpx

from .._calls import APICall
from .._concurrency import run_blocking
from .._raw_response import (
    BaseAPIResponse,
    HttpxBinaryResponseContent,
    LegacyAPIResponse,
    StreamAlreadyConsumed,
    SyncMethod,
    response_mode,
    take_response_mode,
)

if TYPE_CHECKING:
    from .client import OpenAI

__all__ = [
    "APIResponse",
    "ResponseContextManager",
    "make_request",
    "to_raw_response",
    "to_streamed_bytes",
    "to_streamed_response",
]

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")


class APIResponse(BaseAPIResponse[R]):
    """What a ``with_streaming_response`` method gives within its ``with`` block: the
    response with its body not read yet (as openai-python's ``APIResponse``).

    Read it whole (:meth:`read`, :meth:`text`, :meth:`json`, :meth:`parse`) or stream it
    (:meth:`iter_bytes`, :meth:`iter_text`, :meth:`iter_lines`, :meth:`stream_to_file`),
    once; the block closes it. With the async client these are coroutines and async
    iterators.

    Example::

        with client.files.with_streaming_response.content(file_id) as response:
            for chunk in response.iter_bytes():
                sink.write(chunk)
    """

    def parse(self) -> R:
        """What the plain method returns (the body is read first; parsed once)."""
        if not self._parsed:
            self.read()
        return self._parsed_once()

    def read(self) -> bytes:
        """The whole body (read once; :class:`StreamAlreadyConsumed` after streaming)."""
        try:
            return self.http_response.read()
        except httpx.StreamConsumed as exc:
            raise StreamAlreadyConsumed() from exc

    def text(self) -> str:
        self.read()
        return self.http_response.text

    def json(self) -> object:
        self.read()
        return self.http_response.json()

    def close(self) -> None:
        """Close the body, giving the connection back (done at the end of the block)."""
        self.http_response.close()

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        """The body's decoded bytes, as they arrive."""
        yield from self.http_response.iter_bytes(chunk_size)

    def iter_text(self, chunk_size: int | None = None) -> Iterator[str]:
        yield from self.http_response.iter_text(chunk_size)

    def iter_lines(self) -> Iterator[str]:
        yield from self.http_response.iter_lines()

    def stream_to_file(
        self, file: str | os.PathLike[str], *, chunk_size: int | None = None
    ) -> None:
        """Stream the body to ``file`` as it arrives, whole or not at all (a temporary
        file next to it, renamed into place; a failure leaves an existing file as it
        was). With the async client the writes happen in a worker thread."""
        from .._files_core import Replacement  # _files_core builds what this returns

        target = Replacement(file)
        try:
            for chunk in self.iter_bytes(chunk_size):
                run_blocking(target.file.write, chunk)
            run_blocking(target.commit)
        finally:
            target.discard()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class ResponseContextManager(Generic[T]):
    """A streamed call: made when the block is entered, its response closed at its end."""

    def __init__(self, make: SyncMethod[[], T]) -> None:
        self._make = make
        self._response: T | None = None

    def __enter__(self) -> T:
        self._response = self._make()
        return self._response

    def __exit__(self, *exc_info: object) -> None:
        if isinstance(self._response, APIResponse):
            self._response.close()


def make_request(client: OpenAI, call: APICall[T]) -> T:
    """Send a resource method's request: its result, or, under a wrapper's response mode,
    a response object whose ``parse()`` gives that result (typed by the wrapper)."""
    mode = take_response_mode()
    if mode is None:
        return client._execute(call)
    started = time.monotonic()
    response = client._execute(mode.call(call))

    def parse() -> T:
        return client._parse(call, response)

    if mode.kind == "raw":
        return cast(T, LegacyAPIResponse(response, parse, started))
    return cast(T, APIResponse(response, parse, started))


def to_raw_response(func: SyncMethod[P, R]) -> SyncMethod[P, LegacyAPIResponse[R]]:
    """``func`` answering with a :class:`LegacyAPIResponse` (``with_raw_response``)."""

    @functools.wraps(func)
    def raw(*args: P.args, **kwargs: P.kwargs) -> LegacyAPIResponse[R]:
        with response_mode("raw"):
            return cast(LegacyAPIResponse[R], func(*args, **kwargs))

    return raw


def to_streamed_response(
    func: SyncMethod[P, R],
) -> Callable[P, ResponseContextManager[APIResponse[R]]]:
    """``func`` answering with a context manager of an :class:`APIResponse`
    (``with_streaming_response``): the call is made when the block is entered."""

    return _streamed(func, lambda response: response)


def to_streamed_bytes(
    func: SyncMethod[P, HttpxBinaryResponseContent],
) -> Callable[P, ResponseContextManager[APIResponse[bytes]]]:
    """As :func:`to_streamed_response`, for a method answering with binary content
    (``files.content``): ``parse()`` gives the body's ``bytes``, as openai-python's
    streamed binary response does (the plain method's result keeps ``.content``)."""

    def as_bytes(
        response: APIResponse[HttpxBinaryResponseContent],
    ) -> APIResponse[bytes]:
        return APIResponse(response.http_response, lambda: response._parsed_once().content)

    return _streamed(func, as_bytes)


def _streamed(
    func: SyncMethod[P, R], wrap: Callable[[APIResponse[R]], APIResponse[T]]
) -> Callable[P, ResponseContextManager[APIResponse[T]]]:
    @functools.wraps(func)
    def streamed(*args: P.args, **kwargs: P.kwargs) -> ResponseContextManager[APIResponse[T]]:
        def make() -> APIResponse[T]:
            with response_mode("stream"):
                return wrap(cast(APIResponse[R], func(*args, **kwargs)))

        return ResponseContextManager(make)

    return streamed
