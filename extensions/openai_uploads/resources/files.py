"""``client.files``: list, retrieve, download and delete the Files that Uploads produce."""

# The seed's async signatures take ``timeout`` (the per-request httpx timeout).
# ruff: noqa: ASYNC109

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import IO, Any, Protocol, Unpack

import anyio
import httpx

from openai_uploads_client.api.files import delete_file, download_file, list_files, retrieve_file
from openai_uploads_client.sdk import (
    DeleteFileParams,
    DownloadFileParams,
    ListFilesParams,
    RetrieveFileParams,
)

from .._base_client import (
    HTTPX_ERRORS,
    APICall,
    RequestOptions,
    check_content_length,
    make_transport_error,
    parse_bytes,
    parse_json_model,
    parse_stream,
)
from .._exceptions import APIResponseValidationError
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


def retrieve_file_call(
    file_id: str, options: RequestOptions, query: Mapping[str, Any] | None = None
) -> APICall[FileObject]:
    file_id = require_id("file_id", file_id)
    return APICall(
        operation="retrieve_file",
        make_kwargs=lambda: retrieve_file._get_kwargs(file_id, **(query or {})),
        parse=parse_json_model(FileObject),
        options=options,
    )


def download_file_call(
    file_id: str, options: RequestOptions, query: Mapping[str, Any] | None = None
) -> APICall[bytes]:
    """``files.content``: the body, read once into one buffer (see ``read_once``)."""
    file_id = require_id("file_id", file_id)
    return APICall(
        operation="download_file",
        make_kwargs=lambda: download_file._get_kwargs(file_id, **(query or {})),
        parse=parse_bytes,
        options=options,
    )


DOWNLOAD_CHUNK = 1024 * 1024


class Writable(Protocol):
    """Anything with ``write(bytes)``: a binary file, or e.g. a hashing sink."""

    def write(self, data: bytes, /) -> object: ...


def stream_file_call(
    file_id: str, options: RequestOptions, query: Mapping[str, Any] | None = None
) -> APICall[httpx.Response]:
    file_id = require_id("file_id", file_id)
    return APICall(
        operation="download_file",
        make_kwargs=lambda: download_file._get_kwargs(file_id, **(query or {})),
        parse=parse_stream,
        options=options,
        stream=True,
    )


def delete_file_call(
    file_id: str, options: RequestOptions, query: Mapping[str, Any] | None = None
) -> APICall[FileDeleted]:
    file_id = require_id("file_id", file_id)
    return APICall(
        operation="delete_file",
        make_kwargs=lambda: delete_file._get_kwargs(file_id, **(query or {})),
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

    @spec_method("retrieveFile")
    def retrieve(
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
        options = RequestOptions(
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
        )
        return self._client._execute(
            retrieve_file_call(file_id, options, split_params("retrieveFile", params).query)
        )

    @spec_method("downloadFile")
    def content(
        self,
        file_id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        **params: Unpack[DownloadFileParams],
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
        return self._client._execute(
            download_file_call(file_id, options, split_params("downloadFile", params).query)
        )

    @spec_method("downloadFile")
    def download(
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
        the body streams raises :class:`APIConnectionError`.

        Example::

            client.files.download(upload.file.id, "copy.jsonl")
        """
        options = RequestOptions(
            extra_headers=extra_headers, extra_query=extra_query, timeout=timeout
        )
        target = _Replacement(destination) if isinstance(destination, str | os.PathLike) else None
        try:
            expected = self.retrieve(file_id, extra_headers=extra_headers, timeout=timeout).bytes
            response = self._client._execute(
                stream_file_call(file_id, options, split_params("downloadFile", params).query)
            )
            try:
                out = destination if target is None else target.file
                assert not isinstance(out, str | os.PathLike)
                written = _copy(response.iter_bytes(chunk_size), out, response)
                check_download(response, written, expected)
            finally:
                response.close()
            if target is not None:
                target.commit()
            return written
        finally:
            if target is not None:
                target.discard()

    @spec_method("deleteFile")
    def delete(
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
        options = RequestOptions(
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
        )
        return self._client._execute(
            delete_file_call(file_id, options, split_params("deleteFile", params).query)
        )


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
        options = RequestOptions(
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
        )
        return await self._client._execute(
            retrieve_file_call(file_id, options, split_params("retrieveFile", params).query)
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
    ) -> bytes:
        """Download the File's bytes."""
        options = RequestOptions(
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
        )
        return await self._client._execute(
            download_file_call(file_id, options, split_params("downloadFile", params).query)
        )

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

        The same as :meth:`Files.download`; writes to a path happen in a worker thread.
        """
        options = RequestOptions(
            extra_headers=extra_headers, extra_query=extra_query, timeout=timeout
        )
        target = _Replacement(destination) if isinstance(destination, str | os.PathLike) else None
        try:
            retrieved = await self.retrieve(file_id, extra_headers=extra_headers, timeout=timeout)
            response = await self._client._execute(
                stream_file_call(file_id, options, split_params("downloadFile", params).query)
            )
            try:
                written = 0
                async for chunk in _checked(response.aiter_bytes(chunk_size), response):
                    if target is not None:
                        await anyio.to_thread.run_sync(target.file.write, chunk)
                    else:
                        assert not isinstance(destination, str | os.PathLike)
                        destination.write(chunk)
                    written += len(chunk)
                check_download(response, written, retrieved.bytes)
            finally:
                await response.aclose()
            if target is not None:
                await anyio.to_thread.run_sync(target.commit)
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
        options = RequestOptions(
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
        )
        return await self._client._execute(
            delete_file_call(file_id, options, split_params("deleteFile", params).query)
        )


def _copy(chunks: Iterator[bytes], out: Writable, response: httpx.Response) -> int:
    written = 0
    try:
        for chunk in chunks:
            out.write(chunk)
            written += len(chunk)
    except HTTPX_ERRORS as exc:
        raise make_transport_error(response.request, exc) from exc
    return written


async def _checked(chunks: AsyncIterator[bytes], response: httpx.Response) -> AsyncIterator[bytes]:
    try:
        async for chunk in chunks:
            yield chunk
    except HTTPX_ERRORS as exc:
        raise make_transport_error(response.request, exc) from exc


def check_download(response: httpx.Response, written: int, expected: int) -> None:
    """Raise unless the body was as long as its ``Content-Length`` and the File's bytes."""
    check_content_length(response, written)
    if written != expected:
        raise APIResponseValidationError(
            response,
            None,
            message=f"The download has {written} bytes but the File has {expected}.",
        )


class _Replacement:
    """A temporary file next to ``path`` that becomes ``path`` only by :meth:`commit`.

    Created before the first request, so a directory that does not exist fails at once.
    ``os.replace`` swaps the directory entry: a symlink at ``path`` is replaced by the
    new file, not written through, and readers see the old file or the new one, whole.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)
        if os.path.isdir(self.path):
            raise IsADirectoryError(f"{self.path!r} is a directory")
        folder, name = os.path.split(self.path)
        self.temp = os.path.join(folder, f".{name}.{secrets.token_hex(6)}.download")
        # O_EXCL: a fresh file of our own; mode 0o666 less the umask, like open(..., "wb").
        try:
            fd = os.open(self.temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except OSError as exc:
            # Name the destination the caller gave, not the temporary file's name.
            raise type(exc)(exc.errno, f"cannot write {self.path!r}: {exc.strerror}") from exc
        self.file: IO[bytes] = os.fdopen(fd, "wb")
        self._done = False

    def commit(self) -> None:
        self.file.flush()
        os.fsync(self.file.fileno())
        self.file.close()
        with contextlib.suppress(FileNotFoundError):
            old = os.lstat(self.path)
            if stat.S_ISREG(old.st_mode):
                os.chmod(self.temp, stat.S_IMODE(old.st_mode))  # keep the old file's mode
        os.replace(self.temp, self.path)
        self._done = True

    def discard(self) -> None:
        """Remove the temporary file unless it was committed (safe to call twice)."""
        if self._done:
            return
        self.file.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.temp)
        self._done = True
