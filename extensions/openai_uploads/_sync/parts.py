# Generated from openai_uploads/_async/parts.py by `python scripts/unasync.py`: do not edit.
"""``client.uploads.parts``: add a Part (a chunk of at most 64 MiB) to an Upload."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Unpack

import httpx

from openai_uploads_client.sdk import AddUploadPartParams

from .._base_client import PartBody
from .._params import spec_method
from .._types import NOT_GIVEN, FileTypes, NotGiven, UploadPart
from ..resources._parts_core import (
    DEFAULT_PART_FILENAME,
    add_part_call,
    coerce_part_data,
    engine_part_call,
)
from ..resources._resource import SyncAPIResource, request_options

__all__ = ["Parts"]


class Parts(SyncAPIResource):
    """Parts of an Upload: ``client.uploads.parts``."""

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

    def _create_part(
        self,
        upload_id: str,
        *,
        body: bytes | bytearray | memoryview | PartBody,
        filename: str = DEFAULT_PART_FILENAME,
        on_progress: Callable[[int], None] | None = None,
        on_attempt: Callable[[], None] | None = None,
        expiry_deadline: float | None = None,
        max_retries: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        part_number: int | None = None,
    ) -> UploadPart:
        """The transfer engine's entry point: send ``body`` without copying it.

        ``body`` is the part in memory, or a :class:`PartBody` read slice by slice as it
        is sent (again for a retry), so a streamed part never sits in memory whole.

        ``on_progress(n)``: bytes of this part handed to the socket so far in the current
        attempt (restarts from 0 on a retry). ``on_attempt()``: called as each attempt
        starts, the first included. ``expiry_deadline`` (``time.monotonic()`` when the
        Upload expires) bounds the retries (``RetryContext.time_left``);
        ``max_retries`` overrides the client's; the request options are the
        caller's, as for any method. ``part_number`` goes into the request hooks' events.
        """
        call = engine_part_call(
            upload_id,
            body,
            filename,
            on_progress,
            on_attempt,
            expiry_deadline,
            max_retries,
            request_options(extra_headers, extra_query, extra_body, timeout),
            part_number,
        )
        return self._client._execute(call)
