"""What comes back: a response turned into a model or a typed exception, and read safely.

Parsers (:func:`parse_json_model`, :func:`parse_bytes`, :func:`parse_stream`) turn a 2xx
response into a call's result; :func:`make_status_error` and :func:`make_transport_error`
turn an error response or an httpx error into the SDK's exceptions. A body is read in
bounded, decoded pieces (:class:`BodyDecoder`), so a hostile or broken server can neither
inflate a small answer into gigabytes nor redirect a request with a body into a GET
without it (:func:`redirect_refusal`).
"""

from __future__ import annotations

import io
import json
import zlib
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from contextvars import ContextVar
from typing import Any

import httpx

from ._exceptions import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    status_error_class,
)
from ._models import set_request_id
from ._response_check import ResponseShapeError, build_model, check_model

__all__ = [
    "DECODED_PIECE",
    "HTTPX_ERRORS",
    "MAX_ERROR_BODY",
    "MAX_JSON_BODY",
    "MAX_REDIRECT_BODY",
    "STRICT_RESPONSES",
    "BodyDecoder",
    "REQUEST_ID_HEADER",
    "RedirectChangesMethod",
    "ResponseTooLarge",
    "aiter_body",
    "aread_once",
    "body_limit",
    "check_content_length",
    "identity_length",
    "iter_body",
    "make_status_error",
    "make_transport_error",
    "parse_bytes",
    "parse_json_model",
    "parse_stream",
    "read_once",
    "redirect_refusal",
]

REQUEST_ID_HEADER = "x-request-id"
"""The header naming the request for the API's support (``_request_id``, ``request_id``)."""

HTTPX_ERRORS: tuple[type[Exception], ...] = (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError)
"""Every exception httpx raises on its own; the drivers turn them into an outcome."""


# --------------------------------------------------------------------------- results


STRICT_RESPONSES: ContextVar[bool] = ContextVar("openai_uploads_strict", default=False)
"""The ``strict_response_validation`` of the client parsing a response (set around
``call.parse`` by ``BaseClient._parse``)."""


def parse_json_model(model: Any) -> Callable[[httpx.Response], Any]:
    """A parser turning a 2xx JSON body into ``model.from_dict(...)``, checked.

    The fields the client acts on, nested objects included, must have the type the
    generated annotations declare, and every field does under
    ``strict_response_validation`` (:func:`~openai_uploads._response_check.check_model`),
    else :class:`APIResponseValidationError` names the field; absent optional fields
    read as ``None``. The model's ``_request_id`` is the response's ``x-request-id``.
    """

    def parse(response: httpx.Response) -> Any:
        try:
            body = response.json()
        except (ValueError, RecursionError) as exc:
            raise APIResponseValidationError(
                response, None, message="The response body is not valid JSON."
            ) from exc
        if not isinstance(body, dict):
            raise APIResponseValidationError(
                response, body, message="The response body is not a JSON object."
            )
        strict = STRICT_RESPONSES.get()
        try:
            parsed = build_model(model, body, strict=strict)
        except (KeyError, TypeError, ValueError, AttributeError, RecursionError) as exc:
            raise APIResponseValidationError(
                response,
                body,
                message=f"The response body is not a valid {model.__name__}: {exc!r}",
            ) from exc
        try:
            check_model(parsed, strict=strict)
        except ResponseShapeError as exc:
            raise APIResponseValidationError(
                response,
                body,
                message=f"The response body is not a valid {model.__name__}: {exc}",
            ) from exc
        set_request_id(parsed, response.headers.get(REQUEST_ID_HEADER))
        return parsed

    return parse


def check_content_length(response: httpx.Response, received: int) -> None:
    """Raise ``APIConnectionError`` when a body's length differs from its Content-Length.

    Only an identity-encoded body is checked (a compressed one's header counts the
    compressed bytes).
    """
    declared = response.headers.get("content-length", "").strip()
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if not declared.isdigit() or encoding not in ("", "identity"):
        return
    if received != int(declared):
        raise APIConnectionError(
            message=f"The response body has {received} bytes but its Content-Length is "
            f"{declared}: the body was cut short.",
            request=response.request,
        )


def parse_bytes(response: httpx.Response) -> bytes:
    content = response.content
    check_content_length(response, len(content))
    return content


def read_once(chunks: Iterable[bytes]) -> bytes:
    """The chunks joined, holding the body once: ``BytesIO.getvalue()`` hands over its
    buffer without a copy (``b"".join`` of a list of chunks would hold it twice)."""
    buffer = io.BytesIO()
    for chunk in chunks:
        buffer.write(chunk)
    return buffer.getvalue()


async def aread_once(chunks: AsyncIterator[bytes]) -> bytes:
    """:func:`read_once` for an async body."""
    buffer = io.BytesIO()
    async for chunk in chunks:
        buffer.write(chunk)
    return buffer.getvalue()


def parse_stream(response: httpx.Response) -> httpx.Response:
    """For streamed calls: the open response, whose body the caller reads and closes."""
    return response


def make_status_error(response: httpx.Response) -> APIStatusError:
    """The typed exception for an error response (``status_error_class``), in
    openai-python's form: ``Error code: 404 - <the error's message>`` (the code alone when
    the body has none), ``body`` the ``error`` object (else the decoded JSON, else the text)."""
    text = response.text.strip()
    body: object = text
    message = f"Error code: {response.status_code}"
    try:
        body = json.loads(text)
    except (ValueError, RecursionError):
        pass
    else:
        if isinstance(body, dict):
            body = body.get("error", body)
        said = body.get("message") if isinstance(body, dict) else None
        if isinstance(said, str) and said:
            message += f" - {said}"
    return status_error_class(response.status_code)(message, response=response, body=body)


# --------------------------------------------------------------------------- errors


def make_transport_error(request: httpx.Request, error: Exception) -> APIError:
    """The ``APIConnectionError`` (``APITimeoutError`` for timeouts) for an httpx error."""
    if isinstance(error, httpx.TimeoutException):
        return APITimeoutError(request)
    if isinstance(error, httpx.DecodingError):
        message = f"The response body could not be decoded: {error}"
    elif isinstance(error, httpx.TooManyRedirects):
        message = f"Too many redirects: {error}"
    elif isinstance(error, RedirectChangesMethod):
        message = str(error)
    elif isinstance(error, httpx.TransportError):
        message = f"Connection error: {type(error).__name__}"
    else:
        message = f"Connection error: {type(error).__name__}: {error}"
    return APIConnectionError(message=message, request=request)


# --------------------------------------------------------------------------- hostile servers

MAX_JSON_BODY = 8 * 1024 * 1024
"""The largest JSON answer read (decompressed): the API's are a few KiB."""
MAX_ERROR_BODY = 1024 * 1024
"""The largest error body read (decompressed)."""
DECODED_PIECE = 1024 * 1024
"""The most one step of decompression produces (a bomb inflates by up to 1000x)."""
REDIRECT_STATUSES_TO_GET = frozenset({301, 302, 303})
MAX_REDIRECT_BODY = 64 * 1024
"""The most of a redirect's body read (then dropped) before it is followed: a body read
to its end lets its keep-alive connection go back to the pool."""


class RedirectChangesMethod(httpx.HTTPError):
    """A redirect of a request with a body that would be followed as a GET without it."""


class ResponseTooLarge(httpx.HTTPError):
    """A response body (decompressed) longer than the call allows."""

    def __init__(self, message: str, *, response: httpx.Response, limit: int) -> None:
        super().__init__(message)
        self.response = response
        self.limit = limit


def redirect_refusal(
    request: httpx.Request, response: httpx.Response, hops: int, max_redirects: int
) -> Exception | None:
    """Why the redirect ``response`` must not be followed, or None.

    301, 302 and 303 turn a POST into a GET without its body: a part or an Upload would
    "succeed" without having been sent, so that is an error, never followed.
    """
    if hops >= max_redirects:
        return httpx.TooManyRedirects("Exceeded maximum allowed redirects.", request=request)
    if request.method not in ("GET", "HEAD") and response.status_code in REDIRECT_STATUSES_TO_GET:
        return RedirectChangesMethod(
            f"The server redirected {request.method} {request.url.copy_with(query=None)} "
            f"with {response.status_code}, which would resend it as a GET without its body: "
            "not followed."
        )
    return None


class BodyDecoder:
    """Decodes a body's raw chunks in bounded pieces, and stops past ``limit`` bytes.

    httpx inflates each raw chunk whole, so 64 KiB of gzip can become 64 MiB at once;
    here gzip and deflate are inflated :data:`DECODED_PIECE` at a time, and the body
    stops (:class:`ResponseTooLarge`) as soon as it passes ``limit``. Other encodings
    (br, zstd) are left to httpx (``uses_httpx``) and only counted.
    """

    def __init__(self, response: httpx.Response, limit: int | None, piece: int = DECODED_PIECE):
        self._response = response
        self._limit = limit
        self._piece = max(piece, 1)
        self.received = 0
        encodings = [
            e.strip().lower()
            for e in response.headers.get("content-encoding", "").split(",")
            if e.strip() and e.strip().lower() != "identity"
        ]
        self.uses_httpx = (
            len(encodings) > 1
            or (len(encodings) == 1 and encodings[0] not in ("gzip", "deflate"))
            # a response made with its content (a mock transport's): already decoded
            or getattr(response, "_content", None) is not None
        )
        self._wbits: int | None = None
        if not self.uses_httpx and encodings:
            self._wbits = zlib.MAX_WBITS | 16 if encodings[0] == "gzip" else zlib.MAX_WBITS
        self._inflate: Any = None if self._wbits is None else zlib.decompressobj(self._wbits)
        self._started = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        """The decoded pieces of one raw chunk (already decoded when ``uses_httpx``)."""
        if self._inflate is None:
            yield from self._count(data)
            return
        try:
            if not self._started and self._wbits == zlib.MAX_WBITS and data:
                # "deflate" is zlib-wrapped by the standard, raw by some servers.
                self._started = True
                probe = zlib.decompressobj(zlib.MAX_WBITS)
                try:
                    probe.decompress(data[:2])
                except zlib.error:
                    self._inflate = zlib.decompressobj(-zlib.MAX_WBITS)
            self._started = True
            pending = data
            while pending:
                out = self._inflate.decompress(pending, self._piece)
                pending = self._inflate.unconsumed_tail
                yield from self._count(out)
        except zlib.error as exc:
            raise httpx.DecodingError(str(exc), request=self._response.request) from exc

    def flush(self) -> Iterator[bytes]:
        if self._inflate is not None:
            try:
                yield from self._count(self._inflate.flush())
            except zlib.error as exc:
                raise httpx.DecodingError(str(exc), request=self._response.request) from exc

    def _count(self, data: bytes) -> Iterator[bytes]:
        if not data:
            return
        self.received += len(data)
        if self._limit is not None and self.received > self._limit:
            raise ResponseTooLarge(
                f"The response body is longer than the {self._limit} bytes expected.",
                response=self._response,
                limit=self._limit,
            )
        yield data


def iter_body(
    response: httpx.Response, limit: int | None, piece: int = DECODED_PIECE
) -> Iterator[bytes]:
    """A streamed body, decoded in bounded pieces, ending past ``limit`` bytes."""
    decoder = BodyDecoder(response, limit, piece)
    chunks = response.iter_bytes() if decoder.uses_httpx else response.iter_raw()
    for chunk in chunks:
        yield from decoder.feed(chunk)
    yield from decoder.flush()


async def aiter_body(
    response: httpx.Response, limit: int | None, piece: int = DECODED_PIECE
) -> AsyncIterator[bytes]:
    """:func:`iter_body` for an async body."""
    decoder = BodyDecoder(response, limit, piece)
    chunks = response.aiter_bytes() if decoder.uses_httpx else response.aiter_raw()
    async for chunk in chunks:
        for piece_ in decoder.feed(chunk):
            yield piece_
    for piece_ in decoder.flush():
        yield piece_


def body_limit(response: httpx.Response) -> int:
    """How much of a (non-streamed) answer is read: JSON or an error, a few MiB at most."""
    return MAX_JSON_BODY if response.is_success else MAX_ERROR_BODY


def identity_length(response: httpx.Response) -> int | None:
    """The body's length when its ``Content-Length`` counts the bytes themselves."""
    declared = response.headers.get("content-length", "").strip()
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if declared.isdigit() and encoding in ("", "identity"):
        return int(declared)
    return None
