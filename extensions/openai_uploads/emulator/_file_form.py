"""The form of ``POST /v1/files``: the ``file`` field streamed to a temp file (never whole
in memory), the small text fields (``purpose``, ``expires_after[anchor]``,
``expires_after[seconds]``, as openai-python writes a nested object) gathered as text."""

from __future__ import annotations

import re
from collections.abc import AsyncIterable, Callable
from pathlib import Path
from typing import IO, Any, Final

from python_multipart.multipart import MultipartParser, MultipartState, parse_options_header

from .._constants import MAX_CREATE_FILE_BYTES
from ._datadir import open_private
from ._errors import ApiError, bad_request, unknown_field

MAX_TEXT_FIELD: Final = 64 * 1024
"""The longest text field accepted (bytes)."""
_NESTED: Final = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\[([A-Za-z_][A-Za-z0-9_]*)\]$")


class FileForm:
    """The parsed form: :attr:`fields` (``expires_after[seconds]`` becomes
    ``fields["expires_after"]["seconds"]``), and the file's name, type and size on disk."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.fields: dict[str, Any] = {}
        self.filename: str | None = None
        self.content_type: str | None = None
        self.size = 0
        self.seen_file = False
        self.error: ApiError | None = None
        self._file: IO[bytes] | None = None
        self._name: str | None = None
        self._text = bytearray()
        self._header_field = bytearray()
        self._header_value = bytearray()
        self._headers: dict[bytes, bytes] = {}

    async def read(self, boundary: bytes, body: AsyncIterable[bytes]) -> None:
        """Parse the whole body; raises the first :class:`ApiError` it meets."""
        parser = MultipartParser(boundary, self._callbacks())  # type: ignore[arg-type]
        try:
            try:
                async for chunk in body:
                    parser.write(chunk)
                    if self.error is not None:
                        raise self.error
                parser.finalize()
            except ApiError:
                raise
            except Exception as exc:
                raise bad_request(f"Malformed multipart body: {exc}", param="file") from None
            if self.error is not None:
                raise self.error
            if parser.state != MultipartState.END:
                raise bad_request(
                    "Malformed multipart body: it ends before its closing boundary.", param="file"
                )
        finally:
            self.close()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def _callbacks(self) -> dict[str, Callable[..., None]]:
        return {
            "on_part_begin": self._part_begin,
            "on_header_field": self._header_field_data,
            "on_header_value": self._header_value_data,
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._part_data,
            "on_part_end": self._part_end,
        }

    def _part_begin(self) -> None:
        self._headers = {}
        self._name = None
        self._text.clear()

    def _header_field_data(self, data: bytes, start: int, end: int) -> None:
        self._header_field += data[start:end]

    def _header_value_data(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def _header_end(self) -> None:
        self._headers[bytes(self._header_field).lower()] = bytes(self._header_value)
        self._header_field.clear()
        self._header_value.clear()

    def _fail(self, error: ApiError) -> None:
        if self.error is None:
            self.error = error

    def _headers_finished(self) -> None:
        _, params = parse_options_header(self._headers.get(b"content-disposition", b""))
        name = params.get(b"name", b"").decode("utf-8", "replace")
        self._name = name
        if not name:
            self._fail(unknown_field(name))
            return
        if name != "file":
            return
        if self.seen_file:
            self._fail(bad_request("The field 'file' was given more than once.", param="file"))
            return
        self.seen_file = True
        filename = params.get(b"filename")
        self.filename = filename.decode("utf-8", "replace") if filename is not None else None
        content_type = self._headers.get(b"content-type")
        self.content_type = content_type.decode("latin-1").strip() if content_type else None
        self._file = open_private(self.tmp)

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if self.error is not None:
            return
        if self._name == "file":
            if self._file is None:
                return
            self.size += end - start
            if self.size > MAX_CREATE_FILE_BYTES:
                self._fail(
                    bad_request(
                        f"The file is larger than the {MAX_CREATE_FILE_BYTES} bytes this "
                        "endpoint accepts; upload larger files with the Uploads API.",
                        param="file",
                        code="file_too_large",
                    )
                )
                return
            view = memoryview(data)[start:end]
            written = self._file.write(view)
            while written < len(view):
                written += self._file.write(view[written:])
        else:
            self._text += data[start:end]
            if len(self._text) > MAX_TEXT_FIELD:
                self._fail(
                    bad_request(
                        f"The field {self._name!r} is longer than {MAX_TEXT_FIELD} bytes.",
                        param=self._name,
                    )
                )

    def _part_end(self) -> None:
        name, self._name = self._name, None
        if name == "file":
            self.close()
            return
        if name is None or self.error is not None:
            return
        try:
            value = bytes(self._text).decode("utf-8")
        except UnicodeDecodeError:
            self._fail(bad_request(f"The field {name!r} is not valid UTF-8.", param=name))
            return
        nested = _NESTED.match(name)
        if nested is None:
            target, key = self.fields, name
        else:
            outer = self.fields.setdefault(nested.group(1), {})
            if not isinstance(outer, dict):
                self._fail(bad_request(f"The field {name!r} clashes with another.", param=name))
                return
            target, key = outer, nested.group(2)
        if key in target:
            self._fail(bad_request(f"The field {name!r} was given more than once.", param=name))
            return
        target[key] = value


def boundary_of(content_type: str | None) -> bytes:
    """The multipart boundary of a ``multipart/form-data`` request, or the API's refusal."""
    essence, params = parse_options_header(content_type)
    boundary = params.get(b"boundary")
    if essence != b"multipart/form-data" or not boundary:
        raise bad_request(
            "The request must be multipart/form-data with a 'file' field.", param="file"
        )
    return bytes(boundary)
