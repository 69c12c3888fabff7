"""What ``file=`` may be, checked before any request, and read once, in order.

A :class:`Source` is a path, an in-memory buffer or a binary file object behind one
interface: :meth:`Source.read_part` fills a pool buffer (or, for in-memory data, hands
out a slice of the caller's own buffer: no copy at all).
"""

from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass
from typing import Any, BinaryIO

from .._constants import MiB
from .._exceptions import UploadError

FINGERPRINT_SPAN = MiB
"""How much of each end of the file the resume fingerprint hashes."""

FileInput = str | os.PathLike[str] | bytes | bytearray | memoryview | BinaryIO


@dataclass(frozen=True, slots=True)
class Identity:
    """What tells a file apart from an edited one, for resuming."""

    size: int
    mtime_ns: int | None
    fingerprint: str

    def to_json(self) -> dict[str, Any]:
        return {"size": self.size, "mtime_ns": self.mtime_ns, "fingerprint": self.fingerprint}


class Source:
    """The bytes to upload, whatever their origin. Not thread-safe: one reader only."""

    filename: str
    size: int
    path: str | None = None
    """The file's absolute path, for a path input (the default state-file location)."""
    needs_buffers: bool = True
    """False when :meth:`read_part` hands out views of the caller's memory."""
    seekable: bool = True

    def open(self) -> None:
        """Get ready to read from the start (called again to start over)."""

    def read_part(self, size: int, buffer: bytearray | None) -> memoryview:
        """The next ``size`` bytes; raises :class:`UploadError` when the input ends early."""
        raise NotImplementedError

    def close(self) -> None:
        """Release the file handle, if this source opened one."""

    def identity(self) -> Identity:
        raise NotImplementedError


def _fingerprint(read_at: Any, size: int) -> str:
    digest = hashlib.sha256()
    digest.update(read_at(0, min(size, FINGERPRINT_SPAN)))
    if size > FINGERPRINT_SPAN:
        tail = max(FINGERPRINT_SPAN, size - FINGERPRINT_SPAN)
        digest.update(read_at(tail, size - tail))
    return digest.hexdigest()


def _fill(readinto: Any, view: memoryview) -> int:
    filled = 0
    while filled < len(view):
        n = readinto(view[filled:])
        if not n:
            break
        filled += n
    return filled


class _PathSource(Source):
    def __init__(self, path: str, filename: str, size: int) -> None:
        self.path = self._path = path
        self.filename = filename
        self.size = size
        self._file: io.FileIO | None = None

    def open(self) -> None:
        self.close()
        try:
            self._file = io.FileIO(self._path, "rb")
        except OSError as exc:
            raise UploadError(f"cannot read {self.path}: {exc}", upload_id=None) from exc

    def read_part(self, size: int, buffer: bytearray | None) -> memoryview:
        assert self._file is not None
        assert buffer is not None
        view = memoryview(buffer)[:size]
        if _fill(self._file.readinto, view) != size:
            raise UploadError(
                f"{self.path} ended early: it changed while it was being uploaded",
                upload_id=None,
            )
        return view

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def identity(self) -> Identity:
        stat = os.stat(self._path)
        with open(self._path, "rb") as f:

            def read_at(offset: int, n: int) -> bytes:
                f.seek(offset)
                return f.read(n)

            return Identity(stat.st_size, stat.st_mtime_ns, _fingerprint(read_at, stat.st_size))


class _MemorySource(Source):
    needs_buffers = False

    def __init__(self, data: memoryview, filename: str) -> None:
        self._data = data
        self.filename = filename
        self.size = data.nbytes
        self._pos = 0

    def open(self) -> None:
        self._pos = 0

    def read_part(self, size: int, buffer: bytearray | None) -> memoryview:
        view = self._data[self._pos : self._pos + size]
        self._pos += size
        return view

    def identity(self) -> Identity:
        return Identity(
            self.size,
            None,
            _fingerprint(lambda o, n: self._data[o : o + n], self.size),
        )


class _StreamSource(Source):
    def __init__(self, stream: BinaryIO, filename: str, size: int, start: int | None) -> None:
        self._stream = stream
        self.filename = filename
        self.size = size
        self._start = start
        self.seekable = start is not None
        self._opened = False

    def open(self) -> None:
        if self._start is not None:
            self._stream.seek(self._start)
        elif self._opened:
            raise UploadError("a non-seekable stream cannot be read twice", upload_id=None)
        self._opened = True

    def read_part(self, size: int, buffer: bytearray | None) -> memoryview:
        assert buffer is not None
        view = memoryview(buffer)[:size]
        readinto = getattr(self._stream, "readinto", None)
        if readinto is None:

            def readinto(target: memoryview) -> int:
                chunk = self._stream.read(len(target))
                target[: len(chunk)] = chunk
                return len(chunk)

        if _fill(readinto, view) != size:
            raise UploadError(
                f"the stream ended before the {self.size} bytes it was declared to hold",
                upload_id=None,
            )
        return view

    def identity(self) -> Identity:
        if self._start is None:  # pragma: no cover - resume rejects these up front
            raise ValueError("a non-seekable stream has no identity")
        start = self._start

        def read_at(offset: int, n: int) -> bytes:
            self._stream.seek(start + offset)
            chunk: bytes = self._stream.read(n)
            return chunk

        fingerprint = _fingerprint(read_at, self.size)
        self._stream.seek(start)
        return Identity(self.size, None, fingerprint)


def open_source(file: object, *, filename: str | None, declared: int | None) -> Source:
    """Check ``file`` (and ``filename`` / ``bytes``) and wrap it; no request is made.

    Raises ``TypeError`` for an unsupported kind of input, or when in-memory data or a
    nameless stream comes without ``filename`` / ``bytes`` (as the seed documents), and
    ``ValueError`` for a path that is missing, a directory or unreadable, or a ``bytes``
    that disagrees with the real size.
    """
    if declared is not None and (not isinstance(declared, int) or isinstance(declared, bool)):
        raise TypeError(f"bytes must be an int, got {type(declared).__name__}")
    if declared is not None and declared < 0:
        raise ValueError(f"bytes must not be negative, got {declared}")
    if filename is not None and not isinstance(filename, str):
        raise TypeError(f"filename must be a str, got {type(filename).__name__}")
    if filename is not None and not filename:
        raise ValueError("filename must not be empty")

    if isinstance(file, str | os.PathLike):
        return _path_source(os.fspath(file), filename, declared)
    if isinstance(file, bytes | bytearray | memoryview):
        return _memory_source(file, filename, declared)
    if isinstance(file, io.TextIOBase) or "b" not in getattr(file, "mode", "b"):
        raise TypeError("file must be opened in binary mode ('rb'), not text mode")
    if callable(getattr(file, "read", None)):
        return _stream_source(file, filename, declared)
    raise TypeError(
        "file must be a path (str or os.PathLike), bytes, bytearray, memoryview or a binary "
        f"file object, got {type(file).__name__}"
    )


def _check_declared(declared: int | None, actual: int, what: str) -> None:
    if declared is not None and declared != actual:
        raise ValueError(f"bytes={declared} disagrees with the size of {what}: {actual} bytes")


def _path_source(path: object, filename: str | None, declared: int | None) -> Source:
    if not isinstance(path, str):
        raise TypeError("file paths must be str, not bytes")
    if not os.path.exists(path):
        raise ValueError(f"file not found: {path}")
    if os.path.isdir(path):
        raise ValueError(f"file is a directory, not a file: {path}")
    try:
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
    except OSError as exc:
        raise ValueError(f"file cannot be read: {path} ({exc.strerror or exc})") from exc
    _check_declared(declared, size, path)
    return _PathSource(os.path.abspath(path), filename or os.path.basename(path), size)


def _memory_source(
    data: bytes | bytearray | memoryview, filename: str | None, declared: int | None
) -> Source:
    if filename is None or declared is None:
        missing = " and ".join(
            name for name, v in (("filename", filename), ("bytes", declared)) if v is None
        )
        raise TypeError(f"in-memory data needs {missing}: pass filename=... and bytes=len(data)")
    view = memoryview(data)
    if not view.contiguous:
        raise ValueError("a memoryview must be contiguous")
    view = view.cast("B") if view.format != "B" or view.ndim != 1 else view
    _check_declared(declared, view.nbytes, "the data")
    return _MemorySource(view, filename)


def _stream_source(stream: Any, filename: str | None, declared: int | None) -> Source:
    name = getattr(stream, "name", None)
    if filename is None:
        if isinstance(name, str) and name:
            filename = os.path.basename(name)
        else:
            raise TypeError("a file object without a name needs filename=...")
    start: int | None = None
    try:
        seekable = bool(stream.seekable())
    except (AttributeError, ValueError, OSError):
        seekable = False
    if seekable:
        start = stream.tell()
        end = stream.seek(0, os.SEEK_END)
        stream.seek(start)
        size = end - start
        _check_declared(declared, size, f"the file object from its position {start}")
    elif declared is None:
        raise TypeError("a non-seekable stream needs bytes=... (how many bytes it will yield)")
    else:
        size = declared
    return _StreamSource(stream, filename, size, start)
