"""``upload_many``: many files through one budget, minus the I/O.

:func:`many_flow` is a generator like :func:`._flow.upload_flow`: it takes the files one
at a time from the caller's iterable (never all at once: at most :attr:`Batch.window`
are open), yields :class:`StartFile` for each (the driver runs the file's own
``upload_file_chunked`` flow beside it), and the engine's :class:`WaitParts`,
:class:`CancelParts` and :class:`Blocking` for the rest. It does no I/O itself: the
manifest's reads and writes are :class:`Blocking` actions.

Every file's requests share one budget (the driver's slots: ``max_concurrency``
requests in flight across all files and parts) and one bandwidth cap, so a small file's
``complete`` overlaps the next files' ``create`` and parts. A file that fails is a
result like any other unless ``fail_fast``; anything that stops the batch (Ctrl-C, a
cancellation, ``fail_fast``) stops every file: each cancels its Upload (or keeps it for
resuming, with a manifest) within :data:`STOP_GRACE` seconds.
"""

from __future__ import annotations

import dataclasses
import json
import os
import time
import weakref
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import InitVar, dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from .._models import set_request_id
from .._plugins import PluginHost
from .._types import Upload
from .._units import guess_mime_type
from ..hookspecs import BatchFinished, BatchStarted
from ._flow import Action, Blocking, CancelParts, WaitParts
from ._manifest import FileIdentity, Manifest, ManifestRecord
from ._options import TransferOptions

__all__ = [
    "STOP_GRACE",
    "Batch",
    "BatchStopped",
    "FileItem",
    "StartFile",
    "UploadResult",
    "many_flow",
]

STOP_GRACE = 3.0
"""Seconds the files of a stopping batch get to cancel their Uploads before they are cut
off: Ctrl-C returns within 5 s, and before the command line's own 4 s deadline (which
would otherwise end the process while the cancels still had time)."""


def _no_upload() -> Upload | None:
    return None


class BatchStopped(BaseException):
    """Thrown into each file's transfer when its batch stops (not an ``Exception``: no
    retry or ``except Exception`` of the engine takes it for a failure of its own)."""


_NO_REQUEST_ID = object()


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class UploadResult:
    """The outcome of one file of ``upload_many``: the completed Upload, or the error.

    The Upload is kept as its JSON (a few hundred bytes, where the model with its
    bookkeeping takes several KiB: 10,000 results held tens of MiB) and built again when
    :attr:`upload` is read; while the caller holds it, reading it again gives the same
    object."""

    index: int
    """The file's 0-based position in the input."""
    name: str
    """The path as given, or the name of a ``(name, data)`` pair or a file object."""
    path: str | None
    if TYPE_CHECKING:  # read as the property below; built from ``upload=``
        upload: Upload | None = None
    else:
        upload: InitVar[Upload | None] = None
    file_id: str | None = None
    """The File's id (also for a file the manifest names as uploaded already)."""
    bytes: int | None = None
    """The file's size, when known."""
    error: BaseException | None = None
    """Why the file failed: the typed error ``upload_file_chunked`` would have raised."""
    skipped: bool = False
    """The manifest names this very file as uploaded already: nothing was sent."""
    _stored: tuple[str, object] | None = field(default=None, init=False)
    _built: Callable[[], Upload | None] = field(default=_no_upload, init=False)

    def __post_init__(self, upload: Upload | None) -> None:  # type: ignore[override]
        if upload is None:
            return
        stored = (upload.to_json(indent=None), getattr(upload, "_request_id", _NO_REQUEST_ID))
        object.__setattr__(self, "_stored", stored)
        object.__setattr__(self, "_built", weakref.ref(upload))

    def _upload(self) -> Upload | None:
        built = self._built()
        if built is not None or self._stored is None:
            return built
        text, request_id = self._stored
        built = Upload.from_dict(json.loads(text))
        if request_id is not _NO_REQUEST_ID:
            set_request_id(built, request_id)  # type: ignore[arg-type]
        object.__setattr__(self, "_built", weakref.ref(built))
        return built

    @property
    def ok(self) -> bool:
        """True when the file is on the server (uploaded now or before)."""
        return self.error is None

    def _fields(self) -> tuple[object, ...]:
        return (
            self.index,
            self.name,
            self.path,
            self._upload(),
            self.file_id,
            self.bytes,
            self.error,
            self.skipped,
        )

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, UploadResult)
        return self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        names = ("index", "name", "path", "upload", "file_id", "bytes", "error", "skipped")
        shown = ", ".join(f"{n}={v!r}" for n, v in zip(names, self._fields(), strict=True))
        return f"{type(self).__name__}({shown})"


def _result_upload(result: UploadResult) -> Upload | None:
    return result._upload()


UploadResult.upload = property(  # type: ignore[assignment,misc]
    _result_upload, doc="The completed Upload (None when it failed, or when ``skipped``)."
)


@dataclass(frozen=True, slots=True)
class FileItem:
    """One file of the input, normalized: what ``upload_file_chunked`` takes for it."""

    index: int
    file: object
    name: str
    path: str | None
    filename: str | None
    mime_type: str
    size: int | None = None
    """The size of in-memory data (``bytes=`` of its transfer)."""


@dataclass(frozen=True, slots=True)
class StartFile:
    """Start uploading ``item`` beside the flow (its ``upload_file_chunked``, with
    ``options``); its Upload or exception is reported by a later :class:`WaitParts`
    under the key ``item.index``."""

    item: FileItem
    options: TransferOptions


ManyAction = Action | StartFile


def _sendable_name(name: str) -> str:
    """``name`` as it can be sent: the bytes of a file name that is not UTF-8 (read as
    lone surrogates) become U+FFFD, where the request would fail to encode."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return name


def _item(index: int, entry: object, mime_type: str | None) -> FileItem:
    """``entry`` as a :class:`FileItem`; raises ``TypeError`` for what is not a file."""
    path: str | None = None
    filename: str | None = None
    file = entry
    if isinstance(entry, (str, os.PathLike)):
        path = name = os.fspath(entry)
        if not isinstance(path, str):
            raise TypeError(f"a path must be text, got {path!r}")
        if _sendable_name(path) != path:  # else the transfer takes the path's own name
            filename = _sendable_name(os.path.basename(path))
    elif isinstance(entry, tuple):
        if len(entry) != 2 or not isinstance(entry[0], str) or not entry[0]:
            raise TypeError("a pair must be (name, data) with a non-empty name")
        name = entry[0]
        filename = _sendable_name(name)
        file = entry[1]
    elif callable(getattr(entry, "read", None)):
        given = getattr(entry, "name", None)
        if not isinstance(given, str) or not given:
            raise TypeError("a file object needs a name: pass (name, file) instead")
        name, filename = given, _sendable_name(os.path.basename(given))
    else:
        raise TypeError(
            f"each file must be a path, a (name, data) pair or a binary file object, "
            f"got {type(entry).__name__}"
        )
    size = len(file) if isinstance(file, (bytes, bytearray, memoryview)) else None
    return FileItem(index, file, name, path, filename, mime_type or guess_mime_type(name), size)


class Batch:
    """The state of one ``upload_many`` call: the input, the results, the counts."""

    def __init__(
        self,
        plugins: PluginHost,
        files: Iterable[object],
        template: TransferOptions,
        *,
        mime_type: str | None,
        max_concurrency: int,
        max_bandwidth: int | None,
        fail_fast: bool,
        manifest: Manifest | None,
        on_result: Callable[[UploadResult], None] | None = None,
    ) -> None:
        self.plugins = plugins
        self.count = len(files) if hasattr(files, "__len__") else None  # type: ignore[arg-type]
        self._files = files
        self.template = template
        self.mime_type = mime_type
        self.max_concurrency = max_concurrency
        self.max_bandwidth = max_bandwidth
        self.fail_fast = fail_fast
        self.manifest = manifest
        self.on_result = on_result
        self.window = max_concurrency + max(4, max_concurrency // 2)
        """Files in flight at most: a few more than the budget, so that the next
        files' ``create`` waits in line for a slot while others finish."""
        self.results: dict[int, UploadResult] = {}
        self._identities: dict[int, FileIdentity] = {}
        """With a manifest, each running file's identity as its upload started: what its
        record names (a file changed while or after it was sent is sent again)."""
        self.done = self.skipped = self.failed = self.bytes_sent = 0
        self._started = time.monotonic()
        self._stop: BatchStopped | None = None

    # ------------------------------------------------------------------ the input

    def items(self) -> Iterator[FileItem | UploadResult]:
        """The input, one file at a time; a refused entry is its (failed) result."""
        for index, entry in enumerate(self._files):
            try:
                yield _item(index, entry, self.mime_type)
            except TypeError as exc:
                name = entry if isinstance(entry, str) else type(entry).__name__
                yield UploadResult(index=index, name=str(name), path=None, error=exc)

    def check_done(self, item: FileItem) -> UploadResult | TransferOptions:
        """The result of a file the manifest names as uploaded, else the options to
        upload it with (resumable, with a manifest). Blocking (an ``os.stat``)."""
        options = dataclasses.replace(
            self.template,
            mime_type=item.mime_type,
            filename=item.filename,
            declared_bytes=item.size,
        )
        if self.manifest is None or item.path is None:
            return options
        try:
            identity = FileIdentity.of(item.path)
        except OSError:
            return options  # the transfer says what is wrong with it
        record = self.manifest.done(identity, self.template.purpose)
        if record is None:
            self._identities[item.index] = identity
        else:
            return UploadResult(
                index=item.index,
                name=item.name,
                path=item.path,
                file_id=record.file_id,
                bytes=record.size,
                skipped=True,
            )
        return dataclasses.replace(
            options,
            resume=True,
            keep_on_failure=True,
            state_file=self.manifest.state_file(identity),
        )

    # ------------------------------------------------------------------ outcomes

    def outcome(self, item: FileItem, outcome: object) -> UploadResult:
        """The result of a file whose transfer ended with ``outcome``."""
        if isinstance(outcome, BaseException):
            return UploadResult(index=item.index, name=item.name, path=item.path, error=outcome)
        assert isinstance(outcome, Upload)
        file = outcome.file
        return UploadResult(
            index=item.index,
            name=item.name,
            path=item.path,
            upload=outcome,
            file_id=None if file is None else str(file.id),
            bytes=outcome.bytes,
        )

    def record(self, result: UploadResult) -> None:
        self.results[result.index] = result
        if result.skipped:
            self.skipped += 1
        elif result.error is not None:
            self.failed += 1
        else:
            self.done += 1
            self.bytes_sent += result.bytes or 0
        if self.on_result is not None:
            self.on_result(result)

    def manifest_record(self, item: FileItem, result: UploadResult) -> ManifestRecord | None:
        """The line to append for a file just uploaded (None: nothing to record): its
        identity as its upload started."""
        identity = self._identities.pop(item.index, None)
        if identity is None or result.upload is None:
            return None
        return ManifestRecord(
            path=identity.path,
            size=identity.size,
            mtime_ns=identity.mtime_ns,
            inode=identity.inode,
            ctime_ns=identity.ctime_ns,
            purpose=self.template.purpose,
            file_id=str(result.file_id),
            upload_id=str(result.upload.id),
        )

    def same_file_running(self, item: FileItem) -> bool:
        """With a manifest, whether the file at ``item``'s path is being uploaded now
        (named twice): it waits for that upload, then the manifest names it done.
        Without, a file named twice is sent twice, as asked. The running files' absolute
        paths are those of the identities taken as they started."""
        if self.manifest is None or item.path is None or not self._identities:
            return False
        path = os.path.abspath(item.path)
        return any(identity.path == path for identity in self._identities.values())

    def stats(self, item: FileItem) -> bool:
        """Whether :meth:`check_done` and :meth:`save` do file I/O for ``item`` (only
        with a manifest, for a path)."""
        return self.manifest is not None and item.path is not None

    def save(self, item: FileItem, result: UploadResult) -> None:
        """Append the file's record to the manifest. Blocking."""
        record = self.manifest_record(item, result)
        if record is not None and self.manifest is not None:
            self.manifest.append(record)

    # ------------------------------------------------------------------ stopping

    def stop(self) -> None:
        """Every file still running stops (it cancels its Upload, or keeps it to resume)."""
        if self._stop is None:
            self._stop = BatchStopped("the batch of uploads is stopping")

    def stopped(self) -> BaseException | None:
        """What each file's transfer is stopped with, once the batch stops."""
        return self._stop

    # ------------------------------------------------------------------ events

    def started(self) -> None:
        self.plugins.batch_started(
            BatchStarted(
                file_count=self.count,
                max_concurrency=self.max_concurrency,
                max_bandwidth=self.max_bandwidth,
            )
        )

    def finished(self, *, interrupted: bool) -> None:
        self.plugins.batch_finished(
            BatchFinished(
                files_done=self.done,
                files_skipped=self.skipped,
                files_failed=self.failed,
                bytes_sent=self.bytes_sent,
                elapsed=time.monotonic() - self._started,
                interrupted=interrupted,
            )
        )

    def ordered(self) -> list[UploadResult]:
        return [self.results[index] for index in sorted(self.results)]


def many_flow(batch: Batch) -> Generator[ManyAction, Any, list[UploadResult]]:
    """The whole ``upload_many`` call; returns the results in input order."""
    running: dict[int, FileItem] = {}
    interrupted = False
    batch.started()
    try:
        if batch.manifest is not None:
            yield Blocking(batch.manifest.load)
            yield Blocking(batch.manifest.prepare)
        for item in batch.items():
            if isinstance(item, UploadResult):
                batch.record(item)
                continue
            while batch.same_file_running(item):
                yield from _reap(batch, running, block=True)
            # Without a manifest nothing is read: no thread for it.
            checked = yield Blocking(partial(batch.check_done, item), offload=batch.stats(item))
            if isinstance(checked, UploadResult):
                batch.record(checked)
                continue
            while len(running) >= batch.window:
                yield from _reap(batch, running, block=True)
            yield StartFile(item, checked)
            running[item.index] = item
            yield from _reap(batch, running, block=False)
        while running:
            yield from _reap(batch, running, block=True)
    except BaseException:
        interrupted = True
        batch.stop()
        ended = yield CancelParts(frozenset(running), STOP_GRACE, 0.0)
        for index, outcome in ended:
            item = running.pop(index)
            result = batch.outcome(item, outcome)
            batch.record(result)
            yield Blocking(partial(batch.save, item, result), batch.stats(item), shielded=True)
        raise
    finally:
        if batch.manifest is not None:
            yield Blocking(batch.manifest.close, shielded=True)
        batch.finished(interrupted=interrupted)
    return batch.ordered()


def _reap(
    batch: Batch, running: dict[int, FileItem], *, block: bool
) -> Generator[ManyAction, Any, None]:
    """Record the files that ended (waiting for one when ``block``); with ``fail_fast``,
    raise the first failure."""
    ended = yield WaitParts(None if block else 0)
    for index, outcome in ended:
        item = running.pop(index)
        result = batch.outcome(item, outcome)
        yield Blocking(partial(batch.save, item, result), batch.stats(item))
        batch.record(result)
        if result.error is not None and batch.fail_fast:
            raise result.error
