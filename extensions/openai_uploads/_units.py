"""Numbers with units, as the command lines read them: sizes (``--part-size 64MiB``),
rates (``serve --bandwidth 20MB``) from one table of byte units, and durations
(``--expires-after 7d``); and the MIME type a file's name implies.

Decimal units (k, kB, MB, GB) are powers of 1000, binary ones (KiB, MiB, GiB) of 1024;
units are case-insensitive, and a bare number is bytes (or seconds).
"""

from __future__ import annotations

import mimetypes
import re
from decimal import Decimal
from pathlib import PurePath
from typing import Final

BYTE_UNITS: Final = {
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


def _number_and_unit(text: str, per_second: bool = False) -> tuple[str, int] | None:
    """``("1.5", 1048576)`` from ``"1.5MiB"`` (and ``"1.5MiB/s"`` when ``per_second``);
    None when ``text`` is not a number with a known unit."""
    suffix = r"(?:/s)?\s*" if per_second else ""
    match = re.fullmatch(rf"\s*([0-9]*\.?[0-9]+)\s*([a-zA-Z]*)\s*{suffix}", text)
    if match is None or match.group(2).lower() not in BYTE_UNITS:
        return None
    return match.group(1), BYTE_UNITS[match.group(2).lower()]


def parse_size(text: str) -> int:
    """Bytes from ``64MiB``, ``32MB``, ``1GiB``, ``1.5MiB``, ``500k`` or ``1048576``."""
    parsed = _number_and_unit(text)
    if parsed is None:
        raise ValueError(f"not a size: {text!r} (try 64MiB, 32MB, 1GiB or a number of bytes)")
    value = Decimal(parsed[0]) * parsed[1]
    if value != value.to_integral_value():
        raise ValueError(f"not a whole number of bytes: {text!r}")
    return int(value)


def parse_rate(text: str) -> float:
    """Bytes per second from ``20MB``, ``20MB/s``, ``10MiB``, ``500k`` or ``123456``."""
    parsed = _number_and_unit(text, per_second=True)
    if parsed is None:
        raise ValueError(f"not a rate: {text!r} (try 20MB, 10MiB, 500k)")
    return float(parsed[0]) * parsed[1]


DURATION_UNITS: Final = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: str) -> int:
    """Seconds from ``3600``, ``3600s``, ``90m``, ``2h``, ``7d``, ``1w`` or ``1d12h``."""
    pieces = re.findall(r"([0-9]+)\s*([a-zA-Z]*)", text)
    leftover = re.sub(r"([0-9]+)\s*([a-zA-Z]*)", "", text).strip()
    if not pieces or leftover or any(u.lower() not in DURATION_UNITS for _, u in pieces):
        raise ValueError(f"not a duration: {text!r} (try 3600s, 2h or 7d)")
    return sum(int(n) * DURATION_UNITS[u.lower()] for n, u in pieces)


MIME_TYPES: Final = {
    # what the standard library's table lacks or names otherwise, for the API's purposes
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
    suffix = PurePath(filename).suffix.lower()
    if suffix in MIME_TYPES:
        return MIME_TYPES[suffix]
    guessed, _ = mimetypes.guess_type(filename, strict=False)
    return guessed or "application/octet-stream"
