# Generated from openai_uploads/_async/uploads.py by `python scripts/unasync.py`: do not edit.
"""``client.uploads``: create, complete and cancel Uploads (``.parts`` adds the chunks)."""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import TYPE_CHECKING, Unpack

import httpx

from openai_uploads_client.sdk import CancelUploadParams, CompleteUploadParams, CreateUploadParams

from .._params import spec_method
from .._transfer import ChunkedUploadMixin
from .._types import NOT_GIVEN, ExpiresAfter, FilePurpose, NotGiven, Omit, Upload, omit
from ..resources._resource import SyncAPIResource, request_options
from ..resources._uploads_core import cancel_upload_call, complete_upload_call, create_upload_call
from ..resources.parts import Parts

if TYPE_CHECKING:
    from .._client import OpenAI

__all__ = ["Uploads"]


class Uploads(SyncAPIResource, ChunkedUploadMixin):
    """Uploads: ``client.uploads``. Create one, add ``parts``, then complete or cancel it."""

    parts: Parts
    """Add Parts to an Upload."""

    def __init__(self, client: OpenAI) -> None:
        super().__init__(client)
        self.parts = Parts(client)

    @spec_method("createUpload")
    def create(
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
        """Create an Upload of ``bytes`` bytes that accepts Parts for one hour.

        ``expires_after`` sets when the resulting File expires:
        ``{"anchor": "created_at", "seconds": N}`` or ``{"anchor": "created_at", "days": N}``.

        Example::

            upload = client.uploads.create(
                bytes=os.path.getsize(path),
                filename="training.jsonl",
                mime_type="application/jsonl",
                purpose="fine-tune",
            )
        """
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
        return self._client._execute(call)

    @spec_method("completeUpload")
    def complete(
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
        """Complete the Upload: its Parts, in ``part_ids`` order, become a File.

        Example::

            completed = client.uploads.complete(upload.id, part_ids=[p.id for p in parts])
            print(completed.file.id)
        """
        options = request_options(extra_headers, extra_query, extra_body, timeout)
        call = complete_upload_call(
            upload_id, part_ids=part_ids, md5=md5, params=params, options=options
        )
        return self._client._execute(call)

    @spec_method("cancelUpload")
    def cancel(
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
        return self._client._execute(cancel_upload_call(upload_id, params=params, options=options))
