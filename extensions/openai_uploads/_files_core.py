"""The requests of ``client.files``, built once for both ``Files`` classes.

Each ``*_call`` function returns the :class:`APICall` that the client's ``_execute``
sends; :class:`Replacement` is how a download to a path replaces the file only whole.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Callable, Mapping
from typing import IO, Any, Protocol, TypeVar

import httpx

from openai_uploads_client.api.files import delete_file, download_file, list_files, retrieve_file

from ._base_client import (
    APICall,
    RequestOptions,
    check_content_length,
    identity_length,
    parse_json_model,
    parse_stream,
)
from ._exceptions import APIResponseValidationError
from ._raw_response import HttpxBinaryResponseContent
from ._resource import require_id
from ._types import FileDeleted, FileList, FileObject

T = TypeVar("T")


def list_files_call(
    query: Mapping[str, Any], options: RequestOptions, seen: frozenset[str] = frozenset()
) -> APICall[FileList]:
    """One page of ``GET /files``; ``query`` holds ``_get_kwargs`` arguments.

    ``seen`` holds the cursors that led to this page: a page whose next cursor is one of
    them would send the pagination round in a circle, so it raises
    :class:`APIResponseValidationError` instead of looping for ever.
    """
    parse_list = parse_json_model(FileList)

    def parse(response: httpx.Response) -> FileList:
        page: FileList = parse_list(response)
        if page.has_more and page.data and page.data[-1].id in seen:
            raise APIResponseValidationError(
                response,
                None,
                message=f"The list of Files repeats the cursor {page.data[-1].id!r}: "
                "its pages would never end.",
            )
        return page

    return APICall(
        operation="list_files",
        make_kwargs=lambda: list_files._get_kwargs(**query),
        parse=parse,
        options=options,
    )


def page_query(query: Mapping[str, Any], after: str | None) -> dict[str, Any]:
    return {**query, "after": after} if after is not None else dict(query)


def _one_file_call(
    operation: str,
    get_kwargs: Callable[..., dict[str, Any]],
    parse: Callable[[httpx.Response], T],
    file_id: str,
    options: RequestOptions,
    query: Mapping[str, Any] | None,
    *,
    stream: bool = False,
) -> APICall[T]:
    """The call of an operation on one File (``/files/{file_id}...``)."""
    file_id = require_id("file_id", file_id)
    return APICall(
        operation=operation,
        make_kwargs=lambda: get_kwargs(file_id, **(query or {})),
        parse=parse,
        options=options,
        stream=stream,
    )


def retrieve_file_call(
    file_id: str, options: RequestOptions, query: Mapping[str, Any] | None = None
) -> APICall[FileObject]:
    parse = parse_json_model(FileObject)
    return _one_file_call(
        "retrieve_file", retrieve_file._get_kwargs, parse, file_id, options, query
    )


def content_file_call(
    file_id: str,
    options: RequestOptions,
    size_options: RequestOptions,
    query: Mapping[str, Any] | None = None,
) -> APICall[HttpxBinaryResponseContent]:
    """``files.content``: the body, read within each attempt and only up to the File's size.

    The size is the body's ``Content-Length`` when that counts the bytes themselves;
    for a compressed body (or one without a length) the File is retrieved, once for all
    attempts, and its ``bytes`` is the limit. A body past it raises
    :class:`APIResponseValidationError` without being read further, so a compression
    bomb never inflates in memory.
    """
    file_size: list[int] = []  # the File's bytes, once retrieved

    def remember(response: httpx.Response) -> int:
        size: int = parse_json_model(FileObject)(response).bytes
        file_size.append(size)
        return size

    size_call = _one_file_call(
        "retrieve_file", retrieve_file._get_kwargs, remember, file_id, size_options, None
    )

    def limit(response: httpx.Response) -> int | APICall[int]:
        declared = identity_length(response)
        if declared is not None:
            return declared
        return file_size[-1] if file_size else size_call

    def parse(response: httpx.Response) -> HttpxBinaryResponseContent:
        content = response.content
        check_content_length(response, len(content))
        if file_size:
            check_download(response, len(content), file_size[-1])
        return HttpxBinaryResponseContent(response)

    file_id = require_id("file_id", file_id)
    return APICall(
        operation="download_file",
        make_kwargs=lambda: download_file._get_kwargs(file_id, **(query or {})),
        parse=parse,
        options=options,
        body_limit=limit,
    )


def stream_file_call(
    file_id: str, options: RequestOptions, query: Mapping[str, Any] | None = None
) -> APICall[httpx.Response]:
    """``files.download``: a 2xx body is left unread, to be streamed only up to the
    File's size."""
    get_kwargs = download_file._get_kwargs
    return _one_file_call(
        "download_file", get_kwargs, parse_stream, file_id, options, query, stream=True
    )


def delete_file_call(
    file_id: str, options: RequestOptions, query: Mapping[str, Any] | None = None
) -> APICall[FileDeleted]:
    parse = parse_json_model(FileDeleted)
    return _one_file_call("delete_file", delete_file._get_kwargs, parse, file_id, options, query)


DOWNLOAD_CHUNK = 1024 * 1024


class Writable(Protocol):
    """Anything with ``write(bytes)``: a binary file, or e.g. a hashing sink."""

    def write(self, data: bytes, /) -> object: ...


def check_download(response: httpx.Response, written: int, expected: int) -> None:
    """Raise unless the body was as long as its ``Content-Length`` and the File's bytes."""
    check_content_length(response, written)
    if written != expected:
        raise APIResponseValidationError(
            response,
            None,
            message=f"The download has {written} bytes but the File has {expected}.",
        )


class Replacement:
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
