"""The request pipeline shared by ``OpenAI`` and ``AsyncOpenAI``.

Everything here is sans-I/O: building the ``httpx.Request`` from a generated
``_get_kwargs`` plus the per-call options, turning a response into a model or a typed
exception, and the retry loop. The loop is a generator (:meth:`BaseClient._flow`) that
yields :class:`Send` and :class:`Sleep` actions (and :class:`Authorize` for clients whose
credentials are fetched per attempt, :class:`Read` for a bounded body read within the
attempt, ``files.content``'s); the sync and async clients only carry them out
(``http.send`` / ``time.sleep`` versus ``await http.send`` / ``await sleep``), so the
logic exists once.
"""

from __future__ import annotations

import copy
import inspect
import io
import json
import logging
import os
import time
import zlib
from collections.abc import (
    AsyncIterator,
    Callable,
    Generator,
    Iterable,
    Iterator,
    Mapping,
    MutableMapping,
)
from contextvars import ContextVar
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Generic, Protocol, Self, TypeVar

import httpx

from ._constants import DEFAULT_BASE_URL
from ._exceptions import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    OpenAIError,
    status_error_class,
)
from ._part_body import needs_random_boundary, random_boundary
from ._plugins import PluginHost
from ._response_check import ResponseShapeError, build_model, check_model
from ._types import NOT_GIVEN, NotGiven
from ._utils import is_strict_int
from ._version import __version__
from .hookspecs import OutgoingRequest, RequestFinished, RequestStarted, RetryContext

log = logging.getLogger(__name__)

T = TypeVar("T")

DEFAULT_TIMEOUT = httpx.Timeout(600.0, connect=5.0)
DEFAULT_MAX_RETRIES = 2
DEFAULT_LIMITS = httpx.Limits(max_connections=1000, max_keepalive_connections=100)
RETRY_COUNT_HEADER = "x-retry-count"

TimeoutTypes = float | httpx.Timeout | None

GENERATED_REQUEST_KEYS = frozenset(
    {"method", "url", "headers", "params", "cookies", "json", "data", "content", "files"}
)
"""Every key a generated ``_get_kwargs()`` may return that ``_build_request`` sends; any
other key makes the call fail at once (``TypeError``) instead of being dropped."""


# --------------------------------------------------------------------------- calls


@dataclass(frozen=True, kw_only=True, slots=True)
class RequestOptions:
    """The per-call knobs every method accepts, plus the transfer engine's extras."""

    extra_headers: Mapping[str, str] | None = None
    extra_query: Mapping[str, object] | None = None
    extra_body: Mapping[str, object] | None = None
    timeout: TimeoutTypes | NotGiven = NOT_GIVEN
    max_retries: int | None = None
    """Overrides the client's retry budget for this call."""
    expiry_deadline: float | None = None
    """``time.monotonic()`` at which the Upload expires (measured on the server's clock:
    ``_transfer/_clock.py``); retries that would outlast it are not made."""


@dataclass(frozen=True, kw_only=True, slots=True)
class APICall(Generic[T]):
    """One API operation, ready to be sent (possibly several times)."""

    operation: str
    """The name plugins see: ``create_upload``, ``add_part``, ..."""
    make_kwargs: Callable[[], dict[str, Any]]
    """Returns a generated ``_get_kwargs(...)`` result; called once per attempt so that a
    multipart body gets a fresh reader."""
    parse: Callable[[httpx.Response], T]
    options: RequestOptions = field(default_factory=RequestOptions)
    stream: bool = False
    """Send with ``stream=True``: a 2xx body is left unread for ``parse`` (an error body
    is read first, so errors look the same as for any other call)."""
    body_limit: Callable[[httpx.Response], int | APICall[int]] | None = None
    """For a body read whole but bounded by more than a JSON answer (``files.content``):
    how many bytes of the 2xx response may be read, given its headers; or a call whose
    result is that number, made first. The body is read within the attempt, so a
    transport error while it arrives is retried like any other attempt's."""
    upload_id: str | None = None
    """The Upload the call is about, for the request hooks' events."""
    part_number: int | None = None
    """For the parts of ``upload_file_chunked``: the part's 1-based position."""


@dataclass(frozen=True, slots=True)
class Send:
    """Action: send this request, and resume the flow with the response or the error."""

    request: httpx.Request
    stream: bool = False


@dataclass(frozen=True, slots=True)
class Sleep:
    """Action: wait this many seconds, then resume the flow."""

    seconds: float


@dataclass(frozen=True, slots=True)
class Authorize:
    """Action: produce the auth headers of the next attempt, and resume the flow with them.

    Only yielded by clients whose credentials change between attempts (a token provider,
    which may do I/O, is asked again for every attempt).
    """


@dataclass(frozen=True, slots=True)
class Read:
    """Action: read the streamed 2xx body of ``response`` into ``response.content`` (at
    most ``limit`` bytes decoded, else :class:`ResponseTooLarge`), then close it; resume
    the flow with the response or the httpx error the read raised.

    ``limit`` may be a call to make first (once: its ``parse`` may remember the answer);
    ``deadline`` is the attempt's (``time.monotonic()``), None for none.
    """

    response: httpx.Response
    limit: int | APICall[int]
    deadline: float | None


Action = Send | Sleep | Authorize | Read
Outcome = httpx.Response | Exception | dict[str, str] | None
"""What carrying out an action gave: for a :class:`Send` or a :class:`Read` the response or
the httpx error it raised (``httpx.HTTPError``, ``httpx.InvalidURL``,
``httpx.StreamError``); for an :class:`Authorize` the auth headers; None after a sleep."""

HTTPX_ERRORS: tuple[type[Exception], ...] = (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError)
"""Every exception httpx raises on its own; the drivers turn them into an outcome."""
Flow = Generator[Action, Outcome, T]


def form_value(value: object) -> str | bytes:
    """An ``extra_body`` entry as a multipart form field."""
    if isinstance(value, str | bytes):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, separators=(",", ":"))


# --------------------------------------------------------------------------- responses


STRICT_RESPONSES: ContextVar[bool] = ContextVar("openai_uploads_strict", default=False)
"""The ``strict_response_validation`` of the client parsing a response (set around
``call.parse`` by :meth:`BaseClient._parse`)."""


def parse_json_model(model: Any) -> Callable[[httpx.Response], Any]:
    """A parser turning a 2xx JSON body into ``model.from_dict(...)``, checked.

    The fields the client acts on, nested objects included, must have the type the
    generated annotations declare, and every field does under
    ``strict_response_validation`` (:func:`~openai_uploads._response_check.check_model`),
    else :class:`APIResponseValidationError` names the field; absent optional fields
    read as ``None``.
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
    """The typed exception for an error response (``status_error_class``)."""
    try:
        data: object = response.json()
    except (ValueError, RecursionError):
        data = None
    error = data.get("error") if isinstance(data, dict) else None
    body: object = error if isinstance(error, dict) else data
    message = error.get("message") if isinstance(error, dict) else None
    if not isinstance(message, str) or not message:
        text = response.text.strip()[:500] or response.reason_phrase
        message = f"Error code: {response.status_code} - {text}"
    return status_error_class(response.status_code)(message, response=response, body=body)


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


def call_method(call: APICall[Any]) -> str:
    """The HTTP method of a call whose request could not be built."""
    try:
        return str(call.make_kwargs().get("method", "GET")).upper()
    except Exception:
        return "GET"


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


# --------------------------------------------------------------------------- deadlines


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

    def __init__(self, inner: Any, deadline: float, request: httpx.Request) -> None:
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


# --------------------------------------------------------------------------- the client core


class _HTTPClient(Protocol):
    """What the pipeline needs of an ``httpx.Client`` or ``httpx.AsyncClient``."""

    @property
    def timeout(self) -> httpx.Timeout: ...

    def build_request(
        self,
        method: str,
        url: str,
        *,
        params: Any = None,
        headers: Any = None,
        cookies: Any = None,
        content: Any = None,
        json: Any = None,
        data: Any = None,
        files: Any = None,
        timeout: Any = ...,
    ) -> httpx.Request: ...


def _env(name: str) -> str | None:
    value = os.environ.get(name)
    return value if value else None


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


class BaseClient:
    """Configuration and the request pipeline; subclasses only add the I/O."""

    api_key: str
    organization: str | None
    project: str | None
    base_url: str
    timeout: TimeoutTypes
    max_retries: int
    strict_response_validation: bool
    """Hold every response field to the spec (see :mod:`._response_check`); by default
    only the fields the client acts on are checked."""
    _http: _HTTPClient
    _owns_http: bool
    _plugins: PluginHost
    _default_query: Mapping[str, object] = MappingProxyType({})
    """Query parameters sent with every request (``extra_query`` adds to them)."""
    _authorize_each_attempt: bool = False
    """Whether the flow yields :class:`Authorize` before every attempt."""
    _api_key_provider: Callable[[], object] | None = None
    """``api_key`` given as a callable: asked for the key before every attempt."""

    def _configure(
        self,
        *,
        api_key: str | Callable[[], object] | None,
        organization: str | None,
        project: str | None,
        base_url: str | httpx.URL | None,
        timeout: TimeoutTypes | NotGiven,
        max_retries: int,
        default_headers: Mapping[str, str] | None,
        http_timeout: httpx.Timeout | None,
        strict_response_validation: bool = False,
    ) -> None:
        if api_key is None:
            api_key = _env("OPENAI_API_KEY")
        if not api_key:
            raise OpenAIError(
                "The api_key client option must be set either by passing api_key to the "
                "client or by setting the OPENAI_API_KEY environment variable."
            )
        if not is_strict_int(max_retries) or max_retries < 0:
            raise ValueError(f"max_retries must be a non-negative int, got {max_retries!r}")
        if isinstance(api_key, str):
            self.api_key = api_key
            self._api_key_provider = None
        elif callable(api_key):
            self.api_key = ""  # asked for before every attempt, never kept
            self._api_key_provider = api_key
        else:
            raise TypeError(f"api_key must be a str or a callable, got {type(api_key)!r}")
        self._authorize_each_attempt = self._api_key_provider is not None
        self.organization = organization if organization is not None else _env("OPENAI_ORG_ID")
        self.project = project if project is not None else _env("OPENAI_PROJECT_ID")
        if base_url is None:
            base_url = _env("OPENAI_BASE_URL") or DEFAULT_BASE_URL
        self.base_url = str(base_url).rstrip("/")
        if isinstance(timeout, NotGiven):
            # A caller's own http_client keeps its timeout unless it is httpx's default.
            use_http = http_timeout is not None and http_timeout != httpx.Timeout(5.0)
            timeout = http_timeout if use_http else DEFAULT_TIMEOUT
        self.timeout = timeout
        self.max_retries = max_retries
        if not isinstance(strict_response_validation, bool):
            raise TypeError(
                "strict_response_validation must be a bool, "
                f"got {type(strict_response_validation)!r}"
            )
        self.strict_response_validation = strict_response_validation
        self._custom_headers: dict[str, str] = dict(default_headers or {})

    # ------------------------------------------------------------------ settings

    @property
    def plugins(self) -> PluginHost:
        """This client's :class:`~openai_uploads._plugins.PluginHost` (shared by copies)."""
        return self._plugins

    @property
    def default_headers(self) -> dict[str, str]:
        headers = {
            "Accept": "application/json",
            "User-Agent": f"openai-uploads/{__version__}",
            **self._auth_headers(),
        }
        if self.organization is not None:
            headers["OpenAI-Organization"] = self.organization
        if self.project is not None:
            headers["OpenAI-Project"] = self.project
        headers.update(self._custom_headers)
        return headers

    def _auth_headers(self) -> dict[str, str]:
        """The auth headers that do not change between attempts (none for a callable key)."""
        if self._api_key_provider is not None:
            return {}
        return {"Authorization": f"Bearer {self.api_key}"}

    def __repr__(self) -> str:
        # Never the key: reprs end up in logs and tracebacks.
        return (
            f"{type(self).__name__}(base_url={self.base_url!r}, "
            f"organization={self.organization!r}, project={self.project!r}, "
            f"max_retries={self.max_retries}, api_key='<hidden>')"
        )

    def _init_resources(self) -> None:
        """Attach ``uploads`` and ``files`` (the sync or async resources)."""
        raise NotImplementedError

    def with_options(
        self,
        *,
        api_key: str | Callable[[], Any] | None = None,
        organization: str | None = None,
        project: str | None = None,
        base_url: str | httpx.URL | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | None = None,
        default_headers: Mapping[str, str] | None = None,
        strict_response_validation: bool | None = None,
    ) -> Self:
        """A copy with some options changed, sharing the connection pool and the plugins.

        Example::

            client.with_options(max_retries=5, timeout=30).uploads.cancel(upload_id)
        """
        headers = dict(self._custom_headers)
        if default_headers is not None:
            headers.update(default_headers)
        copy = type(self).__new__(type(self))
        copy._configure(
            api_key=api_key if api_key is not None else self._api_key_provider or self.api_key,
            organization=organization if organization is not None else self.organization,
            project=project if project is not None else self.project,
            base_url=base_url if base_url is not None else self.base_url,
            timeout=self.timeout if isinstance(timeout, NotGiven) else timeout,
            max_retries=max_retries if max_retries is not None else self.max_retries,
            default_headers=headers,
            http_timeout=None,
            strict_response_validation=(
                self.strict_response_validation
                if strict_response_validation is None
                else strict_response_validation
            ),
        )
        copy._owns_http = False
        copy._http = self._http
        copy._plugins = self._plugins
        copy._init_resources()
        return copy

    # ------------------------------------------------------------------ pipeline

    def _build_request(
        self, call: APICall[Any], attempt: int, auth: Mapping[str, str] | None = None
    ) -> httpx.Request:
        options = call.options
        kwargs = call.make_kwargs()
        unknown = set(kwargs) - GENERATED_REQUEST_KEYS
        if unknown:
            # A generator upgrade that adds a way of sending things must not lose them.
            raise TypeError(
                f"{call.operation}: the generated request has {sorted(unknown)}, which the "
                f"client does not know how to send (it sends {sorted(GENERATED_REQUEST_KEYS)})"
            )
        headers = self.default_headers
        if auth:
            headers.update(auth)
        headers.update(kwargs.get("headers") or {})
        headers[RETRY_COUNT_HEADER] = str(attempt)
        if options.extra_headers:
            headers.update(options.extra_headers)
        json_body = kwargs.get("json")
        files = kwargs.get("files")
        data = kwargs.get("data")
        content = kwargs.get("content")
        form: dict[str, Any] | None = dict(data) if data is not None else None
        if options.extra_body:
            if files is not None or form is not None:
                extra = {key: form_value(value) for key, value in options.extra_body.items()}
                form = {**(form or {}), **extra}
                if files is not None and needs_random_boundary(
                    v.encode() if isinstance(v, str) else v for v in extra.values()
                ):
                    headers["Content-Type"] = f"multipart/form-data; boundary={random_boundary()}"
            elif content is not None:
                raise TypeError(
                    f"{call.operation}: extra_body cannot be added to a raw request body"
                )
            else:
                json_body = {**(json_body or {}), **options.extra_body}
                headers.setdefault("Content-Type", "application/json")
        params: dict[str, Any] = dict(kwargs.get("params") or {})
        if options.extra_query:
            params.update(options.extra_query)
        timeout = self.timeout if isinstance(options.timeout, NotGiven) else options.timeout
        return self._http.build_request(
            kwargs["method"].upper(),
            self.base_url + kwargs["url"],
            params={**self._default_query, **params} or None,
            headers=headers,
            cookies=kwargs.get("cookies"),
            content=content,
            json=json_body,
            data=form,
            files=files,
            timeout=timeout,
        )

    def _parse(self, call: APICall[T], response: httpx.Response) -> T:
        """``call.parse(response)``, with whatever it raises turned into an OpenAIError."""
        token = STRICT_RESPONSES.set(self.strict_response_validation)
        try:
            return call.parse(response)
        except OpenAIError:
            raise
        except HTTPX_ERRORS as exc:
            raise make_transport_error(response.request, exc) from exc
        except Exception as exc:
            raise APIResponseValidationError(
                response, None, message=f"The response could not be parsed: {exc!r}"
            ) from exc
        finally:
            STRICT_RESPONSES.reset(token)

    def _flow(self, call: APICall[T]) -> Flow[T]:
        """The attempts of one call: yields what to do, returns the parsed result or raises.

        Around each attempt: ``on_request_start``, then ``prepare_request`` (which may
        change the headers), the send, then ``on_request_end`` -- always, also when the
        attempt is stopped by an exception the driver throws in (``KeyboardInterrupt``,
        task cancellation, a transfer stopping) or by ``prepare_request`` itself.
        """
        options = call.options
        max_retries = self.max_retries if options.max_retries is None else options.max_retries
        plugins = self._plugins
        if plugins.unreported:
            plugins.report_failed()  # a plugin failed to load: say so once, in one line
        attempt = 0
        while True:
            auth = None
            if self._authorize_each_attempt:
                granted = yield Authorize()
                assert isinstance(granted, dict)
                auth = granted
            try:
                request = self._build_request(call, attempt, auth)
            except HTTPX_ERRORS as exc:
                # A URL httpx cannot parse (a bad base_url): nothing can be sent.
                raise APIConnectionError(
                    message=f"Connection error: the request URL is invalid "
                    f"(base_url {self.base_url!r}): {exc}",
                    request=httpx.Request(call_method(call), ""),
                ) from exc
            mask_credentials(request)
            observed = plugins.wants_requests
            url = ""
            body_size = 0
            if observed or plugins.wants_prepare:
                url = str(request.url)
                body_size = int(request.headers.get("content-length") or 0)
            if observed:
                plugins.request_started(
                    RequestStarted(
                        operation=call.operation,
                        method=request.method,
                        url=url,
                        attempt=attempt,
                        upload_id=call.upload_id,
                        part_number=call.part_number,
                        body_size=body_size,
                    )
                )
            started = time.monotonic()
            try:
                if plugins.wants_prepare:
                    plugins.prepare_request(
                        OutgoingRequest(
                            operation=call.operation,
                            method=request.method,
                            url=url,
                            attempt=attempt,
                            upload_id=call.upload_id,
                            part_number=call.part_number,
                            body_size=body_size,
                            headers=OutgoingHeaders(request.headers),
                        )
                    )
                outcome = yield Send(request, stream=call.stream or call.body_limit is not None)
                if (
                    call.body_limit is not None
                    and isinstance(outcome, httpx.Response)
                    and outcome.is_success
                ):
                    # Within the attempt: a body that breaks off is retried like any error.
                    seconds = total_timeout(request)
                    outcome = yield Read(
                        outcome,
                        call.body_limit(outcome),
                        None if seconds is None else started + seconds,
                    )
            except BaseException as exc:
                if observed:
                    self._request_finished(call, request, url, attempt, body_size, started, exc)
                raise
            response = outcome if isinstance(outcome, httpx.Response) else None
            error = outcome if isinstance(outcome, Exception) else None
            if observed:
                self._request_finished(
                    call, request, url, attempt, body_size, started, error, response
                )
            if response is not None and response.is_success:
                return self._parse(call, response)
            if isinstance(error, ResponseTooLarge):
                # A hostile or broken server: the same again on another attempt.
                raise APIResponseValidationError(error.response, None, message=str(error))
            if error is not None and not isinstance(error, httpx.TransportError):
                # Decoding errors, redirect loops, invalid URLs: another attempt would
                # fail the same way.
                raise make_transport_error(request, error) from error
            deadline = options.expiry_deadline
            time_left = None if deadline is None else deadline - time.monotonic()
            # The hooks get copies whose credentials read <hidden>; the caller the real ones.
            shown = without_credentials(request)
            decision = plugins.decide_retry(
                RetryContext(
                    operation=call.operation,
                    attempt=attempt,
                    max_retries=max_retries,
                    request=shown,
                    response=None if response is None else response_for_hooks(response, shown),
                    error=error_for_hooks(error, shown),
                    time_left=time_left,
                )
            )
            if not decision.retry:
                if response is not None:
                    raise make_status_error(response)
                assert error is not None
                raise make_transport_error(request, error) from error
            log.info(
                "retrying %s (%s) in %.2fs, retry %d of %d",
                call.operation,
                response.status_code if response is not None else type(error).__name__,
                decision.delay,
                attempt + 1,
                max_retries,
            )
            yield Sleep(decision.delay)
            attempt += 1

    def _request_finished(
        self,
        call: APICall[Any],
        request: httpx.Request,
        url: str,
        attempt: int,
        body_size: int,
        started: float,
        error: BaseException | None,
        response: httpx.Response | None = None,
    ) -> None:
        self._plugins.request_finished(
            RequestFinished(
                operation=call.operation,
                method=request.method,
                url=url,
                attempt=attempt,
                elapsed=time.monotonic() - started,
                status_code=None if response is None else response.status_code,
                request_id=None if response is None else response.headers.get("x-request-id"),
                error=error_for_hooks(error),
                upload_id=call.upload_id,
                part_number=call.part_number,
                body_size=body_size,
            )
        )
