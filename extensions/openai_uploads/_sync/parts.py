# Generated from openai_uploads/_async/parts.py by `python scripts/unasync.py`: do not edit.
"""``client.uploads.parts``: add a Part (a chunk of at most 64 MiB) to an Upload."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Unpack

import httpx

from openai_uploads_client.sdk import AddUploadPartParams

from .._params import spec_method
from .._parts_core import add_part_call, coerce_part_data
from .._resource import SyncAPIResource, request_options
from .._types import NOT_GIVEN, FileTypes, NotGiven, UploadPart

__all__ = ["Parts"]


class Parts(SyncAPIResource):
    """Parts of an Upload: ``client.uploads.parts`` of :class:`OpenAI`."""

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
        return self._client._execute(call)
