"""The request of ``client.uploads.parts``, built once for both ``Parts`` classes.

:func:`coerce_part_data` reads what ``parts.create(data=...)`` accepts; :func:`add_part_call`
returns the :class:`APICall` that the client's ``_execute`` sends.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any, BinaryIO, cast

from openai_uploads_client.api.uploads import add_upload_part
from openai_uploads_client.models import AddUploadPartRequest

from ._base_client import APICall, RequestOptions, parse_json_model
from ._constants import MAX_PART_SIZE
from ._exceptions import MissingFileError
from ._params import request_body, split_params
from ._part_body import PartBody, choose_boundary, multipart_file, with_boundary
from ._resource import require_id
from ._types import FileTypes, UploadPart

DEFAULT_PART_FILENAME = "part"


def _too_large(size: int) -> ValueError:
    return ValueError(
        f"a Part may hold at most {MAX_PART_SIZE} bytes (64 MiB), got {size}; "
        "split the file into more parts (or use uploads.upload_file_chunked)"
    )


def _as_view(data: bytes | bytearray | memoryview) -> memoryview:
    view = memoryview(data)
    if view.ndim != 1 or view.format not in ("B", "b", "c"):
        view = view.cast("B")  # raises TypeError for non-contiguous buffers
    if len(view) > MAX_PART_SIZE:
        raise _too_large(len(view))
    return view


def coerce_part_data(data: FileTypes) -> tuple[str, memoryview, str | None]:
    """``(filename, bytes, mime_type)`` of whatever ``parts.create(data=...)`` accepts.

    Bytes-like content is used in place; a path or a binary file object is read (at
    most 64 MiB: anything larger is refused before a request is made).
    """
    filename: str | None = None
    mime_type: str | None = None
    content: object = data
    if isinstance(data, tuple):
        if len(data) == 2:
            filename, content = data
        elif len(data) == 3:
            filename, content, mime_type = data
        else:
            raise TypeError("data tuples are (filename, content) or (filename, content, mime)")
    if isinstance(content, bytes | bytearray | memoryview):
        view = _as_view(content)
    elif isinstance(content, str | os.PathLike):
        path = os.fspath(content)
        try:
            size = os.path.getsize(path)
        except FileNotFoundError:
            raise MissingFileError(str(path)) from None
        if size > MAX_PART_SIZE:
            raise _too_large(size)
        with open(path, "rb") as f:
            view = _as_view(f.read(MAX_PART_SIZE + 1))
        filename = filename or os.path.basename(path)
    elif callable(getattr(content, "read", None)):
        chunk = cast(BinaryIO, content).read(MAX_PART_SIZE + 1)
        if not isinstance(chunk, bytes | bytearray | memoryview):
            raise TypeError("a file object passed as data must be opened in binary mode")
        view = _as_view(chunk)
        name = getattr(content, "name", None)
        if filename is None and isinstance(name, str) and name:
            filename = os.path.basename(name)
    else:
        raise TypeError(
            "data must be bytes, bytearray, memoryview, a binary file object, a path, or a "
            f"(filename, content[, mime_type]) tuple, got {type(content).__name__}"
        )
    return filename or DEFAULT_PART_FILENAME, view, mime_type


def add_part_call(
    upload_id: str,
    *,
    body: memoryview | PartBody,
    filename: str,
    mime_type: str | None,
    on_progress: Callable[[int], None] | None,
    options: RequestOptions,
    fixed_boundary: bool = True,
    on_attempt: Callable[[], None] | None = None,
    params: Mapping[str, object] | None = None,
    part_number: int | None = None,
) -> APICall[UploadPart]:
    """``params``: the spec-derived keyword arguments (``AddUploadPartParams``), sent as
    form fields beside ``data``."""
    upload_id = require_id("upload_id", upload_id)
    extra_fields = split_params("addUploadPart", params or {}).body
    # The fixed boundary keeps recorded bodies reproducible; only a small in-memory
    # body is scanned for it (``fixed_boundary=False``: never): see ``_part_body``.
    boundary = choose_boundary(body, fixed=fixed_boundary)

    def make_kwargs() -> dict[str, Any]:  # called once per attempt
        if on_attempt is not None:
            on_attempt()
        part = multipart_file(body, filename, mime_type, on_progress)
        if extra_fields:
            request = request_body("addUploadPart", {**extra_fields, "data": b""})
            request.data = part
        else:
            request = AddUploadPartRequest(data=part)
        return with_boundary(add_upload_part._get_kwargs(upload_id, body=request), boundary)

    return APICall(
        operation="add_part",
        make_kwargs=make_kwargs,
        parse=parse_json_model(UploadPart),
        options=options,
        upload_id=upload_id,
        part_number=part_number,
    )
