"""What ``file=`` may be, checked before any request, and how its bytes are read.

A :class:`Source` is a path, an in-memory buffer or a binary file object behind one
interface (the kinds, and how each reads, are in :mod:`._inputs`). Two ways of reading:

* **by range** (:class:`RangeReads`: regular files, in-memory data, seekable file
  objects, spooled streams): a part's bytes are read at their offset with
  :meth:`Source.read_at`, slice by slice as the part is sent (and again for a retry),
  and the digests come from one sequential pass over the whole input
  (:meth:`Source.chunks`) that runs alongside. Nothing part-sized is held.
* **in order** (:class:`OrderedReads`: streams of a declared size): :meth:`Source.read_part`
  fills a pool buffer with the next part, once, and the digests are fed as it is read;
  waiting for a free buffer is the back-pressure, so memory stays at about (parts in
  flight + 1) * part_size.

The strategy is chosen by :attr:`Source.random_access` (:func:`reads_for`); the flow
asks the same questions of both (:func:`._flow.upload_flow`).

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

import io
import os
import stat
import tempfile
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .._constants import MAX_UPLOAD_BYTES
from .._exceptions import MissingFileError, UploadError
from .._part_body import PartBody
from .._utils import is_strict_int
from ._errors import TransferAborted
from ._inputs import (
    CHUNK_SIZE,
    Identity,
    MemorySource,
    PathSource,
    Source,
    SourceRange,
    SpooledSource,
    StreamSource,
)

if TYPE_CHECKING:
    from ._job import Job
    from ._plan import Part

__all__ = [
    "SPOOL_LIMIT",
    "Identity",
    "OrderedReads",
    "RangeReads",
    "ReadStrategy",
    "Source",
    "SourceRange",
    "open_source",
    "reads_for",
]

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
    return SpooledSource(fd, filename, total, what)


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
    ``ValueError`` for a path that is missing (:class:`MissingFileError`, also a
    ``FileNotFoundError``), a directory or unreadable, a ``bytes``
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
        raise MissingFileError(path) from None
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
                return StreamSource(stream, name, size, 0, owned=True, what=what)
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
    return PathSource(os.path.abspath(path), name, size)


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
        return StreamSource(stream, filename, declared, None, owned=owned, what=what)
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
    return MemorySource(view, filename)


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
        return StreamSource(stream, filename, size, start)
    what = f"the stream {name if isinstance(name, str) else filename!r}"
    if resume:
        raise _no_resume(what)
    return _unsized_stream(stream, filename, declared, what, stop, owned=False)


# --------------------------------------------------------------------------- reads


class RangeReads:
    """Parts streamed by range; the digests from one sequential read beside them."""

    def __init__(self, job: Job) -> None:
        self._job = job

    def read(self, part: Part) -> PartBody:
        """``part``, to be read from the source slice by slice as it is sent."""
        return SourceRange(self._job.source, part.offset, part.size)

    def release(self, part: Part) -> None:
        """Nothing to give back."""

    def hash_all(self) -> None:
        """The one sequential read of the input: feed every digest, in order.

        Blocking; runs beside the parts (the source is read again for sending, so the
        change stamp is checked before ``complete``). Stops at its next slice once the
        transfer stops or starts over.
        """
        job = self._job
        generation = job.generation
        hashers = list(job.hashers.values())
        for view in job.source.chunks():
            if job.stopping or generation != job.generation:
                raise TransferAborted("the digest read stopped: the transfer is stopping")
            readonly = view.toreadonly()  # hashers get read-only views (not copies)
            for hasher in hashers:
                hasher.update(readonly)


class OrderedReads:
    """Parts read once, in order, into a pool of buffers, and hashed as they are read.

    Buffers are made as they are first needed, so that the first part goes out without
    waiting for the whole pool to be allocated (and zeroed).
    """

    def __init__(self, job: Job) -> None:
        self._job = job
        self._free: list[bytearray] = []
        self._allocated = 0
        self._held: dict[int, bytearray] = {}

    def buffer_free(self) -> bool:
        """Whether a part can be read now (else the flow waits for a part to end)."""
        return bool(self._free) or self._allocated < self._job.buffer_count

    def read(self, part: Part) -> memoryview:
        """Read the next part into a free buffer and feed every digest. Blocking.

        Hashers get a read-only view of the part: the same bytes, not a copy."""
        if not self._free:
            self._free.append(bytearray(self._job.buffer_size))
            self._allocated += 1
        buffer = self._held[part.number] = self._free.pop()
        view = self._job.source.read_part(part.size, buffer)
        readonly = view.toreadonly()
        for hasher in self._job.hashers.values():
            hasher.update(readonly)
        return view

    def release(self, part: Part) -> None:
        """``part`` is done with its buffer."""
        buffer = self._held.pop(part.number, None)
        if buffer is not None:
            self._free.append(buffer)

    def check_ended(self) -> None:
        """A stream must end where it was declared to, also when it has no part at all
        (each part read checks it otherwise). Blocking (waits for a pipe's end)."""
        if self._job.plan.part_count == 0:
            self._job.source.check_ended()


ReadStrategy = RangeReads | OrderedReads


def reads_for(job: Job) -> ReadStrategy:
    """The strategy for ``job``'s source: by range when it can be read at an offset."""
    return RangeReads(job) if job.source.random_access else OrderedReads(job)
