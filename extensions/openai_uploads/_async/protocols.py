"""What the engine needs of a client: the calls it makes, and nothing else.

``OpenAI`` and ``AsyncOpenAI`` satisfy these protocols structurally (mypy checks it where
the resources hand their client to a driver), so the drivers are typed end to end and a
test double only has to provide these few members.
"""

# unasync: async-only
# ``cancel`` takes ``timeout``, the per-request httpx timeout, as the clients' methods do.
# ruff: noqa: ASYNC109
# unasync: end

from __future__ import annotations

import builtins
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Protocol, Unpack

import httpx

from openai_uploads_client.sdk import CreateUploadParams

from .._base_client import PartBody
from .._types import ExpiresAfter, FilePurpose, NotGiven, Omit, Upload, UploadPart

if TYPE_CHECKING:
    from .._plugins import PluginHost


class AsyncPartsAPI(Protocol):
    async def _create_part(
        self,
        upload_id: str,
        *,
        body: bytes | bytearray | memoryview | PartBody,
        filename: str = ...,
        on_progress: Callable[[int], None] | None = ...,
        on_attempt: Callable[[], None] | None = ...,
        expiry_deadline: float | None = ...,
        max_retries: int | None = ...,
        extra_headers: Mapping[str, str] | None = ...,
        extra_query: Mapping[str, object] | None = ...,
        extra_body: Mapping[str, object] | None = ...,
        timeout: float | httpx.Timeout | NotGiven | None = ...,
        part_number: int | None = ...,
    ) -> UploadPart: ...


class AsyncUploadsAPI(Protocol):
    @property
    def parts(self) -> AsyncPartsAPI: ...

    async def create(
        self,
        *,
        bytes: int,
        filename: str,
        mime_type: str,
        purpose: FilePurpose,
        expires_after: ExpiresAfter | Omit = ...,
        extra_headers: Mapping[str, str] | None = ...,
        extra_query: Mapping[str, object] | None = ...,
        extra_body: Mapping[str, object] | None = ...,
        timeout: float | httpx.Timeout | NotGiven | None = ...,
        **params: Unpack[CreateUploadParams],
    ) -> Upload: ...

    async def complete(
        self,
        upload_id: str,
        *,
        part_ids: builtins.list[str],
        md5: str | Omit = ...,
        extra_headers: Mapping[str, str] | None = ...,
        extra_query: Mapping[str, object] | None = ...,
        extra_body: Mapping[str, object] | None = ...,
        timeout: float | httpx.Timeout | NotGiven | None = ...,
    ) -> Upload: ...

    async def cancel(
        self,
        upload_id: str,
        *,
        extra_headers: Mapping[str, str] | None = ...,
        extra_query: Mapping[str, object] | None = ...,
        extra_body: Mapping[str, object] | None = ...,
        timeout: float | httpx.Timeout | NotGiven | None = ...,
    ) -> Upload: ...


class AsyncTransferClient(Protocol):
    """The client :func:`._async.upload_async` drives (``AsyncOpenAI``)."""

    @property
    def max_retries(self) -> int: ...

    @property
    def plugins(self) -> PluginHost: ...

    @property
    def uploads(self) -> AsyncUploadsAPI: ...
