"""The response objects of ``.with_raw_response`` and of ``files.content()``, and how a
wrapped method asks for one.

``client.files.with_raw_response.retrieve(id)`` makes the same call as
``client.files.retrieve(id)`` (the same retries, hooks and typed errors) but returns a
:class:`LegacyAPIResponse`: the headers, status and request of the response, its body
(read whole, within the same limits), and :meth:`LegacyAPIResponse.parse`, which gives
what the plain method returns. The streamed twin (``.with_streaming_response``, whose
body is read only when asked) is ``_async/response.py``'s.

A wrapper asks for a raw or a streamed response by setting :func:`response_mode` around
the method; the method's one request (``arequest`` / ``request``) takes the mode, so a
call the method makes on the side (``files.content`` asking for the File's size) stays
plain.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any, Generic, Literal, ParamSpec, Self, TypeAlias, TypeVar

import httpx

from ._base_client import RETRY_COUNT_HEADER
from ._calls import APICall
from ._concurrency import arun_blocking
from ._exceptions import OpenAIError
from ._response import REQUEST_ID_HEADER

__all__ = [
    "AsyncMethod",
    "BaseAPIResponse",
    "HttpxBinaryResponseContent",
    "LegacyAPIResponse",
    "ResponseMode",
    "StreamAlreadyConsumed",
    "SyncMethod",
    "response_mode",
    "take_response_mode",
]

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")

AsyncMethod: TypeAlias = Callable[P, Awaitable[R]]
"""An async resource method (what the async wrappers take); its sync twin is
:data:`SyncMethod` (``scripts/unasync.py`` maps the one to the other)."""
SyncMethod: TypeAlias = Callable[P, R]


# --------------------------------------------------------------------------- the mode


@dataclass(frozen=True, slots=True)
class ResponseMode:
    """How a wrapped method's request answers: ``raw`` (read whole) or ``stream``."""

    kind: Literal["raw", "stream"]
    taken: list[bool]

    def call(self, call: APICall[Any]) -> APICall[httpx.Response]:
        """``call`` made to return its response: for ``stream`` with the 2xx body unread
        (an error body is read first, so errors are the same as the plain call's)."""
        if self.kind == "raw":
            return replace(call, parse=_itself)
        return replace(call, parse=_itself, stream=True, body_limit=None)


_MODE: ContextVar[ResponseMode | None] = ContextVar("openai_uploads_response_mode", default=None)


def _itself(response: httpx.Response) -> httpx.Response:
    return response


@contextlib.contextmanager
def response_mode(kind: Literal["raw", "stream"]) -> Iterator[None]:
    """Within the block, the first request a method makes answers with a response object."""
    token = _MODE.set(ResponseMode(kind, [False]))
    try:
        yield
    finally:
        _MODE.reset(token)


def take_response_mode() -> ResponseMode | None:
    """The mode a wrapper set for this request, once: a second request is plain."""
    mode = _MODE.get()
    if mode is None or mode.taken[0]:
        return None
    mode.taken[0] = True
    return mode


# --------------------------------------------------------------------------- the body


class StreamAlreadyConsumed(OpenAIError):
    """The body was already streamed (``iter_bytes()`` ...), so it cannot be read again:
    read it first (``read()``) or keep the chunks while streaming."""

    def __init__(self) -> None:
        super().__init__(
            "Attempted to read or stream some content, but the content has already been "
            "streamed: read it with .read() before streaming it, or keep the chunks."
        )


class _Body:
    """Reading a body that is already in memory, sync and async (the response objects of
    ``with_raw_response`` and ``files.content()``)."""

    _body: httpx.Response

    @property
    def content(self) -> bytes:
        """The body's bytes (the same object each time: the body is held once)."""
        return self._body.content

    @property
    def text(self) -> str:
        """The body decoded with its charset (UTF-8 when it names none)."""
        return self._body.text

    def json(self, **kwargs: Any) -> Any:
        """The body parsed as JSON (``kwargs`` go to ``json.loads``)."""
        return self._body.json(**kwargs)

    def read(self) -> bytes:
        return self._body.read()

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        return self._body.iter_bytes(chunk_size)

    def iter_text(self, chunk_size: int | None = None) -> Iterator[str]:
        return self._body.iter_text(chunk_size)

    def iter_lines(self) -> Iterator[str]:
        return self._body.iter_lines()

    def iter_raw(self, chunk_size: int | None = None) -> Iterator[bytes]:
        return self._body.iter_raw(chunk_size)

    def close(self) -> None:
        self._body.close()

    async def aread(self) -> bytes:
        return await self._body.aread()

    # As openai-python's: ``async for chunk in await content.aiter_bytes(): ...``
    async def aiter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        return self._body.aiter_bytes(chunk_size)

    async def aiter_text(self, chunk_size: int | None = None) -> AsyncIterator[str]:
        return self._body.aiter_text(chunk_size)

    async def aiter_lines(self) -> AsyncIterator[str]:
        return self._body.aiter_lines()

    async def aiter_raw(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        return self._body.aiter_raw(chunk_size)

    async def aclose(self) -> None:
        await self._body.aclose()


class HttpxBinaryResponseContent(_Body):
    """What ``files.content()`` returns: the File's bytes, read (within the File's size)
    and held once, with openai-python's ``HttpxBinaryResponseContent`` methods.

    Example::

        content = client.files.content(file_id)
        content.write_to_file("copy.jsonl")
        rows = [json.loads(line) for line in content.iter_lines()]
    """

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self._body = response

    @property
    def encoding(self) -> str | None:
        return self.response.encoding

    @property
    def charset_encoding(self) -> str | None:
        return self.response.charset_encoding

    def write_to_file(self, file: str | os.PathLike[str]) -> None:
        """Write the bytes to ``file``, whole or not at all: they go to a temporary file
        next to it, renamed into place (a failure leaves an existing file untouched)."""
        from ._files_core import Replacement  # _files_core returns this class

        target = Replacement(file)
        try:
            target.file.write(self.content)
            target.commit()
        finally:
            target.discard()

    def stream_to_file(
        self, file: str | os.PathLike[str], *, chunk_size: int | None = None
    ) -> None:
        """:meth:`write_to_file` (the bytes are in memory already; ``files.download``
        streams a File to disk without holding it)."""
        self.write_to_file(file)

    async def astream_to_file(
        self, file: str | os.PathLike[str], *, chunk_size: int | None = None
    ) -> None:
        """:meth:`write_to_file` in a worker thread."""
        await arun_blocking(self.write_to_file, file)


# --------------------------------------------------------------------------- the responses


class BaseAPIResponse(Generic[R]):
    """What every response object tells of its response (raw or streamed)."""

    http_response: httpx.Response
    """The ``httpx.Response`` itself."""

    def __init__(
        self, response: httpx.Response, parse: Callable[[], R], started: float | None = None
    ) -> None:
        self.http_response = response
        self._parse = parse
        self._parsed: list[R] = []
        if started is not None and response.is_closed and not hasattr(response, "_elapsed"):
            # A body httpx never timed (a response made with its content, as a mock
            # transport's): the time since the call was made (``time.monotonic()``).
            response.elapsed = datetime.timedelta(seconds=time.monotonic() - started)

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def http_request(self) -> httpx.Request:
        """The request that got this response (after any redirect)."""
        return self.http_response.request

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def url(self) -> httpx.URL:
        return self.http_response.url

    @property
    def method(self) -> str:
        return self.http_request.method

    @property
    def http_version(self) -> str:
        return self.http_response.http_version

    @property
    def elapsed(self) -> datetime.timedelta:
        """From sending the request to the end of the body (httpx's ``elapsed``, known
        once the body is read or closed)."""
        return self.http_response.elapsed

    @property
    def is_closed(self) -> bool:
        """Whether the body is read or closed (else it holds a connection: read it or
        ``close()`` it)."""
        return self.http_response.is_closed

    @property
    def request_id(self) -> str | None:
        """The ``x-request-id`` header, to quote to the API's support."""
        request_id: str | None = self.http_response.headers.get(REQUEST_ID_HEADER)
        return request_id

    @property
    def retries_taken(self) -> int:
        """How many times the call was retried before this response (0: the first try)."""
        count = self.http_request.headers.get(RETRY_COUNT_HEADER, "0")
        return int(count) if count.isdigit() else 0

    def _parsed_once(self) -> R:
        if not self._parsed:
            self._parsed.append(self._parse())
        return self._parsed[0]

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} [{self.status_code} {self.http_response.reason_phrase}] "
            f"{self.method} {self.url}>"
        )


class LegacyAPIResponse(BaseAPIResponse[R], _Body):
    """What a ``with_raw_response`` method returns (sync and async client alike, as in
    openai-python): the response, its body already read, and :meth:`parse`.

    Example::

        response = client.files.with_raw_response.retrieve(file_id)
        print(response.headers.get("x-ratelimit-remaining-requests"))
        file = response.parse()  # the FileObject files.retrieve returns
    """

    def __init__(
        self, response: httpx.Response, parse: Callable[[], R], started: float | None = None
    ) -> None:
        super().__init__(response, parse, started)
        self._body = response

    def parse(self) -> R:
        """What the plain method returns (parsed once; not a coroutine, also with the
        async client, as openai-python's). Its ``_request_id`` is :attr:`request_id`."""
        return self._parsed_once()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
