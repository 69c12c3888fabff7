"""The requests of ``client.files``, built once for both ``Files`` classes.

Each ``*_call`` function returns the :class:`APICall` that the client's ``_execute``
sends; :class:`Replacement` is how a download to a path replaces the file only whole;
:func:`open_file_input` is what ``files.create(file=...)`` accepts, checked and opened.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import stat
import threading
from collections.abc import Callable, Mapping
from typing import IO, Any, Protocol, TypeVar

import httpx

from openai_uploads_client.api.files import (
    create_file,
    delete_file,
    download_file,
    list_files,
    retrieve_file,
)

from ._base_client import (
    APICall,
    RequestOptions,
    check_content_length,
    form_value,
    identity_length,
    parse_json_model,
    parse_stream,
)
from ._constants import MAX_CREATE_FILE_BYTES
from ._exceptions import APIResponseValidationError, FileTooLargeError
from ._params import request_body, split_params
from ._part_body import SCANNED_AT_MOST, PartBody, choose_boundary, multipart_file, with_boundary
from ._raw_response import HttpxBinaryResponseContent
from ._resource import request_options, require_id
from ._transfer._inputs import Source, SourceRange
from ._transfer._source import open_source
from ._types import ExpiresAfter, FileDeleted, FileList, FileObject, FilePurpose, Omit
from ._uploads_core import check_purpose, expiration

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


def file_content_call(
    file_id: str,
    extra_headers: Mapping[str, str] | None,
    extra_query: Mapping[str, object] | None,
    extra_body: Mapping[str, object] | None,
    timeout: Any,
    params: Mapping[str, Any],
    accept: Mapping[str, str],
) -> APICall[HttpxBinaryResponseContent]:
    """The call of ``files.content`` (``accept``: :data:`BINARY_ACCEPT`) and of
    ``files.retrieve_content`` (the client's default ``Accept``), from their arguments;
    the File's size is retrieved, if needed, without ``accept``."""
    options = request_options({**accept, **(extra_headers or {})}, extra_query, extra_body, timeout)
    size_options = RequestOptions(extra_headers=extra_headers, timeout=timeout)
    query = split_params("downloadFile", params).query
    return content_file_call(file_id, options, size_options, query)


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

FILE_DONE_STATES = frozenset({"processed", "error", "deleted"})
"""The File statuses ``files.wait_for_processing`` stops at."""

BINARY_ACCEPT = {"Accept": "application/binary"}
"""What ``files.content`` asks for (``retrieve_content`` asks for JSON, as each does in
openai-python)."""

RETRIEVE_CONTENT_DEPRECATED = "The `.content()` method should be used instead"


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


# --------------------------------------------------------------------------- files.create

NAMELESS_FILE = "upload"
"""The filename sent for bytes or a file object without a name (httpx's, which
openai-python sends too)."""


class FileInput:
    """What ``files.create(file=...)`` was given, checked and opened: its bytes as a
    :class:`Source` (a path is read from disk as it is sent, never whole in memory), and
    the part's filename and MIME type (None: httpx guesses it from the filename)."""

    def __init__(self, source: Source, mime_type: str | None) -> None:
        self.source = source
        self.filename = source.filename
        self.mime_type = mime_type
        self.size = source.size

    def body(self) -> memoryview | PartBody:
        """The bytes to send: a small input in memory (so that the fixed multipart
        boundary, scanned for, keeps recorded bodies stable), else read slice by slice
        from its source for each attempt."""
        if self.size <= SCANNED_AT_MOST:
            return memoryview(self.source.read_at(0, self.size))
        return SourceRange(self.source, 0, self.size)

    def close(self) -> None:
        self.source.close()


def _own_name(content: object) -> str | None:
    """A file object's own file name, if it has a real one (not ``<stdin>``)."""
    name = getattr(content, "name", None)
    if isinstance(name, str) and name and not (name.startswith("<") and name.endswith(">")):
        return os.path.basename(name)
    return None


def open_file_input(file: object, stop: threading.Event | None = None) -> FileInput:
    """Check and open what ``files.create(file=...)`` takes (openai-python's
    ``FileTypes``): bytes, a path, a binary file object, or a ``(filename, content[,
    mime_type])`` tuple. Blocking (a stream of unknown size is spooled to a temporary
    file first; ``stop`` ends that). No request is made.

    Raises :class:`MissingFileError` (a ``ValueError`` and a ``FileNotFoundError``) for
    a path that does not exist, ``ValueError`` for one that cannot be read,
    :class:`FileTooLargeError` past 512 MB, and ``TypeError`` for anything else.
    """
    filename: str | None = None
    mime_type: str | None = None
    content = file
    if isinstance(file, tuple):
        if len(file) not in (2, 3):
            raise TypeError("file tuples are (filename, content) or (filename, content, mime)")
        filename, content = file[0], file[1]
        mime_type = file[2] if len(file) == 3 else None
        if filename is not None and not isinstance(filename, str):
            raise TypeError(f"a file tuple's filename must be a str, got {filename!r}")
        if mime_type is not None and not isinstance(mime_type, str):
            raise TypeError(f"a file tuple's MIME type must be a str, got {mime_type!r}")
    declared: int | None = None
    if isinstance(content, bytes | bytearray | memoryview):
        declared = memoryview(content).nbytes
        filename = filename or NAMELESS_FILE
    elif not isinstance(content, str | os.PathLike):
        filename = filename or _own_name(content) or NAMELESS_FILE
    source = open_source(content, filename=filename or None, declared=declared, stop=stop)
    try:
        if source.size > MAX_CREATE_FILE_BYTES:
            raise FileTooLargeError(
                f"{source.filename!r} has {source.size} bytes; files.create takes at most "
                f"{MAX_CREATE_FILE_BYTES} (512 MB): upload larger files with "
                "uploads.upload_file_chunked",
                size=source.size,
                limit=MAX_CREATE_FILE_BYTES,
            )
        source.open()
    except BaseException:
        source.close()
        raise
    return FileInput(source, mime_type)


def create_file_request(purpose: FilePurpose, expires_after: ExpiresAfter | Omit) -> Any:
    """The generated ``CreateFileRequest`` of these fields, checked before the file is
    opened (its ``file`` is set per attempt by :func:`create_file_call`)."""
    check_purpose(purpose)
    fields: dict[str, object] = {"file": b"", "purpose": purpose}
    if not isinstance(expires_after, Omit):
        fields["expires_after"] = expiration(expires_after).to_dict()
    return request_body("createFile", fields)


def create_file_call(request: Any, file: FileInput, options: RequestOptions) -> APICall[FileObject]:
    """``POST /files``: the generated request, sent as openai-python sends it (text
    fields first, ``expires_after`` as ``expires_after[anchor]`` and
    ``expires_after[seconds]``, the file last, streamed from its source)."""
    body = file.body()
    boundary = choose_boundary(body)

    def make_kwargs() -> dict[str, Any]:  # called once per attempt
        request.file = multipart_file(body, file.filename, file.mime_type)
        return with_boundary(as_form(create_file._get_kwargs(body=request)), boundary)

    return APICall(
        operation="create_file",
        make_kwargs=make_kwargs,
        parse=parse_json_model(FileObject),
        options=options,
    )


def as_form(kwargs: dict[str, Any]) -> dict[str, Any]:
    """A generated multipart request with its nameless parts as plain form fields, as
    openai-python sends them: text as is, a JSON object as one field per key
    (``expires_after[seconds]``); only parts with a filename stay files."""
    files: list[tuple[str, Any]] = []
    data: dict[str, str | bytes] = {}
    for name, part in kwargs.pop("files"):
        filename, value, content_type = part
        if filename is not None:
            files.append((name, part))
        elif content_type == "application/json":
            for key, item in json.loads(value).items():
                data[f"{name}[{key}]"] = form_value(item)
        else:
            data[name] = value.decode() if isinstance(value, bytes) else value
    return {**kwargs, "data": data, "files": files}
