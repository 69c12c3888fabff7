"""``client.files``: list, retrieve, download and delete the Files that Uploads produce."""

# The seed's async signatures take ``timeout`` (the per-request httpx timeout).
# ruff: noqa: ASYNC109

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any, Protocol, Unpack

import anyio
import httpx

from openai_uploads_client.api.files import delete_file, download_file, list_files, retrieve_file
from openai_uploads_client.sdk import ListFilesParams

from .._base_client import (
    APICall,
    RequestOptions,
    make_transport_error,
    parse_bytes,
    parse_json_model,
    parse_stream,
)
from .._params import spec_method, split_params
from .._types import NOT_GIVEN, FileDeleted, FileList, FileObject, NotGiven
from ..pagination import AsyncCursorPage, AsyncPaginator, SyncCursorPage
from ._resource import AsyncAPIResource, SyncAPIResource, require_id

__all__ = ["AsyncFiles", "Files"]


def list_files_call(query: Mapping[str, Any], options: RequestOptions) -> APICall[FileList]:
    """One page of ``GET /files``; ``query`` holds ``_get_kwargs`` arguments."""
    return APICall(
        operation="list_files",
        make_kwargs=lambda: list_files._get_kwargs(**query),
        parse=parse_json_model(FileList),
        options=options,
    )


def _page_query(query: Mapping[str, Any], after: str | None) -> dict[str, Any]:
    return {**query, "after": after} if after is not None else dict(query)


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


DOWNLOAD_CHUNK = 1024 * 1024


class Writable(Protocol):
    """Anything with ``write(bytes)``: a binary file, or e.g. a hashing sink."""

    def write(self, data: bytes, /) -> object: ...


def stream_file_call(file_id: str, options: RequestOptions) -> APICall[httpx.Response]:
    file_id = require_id("file_id", file_id)
    return APICall(
        operation="download_file",
        make_kwargs=lambda: download_file._get_kwargs(file_id),
        parse=parse_stream,
        options=options,
        stream=True,
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

    @spec_method("listFiles")
    def list(
        self,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        **params: Unpack[ListFilesParams],
    ) -> SyncCursorPage[FileObject]:
        """List Files, newest first: ``purpose``, ``limit`` (per page), ``order``, ``after``.

        The result is the first page; iterating it yields every File of every page,
        fetching the next page as needed. The arguments come from the spec
        (``listFiles``).

        Example::

            for file in client.files.list(purpose="batch"):
                print(file.id, file.filename)
        """
        query = split_params("listFiles", params).query
        options = RequestOptions(
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
        )

        def fetch(after: str | None) -> SyncCursorPage[FileObject]:
            page = self._client._execute(list_files_call(_page_query(query, after), options))
            return SyncCursorPage(page, fetch)

        return fetch(None)

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

    def download(
        self,
        file_id: str,
        destination: str | os.PathLike[str] | Writable,
        *,
        chunk_size: int = DOWNLOAD_CHUNK,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
    ) -> int:
        """Stream the File's bytes to a path or a writable object; returns the byte count.

        Unlike :meth:`content`, memory stays at ``chunk_size`` whatever the File's size.
        The request is retried like any other until the body starts; a failure while the
        body streams raises :class:`APIConnectionError` (a path is then left partial).

        Example::

            client.files.download(upload.file.id, "copy.jsonl")
        """
        options = RequestOptions(
            extra_headers=extra_headers, extra_query=extra_query, timeout=timeout
        )
        response = self._client._execute(stream_file_call(file_id, options))
        try:
            if isinstance(destination, str | os.PathLike):
                with open(destination, "wb") as out:
                    return _copy(response.iter_bytes(chunk_size), out, response)
            return _copy(response.iter_bytes(chunk_size), destination, response)
        finally:
            response.close()

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

    @spec_method("listFiles")
    def list(
        self,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        **params: Unpack[ListFilesParams],
    ) -> AsyncPaginator[FileObject]:
        """List Files; see :meth:`Files.list`. ``await`` the result for the first page, or
        ``async for`` over it for every File of every page.

        Example::

            async for file in client.files.list(purpose="batch"):
                print(file.id)
        """
        query = split_params("listFiles", params).query
        options = RequestOptions(
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
        )

        async def fetch(after: str | None) -> AsyncCursorPage[FileObject]:
            call = list_files_call(_page_query(query, after), options)
            page: FileList = await self._client._execute(call)
            return AsyncCursorPage(page, fetch)

        return AsyncPaginator(lambda: fetch(None))

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

    async def download(
        self,
        file_id: str,
        destination: str | os.PathLike[str] | Writable,
        *,
        chunk_size: int = DOWNLOAD_CHUNK,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
    ) -> int:
        """Stream the File's bytes to a path or a writable object; returns the byte count.

        The same as :meth:`Files.download`; writes to a path happen in a worker thread.
        """
        options = RequestOptions(
            extra_headers=extra_headers, extra_query=extra_query, timeout=timeout
        )
        response = await self._client._execute(stream_file_call(file_id, options))
        try:
            if isinstance(destination, str | os.PathLike):
                async with await anyio.open_file(destination, "wb") as out:
                    written = 0
                    async for chunk in _checked(response.aiter_bytes(chunk_size), response):
                        await out.write(chunk)
                        written += len(chunk)
                    return written
            written = 0
            async for chunk in _checked(response.aiter_bytes(chunk_size), response):
                destination.write(chunk)
                written += len(chunk)
            return written
        finally:
            await response.aclose()

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


def _copy(chunks: Iterator[bytes], out: Writable, response: httpx.Response) -> int:
    written = 0
    try:
        for chunk in chunks:
            out.write(chunk)
            written += len(chunk)
    except httpx.TransportError as exc:
        raise make_transport_error(response.request, exc) from exc
    return written


async def _checked(chunks: AsyncIterator[bytes], response: httpx.Response) -> AsyncIterator[bytes]:
    try:
        async for chunk in chunks:
            yield chunk
    except httpx.TransportError as exc:
        raise make_transport_error(response.request, exc) from exc
