"""``OpenAI`` and ``AsyncOpenAI``: configuration, the connection pool, and the I/O drivers.

The request logic lives in :mod:`._base_client`; the two classes here only carry out its
``Send`` / ``Sleep`` actions, one with blocking calls and one with ``await``.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from types import TracebackType
from typing import Self, TypeVar, cast

import anyio
import httpx

from ._base_client import (
    DEFAULT_LIMITS,
    DEFAULT_MAX_RETRIES,
    APICall,
    BaseClient,
    Outcome,
    Sleep,
    TimeoutTypes,
)
from ._plugins import PluginHost
from ._types import NOT_GIVEN, NotGiven
from .resources import AsyncFiles, AsyncUploads, Files, Uploads

__all__ = ["AsyncOpenAI", "OpenAI"]

T = TypeVar("T")


class OpenAI(BaseClient):
    """A client of the Uploads API, safe to share between threads.

    Reads ``OPENAI_API_KEY``, ``OPENAI_BASE_URL``, ``OPENAI_ORG_ID`` and
    ``OPENAI_PROJECT_ID`` for the options not given. Retries connection errors,
    timeouts, 408, 409, 429 and 5xx up to ``max_retries`` times (the decision is the
    ``decide_retry`` plugin hook's). Close it (or use ``with``) to release connections;
    a caller's own ``http_client`` is left open.

    Example::

        from openai_uploads import OpenAI

        with OpenAI() as client:
            upload = client.uploads.upload_file_chunked(
                file="data.jsonl", mime_type="application/jsonl", purpose="batch"
            )
    """

    uploads: Uploads
    files: Files
    _http: httpx.Client

    def __init__(
        self,
        *,
        api_key: str | None = None,
        organization: str | None = None,
        project: str | None = None,
        base_url: str | httpx.URL | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx.Client | None = None,
        plugins: Iterable[object] = (),
        load_plugins: bool | None = None,
    ) -> None:
        if http_client is not None and not isinstance(http_client, httpx.Client):
            raise TypeError(f"http_client must be an httpx.Client, got {type(http_client)!r}")
        self._configure(
            api_key=api_key,
            organization=organization,
            project=project,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            http_timeout=None if http_client is None else http_client.timeout,
        )
        self._owns_http = http_client is None
        self._http = http_client or httpx.Client(
            timeout=self.timeout, limits=DEFAULT_LIMITS, follow_redirects=True
        )
        self._plugins = PluginHost(plugins, load_entrypoints=load_plugins)
        self._init_resources()

    def _init_resources(self) -> None:
        self.uploads = Uploads(self)
        self.files = Files(self)

    def _execute(self, call: APICall[T]) -> T:
        flow = self._flow(call)
        outcome: Outcome = None
        while True:
            try:
                action = flow.send(outcome)
            except StopIteration as stop:
                return cast(T, stop.value)
            if isinstance(action, Sleep):
                time.sleep(action.seconds)
                outcome = None
                continue
            try:
                outcome = self._http.send(action.request, stream=action.stream)
                if action.stream and not outcome.is_success:
                    outcome.read()
            except httpx.TransportError as exc:
                outcome = exc

    @property
    def is_closed(self) -> bool:
        return self._http.is_closed

    def close(self) -> None:
        """Close the connection pool (unless it is a caller's own ``http_client``)."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncOpenAI(BaseClient):
    """The asyncio client; the same options and behaviour as :class:`OpenAI`.

    Safe to share between tasks of one event loop.

    Example::

        async with AsyncOpenAI() as client:
            upload = await client.uploads.upload_file_chunked(
                file="data.jsonl", mime_type="application/jsonl", purpose="fine-tune"
            )
    """

    uploads: AsyncUploads
    files: AsyncFiles
    _http: httpx.AsyncClient

    def __init__(
        self,
        *,
        api_key: str | None = None,
        organization: str | None = None,
        project: str | None = None,
        base_url: str | httpx.URL | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx.AsyncClient | None = None,
        plugins: Iterable[object] = (),
        load_plugins: bool | None = None,
    ) -> None:
        if http_client is not None and not isinstance(http_client, httpx.AsyncClient):
            raise TypeError(f"http_client must be an httpx.AsyncClient, got {type(http_client)!r}")
        self._configure(
            api_key=api_key,
            organization=organization,
            project=project,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            http_timeout=None if http_client is None else http_client.timeout,
        )
        self._owns_http = http_client is None
        self._http = http_client or httpx.AsyncClient(
            timeout=self.timeout, limits=DEFAULT_LIMITS, follow_redirects=True
        )
        self._plugins = PluginHost(plugins, load_entrypoints=load_plugins)
        self._init_resources()

    def _init_resources(self) -> None:
        self.uploads = AsyncUploads(self)
        self.files = AsyncFiles(self)

    async def _execute(self, call: APICall[T]) -> T:
        flow = self._flow(call)
        outcome: Outcome = None
        while True:
            try:
                action = flow.send(outcome)
            except StopIteration as stop:
                return cast(T, stop.value)
            if isinstance(action, Sleep):
                await anyio.sleep(action.seconds)
                outcome = None
                continue
            try:
                outcome = await self._http.send(action.request, stream=action.stream)
                if action.stream and not outcome.is_success:
                    await outcome.aread()
            except httpx.TransportError as exc:
                outcome = exc

    @property
    def is_closed(self) -> bool:
        return self._http.is_closed

    async def close(self) -> None:
        """Close the connection pool (unless it is a caller's own ``http_client``)."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
