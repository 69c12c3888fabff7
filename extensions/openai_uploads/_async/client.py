"""The client class: configuration, the connection pool, and the I/O driver.

The request logic lives in :mod:`openai_uploads._base_client`; the client only carries out
its ``Send`` / ``Sleep`` actions.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from typing import Any, Self, TypeVar, Unpack, cast

import httpx

from .._base_client import BaseClient, LowLevelOptions, RawContent
from .._calls import APICall, Authorize, Outcome, Read, Send, Sleep, TimeoutTypes
from .._concurrency import aloop_header, aresolve, asleep
from .._config import DEFAULT_MAX_RETRIES, ClientChanges, constructor_args
from .._credentials import AsyncApiKey, mask_credentials
from .._deadline import DeadlineExceeded, DeadlineStream, adeadline, total_timeout
from .._plugins import PluginHost
from .._pool import AsyncHTTPPool
from .._response import (
    HTTPX_ERRORS,
    MAX_REDIRECT_BODY,
    aiter_body,
    aread_once,
    body_limit,
    redirect_refusal,
)
from .._types import NOT_GIVEN, NotGiven
from .files import AsyncFiles
from .uploads import AsyncUploads

__all__ = ["AsyncOpenAI"]

T = TypeVar("T")

SEND_ERRORS: tuple[type[Exception], ...] = (*HTTPX_ERRORS, RuntimeError)
"""What sending may raise besides cancellation: httpx's errors, and RuntimeError from a
closed client or a connection of a closed event loop. (Reading a body may raise what the
pool's ``body_errors`` says.)"""


def checked_http_client(http_client: object) -> httpx.AsyncClient | None:
    """A caller's own ``http_client``, which must be an ``httpx.AsyncClient``."""
    if http_client is None or isinstance(http_client, httpx.AsyncClient):
        return http_client
    problem = (
        "Invalid `http_client` argument; Expected an instance of `httpx.AsyncClient` "
        f"but got {type(http_client)}"
    )
    if type(http_client).__module__.partition(".")[0] == "httpx2":
        problem += (
            ": this SDK sends with httpx, not httpx2; pass an httpx.AsyncClient "
            "(or openai_uploads.DefaultAsyncHttpxClient)"
        )
    raise TypeError(problem)


class AsyncOpenAI(BaseClient):
    """A client of the Uploads API, safe to share between threads (or, with the async
    client, between tasks).

    Reads ``OPENAI_API_KEY``, ``OPENAI_BASE_URL``, ``OPENAI_ORG_ID`` and
    ``OPENAI_PROJECT_ID`` for the options not given. Retries connection errors,
    timeouts, 408, 409, 429 and 5xx up to ``max_retries`` times (the decision is the
    ``decide_retry`` plugin hook's). Close it (or use ``with``) to release connections;
    a caller's own ``http_client`` is left open. ``default_query`` is sent with every
    request (a call's ``extra_query`` adds to it); ``copy`` (or ``with_options``) makes a
    client with some options changed.

    ``api_key`` may be a callable returning the key (or a bearer token, e.g. an Entra ID
    token provider for Azure's v1 endpoint): it is called before every attempt.

    With the async client, a callable ``api_key`` may be a coroutine function, and one
    client may be used from one event loop after another (across several
    ``asyncio.run`` calls): its own connection pool is replaced when the loop changes,
    since connections cannot outlive their loop. Keep a caller's own ``http_client``
    within one loop.

    Example::

        from openai_uploads import AsyncOpenAI

        async with AsyncOpenAI() as client:
            upload = await client.uploads.upload_file_chunked(
                file="data.jsonl", mime_type="application/jsonl", purpose="batch"
            )
    """

    uploads: AsyncUploads
    files: AsyncFiles
    _pool: AsyncHTTPPool

    def __init__(
        self,
        *,
        api_key: AsyncApiKey | None = None,
        organization: str | None = None,
        project: str | None = None,
        base_url: str | httpx.URL | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, object] | None = None,
        http_client: httpx.AsyncClient | None = None,
        plugins: Iterable[object] = (),
        load_plugins: bool | None = None,
        strict_response_validation: bool = False,
    ) -> None:
        self._configure(constructor_args(locals()), None)

    def _loop_header(self) -> str:
        return aloop_header()

    def copy(self, **changes: Unpack[ClientChanges[httpx.AsyncClient, AsyncApiKey]]) -> Self:
        """A client with some options changed; the rest are this one's. It shares this
        client's connection pool and plugins unless given an ``http_client``, ``plugins``
        or ``load_plugins`` of its own.

        Takes every constructor argument; ``default_headers`` and ``default_query`` are
        added to the current ones, ``set_default_headers`` and ``set_default_query``
        replace them. ``with_options`` is the same method.

        Example::

            await client.with_options(max_retries=5, timeout=30).uploads.cancel(upload_id)
        """
        return self._configure(dict(changes), self)

    with_options = copy

    def _configure(self, args: Mapping[str, Any], original: Self | None) -> Self:
        """Set this client up from its constructor's ``args``, or (``original`` given) make
        a copy of ``original`` with ``args`` changed."""
        client = self if original is None else type(self).__new__(type(self))
        http_client = checked_http_client(args.get("http_client"))
        client._options = self._options_from(
            args,
            None if original is None else original._options,
            None if http_client is None else http_client.timeout,
        )
        if original is not None and http_client is None:
            client._pool = original._pool
            client._borrows_pool = True
        else:
            client._pool = AsyncHTTPPool(http_client, client._options.timeout)
        if original is not None and not {"plugins", "load_plugins"} & args.keys():
            client._plugins = original._plugins
        else:
            client._plugins = PluginHost(
                args.get("plugins", ()), load_entrypoints=args.get("load_plugins")
            )
        client._init_resources()
        return client

    async def get(
        self, path: str, *, cast_to: type[T], options: LowLevelOptions | None = None
    ) -> T:
        """``GET`` a route the resources do not cover, through the same retries, hooks and
        errors as every method; ``cast_to`` says what to return (a response model,
        ``httpx.Response``, ``object`` for the decoded JSON, ...).

        Example::

            page = await client.get("/files", cast_to=object, options={"params": {"limit": 5}})
        """
        return await self._execute(self._route_call("get", path, cast_to, None, options))

    async def post(
        self,
        path: str,
        *,
        cast_to: type[T],
        body: Mapping[str, object] | bytes | None = None,
        content: RawContent | None = None,
        options: LowLevelOptions | None = None,
    ) -> T:
        """``POST`` a JSON ``body``, or raw ``content`` (bytes, or an iterable of them,
        sent as it is read), to a route the resources do not cover (see :meth:`get`).
        Bytes as ``body`` are sent as ``content`` with a ``DeprecationWarning``, as in
        openai-python; both at once is a ``TypeError``."""
        call = self._route_call("post", path, cast_to, body, options, content)
        return await self._execute(call)

    async def delete(
        self, path: str, *, cast_to: type[T], options: LowLevelOptions | None = None
    ) -> T:
        """``DELETE`` a route the resources do not cover (see :meth:`get`)."""
        return await self._execute(self._route_call("delete", path, cast_to, None, options))

    def _init_resources(self) -> None:
        self.uploads = AsyncUploads(self)
        self.files = AsyncFiles(self)

    async def _attempt_auth_headers(self) -> dict[str, str]:
        """The auth headers of one attempt (see :class:`~._base_client.Authorize`)."""
        credential = self._options.credential
        if credential.provider is None:
            return credential.headers()
        return credential.attempt_headers(await aresolve(credential.provider()))

    async def _execute(self, call: APICall[T]) -> T:
        flow = self._flow(call)
        outcome: Outcome = None
        while True:
            try:
                action = flow.send(outcome)
            except StopIteration as stop:
                return cast(T, stop.value)
            if isinstance(action, Sleep):
                await asleep(action.seconds)
                outcome = None
                continue
            if isinstance(action, Authorize):
                outcome = await self._attempt_auth_headers()
                continue
            try:
                outcome = await (
                    self._read(action) if isinstance(action, Read) else self._send(action)
                )
            except BaseException as exc:
                # Anything else stops the call (cancellation included): the flow reports
                # the attempt's end and re-raises.
                flow.throw(exc)
                raise

    async def _send(self, action: Send) -> Outcome:
        """One attempt; the whole of it (connect to last byte) within its total deadline
        (:func:`~openai_uploads._deadline.total_timeout`)."""
        request = action.request
        http = self._pool.get()
        await self._pool.close_at_loop_end()
        limit = total_timeout(request)
        started = time.monotonic()
        try:
            with adeadline(None if limit is None else started + limit):
                try:
                    response = await self._send_following_redirects(http, request)
                except SEND_ERRORS as exc:
                    return exc
                if isinstance(response, Exception):
                    return response
                if limit is not None:
                    # From the start of the attempt: connecting and sending count too; a
                    # streamed body is read after this scope, and gets the rest.
                    response.stream = DeadlineStream(response.stream, started + limit, request)
                if action.stream and response.is_success:
                    return response
                try:
                    # Not response.read(): that joins a list of chunks, holding the body twice.
                    response._content = await aread_once(aiter_body(response, body_limit(response)))
                except BaseException as exc:
                    await response.aclose()
                    if isinstance(exc, self._pool.body_errors):
                        return exc
                    raise
                return response
        except TimeoutError:
            return DeadlineExceeded("the call took longer than its timeout", request=request)

    async def _read(self, action: Read) -> Outcome:
        """Read a streamed 2xx body within its attempt, up to its limit; always closes it.

        A limit that is a call (the File's size) is made first, with its own attempts.
        """
        response = action.response
        try:
            limit = action.limit
            if isinstance(limit, APICall):
                limit = await self._execute(limit)
            try:
                with adeadline(action.deadline):
                    response._content = await aread_once(aiter_body(response, limit))
            except TimeoutError:
                return DeadlineExceeded(
                    "the call took longer than its timeout", request=response.request
                )
            except self._pool.body_errors as exc:
                return exc
            return response
        finally:
            await response.aclose()

    async def _send_following_redirects(
        self, http: httpx.AsyncClient, request: httpx.Request
    ) -> httpx.Response | Exception:
        """``http.send``, following redirects as ``http`` would, but never one that turns
        a request with a body into a GET without it (:func:`redirect_refusal`)."""
        response = await http.send(request, stream=True, follow_redirects=False)
        history: list[httpx.Response] = []
        while response.next_request is not None and http.follow_redirects:
            refusal = redirect_refusal(request, response, len(history), http.max_redirects)
            if refusal is not None:
                await response.aclose()
                return refusal
            await _drain(response)
            history.append(response)
            response = await http.send(
                mask_credentials(response.next_request), stream=True, follow_redirects=False
            )
        response.history = history
        return response

    def is_closed(self) -> bool:
        """Whether :meth:`close` closed the connection pool (a method, as in openai-python)."""
        return self._pool.is_closed

    async def close(self) -> None:
        """Close the connection pool (unless it is a caller's own ``http_client``, or this
        client is a copy made by ``with_options``)."""
        if not self._borrows_pool:
            await self._pool.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()


async def _drain(response: httpx.Response) -> None:
    """Read a redirect's body (at most :data:`MAX_REDIRECT_BODY` bytes) and close it: read
    to its end, its connection goes back to the pool; a longer or broken body only costs
    the connection (the redirect is followed all the same)."""
    try:
        async for _ in aiter_body(response, MAX_REDIRECT_BODY, MAX_REDIRECT_BODY):
            pass
    except HTTPX_ERRORS:
        pass
    finally:
        await response.aclose()
