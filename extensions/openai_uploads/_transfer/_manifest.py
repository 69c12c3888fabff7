"""``upload_many``'s manifest: which files are uploaded already, kept across runs.

A JSON-lines file, one record a line, appended (and fsync'd) as each file completes::

    {"path": "/data/a.jsonl", "size": 123, "mtime_ns": 1732536400000000000,
     "inode": 4211, "purpose": "batch", "file_id": "file-abc", "upload_id": "upload_abc",
     "ctime_ns": 1732536400000000000}

A file is done when a record names its absolute path, purpose, size, mtime, ctime and
inode as they were when its upload started (the last record of a path and purpose wins;
a file changed since is sent again: the ctime changes with every write, even one whose
mtime was set back, as ``touch -r`` or an archive tool does). Records of older versions
have no ``ctime_ns``: they match on the rest. A line that does
not parse (the torn last line of a run killed while writing it) is ignored. A file that
was interrupted is resumed through the resume machinery (:mod:`._resume`): its state
file lives in the ``<manifest>.parts/`` directory, named by the hash of its path, and
is deleted when the Upload completes or is cancelled.

Only files given as paths are recorded: in-memory data and file objects have no
identity to find again, and are sent on every run.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import logging
import os
from dataclasses import asdict, dataclass
from typing import IO, Any

from ._resume import TEMP_PREFIX

log = logging.getLogger(__name__)

__all__ = ["FileIdentity", "Manifest", "ManifestRecord"]


@dataclass(frozen=True, slots=True)
class FileIdentity:
    """What tells a file on disk apart from the same path holding other bytes."""

    path: str
    """Absolute."""
    size: int
    mtime_ns: int
    inode: int
    ctime_ns: int | None = None
    """The inode's change time: moves with any write (None in an older record)."""

    @classmethod
    def of(cls, path: str) -> FileIdentity:
        """Blocking (an ``os.stat``); raises ``OSError`` for a missing file."""
        absolute = os.path.abspath(path)
        st = os.stat(absolute)
        return cls(absolute, st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)

    def matches(self, record: FileIdentity) -> bool:
        """Whether ``record`` (read from the manifest) names this very file."""
        if record.ctime_ns is None:  # written before ctimes were recorded
            return dataclasses.replace(self, ctime_ns=None) == record
        return self == record


@dataclass(frozen=True, slots=True)
class ManifestRecord:
    """One line of the manifest: a file that was uploaded."""

    path: str
    size: int
    mtime_ns: int
    inode: int
    purpose: str
    file_id: str
    upload_id: str
    ctime_ns: int | None = None

    @property
    def identity(self) -> FileIdentity:
        return FileIdentity(self.path, self.size, self.mtime_ns, self.inode, self.ctime_ns)

    @classmethod
    def from_json(cls, data: Any) -> ManifestRecord:
        if not isinstance(data, dict):
            raise TypeError("a record is a JSON object")
        fields = cls.__dataclass_fields__
        record = cls(**{name: data[name] for name in fields if name in data or name != "ctime_ns"})
        for name in ("size", "mtime_ns", "inode"):
            if not isinstance(getattr(record, name), int):
                raise TypeError(f"{name} is not an integer")
        if record.ctime_ns is not None and not isinstance(record.ctime_ns, int):
            raise TypeError("ctime_ns is not an integer")
        return record


class Manifest:
    """The manifest at ``path`` (created when the first record is written)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.path.abspath(os.fspath(path))
        self.state_dir = self.path + ".parts"
        self._done: dict[tuple[str, str], ManifestRecord] = {}
        """The last record of each (path, purpose)."""
        self._file: IO[bytes] | None = None

    def load(self) -> int:
        """Read the records written so far; returns how many. Blocking.

        Also removes what a run killed while saving a state file left in the state
        directory (a temporary file never renamed into place): one run uses a manifest
        at a time, so any such file is a dead run's."""
        self._remove_torn_state_files()
        try:
            with open(self.path, "rb") as f:
                lines = f.read().split(b"\n")
        except FileNotFoundError:
            return 0
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                record = ManifestRecord.from_json(json.loads(line))
            except (ValueError, TypeError, KeyError) as exc:
                if number < len(lines):  # not the torn last line of a killed run
                    log.warning("manifest %s: line %d ignored: %s", self.path, number, exc)
                continue
            self._done[record.path, record.purpose] = record
        return len(self._done)

    def _remove_torn_state_files(self) -> None:
        try:
            names = os.listdir(self.state_dir)
        except OSError:
            return
        for name in names:
            if name.startswith(TEMP_PREFIX) and name.endswith(".tmp"):
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(self.state_dir, name))

    def done(self, identity: FileIdentity, purpose: str) -> ManifestRecord | None:
        """The record of this very file uploaded for ``purpose``, if there is one."""
        record = self._done.get((identity.path, purpose))
        if record is None or not identity.matches(record.identity):
            return None
        return record

    def state_file(self, identity: FileIdentity) -> str:
        """Where the resume state of the file lives while it is being uploaded."""
        digest = hashlib.sha256(identity.path.encode("utf-8", "surrogateescape")).hexdigest()
        return os.path.join(self.state_dir, digest[:32] + ".json")

    def prepare(self) -> None:
        """Make the state directory. Blocking."""
        os.makedirs(self.state_dir, exist_ok=True)

    def append(self, record: ManifestRecord) -> None:
        """Add ``record`` as one line, on disk (fsync'd) before this returns. Blocking."""
        if self._file is None:
            self._file = open(self.path, "ab")  # noqa: SIM115 (kept open until close)
            if self._file.tell() > 0 and not self._ends_with_newline():
                self._file.write(b"\n")  # a torn line stays a line of its own
        line = json.dumps(asdict(record), separators=(",", ":")).encode() + b"\n"
        self._file.write(line)
        self._file.flush()
        os.fsync(self._file.fileno())
        self._done[record.path, record.purpose] = record

    def _ends_with_newline(self) -> bool:
        with open(self.path, "rb") as f:
            f.seek(-1, os.SEEK_END)
            return f.read(1) == b"\n"

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        try:
            os.rmdir(self.state_dir)  # empty once nothing is left to resume
        except OSError:
            pass
