"""``client.files``: retrieve, download and delete the Files that Uploads produce."""

# The seed's async signatures take ``timeout`` (the per-request httpx timeout).
# ruff: noqa: ASYNC109

from __future__ import annotations

from collections.abc import Mapping

import httpx

from openai_uploads_client.api.files import delete_file, download_file, retrieve_file

from .._base_client import APICall, RequestOptions, parse_bytes, parse_json_model
from .._types import NOT_GIVEN, FileDeleted, FileObject, NotGiven
from ._resource import AsyncAPIResource, SyncAPIResource, require_id

__all__ = ["AsyncFiles", "Files"]


def retrieve_file_call(file_id: str, options: RequestOptions) -> APICall[FileObject]:
    file_id = require_id("file_id", file_id)
    return APICall(
        operation="retrieve_file",
        make_kwargs=lambda: retrieve_file._get_kwargs(file_id),
        parse=parse_json_model(FileObject),
        options=options,
    )


def download_file_call(file_id: str, options: RequestOptions) -> APICall[bytes]:
    file_id = require_id("file_id", file_id)
    return APICall(
        operation="download_file",
        make_kwargs=lambda: download_file._get_kwargs(file_id),
        parse=parse_bytes,
        options=options,
    )


def delete_file_call(file_id: str, options: RequestOptions) -> APICall[FileDeleted]:
    file_id = require_id("file_id", file_id)
    return APICall(
        operation="delete_file",
        make_kwargs=lambda: delete_file._get_kwargs(file_id),
        parse=parse_json_model(FileDeleted),
        options=options,
    )


class Files(SyncAPIResource):
    """The Files an Upload produced: ``client.files``."""

    def retrieve(
        self,
        file_id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
    ) -> FileObject:
        """Return the File object with this id."""
        options = RequestOptions(
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
        )
        return self._client._execute(retrieve_file_call(file_id, options))

    def content(
        self,
        file_id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
    ) -> bytes:
        """Download the File's bytes.

        Example::

            data = client.files.content(upload.file.id)
        """
        options = RequestOptions(
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
        )
        return self._client._execute(download_file_call(file_id, options))

    def delete(
        self,
        file_id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
    ) -> FileDeleted:
        """Delete the File."""
        options = RequestOptions(
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
        )
        return self._client._execute(delete_file_call(file_id, options))


class AsyncFiles(AsyncAPIResource):
    """The Files an Upload produced: ``client.files`` of :class:`AsyncOpenAI`."""

    async def retrieve(
        self,
        file_id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
    ) -> FileObject:
        """Return the File object with this id."""
        options = RequestOptions(
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
        )
        return await self._client._execute(retrieve_file_call(file_id, options))

    async def content(
        self,
        file_id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
    ) -> bytes:
        """Download the File's bytes."""
        options = RequestOptions(
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
        )
        return await self._client._execute(download_file_call(file_id, options))

    async def delete(
        self,
        file_id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
    ) -> FileDeleted:
        """Delete the File."""
        options = RequestOptions(
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
        )
        return await self._client._execute(delete_file_call(file_id, options))
