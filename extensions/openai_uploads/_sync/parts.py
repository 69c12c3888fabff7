# Generated from openai_uploads/_async/parts.py by `python scripts/unasync.py`: do not edit.
"""``client.uploads.parts``: add a Part (a chunk of at most 64 MiB) to an Upload."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import Unpack

import httpx

from openai_uploads_client.sdk import AddUploadPartParams

from .._params import spec_method
from .._parts_core import add_part_call, coerce_part_data
from .._resource import SyncAPIResource, request_options
from .._types import NOT_GIVEN, FileTypes, NotGiven, UploadPart
from .response import make_request, to_raw_response, to_streamed_response

__all__ = ["Parts", "AsyncPartsWithRawResponse", "AsyncPartsWithStreamingResponse"]


class Parts(SyncAPIResource):
    """Parts of an Upload: ``client.uploads.parts`` of :class:`OpenAI`."""

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
    def create(
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

            part = client.uploads.parts.create(upload_id=upload.id, data=chunk)
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
        return make_request(self._client, call)


class AsyncPartsWithRawResponse:
    """``client.uploads.parts.with_raw_response``."""

    def __init__(self, parts: Parts) -> None:
        self.create = to_raw_response(parts.create)


class AsyncPartsWithStreamingResponse:
    """``client.uploads.parts.with_streaming_response``."""

    def __init__(self, parts: Parts) -> None:
        self.create = to_streamed_response(parts.create)
