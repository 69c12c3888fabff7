"""What ``file=`` may be, checked before any request, and how its bytes are read.

A :class:`Source` is a path, an in-memory buffer or a binary file object behind one
interface. Two ways of reading:

* **random access** (regular files, in-memory data, seekable file objects, spooled
  streams): a part's bytes are read at their offset with :meth:`Source.read_at`, slice
  by slice as the part is sent (and again for a retry), and the digests come from one
  sequential pass over the whole input (:meth:`Source.chunks`) that runs alongside.
  Nothing part-sized is held.
* **sequential** (streams of a declared size): :meth:`Source.read_part` fills a pool
  buffer with the next part, once.

**Streams** are never sized by ``st_size``, which is 0 (or meaningless) for anything
but a regular file: a path that is a pipe (FIFO), ``/dev/stdin``, ``<(cmd)``, a
character device or a socket is opened once and read as a stream, like a non-seekable
file object. With ``bytes=`` it is read as it is sent (sequential); without, it is first
spooled to an unnamed temporary file (:func:`_spool`, at most 8 GiB, the most an Upload
takes; deleted when the transfer ends, however it ends), then read like a file. A
stream cannot be read twice, so it cannot be resumed: ``resume=True`` is refused with a
``ValueError`` before anything is read. A block device is sized by seeking to its end.

No input completes with other bytes than it had. A stream that ends before its
``bytes=``, or runs past it, fails with :class:`FileChangedError` (checked as its last
part is read), and so does a file that changes while it is read: it ended early, or its
change stamp (size, mtime, ctime: the kernel updates them on every write) moved since it
was opened (:meth:`Source.check_unchanged`).
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from .._constants import MAX_UPLOAD_BYTES, MiB
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
    resumable: bool = True
    """False when a later call could not read the same bytes again (a stream), so a
    resume state file would be of no use."""
    random_access: bool = False
    """True when parts are read at their offsets as they are sent (:meth:`read_at`:
    :class:`._reads.RangeReads`), False when they are read once, in order
    (:meth:`read_part`: :class:`._reads.OrderedReads`). The one flag the read strategy
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
    object instead: :meth:`_StreamSource._descriptor_reads`). Chosen when the source is
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


class _StreamSource(_FileBackedSource):
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
        self.resumable = self.random_access = start is not None
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


class _SpooledSource(_FileBackedSource):
    """A stream of unknown size, copied to an unnamed temporary file: read like a file.

    Only this source holds the temporary file (a descriptor, with no name on POSIX), so
    the disk space goes back when it is closed, or when the process ends.
    """

    random_access = True
    resumable = False

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


SPOOL_LIMIT = MAX_UPLOAD_BYTES
"""A stream of unknown size is spooled up to this many bytes; one longer fails before
any request (an Upload holds no more)."""


def _spool(stream: Any, filename: str, what: str, stop: threading.Event | None) -> Source:
    """Copy ``stream`` to its end into an unnamed temporary file (``tempfile``'s
    directory: ``TMPDIR``); the file is gone however this ends.

    Blocking. ``stop``: set by a caller that gave up waiting (an async task cancelled),
    seen between reads.
    """
    buffer = memoryview(bytearray(CHUNK_SIZE))
    readinto: Callable[[memoryview], int | None] | None = getattr(stream, "readinto", None)
    with tempfile.TemporaryFile(prefix="openai-upload-spool-") as spool:
        total = 0
        while True:
            if stop is not None and stop.is_set():
                raise TransferAborted(f"spooling {what} stopped: the call was cancelled")
            if readinto is not None:
                n = readinto(buffer) or 0
            else:
                chunk = stream.read(CHUNK_SIZE)
                n = len(chunk)
                buffer[:n] = chunk
            if not n:
                break
            total += n
            if total > SPOOL_LIMIT:
                raise ValueError(
                    f"{what} holds more than {SPOOL_LIMIT} bytes (8 GiB), the most an Upload "
                    "takes; nothing was sent"
                )
            try:
                spool.write(buffer[:n])
            except OSError as exc:
                raise UploadError(
                    f"cannot spool {what} to a temporary file in {tempfile.gettempdir()} "
                    f"({exc.strerror or exc}): set TMPDIR to a roomier directory, or pass "
                    "bytes=... to stream it without spooling",
                    upload_id=None,
                ) from exc
        spool.flush()
        fd = os.dup(spool.fileno())
    return _SpooledSource(fd, filename, total, what)


def open_source(
    file: object,
    *,
    filename: str | None,
    declared: int | None,
    resume: bool = False,
    stop: threading.Event | None = None,
) -> Source:
    """Check ``file`` (and ``filename`` / ``bytes`` / ``resume``) and wrap it; no request
    is made. Blocking when ``file`` is a stream of unknown size: it is spooled here.

    Raises ``TypeError`` for an unsupported kind of input, or when in-memory data or a
    nameless stream comes without ``filename`` / ``bytes`` (as documented), and
    ``ValueError`` for a path that is missing, a directory or unreadable, a ``bytes``
    that disagrees with the real size, a stream over 8 GiB, or ``resume`` with a stream.
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
        return _path_source(os.fspath(file), filename, declared, resume, stop)
    if isinstance(file, bytes | bytearray | memoryview):
        return _memory_source(file, filename, declared)
    mode = getattr(file, "mode", "b")  # a GzipFile's mode is an int
    if isinstance(file, io.TextIOBase) or (isinstance(mode, str) and "b" not in mode):
        raise TypeError("file must be opened in binary mode ('rb'), not text mode")
    if callable(getattr(file, "read", None)):
        return _stream_source(file, filename, declared, resume, stop)
    raise TypeError(
        "file must be a path (str or os.PathLike), bytes, bytearray, memoryview or a binary "
        f"file object, got {type(file).__name__}"
    )


def _check_declared(declared: int | None, actual: int, what: str) -> None:
    if declared is not None and declared != actual:
        raise ValueError(f"bytes={declared} disagrees with the size of {what}: {actual} bytes")


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a pipe"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a block device" if stat.S_ISBLK(mode) else "not a regular file"


def _no_resume(what: str) -> ValueError:
    return ValueError(
        f"resume=True needs input that a later call can read again: {what} can be read "
        "only once (upload a regular file, in-memory data or a seekable file to resume)"
    )


def _path_source(
    path: object,
    filename: str | None,
    declared: int | None,
    resume: bool,
    stop: threading.Event | None,
) -> Source:
    if not isinstance(path, str):
        raise TypeError("file paths must be str, not bytes")
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise ValueError(f"file not found: {path}") from None
    except OSError as exc:
        raise ValueError(f"file cannot be read: {path} ({exc.strerror or exc})") from exc
    if stat.S_ISDIR(mode):
        raise ValueError(f"file is a directory, not a file: {path}")
    name = filename or os.path.basename(path)
    if not stat.S_ISREG(mode):
        what = f"{path} ({_kind(mode)})"
        if resume:
            raise _no_resume(what)
        try:
            # Opened once and kept: a pipe's bytes are gone once read (opening a FIFO
            # waits for its writer).
            stream = open(path, "rb", buffering=0)  # noqa: SIM115 - the source closes it
        except OSError as exc:
            raise ValueError(f"file cannot be read: {path} ({exc.strerror or exc})") from exc
        try:
            if stat.S_ISBLK(mode):  # seekable, and its size is where seeking ends
                size = stream.seek(0, os.SEEK_END)
                stream.seek(0)
                _check_declared(declared, size, path)
                return _StreamSource(stream, name, size, 0, owned=True, what=what)
            return _unsized_stream(stream, name, declared, what, stop, owned=True)
        except BaseException:
            stream.close()
            raise
    try:
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
    except OSError as exc:
        raise ValueError(f"file cannot be read: {path} ({exc.strerror or exc})") from exc
    _check_declared(declared, size, path)
    return _PathSource(os.path.abspath(path), name, size)


def _sized_by_seeking(stream: Any) -> bool:
    """Whether seeking to the end tells a seekable object's size: not for a character
    device such as a terminal or ``/dev/zero`` (which "seeks" to 0) or a pipe."""
    try:
        mode = os.fstat(stream.fileno()).st_mode
    except (AttributeError, OSError, ValueError):  # no descriptor: BytesIO and the like
        return True
    return stat.S_ISREG(mode) or stat.S_ISBLK(mode)


def _unsized_stream(
    stream: Any,
    filename: str,
    declared: int | None,
    what: str,
    stop: threading.Event | None,
    *,
    owned: bool,
) -> Source:
    """A stream that cannot tell its size: read as sent when ``bytes=`` says how much it
    holds, else spooled (and closed then, when ``owned``: its bytes are all read)."""
    if declared is not None:
        return _StreamSource(stream, filename, declared, None, owned=owned, what=what)
    source = _spool(stream, filename, what, stop)
    if owned:
        stream.close()
    return source


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


def _stream_source(
    stream: Any,
    filename: str | None,
    declared: int | None,
    resume: bool,
    stop: threading.Event | None,
) -> Source:
    name = getattr(stream, "name", None)
    if filename is None:
        # "<stdin>", "<fdopen>": a placeholder, not a file name.
        if isinstance(name, str) and name and not (name.startswith("<") and name.endswith(">")):
            filename = os.path.basename(name)
        else:
            raise TypeError("a file object without a name needs filename=...")
    try:
        seekable = bool(stream.seekable()) and _sized_by_seeking(stream)
    except (AttributeError, ValueError, OSError):
        seekable = False
    if seekable:
        start = stream.tell()
        end = stream.seek(0, os.SEEK_END)
        stream.seek(start)
        size = end - start
        _check_declared(declared, size, f"the file object from its position {start}")
        return _StreamSource(stream, filename, size, start)
    what = f"the stream {name if isinstance(name, str) else filename!r}"
    if resume:
        raise _no_resume(what)
    return _unsized_stream(stream, filename, declared, what, stop, owned=False)


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
