"""``client.uploads``: create, complete and cancel Uploads (``.parts`` adds the chunks)."""

# unasync: async-only
# Each method takes ``timeout``, the per-request httpx timeout, as openai-python's do.
# ruff: noqa: ASYNC109
# unasync: end

from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import TYPE_CHECKING, Unpack

import httpx

from openai_uploads_client.sdk import CancelUploadParams, CompleteUploadParams, CreateUploadParams

from .._params import spec_method
from .._transfer import AsyncChunkedUploadMixin
from .._types import NOT_GIVEN, ExpiresAfter, FilePurpose, NotGiven, Omit, Upload, omit
from ..resources._resource import AsyncAPIResource, request_options
from ..resources._uploads_core import cancel_upload_call, complete_upload_call, create_upload_call
from ..resources.parts import AsyncParts

if TYPE_CHECKING:
    from .._client import AsyncOpenAI

__all__ = ["AsyncUploads"]


class AsyncUploads(AsyncAPIResource, AsyncChunkedUploadMixin):
    # unasync: async-only
    """Uploads: ``client.uploads`` of :class:`AsyncOpenAI`; see :class:`Uploads`."""

    # unasync: sync-only
    # """Uploads: ``client.uploads``. Create one, add ``parts``, then complete or cancel it."""
    # unasync: end

    parts: AsyncParts
    """Add Parts to an Upload."""

    def __init__(self, client: AsyncOpenAI) -> None:
        super().__init__(client)
        self.parts = AsyncParts(client)

    @spec_method("createUpload")
    async def create(
        self,
        *,
        bytes: int,
        filename: str,
        mime_type: str,
        purpose: FilePurpose,
        expires_after: ExpiresAfter | Omit = omit,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        **params: Unpack[CreateUploadParams],
    ) -> Upload:
        # unasync: async-only
        """Create an Upload of ``bytes`` bytes that accepts Parts for one hour."""
        # unasync: sync-only
        # """Create an Upload of ``bytes`` bytes that accepts Parts for one hour.
        #
        # ``expires_after`` sets when the resulting File expires:
        # ``{"anchor": "created_at", "seconds": N}`` or ``{"anchor": "created_at", "days": N}``.
        #
        # Example::
        #
        #     upload = client.uploads.create(
        #         bytes=os.path.getsize(path),
        #         filename="training.jsonl",
        #         mime_type="application/jsonl",
        #         purpose="fine-tune",
        #     )
        # """
        # unasync: end
        options = request_options(extra_headers, extra_query, extra_body, timeout)
        call = create_upload_call(
            size=bytes,
            filename=filename,
            mime_type=mime_type,
            purpose=purpose,
            expires_after=expires_after,
            params=params,
            options=options,
        )
        return await self._client._execute(call)

    @spec_method("completeUpload")
    async def complete(
        self,
        upload_id: str,
        *,
        part_ids: builtins.list[str],
        md5: str | Omit = omit,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        **params: Unpack[CompleteUploadParams],
    ) -> Upload:
        # unasync: async-only
        """Complete the Upload: its Parts, in ``part_ids`` order, become a File."""
        # unasync: sync-only
        # """Complete the Upload: its Parts, in ``part_ids`` order, become a File.
        #
        # Example::
        #
        #     completed = client.uploads.complete(upload.id, part_ids=[p.id for p in parts])
        #     print(completed.file.id)
        # """
        # unasync: end
        options = request_options(extra_headers, extra_query, extra_body, timeout)
        call = complete_upload_call(
            upload_id, part_ids=part_ids, md5=md5, params=params, options=options
        )
        return await self._client._execute(call)

    @spec_method("cancelUpload")
    async def cancel(
        self,
        upload_id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        **params: Unpack[CancelUploadParams],
    ) -> Upload:
        """Cancel the Upload; its Parts are discarded and no more can be added."""
        options = request_options(extra_headers, extra_query, extra_body, timeout)
        return await self._client._execute(
            cancel_upload_call(upload_id, params=params, options=options)
        )
