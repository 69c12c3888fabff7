"""How the command line reads sizes, durations, md5s and MIME types."""

from __future__ import annotations

import re
from typing import Any

import click

from .._constants import (
    MAX_FILE_EXPIRY_SECONDS,
    MAX_PART_SIZE,
    MAX_UPLOAD_BYTES,
    MIN_FILE_EXPIRY_SECONDS,
)
from .._units import guess_mime_type, parse_duration, parse_size

__all__ = [
    "ByteCountParam",
    "DurationParam",
    "Md5Param",
    "RateParam",
    "SizeParam",
    "guess_mime_type",
    "parse_duration",
    "parse_size",
]


class _BoundedParam(click.ParamType):  # type: ignore[type-arg,unused-ignore]
    """A number read with units (an int passes as it is), then checked against bounds."""

    def parse(self, text: str) -> int:
        raise NotImplementedError

    def out_of_bounds(self, value: Any, number: int) -> str | None:
        """Why ``number`` (read from ``value``) is refused; None if it is accepted."""
        raise NotImplementedError

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        try:
            number = self.parse(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)
        refusal = self.out_of_bounds(value, number)
        if refusal is not None:
            self.fail(refusal, param, ctx)
        return number


class SizeParam(_BoundedParam):
    name = "size"

    def parse(self, text: str) -> int:
        return parse_size(text)

    def out_of_bounds(self, value: Any, number: int) -> str | None:
        if 1 <= number <= MAX_PART_SIZE:
            return None
        return f"{value!r} is outside 1 byte to 64MiB (the largest Part)"


class RateParam(_BoundedParam):
    """A bandwidth in bytes per second, with units (10MiB, 500KB, also 10MiB/s): at
    least 1 byte."""

    name = "rate"

    def parse(self, text: str) -> int:
        return parse_size(text.removesuffix("/s"))

    def out_of_bounds(self, value: Any, number: int) -> str | None:
        return None if number >= 1 else f"{value!r} is not a positive rate"


class ByteCountParam(_BoundedParam):
    """A whole input's size, with units: 0 bytes to 8 GiB (the largest Upload)."""

    name = "size"

    def parse(self, text: str) -> int:
        return parse_size(text)

    def out_of_bounds(self, value: Any, number: int) -> str | None:
        if number <= MAX_UPLOAD_BYTES:
            return None
        return f"{value!r} is over 8GiB (the largest Upload)"


class DurationParam(_BoundedParam):
    name = "duration"

    def parse(self, text: str) -> int:
        return parse_duration(text)

    def out_of_bounds(self, value: Any, number: int) -> str | None:
        if MIN_FILE_EXPIRY_SECONDS <= number <= MAX_FILE_EXPIRY_SECONDS:
            return None
        return f"{value!r} is outside 1h to 30d ({number} s)"


class Md5Param(click.ParamType):  # type: ignore[type-arg,unused-ignore]
    name = "hex"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        text = str(value).strip().lower()
        if not re.fullmatch(r"[0-9a-f]{32}", text):
            self.fail(f"{value!r} is not an md5 (32 hex digits)", param, ctx)
        return text
