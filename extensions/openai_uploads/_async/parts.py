"""``client.uploads.parts``: add a Part (a chunk of at most 64 MiB) to an Upload."""

# unasync: async-only
# Each method takes ``timeout``, the per-request httpx timeout, as openai-python's do.
# ruff: noqa: ASYNC109
# unasync: end

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import Unpack

import httpx

from openai_uploads_client.sdk import AddUploadPartParams

from .._params import spec_method
from .._parts_core import add_part_call, coerce_part_data
from .._resource import AsyncAPIResource, request_options
from .._types import NOT_GIVEN, FileTypes, NotGiven, UploadPart
from .response import amake_request, ato_raw_response, ato_streamed_response

__all__ = ["AsyncParts", "AsyncPartsWithRawResponse", "AsyncPartsWithStreamingResponse"]


class AsyncParts(AsyncAPIResource):
    """Parts of an Upload: ``client.uploads.parts`` of :class:`AsyncOpenAI`."""

    @cached_property
    def with_raw_response(self) -> AsyncPartsWithRawResponse:
        """The same methods, answering with the response (headers, status, body) and its
        ``parse()`` instead of the parsed result."""
        return AsyncPartsWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> AsyncPartsWithStreamingResponse:
        """The same methods, as context managers of the response with its body unread."""
        return AsyncPartsWithStreamingResponse(self)

    @spec_method("addUploadPart")
    async def create(
        self,
        upload_id: str,
        *,
        data: FileTypes,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        **params: Unpack[AddUploadPartParams],
    ) -> UploadPart:
        """Add a Part (at most 64 MiB) to an Upload; parts may be added in parallel.

        ``data`` is bytes, a binary file object, a path, or a ``(filename, content[,
        mime_type])`` tuple. Pass the returned ``part.id`` to ``uploads.complete``.
        With the async client, a path or file object is read synchronously (at most
        64 MiB).

        Example::

            part = await client.uploads.parts.create(upload_id=upload.id, data=chunk)
        """
        filename, body, mime_type = coerce_part_data(data)
        options = request_options(extra_headers, extra_query, extra_body, timeout)
        call = add_part_call(
            upload_id,
            body=body,
            filename=filename,
            mime_type=mime_type,
            on_progress=None,
            options=options,
            params=params,
        )
        return await amake_request(self._client, call)


class AsyncPartsWithRawResponse:
    """``client.uploads.parts.with_raw_response``."""

    def __init__(self, parts: AsyncParts) -> None:
        self.create = ato_raw_response(parts.create)


class AsyncPartsWithStreamingResponse:
    """``client.uploads.parts.with_streaming_response``."""

    def __init__(self, parts: AsyncParts) -> None:
        self.create = ato_streamed_response(parts.create)
