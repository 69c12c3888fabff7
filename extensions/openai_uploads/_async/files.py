"""``client.files``: list, retrieve, download and delete the Files that Uploads produce,
and create one in a single request."""

# unasync: async-only
# Each method takes ``timeout``, the per-request httpx timeout, as openai-python's do.
# ruff: noqa: ASYNC109
# unasync: end

from __future__ import annotations

import os
import time
import warnings
from collections.abc import AsyncIterator, Mapping
from functools import cached_property, partial
from typing import Unpack

import httpx

from openai_uploads_client.sdk import (
    CreateFileParams,
    DeleteFileParams,
    DownloadFileParams,
    ListFilesParams,
    RetrieveFileParams,
)

from .._base_client import (
    HTTPX_ERRORS,
    RequestOptions,
    ResponseTooLarge,
    aiter_body,
    make_transport_error,
)
from .._concurrency import arun_blocking, arun_stoppable, asleep
from .._exceptions import APIResponseValidationError
from .._files_core import (
    BINARY_ACCEPT,
    DOWNLOAD_CHUNK,
    FILE_DONE_STATES,
    RETRIEVE_CONTENT_DEPRECATED,
    FileInput,
    Replacement,
    Writable,
    check_download,
    create_file_call,
    create_file_request,
    delete_file_call,
    file_content_call,
    list_files_call,
    open_file_input,
    page_query,
    retrieve_file_call,
    stream_file_call,
)
from .._pagination_core import apaginate
from .._params import spec_method, split_params
from .._raw_response import HttpxBinaryResponseContent
from .._resource import AsyncAPIResource, request_options, then
from .._types import (
    NOT_GIVEN,
    ExpiresAfter,
    FileDeleted,
    FileObject,
    FilePurpose,
    FileTypes,
    NotGiven,
    Omit,
    omit,
)
from .pagination import AsyncCursorPage, AsyncPaginator
from .response import amake_request, ato_raw_response, ato_streamed_bytes, ato_streamed_response

__all__ = ["AsyncFiles", "AsyncFilesWithRawResponse", "AsyncFilesWithStreamingResponse"]


class AsyncFiles(AsyncAPIResource):
    """The Files an Upload produced: ``client.files`` of :class:`AsyncOpenAI`."""

    @cached_property
    def with_raw_response(self) -> AsyncFilesWithRawResponse:
        """The same methods, answering with the response (headers, status, body) and its
        ``parse()`` instead of the parsed result."""
        return AsyncFilesWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> AsyncFilesWithStreamingResponse:
        """The same methods, as context managers of the response with its body unread."""
        return AsyncFilesWithStreamingResponse(self)

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
        """List Files, newest first: ``purpose``, ``limit`` (per page), ``order``, ``after``.

        The result is the first page; iterating it yields every File of every page,
        fetching the next page as needed. The arguments come from the spec
        (``listFiles``). With the async client, ``await`` the result for the first page
        alone, or iterate it asynchronously for every File.

        Example::

            async for file in client.files.list(purpose="batch"):
                print(file.id, file.filename)
        """
        query = split_params("listFiles", params).query
        options = request_options(extra_headers, extra_query, extra_body, timeout)

        async def fetch(after: str | None, seen: frozenset[str]) -> AsyncCursorPage[FileObject]:
            # The cursors that led here: a server repeating one is stopped, not followed.
            seen = seen if after is None else seen | {after}
            call = list_files_call(page_query(query, after), options, seen)
            return await amake_request(
                self._client,
                then(
                    call,
                    lambda page: AsyncCursorPage[FileObject](
                        page, lambda cursor: fetch(cursor, seen)
                    ),
                ),
            )

        return apaginate(lambda: fetch(None, frozenset()))

    @spec_method("retrieveFile")
    async def retrieve(
        self,
        file_id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        **params: Unpack[RetrieveFileParams],
    ) -> FileObject:
        """Return the File object with this id."""
        options = request_options(extra_headers, extra_query, extra_body, timeout)
        return await amake_request(
            self._client,
            retrieve_file_call(file_id, options, split_params("retrieveFile", params).query),
        )

    @spec_method("downloadFile")
    async def content(
        self,
        file_id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        **params: Unpack[DownloadFileParams],
    ) -> HttpxBinaryResponseContent:
        """Download the File's bytes, held in memory once: ``.content`` (bytes), ``.text``,
        ``.json()``, ``.iter_lines()``, ``.write_to_file(path)`` (openai-python's
        ``HttpxBinaryResponseContent``). :meth:`download` streams a File to disk instead.

        Example::

            data = (await client.files.content(upload.file.id)).content
        """
        # Read within the attempt (a body that breaks off is retried) and only up to the
        # File's size: its Content-Length when that counts the bytes themselves, else the
        # File's ``bytes``, retrieved once (see content_file_call). It asks for
        # ``application/binary``, as openai-python's ``content()`` does.
        call = file_content_call(
            file_id, extra_headers, extra_query, extra_body, timeout, params, BINARY_ACCEPT
        )
        return await amake_request(self._client, call)

    @spec_method("downloadFile")
    async def retrieve_content(
        self,
        file_id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        **params: Unpack[DownloadFileParams],
    ) -> str:
        """Deprecated (a :class:`DeprecationWarning`): the File's content as text; use
        :meth:`content` (``.text``), which also gives the bytes. Read like
        :meth:`content`: within the attempt and only up to the File's size."""
        warnings.warn(RETRIEVE_CONTENT_DEPRECATED, DeprecationWarning, stacklevel=2)
        call = file_content_call(
            file_id, extra_headers, extra_query, extra_body, timeout, params, {}
        )
        return await amake_request(self._client, then(call, lambda content: content.text))

    async def wait_for_processing(
        self, id: str, *, poll_interval: float = 5.0, max_wait_seconds: float = 30 * 60
    ) -> FileObject:
        """Retrieve the File every ``poll_interval`` seconds until its ``status`` is
        ``processed``, ``error`` or ``deleted``, and return it; a ``RuntimeError`` when it
        is still being processed after ``max_wait_seconds``.

        Example::

            file = await client.files.wait_for_processing(file.id, poll_interval=1)
        """
        started = time.monotonic()
        file = await self.retrieve(id)
        while file.status not in FILE_DONE_STATES:
            await asleep(poll_interval)
            file = await self.retrieve(id)
            if time.monotonic() - started > max_wait_seconds:
                raise RuntimeError(
                    f"Giving up on waiting for file {id} to finish processing after "
                    f"{max_wait_seconds} seconds."
                )
        return file

    @spec_method("downloadFile")
    async def download(
        self,
        file_id: str,
        destination: str | os.PathLike[str] | Writable,
        *,
        chunk_size: int = DOWNLOAD_CHUNK,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        **params: Unpack[DownloadFileParams],
    ) -> int:
        """Stream the File's bytes to a path or a writable object; returns the byte count.

        Unlike :meth:`content`, memory stays at ``chunk_size`` whatever the File's size.
        A path is written as a temporary file next to it, checked against the
        response's ``Content-Length`` and the File's ``bytes``, then renamed into
        place: on any failure an existing file is left untouched and no temporary file
        is left behind, and a symlink at the path is replaced, never written through.
        The request is retried like any other until the body starts; a failure while
        the body streams raises :class:`APIConnectionError`. With the async client,
        writes to a path happen in a worker thread.

        Example::

            await client.files.download(upload.file.id, "copy.jsonl")
        """
        options = RequestOptions(
            extra_headers=extra_headers, extra_query=extra_query, timeout=timeout
        )
        target = Replacement(destination) if isinstance(destination, str | os.PathLike) else None
        try:
            retrieved = await self.retrieve(file_id, extra_headers=extra_headers, timeout=timeout)
            response = await self._client._execute(
                stream_file_call(file_id, options, split_params("downloadFile", params).query)
            )
            try:
                written = 0
                body = aiter_body(response, retrieved.bytes, chunk_size)
                async for chunk in _checked(body, response):
                    if target is not None:
                        await arun_blocking(target.file.write, chunk)
                    else:
                        assert not isinstance(destination, str | os.PathLike)
                        destination.write(chunk)
                    written += len(chunk)
                check_download(response, written, retrieved.bytes)
            finally:
                await response.aclose()
            if target is not None:
                await arun_blocking(target.commit)
            return written
        finally:
            if target is not None:
                target.discard()

    @spec_method("deleteFile")
    async def delete(
        self,
        file_id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        **params: Unpack[DeleteFileParams],
    ) -> FileDeleted:
        """Delete the File."""
        options = request_options(extra_headers, extra_query, extra_body, timeout)
        return await amake_request(
            self._client,
            delete_file_call(file_id, options, split_params("deleteFile", params).query),
        )

    @spec_method("createFile")
    async def create(
        self,
        *,
        file: FileTypes,
        purpose: FilePurpose,
        expires_after: ExpiresAfter | Omit = omit,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        **params: Unpack[CreateFileParams],
    ) -> FileObject:
        """Upload a file of at most 512 MB in one request and return its File.

        ``file`` is bytes, a path, a binary file object or a ``(filename, content[,
        mime_type])`` tuple, as in openai-python; a path or a seekable file is read as
        it is sent (and again for a retry), never whole in memory. A missing path
        raises :class:`MissingFileError` (a ``ValueError`` and a ``FileNotFoundError``),
        a larger file :class:`FileTooLargeError`, before any request. ``expires_after``
        is ``{"anchor": "created_at", "seconds": N}`` (or ``"days"``). Larger files go
        through :meth:`uploads.upload_file_chunked`.

        Example::

            file = await client.files.create(file=Path("batch.jsonl"), purpose="batch")
        """
        split_params("createFile", params)
        request = create_file_request(purpose, expires_after)
        options = request_options(extra_headers, extra_query, extra_body, timeout)
        opened = await arun_stoppable(partial(open_file_input, file), FileInput.close)
        try:
            return await amake_request(self._client, create_file_call(request, opened, options))
        finally:
            opened.close()


class AsyncFilesWithRawResponse:
    """``client.files.with_raw_response``: each method answers with a
    :class:`~openai_uploads.LegacyAPIResponse` (``download`` is not among them: it
    writes the File to disk)."""

    def __init__(self, files: AsyncFiles) -> None:
        self.list = ato_raw_response(files.list)
        self.retrieve = ato_raw_response(files.retrieve)
        self.content = ato_raw_response(files.content)
        self.retrieve_content = ato_raw_response(files.retrieve_content)
        self.delete = ato_raw_response(files.delete)
        self.create = ato_raw_response(files.create)


class AsyncFilesWithStreamingResponse:
    """``client.files.with_streaming_response``: each method answers with a context
    manager of the response, its body unread."""

    def __init__(self, files: AsyncFiles) -> None:
        self.list = ato_streamed_response(files.list)
        self.retrieve = ato_streamed_response(files.retrieve)
        self.content = ato_streamed_bytes(files.content)
        self.retrieve_content = ato_streamed_response(files.retrieve_content)
        self.delete = ato_streamed_response(files.delete)
        self.create = ato_streamed_response(files.create)


async def _checked(chunks: AsyncIterator[bytes], response: httpx.Response) -> AsyncIterator[bytes]:
    """The body's chunks; a failure while they stream is an :class:`APIConnectionError`."""
    try:
        async for chunk in chunks:
            yield chunk
    except ResponseTooLarge as exc:
        raise APIResponseValidationError(
            response, None, message=f"The download has more bytes than the File's {exc.limit}."
        ) from exc
    except HTTPX_ERRORS as exc:
        raise make_transport_error(response.request, exc) from exc
