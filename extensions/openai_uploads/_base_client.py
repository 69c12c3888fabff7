"""The request pipeline shared by ``OpenAI`` and ``AsyncOpenAI``.

Everything here is sans-I/O: building the ``httpx.Request`` from a generated
``_get_kwargs`` plus the client's options and the call's, and the retry loop. The loop is
a generator (:meth:`BaseClient._flow`) that yields ``Send`` and ``Sleep`` actions (and
``Authorize`` for a credential asked before every attempt, ``Read`` for a bounded body
read within the attempt, ``files.content``'s); the sync and async clients only carry them
out (``http.send`` / ``time.sleep`` versus ``await http.send`` / ``await sleep``), so the
logic exists once.

The rest of the client core, by job: the call model and the actions in :mod:`._calls`;
the options in :mod:`._config`; credentials and their masking in :mod:`._credentials`;
parsing and reading responses in :mod:`._response`; the attempt's deadline in
:mod:`._deadline`; the connection pools in :mod:`._pool`.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import time
import warnings
from collections.abc import AsyncIterable, Callable, Iterable, Mapping
from typing import Any, TypeAlias, TypedDict, TypeVar

import httpx

from ._calls import (
    APICall,
    Authorize,
    Flow,
    Read,
    RequestOptions,
    Send,
    Sleep,
    TimeoutTypes,
    call_method,
)
from ._config import (
    AzureSettings,
    ClientOptions,
    as_timeout,
    base_url_setting,
    check_max_retries,
    client_options,
    copy_signature,
    openai_credential,
)
from ._credentials import (
    Credential,
    OutgoingHeaders,
    error_for_hooks,
    mask_credentials,
    response_for_hooks,
    without_credentials,
)
from ._deadline import total_timeout
from ._exceptions import APIConnectionError, APIResponseValidationError, OpenAIError
from ._part_body import needs_random_boundary, random_boundary
from ._platform import ASYNC_HEADER, READ_TIMEOUT_HEADER, platform_headers
from ._platform import RETRY_COUNT_HEADER as PLATFORM_RETRY_COUNT_HEADER
from ._plugins import PluginHost
from ._pool import DEFAULT_LIMITS, AsyncHTTPPool, HTTPPool
from ._response import (
    HTTPX_ERRORS,
    STRICT_RESPONSES,
    ResponseTooLarge,
    aiter_body,
    check_content_length,
    identity_length,
    iter_body,
    make_status_error,
    make_transport_error,
    parse_bytes,
    parse_json_model,
    parse_stream,
)
from ._types import NOT_GIVEN, NotGiven
from ._version import __version__
from .hookspecs import (
    OutgoingRequest,
    RequestFinished,
    RequestInfo,
    RequestStarted,
    RetryContext,
)

__all__ = [  # the pipeline, and what the resources and the engine import from here
    "DEFAULT_LIMITS",
    "HTTPX_ERRORS",
    "APICall",
    "BaseClient",
    "LowLevelOptions",
    "RequestOptions",
    "ResponseTooLarge",
    "aiter_body",
    "check_content_length",
    "identity_length",
    "iter_body",
    "make_transport_error",
    "needs_random_boundary",
    "parse_bytes",
    "parse_json_model",
    "parse_stream",
    "random_boundary",
]

log = logging.getLogger(__name__)

T = TypeVar("T")

RETRY_COUNT_HEADER = "x-retry-count"

RawContent: TypeAlias = bytes | Iterable[bytes] | AsyncIterable[bytes]
"""What ``client.post(content=...)`` sends as the body, as it is read."""

RAW_BODY_DEPRECATED = (
    "Passing raw bytes as `body` is deprecated and will be removed in a future version. "
    "Please pass raw bytes via the `content` parameter instead."
)


def merge_headers(*layers: Mapping[str, str]) -> dict[str, str]:
    """The headers of ``layers``, a later layer's replacing an earlier's of the same name
    in any case (``X-Stainless-Lang`` replaces ``x-stainless-lang``)."""
    merged: dict[str, tuple[str, str]] = {}
    for layer in layers:
        for name, value in layer.items():
            merged[name.lower()] = (name, value)
    return dict(merged.values())


GENERATED_REQUEST_KEYS = frozenset(
    {"method", "url", "headers", "params", "cookies", "json", "data", "content", "files"}
)
"""Every key a generated ``_get_kwargs()`` may return that ``_build_request`` sends; any
other key makes the call fail at once (``TypeError``) instead of being dropped."""


def form_value(value: object) -> str | bytes:
    """An ``extra_body`` entry as a multipart form field."""
    if isinstance(value, str | bytes):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, separators=(",", ":"))


# --------------------------------------------------------------------------- the client core


class BaseClient:
    """Configuration and the request pipeline; subclasses only add the I/O."""

    _options: ClientOptions
    _pool: AsyncHTTPPool | HTTPPool
    _borrows_pool: bool = False
    """A copy (``copy``/``with_options``) without an ``http_client`` of its own: the pool
    is its original's, closed only by it."""
    _plugins: PluginHost

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        copy = cls.__dict__.get("copy")
        if copy is not None:  # with_options is the same function
            copy.__signature__ = copy_signature(cls.__init__)

    def _options_from(
        self,
        args: Mapping[str, Any],
        base: ClientOptions | None,
        http_client_timeout: httpx.Timeout | None,
    ) -> ClientOptions:
        """The options of a new client (``base`` None) or of a copy, from the constructor's
        or ``copy``'s arguments."""
        args, credential, azure = self._read_args(args, base)
        return client_options(
            args, base, credential=credential, http_client_timeout=http_client_timeout, azure=azure
        )

    def _read_args(
        self, args: Mapping[str, Any], base: ClientOptions | None
    ) -> tuple[Mapping[str, Any], Credential | None, AzureSettings | None]:
        """The arguments as :func:`client_options` reads them, the credential they give
        (None: a copy keeps the current one) and the Azure settings (the Azure clients')."""
        key = args.get("api_key")
        return args, None if base is not None and key is None else openai_credential(key), None

    # ------------------------------------------------------------------ settings

    @property
    def _http(self) -> httpx.AsyncClient | httpx.Client:
        """The ``httpx`` client in use (shared by copies; per event loop for the async one)."""
        return self._pool.current

    @property
    def api_key(self) -> str:
        """The API key (``""`` when a callable provides it for each attempt)."""
        return self._options.credential.api_key

    @property
    def organization(self) -> str | None:
        return self._options.organization

    @property
    def project(self) -> str | None:
        return self._options.project

    @property
    def base_url(self) -> httpx.URL:
        """Where requests go: an ``httpx.URL`` ending in ``/``; settable (a str or a URL)."""
        return self._options.base_url

    @base_url.setter
    def base_url(self, url: str | httpx.URL) -> None:
        self._options = dataclasses.replace(self._options, base_url=base_url_setting(url))

    def _prepare_url(self, path: str) -> str:
        """A request path under :attr:`base_url` (an absolute URL is used as it is)."""
        if "://" in path:
            return path
        return str(self.base_url) + path.lstrip("/")

    @property
    def timeout(self) -> TimeoutTypes:
        return self._options.timeout

    @property
    def max_retries(self) -> int:
        return self._options.max_retries

    @property
    def strict_response_validation(self) -> bool:
        """Hold every response field to the spec (see :mod:`._response_check`); by default
        only the fields the client acts on are checked."""
        return self._options.strict_response_validation

    @property
    def _default_query(self) -> Mapping[str, object]:
        return self._options.default_query

    @property
    def plugins(self) -> PluginHost:
        """This client's :class:`~openai_uploads._plugins.PluginHost` (shared by copies)."""
        return self._plugins

    @property
    def default_headers(self) -> dict[str, str]:
        headers = {
            "Accept": "application/json",
            "User-Agent": f"openai-uploads/{__version__}",
            **platform_headers(__version__),
            ASYNC_HEADER: self._loop_header(),
            **self._options.credential.headers(),
        }
        if self.organization is not None:
            headers["OpenAI-Organization"] = self.organization
        if self.project is not None:
            headers["OpenAI-Project"] = self.project
        return merge_headers(headers, self._options.default_headers)

    def _loop_header(self) -> str:
        """This client's ``X-Stainless-Async`` (the sync and the async client differ)."""
        raise NotImplementedError

    def __repr__(self) -> str:
        # Never the key: reprs end up in logs and tracebacks.
        return (
            f"{type(self).__name__}(base_url={str(self.base_url)!r}, "
            f"organization={self.organization!r}, project={self.project!r}, "
            f"max_retries={self.max_retries}, api_key='<hidden>')"
        )

    def _init_resources(self) -> None:
        """Attach ``uploads`` and ``files`` (the sync or async resources)."""
        raise NotImplementedError

    # ------------------------------------------------------------------ low-level calls

    def _route_call(
        self,
        method: str,
        path: str,
        cast_to: type[T],
        body: Mapping[str, object] | bytes | None,
        options: LowLevelOptions | None,
        content: RawContent | None = None,
    ) -> APICall[T]:
        """A call of ``client.get/post/delete`` to a route the resources do not cover: the
        same pipeline (retries, hooks, errors) as every method's."""
        if body is not None and content is not None:
            raise TypeError("Passing both `body` and `content` is not supported")
        if isinstance(body, bytes):
            warnings.warn(RAW_BODY_DEPRECATED, DeprecationWarning, stacklevel=3)
            body, content = None, body
        parse = cast_parser(cast_to)
        opts: dict[str, Any] = dict(options or {})
        unknown = set(opts) - set(LowLevelOptions.__annotations__)
        if unknown:
            raise TypeError(f"{method}(): unknown options {sorted(unknown)}")
        if "max_retries" in opts:
            check_max_retries(opts["max_retries"])
        request: dict[str, Any] = {"method": method, "url": path}
        if body is not None:
            request["json"] = dict(body)
        if content is not None:
            request["content"] = content
        return APICall(
            operation=f"{method} {path}",
            make_kwargs=lambda: dict(request),
            parse=parse,
            options=RequestOptions(
                extra_headers=opts.get("headers"),
                extra_query=opts.get("params"),
                extra_body=opts.get("extra_json"),
                timeout=opts.get("timeout", NOT_GIVEN),
                max_retries=opts.get("max_retries"),
            ),
        )

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
        headers[RETRY_COUNT_HEADER] = headers[PLATFORM_RETRY_COUNT_HEADER] = str(attempt)
        given = self.timeout if isinstance(options.timeout, NotGiven) else options.timeout
        timeout = as_timeout(given)
        read = timeout.read if isinstance(timeout, httpx.Timeout) else given  # 600, not 600.0
        if read is not None:
            headers[READ_TIMEOUT_HEADER] = str(read)
        if options.extra_headers:
            headers = merge_headers(headers, options.extra_headers)
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
        params: dict[str, Any] = {**self._default_query, **(kwargs.get("params") or {})}
        if options.extra_query:
            params.update(options.extra_query)
        return self._http.build_request(
            kwargs["method"].upper(),
            self._prepare_url(kwargs["url"]),
            params=params or None,
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
        token = STRICT_RESPONSES.set(self._options.strict_response_validation)
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
            if self._options.credential.provider is not None:
                granted = yield Authorize()
                assert isinstance(granted, dict)
                auth = granted
            try:
                request = self._build_request(call, attempt, auth)
            except HTTPX_ERRORS as exc:
                # A URL httpx cannot parse (a bad base_url): nothing can be sent.
                raise APIConnectionError(
                    message=f"Connection error: the request URL is invalid "
                    f"(base_url {str(self.base_url)!r}): {exc}",
                    request=httpx.Request(call_method(call), ""),
                ) from exc
            mask_credentials(request)
            observed = plugins.wants_requests
            url = ""
            body_size = 0
            if observed or plugins.wants_prepare:
                url = str(request.url)
                body_size = int(request.headers.get("content-length") or 0)
            info = RequestInfo(
                operation=call.operation,
                method=request.method,
                url=url,
                attempt=attempt,
                upload_id=call.upload_id,
                part_number=call.part_number,
                body_size=body_size,
            )
            if observed:
                plugins.request_started(RequestStarted(**_fields(info)))
            started = time.monotonic()
            try:
                if plugins.wants_prepare:
                    plugins.prepare_request(
                        OutgoingRequest(**_fields(info), headers=OutgoingHeaders(request.headers))
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
                    self._request_finished(info, started, exc)
                raise
            response = outcome if isinstance(outcome, httpx.Response) else None
            error = outcome if isinstance(outcome, Exception) else None
            if observed:
                self._request_finished(info, started, error, response)
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
            if options.on_retry is not None:
                options.on_retry()
            yield Sleep(decision.delay)
            attempt += 1

    def _request_finished(
        self,
        info: RequestInfo,
        started: float,
        error: BaseException | None,
        response: httpx.Response | None = None,
    ) -> None:
        self._plugins.request_finished(
            RequestFinished(
                **_fields(info),
                elapsed=time.monotonic() - started,
                status_code=None if response is None else response.status_code,
                request_id=None if response is None else response.headers.get("x-request-id"),
                error=error_for_hooks(error),
            )
        )


class LowLevelOptions(TypedDict, total=False):
    """``options=`` of ``client.get/post/delete`` (openai-python's names)."""

    headers: Mapping[str, str]
    params: Mapping[str, object]
    """Query parameters (added to ``default_query``)."""
    timeout: TimeoutTypes
    max_retries: int
    extra_json: Mapping[str, object]
    """Fields added to the JSON body."""


def cast_parser(cast_to: Any) -> Callable[[httpx.Response], Any]:
    """How ``client.get/post/delete`` turn a 2xx response into ``cast_to``: a response model
    (this SDK's, or a pydantic model's ``model_validate``), the ``httpx.Response`` itself,
    the decoded JSON (``object``, ``dict``, ``list``), ``str``, ``bytes`` or ``None``."""
    if cast_to is httpx.Response:
        return _itself
    if cast_to in (object, dict, list, Any):
        return _json
    if cast_to is str:
        return _text
    if cast_to is bytes:
        return parse_bytes
    if cast_to is None or cast_to is type(None):
        return _nothing
    if hasattr(cast_to, "from_dict"):
        return parse_json_model(cast_to)
    validate = getattr(cast_to, "model_validate", None)
    if callable(validate):
        return lambda response: validate(response.json())
    raise TypeError(
        "cast_to must be a response model, httpx.Response, object, dict, list, str, bytes "
        f"or None, got {cast_to!r}"
    )


def _itself(response: httpx.Response) -> httpx.Response:
    return response


def _json(response: httpx.Response) -> Any:
    return response.json()


def _text(response: httpx.Response) -> str:
    return response.text


def _nothing(response: httpx.Response) -> None:
    return None


_REQUEST_FIELDS = tuple(field.name for field in dataclasses.fields(RequestInfo))


def _fields(info: RequestInfo) -> dict[str, Any]:
    """What every request event says (:class:`RequestInfo`), to make one of a kind."""
    return {name: getattr(info, name) for name in _REQUEST_FIELDS}
