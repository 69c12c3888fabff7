"""The kinds of input behind one :class:`Source` interface, and how each reads its bytes.

:mod:`._source` decides which kind ``file=`` is and opens it; this module holds the
kinds: a path (:class:`PathSource`), in-memory data (:class:`MemorySource`), a
caller's file object (:class:`StreamSource`, seekable or not) and a spooled stream
(:class:`SpooledSource`), with the positional reads (``pread``, or ``seek`` + ``read``
under a lock where there is none) and the change stamps they share. A part streamed
from a source is a :class:`SourceRange`.
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
    random_access: bool = False
    """True when parts are read at their offsets as they are sent (:meth:`read_at`:
    :class:`._source.RangeReads`), False when they are read once, in order
    (:meth:`read_part`: :class:`._source.OrderedReads`). The one flag the read strategy
    is chosen by."""

    def open(self) -> None:
        """Get ready to read from the start (called again to start over)."""

    def read_part(self, size: int, buffer: bytearray) -> memoryview:
        """The next ``size`` bytes; raises :class:`FileChangedError` when the input ends
        early, or, once it has given all its bytes, does not end there. Sequential
        sources only."""
        raise NotImplementedError

    def check_ended(self) -> None:
        """Raise :class:`FileChangedError` unless the input ends where it should (a
        sequential source checks this in :meth:`read_part`; this is for one with no
        part at all). Blocking."""

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


def _wrong_length(what: str, declared: int, how: str) -> FileChangedError:
    return FileChangedError(
        f"{what} did not hold the bytes={declared} it was declared to: it {how}; "
        "nothing was completed",
        upload_id=None,
    )


class _PositionalReads:
    """Reads at an offset of one descriptor, for several threads at once.

    ``os.pread`` / ``os.preadv`` where the platform has them (they move no file position);
    where it does not (Windows has neither), a ``seek`` and ``readinto`` under ``lock``,
    on a descriptor only the engine reads (a caller's file object is read through the
    object instead: :meth:`StreamSource._descriptor_reads`). Chosen when the source is
    opened, not when this module is imported.
    """

    def __init__(self, fd: int, lock: threading.Lock) -> None:
        self._fd = fd
        self._lock = lock
        self._pread: Callable[[int, int, int], bytes] | None = getattr(os, "pread", None)
        self._preadv: Callable[[int, list[memoryview], int], int] | None = getattr(
            os, "preadv", None
        )
        self._file = None if self._pread is not None else io.FileIO(fd, "r", closefd=False)

    def read(self, size: int, offset: int) -> bytes:
        """Up to ``size`` bytes at ``offset`` (fewer only at the end of the file, or a
        short read)."""
        if self._pread is not None:
            return self._pread(self._fd, size, offset)
        buffer = bytearray(size)
        got = self.readinto(memoryview(buffer), offset)
        del buffer[got:]
        return bytes(buffer)

    def readinto(self, view: memoryview, offset: int) -> int:
        """Fill the start of ``view`` from ``offset``; returns how many bytes (0: the end)."""
        if self._preadv is not None:
            return self._preadv(self._fd, [view], offset)
        if self._pread is not None:
            data = self._pread(self._fd, len(view), offset)
            view[: len(data)] = data
            return len(data)
        assert self._file is not None
        with self._lock:
            self._file.seek(offset)
            return self._file.readinto(view) or 0


class _FileReads:
    """Positional reads (:class:`_PositionalReads`) from a file descriptor, for several
    threads.

    The descriptor is closed only once no read is using it, so a part still streaming
    when the transfer ends never reads from a recycled descriptor.
    """

    def __init__(
        self,
        fd: int,
        owned: bool,
        *,
        what: str,
        base: int,
        size: int,
        lock: threading.Lock | None = None,
    ) -> None:
        self._fd = fd
        self._owned = owned
        self._what = what
        self._base = base
        self._size = size
        self._lock = threading.Lock()
        self._readers = 0
        self._closed = False
        self._positional = _PositionalReads(fd, lock or threading.Lock())
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
        self._acquire()
        try:
            data = self._positional.read(size, self._base + offset)
            if len(data) < size:  # rare: a short read before the end; keep reading
                pieces = [data]
                got = len(data)
                while got < size:
                    more = self._positional.read(size - got, self._base + offset + got)
                    if not more:
                        raise self._short(offset, got)
                    pieces.append(more)
                    got += len(more)
                data = b"".join(pieces)
            return data
        finally:
            self._release()

    def read_into(self, offset: int, view: memoryview) -> None:
        self._acquire()
        try:
            got = 0
            while got < len(view):
                n = self._positional.readinto(view[got:], self._base + offset + got)
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


class FileBackedSource(Source):
    """A source read through a descriptor (:class:`_FileReads`) once it is opened."""

    _reads: _FileReads | None = None

    def check_unchanged(self) -> None:
        if self._reads is not None:
            self._reads.check_unchanged()

    def close(self) -> None:
        if self._reads is not None:
            self._reads.close()
            self._reads = None


class PathSource(FileBackedSource):
    random_access = True

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


class MemorySource(Source):
    random_access = True

    def __init__(self, data: memoryview, filename: str) -> None:
        self._data = data
        self.filename = filename
        self.size = data.nbytes

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


class StreamSource(FileBackedSource):
    """A binary file object. Seekable ones are read at offsets: with ``os.pread`` on their
    descriptor when they have one and the platform has ``os.pread`` (their position is
    left alone), else by ``seek`` + ``read`` under a lock. Non-seekable ones are read in
    order, once (:meth:`read_part`).

    ``owned``: the engine opened it (a path that is a stream) and closes it at the end.
    """

    def __init__(
        self,
        stream: BinaryIO,
        filename: str,
        size: int,
        start: int | None,
        *,
        owned: bool = False,
        what: str | None = None,
    ) -> None:
        self._stream = stream
        self._owned = owned
        self.filename = filename
        self.size = size
        self._start = start
        self.random_access = start is not None
        self._opened = False
        self._position = 0
        self._ended = False
        self._lock = threading.Lock()
        self._reads: _FileReads | None = None
        self._what = what or f"the file object {getattr(stream, 'name', filename)!r}"

    def open(self) -> None:
        if self._start is not None:
            self._stream.seek(self._start)
            self._reads = self._descriptor_reads(self._start)
        elif self._opened:
            raise UploadError("a non-seekable stream cannot be read twice", upload_id=None)
        self._opened = True

    def close(self) -> None:
        super().close()
        if self._owned:
            self._stream.close()

    def _descriptor_reads(self, start: int) -> _FileReads | None:
        if not hasattr(os, "pread"):
            # Reads through the descriptor would move the object's position under it.
            return None
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

    def read_part(self, size: int, buffer: bytearray) -> memoryview:
        view = memoryview(buffer)[:size]
        got = _fill(self._readinto, view)
        if got != size:
            raise _wrong_length(self._what, self.size, f"ended after {self._position + got} bytes")
        self._position += size
        if self._position >= self.size:
            self.check_ended()
        return view

    def check_ended(self) -> None:
        if self._start is not None or self._ended:
            return
        # One byte more than declared: the stream must end here (a pipe's writer may
        # still be writing; this waits for it to close or to write that byte).
        if _fill(self._readinto, memoryview(bytearray(1))):
            raise _wrong_length(self._what, self.size, "goes on past them")
        self._ended = True

    def _readinto(self, target: memoryview) -> int:
        readinto: Callable[[memoryview], int] | None = getattr(self._stream, "readinto", None)
        if readinto is not None:
            return readinto(target) or 0
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


class SpooledSource(FileBackedSource):
    """A stream of unknown size, copied to an unnamed temporary file: read like a file.

    Only this source holds the temporary file (a descriptor, with no name on POSIX), so
    the disk space goes back when it is closed, or when the process ends.
    """

    random_access = True

    def __init__(self, fd: int, filename: str, size: int, what: str) -> None:
        self._fd: int | None = fd
        self.filename = filename
        self.size = size
        self._what = what
        # Shared by every attempt's reads: where positional reads are missing, they
        # seek one shared file position.
        self._seek_lock = threading.Lock()

    def open(self) -> None:
        super().close()  # an earlier attempt's reads (not the file)
        if self._fd is None:
            raise TransferAborted(f"{self._what}: the transfer has ended")
        self._reads = _FileReads(
            os.dup(self._fd),
            True,
            what=self._what,
            base=0,
            size=self.size,
            lock=self._seek_lock,
        )

    def _require(self) -> _FileReads:
        if self._reads is None:
            raise TransferAborted(f"{self._what}: not open")
        return self._reads

    def read_at(self, offset: int, size: int) -> bytes:
        return self._require().read_at(offset, size)

    def chunks(self) -> Iterator[memoryview]:
        return self._require().chunks()

    def close(self) -> None:
        super().close()
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)

    def identity(self) -> Identity:  # pragma: no cover - resume rejects these up front
        raise ValueError("a spooled stream has no identity")


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
