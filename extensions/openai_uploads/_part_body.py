"""A part's bytes as a multipart body: sent without copying, and its boundary.

The generated builder uses a fixed boundary (:data:`FIXED_BOUNDARY`), so that recorded
bodies are stable; a body that may contain it gets a random one. Scanning costs about
0.5 CPU s per GiB, so only small in-memory bodies are scanned (:func:`choose_boundary`);
a large one, or one streamed from the file, gets a random boundary of 128 bits, which
cannot plausibly occur in it.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Callable, Iterable
from typing import Any, BinaryIO, Protocol, cast

from openai_uploads_client.types import File

FIXED_BOUNDARY = "+++"
"""The generated builder's multipart boundary; fixed so that recorded bodies are stable."""

SCANNED_AT_MOST = 1024 * 1024
"""The largest in-memory body that keeps the fixed boundary (scanned for it: well under
a millisecond); a larger one gets a random boundary and no scan."""


class PartBody(Protocol):
    """A part's bytes, read where they live as they are sent (the engine's streamed parts).

    ``read_at`` is called from the thread (or event loop) that sends the request, once
    per slice and again for every slice of a retried attempt, so it must be safe to call
    concurrently for different parts and must return exactly ``size`` bytes (or raise).
    """

    def __len__(self) -> int: ...

    def read_at(self, offset: int, size: int) -> bytes | memoryview: ...


class PartReader:
    """A read-only, seekable file object over a part's bytes that never copies them.

    ``data`` is the part in memory (``read(n)`` returns ``memoryview`` slices of it) or a
    :class:`PartBody` (each ``read(n)`` reads one slice from it: only the slice being
    sent is in memory). httpx seeks it to 0 before each send, so a retried request
    re-sends the part whole, read again. ``on_progress(n)`` is told how many bytes of
    this part were handed to the socket in the current attempt: httpx writes one chunk
    before it reads the next, so each ``read`` reports the bytes of the reads before it.
    """

    READ_SIZE = 512 * 1024
    """The least a ``read(n)`` returns while data is left."""

    def __init__(
        self,
        data: memoryview | PartBody,
        *,
        name: str = "part",
        on_progress: Callable[[int], None] | None = None,
    ) -> None:
        self._data = data
        self._size = len(data)
        self._pos = 0
        self._reported = 0
        self.name = name
        self._on_progress = on_progress

    def _report(self, sent: int) -> None:
        if self._on_progress is not None and sent != self._reported:
            self._reported = sent
            self._on_progress(sent)

    def read(self, size: int = -1) -> bytes | memoryview:
        self._report(self._pos)
        # httpx asks for 64 KiB at a time; larger slices (views: nothing is copied) cut
        # the per-chunk work of sending a part 16-fold. httpx only loops until b"".
        end = (
            self._size
            if size is None or size < 0
            else min(self._pos + max(size, self.READ_SIZE), self._size)
        )
        data = self._data
        if isinstance(data, memoryview):
            chunk: bytes | memoryview = data[self._pos : end]
        elif end > self._pos:
            # bytes (not a view) from a file: h11 sends a single bytes chunk as is,
            # so the slice is copied once, by the read.
            chunk = data.read_at(self._pos, end - self._pos)
        else:
            chunk = b""
        self._pos = end
        return chunk

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._pos, os.SEEK_END: self._size}[whence]
        new = base + offset
        if new < 0:
            raise ValueError("negative seek position")
        if new == 0 and whence == os.SEEK_SET:
            # A new attempt starts: progress restarts from zero.
            self._reported = 0
        self._pos = new
        return new

    def tell(self) -> int:
        return self._pos

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def close(self) -> None:
        pass


_FIXED_DELIMITER = re.compile(re.escape(b"\r\n--" + FIXED_BOUNDARY.encode()))
_FIXED_OPENING = b"--" + FIXED_BOUNDARY.encode()


def needs_random_boundary(values: Iterable[bytes | bytearray | memoryview]) -> bool:
    """Whether a multipart value contains the fixed boundary's delimiter.

    ``re`` searches any buffer without copying it (``bytes.find`` would need bytes).
    """
    for value in values:
        if _FIXED_DELIMITER.search(value) is not None:
            return True
        if bytes(value[: len(_FIXED_OPENING)]) == _FIXED_OPENING:
            return True
    return False


def random_boundary() -> str:
    return secrets.token_hex(16)


def choose_boundary(body: memoryview | PartBody, *, fixed: bool = True) -> str | None:
    """The boundary for ``body``'s multipart request: None for the fixed one, else a
    random one. The fixed one only when asked for (``fixed``) and ``body`` is in memory,
    small enough to scan cheaply, and free of it."""
    if (
        fixed
        and isinstance(body, memoryview)
        and len(body) <= SCANNED_AT_MOST
        and not needs_random_boundary([body])
    ):
        return None
    return random_boundary()


def multipart_file(
    body: memoryview | PartBody,
    filename: str,
    mime_type: str | None,
    on_progress: Callable[[int], None] | None = None,
) -> File:
    """The generated request's file field over ``body``, read by a fresh
    :class:`PartReader` (one per attempt: a retry reads it again from the start)."""
    reader = PartReader(body, name=filename, on_progress=on_progress)
    return File(payload=cast(BinaryIO, reader), file_name=filename, mime_type=mime_type)


def with_boundary(kwargs: dict[str, Any], boundary: str | None) -> dict[str, Any]:
    """Generated request ``kwargs`` sent with ``boundary`` (None: the fixed one)."""
    if boundary is not None:
        kwargs["headers"]["Content-Type"] = f"multipart/form-data; boundary={boundary}"
    return kwargs
