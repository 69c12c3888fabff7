"""How the command line reads sizes, durations, md5s and MIME types."""

from __future__ import annotations

import mimetypes
import re
from pathlib import Path
from typing import Any

import click

from .._constants import (
    MAX_FILE_EXPIRY_SECONDS,
    MAX_PART_SIZE,
    MAX_UPLOAD_BYTES,
    MIN_FILE_EXPIRY_SECONDS,
)
from .._units import parse_duration, parse_size

__all__ = [
    "ByteCountParam",
    "DurationParam",
    "Md5Param",
    "SizeParam",
    "guess_mime_type",
    "parse_duration",
    "parse_size",
]

_MIME_TYPES = {
    ".jsonl": "application/jsonl",
    ".json": "application/json",
    ".csv": "text/csv",
    ".tsv": "text/tab-separated-values",
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".html": "text/html",
    ".py": "text/x-python",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
}


def guess_mime_type(filename: str) -> str:
    """The MIME type of a file from its name; ``application/octet-stream`` when unknown."""
    suffix = Path(filename).suffix.lower()
    if suffix in _MIME_TYPES:
        return _MIME_TYPES[suffix]
    guessed, _ = mimetypes.guess_type(filename, strict=False)
    return guessed or "application/octet-stream"


class SizeParam(click.ParamType):  # type: ignore[type-arg,unused-ignore]
    name = "size"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        try:
            size = parse_size(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)
        if not 1 <= size <= MAX_PART_SIZE:
            self.fail(f"{value!r} is outside 1 byte to 64MiB (the largest Part)", param, ctx)
        return size


class ByteCountParam(click.ParamType):  # type: ignore[type-arg,unused-ignore]
    """A whole input's size, with units: 0 bytes to 8 GiB (the largest Upload)."""

    name = "size"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        try:
            size = parse_size(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)
        if size > MAX_UPLOAD_BYTES:
            self.fail(f"{value!r} is over 8GiB (the largest Upload)", param, ctx)
        return size


class DurationParam(click.ParamType):  # type: ignore[type-arg,unused-ignore]
    name = "duration"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        try:
            seconds = parse_duration(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)
        if not MIN_FILE_EXPIRY_SECONDS <= seconds <= MAX_FILE_EXPIRY_SECONDS:
            self.fail(f"{value!r} is outside 1h to 30d ({seconds} s)", param, ctx)
        return seconds


class Md5Param(click.ParamType):  # type: ignore[type-arg,unused-ignore]
    name = "hex"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        text = str(value).strip().lower()
        if not re.fullmatch(r"[0-9a-f]{32}", text):
            self.fail(f"{value!r} is not an md5 (32 hex digits)", param, ctx)
        return text
