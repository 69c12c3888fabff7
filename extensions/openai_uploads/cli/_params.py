"""How the command line reads sizes, durations, md5s and MIME types."""

from __future__ import annotations

import mimetypes
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import click

from .._constants import MAX_FILE_EXPIRY_SECONDS, MAX_PART_SIZE, MIN_FILE_EXPIRY_SECONDS

_SIZE_UNITS = {
    "": 1,
    "b": 1,
    "k": 1000,
    "kb": 1000,
    "kib": 1024,
    "m": 1000**2,
    "mb": 1000**2,
    "mib": 1024**2,
    "g": 1000**3,
    "gb": 1000**3,
    "gib": 1024**3,
}

_DURATION_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_size(text: str) -> int:
    """Bytes from ``64MiB``, ``32MB``, ``1GiB``, ``1.5MiB``, ``500k`` or ``1048576``.

    Decimal units (kB, MB, GB) are powers of 1000, binary ones (KiB, MiB, GiB) of 1024.
    """
    match = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*([a-zA-Z]*)\s*", text)
    unit = match.group(2).lower() if match else ""
    if not match or unit not in _SIZE_UNITS:
        raise ValueError(f"not a size: {text!r} (try 64MiB, 32MB, 1GiB or a number of bytes)")
    try:
        value = Decimal(match.group(1)) * _SIZE_UNITS[unit]
    except InvalidOperation:  # pragma: no cover - the regex admits only numbers
        raise ValueError(f"not a size: {text!r}") from None
    if value != value.to_integral_value():
        raise ValueError(f"not a whole number of bytes: {text!r}")
    return int(value)


def parse_duration(text: str) -> int:
    """Seconds from ``3600``, ``3600s``, ``90m``, ``2h``, ``7d``, ``1w`` or ``1d12h``."""
    pieces = re.findall(r"([0-9]+)\s*([a-zA-Z]*)", text)
    leftover = re.sub(r"([0-9]+)\s*([a-zA-Z]*)", "", text).strip()
    if not pieces or leftover or any(u.lower() not in _DURATION_UNITS for _, u in pieces):
        raise ValueError(f"not a duration: {text!r} (try 3600s, 2h or 7d)")
    return sum(int(n) * _DURATION_UNITS[u.lower()] for n, u in pieces)


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
