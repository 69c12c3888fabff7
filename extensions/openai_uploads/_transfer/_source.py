"""What ``file=`` may be, checked before any request, and how its bytes are read.

A :class:`Source` is a path, an in-memory buffer or a binary file object behind one
interface. Two ways of reading:

* **random access** (paths, in-memory data, seekable file objects): a part's bytes are
  read at their offset with :meth:`Source.read_at`, slice by slice as the part is sent
  (and again for a retry), and the digests come from one sequential pass over the whole
  input (:meth:`Source.chunks`) that runs alongside. Nothing part-sized is held.
* **sequential** (non-seekable streams): :meth:`Source.read_part` fills a pool buffer
  with the next part, once.

A file that changes while it is read fails with :class:`FileChangedError`: it ended
early, or its change stamp (size, mtime, ctime: the kernel updates them on every write)
moved since it was opened (:meth:`Source.check_unchanged`).
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from .._constants import MiB
from .._exceptions import FileChangedError, UploadError
from .._utils import is_strict_int
from ._errors import TransferAborted

FINGERPRINT_SPAN = MiB
"""How much of each end of the file the resume fingerprint hashes."""
CHUNK_SIZE = MiB
"""The sequential (digest) pass reads this much at a time."""

Stamp = tuple[int, int, int]
"""``(st_size, st_mtime_ns, st_ctime_ns)`` of an open file."""


@dataclass(frozen=True, slots=True)
class Identity:
    """What tells a file apart from an edited one, for resuming."""

    size: int
    mtime_ns: int | None
    fingerprint: str

    def to_json(self) -> dict[str, Any]:
        return {"size": self.size, "mtime_ns": self.mtime_ns, "fingerprint": self.fingerprint}


class Source:
    """The bytes to upload, whatever their origin.

    :meth:`read_at` may be called from several threads at once; :meth:`read_part` and
    :meth:`chunks` by one reader only.
    """

    filename: str
    size: int
    path: str | None = None
    """The file's absolute path, for a path input (the default state-file location)."""
    needs_buffers: bool = True
    """False when :meth:`read_part` hands out views of the caller's memory."""
    seekable: bool = True
    random_access: bool = False
    """True when parts are read at their offsets as they are sent (:meth:`read_at`)."""

    def open(self) -> None:
        """Get ready to read from the start (called again to start over)."""

    def read_part(self, size: int, buffer: bytearray | None) -> memoryview:
        """The next ``size`` bytes; raises :class:`UploadError` when the input ends early."""
        raise NotImplementedError

    def read_at(self, offset: int, size: int) -> bytes | memoryview:
        """Exactly ``size`` bytes at ``offset``; thread-safe. Random-access sources only."""
        raise NotImplementedError

    def chunks(self) -> Iterator[memoryview]:
        """The whole input in order, in slices of at most :data:`CHUNK_SIZE` (each valid
        until the next is asked for). Random-access sources only."""
        raise NotImplementedError

    def check_unchanged(self) -> None:
        """Raise :class:`FileChangedError` if the input changed since :meth:`open`."""

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


def _stamp(fd: int) -> Stamp | None:
    """The change stamp of a regular file (None for anything else)."""
    try:
        st = os.fstat(fd)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _changed(what: str, how: str) -> FileChangedError:
    return FileChangedError(
        f"{what} changed while it was being uploaded ({how}); upload it again once it "
        "is no longer being written",
        upload_id=None,
    )


class _FileReads:
    """Positional reads (``os.pread``) from a file descriptor, for several threads.

    The descriptor is closed only once no read is using it, so a part still streaming
    when the transfer ends never reads from a recycled descriptor.
    """

    def __init__(self, fd: int, owned: bool, *, what: str, base: int, size: int) -> None:
        self._fd = fd
        self._owned = owned
        self._what = what
        self._base = base
        self._size = size
        self._lock = threading.Lock()
        self._readers = 0
        self._closed = False
        self.stamp = _stamp(fd)

    def _acquire(self) -> int:
        with self._lock:
            if self._closed:
                raise TransferAborted(f"{self._what}: the transfer has ended")
            self._readers += 1
            return self._fd

    def _release(self) -> None:
        with self._lock:
            self._readers -= 1
            if self._closed and self._readers == 0 and self._owned:
                os.close(self._fd)

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            if self._readers == 0 and self._owned:
                os.close(self._fd)

    def _short(self, offset: int, got: int) -> FileChangedError:
        return _changed(
            self._what,
            f"it ended at byte {offset + got} of the {self._size} it had when the upload began",
        )

    def read_at(self, offset: int, size: int) -> bytes:
        fd = self._acquire()
        try:
            data = os.pread(fd, size, self._base + offset)
            if len(data) < size:  # rare: a short read before the end; keep reading
                pieces = [data]
                got = len(data)
                while got < size:
                    more = os.pread(fd, size - got, self._base + offset + got)
                    if not more:
                        raise self._short(offset, got)
                    pieces.append(more)
                    got += len(more)
                data = b"".join(pieces)
            return data
        finally:
            self._release()

    def read_into(self, offset: int, view: memoryview) -> None:
        fd = self._acquire()
        try:
            got = 0
            while got < len(view):
                n = os.preadv(fd, [view[got:]], self._base + offset + got)
                if not n:
                    raise self._short(offset, got)
                got += n
        finally:
            self._release()

    def chunks(self) -> Iterator[memoryview]:
        buffer = memoryview(bytearray(min(CHUNK_SIZE, max(self._size, 1))))
        for offset in range(0, self._size, CHUNK_SIZE):
            view = buffer[: min(CHUNK_SIZE, self._size - offset)]
            self.read_into(offset, view)
            yield view

    def check_unchanged(self) -> None:
        if self.stamp is None:
            return
        now = _stamp(self._fd) if not self._closed else None
        if now is None or now == self.stamp:
            return
        if now[0] != self.stamp[0]:
            how = f"its size went from {self.stamp[0]} to {now[0]} bytes"
        else:
            how = "it was written to: its modification time moved"
        raise _changed(self._what, how)


class _FileBackedSource(Source):
    """A source read through a descriptor (:class:`_FileReads`) once it is opened."""

    _reads: _FileReads | None = None

    def check_unchanged(self) -> None:
        if self._reads is not None:
            self._reads.check_unchanged()

    def close(self) -> None:
        if self._reads is not None:
            self._reads.close()
            self._reads = None


class _PathSource(_FileBackedSource):
    random_access = True
    needs_buffers = False

    def __init__(self, path: str, filename: str, size: int) -> None:
        self.path = self._path = path
        self.filename = filename
        self.size = size
        self._reads: _FileReads | None = None

    def open(self) -> None:
        self.close()
        try:
            fd = os.open(self._path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        except OSError as exc:
            raise UploadError(f"cannot read {self.path}: {exc}", upload_id=None) from exc
        self._reads = _FileReads(fd, True, what=self._path, base=0, size=self.size)
        if self._reads.stamp is not None and self._reads.stamp[0] != self.size:
            raise _changed(
                self._path, f"it has {self._reads.stamp[0]} bytes, not {self.size} any more"
            )

    def _require(self) -> _FileReads:
        reads = self._reads
        if reads is None:
            raise TransferAborted(f"{self._path}: not open")
        return reads

    def read_at(self, offset: int, size: int) -> bytes:
        return self._require().read_at(offset, size)

    def chunks(self) -> Iterator[memoryview]:
        return self._require().chunks()

    def identity(self) -> Identity:
        stat = os.stat(self._path)
        with open(self._path, "rb") as f:

            def read_at(offset: int, n: int) -> bytes:
                f.seek(offset)
                return f.read(n)

            return Identity(stat.st_size, stat.st_mtime_ns, _fingerprint(read_at, stat.st_size))


class _MemorySource(Source):
    needs_buffers = False
    random_access = True

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

    def read_at(self, offset: int, size: int) -> memoryview:
        return self._data[offset : offset + size]

    def chunks(self) -> Iterator[memoryview]:
        for offset in range(0, self.size, CHUNK_SIZE):
            yield self._data[offset : offset + CHUNK_SIZE]

    def identity(self) -> Identity:
        return Identity(
            self.size,
            None,
            _fingerprint(lambda o, n: self._data[o : o + n], self.size),
        )


class _StreamSource(_FileBackedSource):
    """A binary file object. Seekable ones are read at offsets: with ``os.pread`` on their
    descriptor when they have one (their position is left alone), else by ``seek`` +
    ``read`` under a lock."""

    def __init__(self, stream: BinaryIO, filename: str, size: int, start: int | None) -> None:
        self._stream = stream
        self.filename = filename
        self.size = size
        self._start = start
        self.seekable = self.random_access = start is not None
        self.needs_buffers = not self.random_access
        self._opened = False
        self._lock = threading.Lock()
        self._reads: _FileReads | None = None
        self._what = f"the file object {getattr(stream, 'name', filename)!r}"

    def open(self) -> None:
        if self._start is not None:
            self._stream.seek(self._start)
            self._reads = self._descriptor_reads(self._start)
        elif self._opened:
            raise UploadError("a non-seekable stream cannot be read twice", upload_id=None)
        self._opened = True

    def _descriptor_reads(self, start: int) -> _FileReads | None:
        stream = self._stream
        # Only a plain file's bytes are its descriptor's bytes (a GzipFile, say, has the
        # compressed file's descriptor but yields other bytes): read others through it.
        plain = isinstance(stream, io.FileIO) or (
            isinstance(stream, io.BufferedReader | io.BufferedRandom)
            and isinstance(stream.raw, io.FileIO)
        )
        if not plain:
            return None
        try:
            fd = self._stream.fileno()
        except (AttributeError, OSError, ValueError):  # io.UnsupportedOperation included
            return None
        reads = _FileReads(fd, False, what=self._what, base=start, size=self.size)
        if reads.stamp is None:  # not a regular file: read through the object
            return None
        flush = getattr(self._stream, "flush", None)
        if callable(flush) and getattr(self._stream, "writable", lambda: False)():
            flush()  # positional reads must see what the object has buffered
        return reads

    def read_part(self, size: int, buffer: bytearray | None) -> memoryview:
        assert buffer is not None
        view = memoryview(buffer)[:size]
        if _fill(self._readinto, view) != size:
            raise UploadError(
                f"the stream ended before the {self.size} bytes it was declared to hold",
                upload_id=None,
            )
        return view

    def _readinto(self, target: memoryview) -> int:
        readinto: Callable[[memoryview], int] | None = getattr(self._stream, "readinto", None)
        if readinto is not None:
            return readinto(target)
        chunk = self._stream.read(len(target))
        target[: len(chunk)] = chunk
        return len(chunk)

    def read_at(self, offset: int, size: int) -> bytes | memoryview:
        if self._reads is not None:
            return self._reads.read_at(offset, size)
        assert self._start is not None
        pieces: list[bytes] = []
        got = 0
        with self._lock:
            self._stream.seek(self._start + offset)
            while got < size:
                chunk = self._stream.read(size - got)
                if not chunk:
                    break
                pieces.append(bytes(chunk))
                got += len(chunk)
        if got != size:
            raise _changed(self._what, f"it ended at byte {offset + got} of {self.size}")
        return pieces[0] if len(pieces) == 1 else b"".join(pieces)

    def chunks(self) -> Iterator[memoryview]:
        if self._reads is not None:
            yield from self._reads.chunks()
            return
        for offset in range(0, self.size, CHUNK_SIZE):
            yield memoryview(self.read_at(offset, min(CHUNK_SIZE, self.size - offset)))

    def identity(self) -> Identity:
        if self._start is None:  # pragma: no cover - resume rejects these up front
            raise ValueError("a non-seekable stream has no identity")
        start = self._start

        def read_at(offset: int, n: int) -> bytes:
            self._stream.seek(start + offset)
            chunk: bytes = self._stream.read(n)
            return chunk

        with self._lock:
            fingerprint = _fingerprint(read_at, self.size)
            self._stream.seek(start)
        return Identity(self.size, None, fingerprint)


def open_source(file: object, *, filename: str | None, declared: int | None) -> Source:
    """Check ``file`` (and ``filename`` / ``bytes``) and wrap it; no request is made.

    Raises ``TypeError`` for an unsupported kind of input, or when in-memory data or a
    nameless stream comes without ``filename`` / ``bytes`` (as documented), and
    ``ValueError`` for a path that is missing, a directory or unreadable, or a ``bytes``
    that disagrees with the real size.
    """
    if declared is not None and not is_strict_int(declared):
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
    mode = getattr(file, "mode", "b")  # a GzipFile's mode is an int
    if isinstance(file, io.TextIOBase) or (isinstance(mode, str) and "b" not in mode):
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


class SourceRange:
    """One part of a random-access source, as a :class:`~.._base_client.PartBody`: read
    slice by slice as it is sent, and again for a retry."""

    __slots__ = ("_offset", "_size", "_source")

    def __init__(self, source: Source, offset: int, size: int) -> None:
        self._source = source
        self._offset = offset
        self._size = size

    def __len__(self) -> int:
        return self._size

    def read_at(self, offset: int, size: int) -> bytes | memoryview:
        return self._source.read_at(self._offset + offset, size)
