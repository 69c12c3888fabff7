"""The resume state file: a small JSON document rewritten atomically after each part.

Format (version 2)::

    {
      "version": 2,
      "upload_id": "upload_abc",
      "expires_at": 1732540000, "created_at": 1732536400, "create_sent_at": 1732543600.25,
      "part_size": 67108864, "layout": 2,
      "filename": "data.jsonl", "mime_type": "application/jsonl", "purpose": "batch",
      "identity": {"size": 123, "mtime_ns": 1732536400000000000, "fingerprint": "<sha256>"},
      "parts": {"1": "part_abc", "3": "part_def"},
      "create_params": {"metadata": {"team": "ml"}}
    }

``layout`` says how the file was cut into parts (``_plan.LAYOUTS``): a resumed Upload
keeps the layout its parts were made with. Version 1 files (no ``layout``) used the
uniform one and resume with it; a layout this version does not know is not resumed (the
Upload is cancelled and a new one started), and a version 1 reader ignores a version 2
file rather than resume it with the wrong parts.

``fingerprint`` is the sha256 of the first and last MiB of the file; ``mtime_ns`` is null
for in-memory data and file objects. ``parts`` maps finished part numbers to part ids.
``create_params`` holds the spec-derived arguments of ``uploads.create`` (absent in
older files: none); a call with other values starts a new Upload.

``expires_at`` and ``created_at`` are the server's (its clock), ``create_sent_at`` this
machine's wall time when ``create`` was sent: how long the Upload has left is its server
lifetime less the wall-clock time since then (:mod:`._clock`), so a client clock hours
off resumes as well as a right one. Files written before ``created_at`` was recorded
compare ``expires_at`` with this machine's clock, as they always did.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ._clock import seconds_left_since
from ._plan import LAYOUT_UNIFORM, LAYOUTS
from ._source import Identity, Source

TEMP_PREFIX = ".openai-upload-"
"""The name a state file is written under before it is renamed into place."""

log = logging.getLogger(__name__)

STATE_SUFFIX = ".openai-upload.json"
VERSION = 2
READABLE_VERSIONS = (1, 2)
EXPIRY_MARGIN = 120.0
"""An Upload closer than this to its expiry is not resumed (the rest might not make it)."""


@dataclass(slots=True)
class ResumeRecord:
    upload_id: str
    expires_at: float
    part_size: int
    filename: str
    mime_type: str
    purpose: str
    identity: Identity
    parts: dict[int, str] = field(default_factory=dict)
    create_params: dict[str, Any] = field(default_factory=dict)
    created_at: float | None = None
    """The server's ``created_at`` (None in older files)."""
    create_sent_at: float | None = None
    """``time.time()`` here when ``create`` was sent (None in older files)."""
    layout: int = LAYOUT_UNIFORM
    """How the parts were cut (``_plan.LAYOUTS``; uniform in version 1 files)."""

    def seconds_left(self, now: float) -> float:
        """How long the Upload has left, ``now`` being this machine's ``time.time()``."""
        if self.created_at is None or self.create_sent_at is None:
            return self.expires_at - now  # an older file: the local clock's word
        return seconds_left_since(
            created_at=self.created_at,
            expires_at=self.expires_at,
            sent_wall=self.create_sent_at,
            now_wall=now,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "version": VERSION,
            "upload_id": self.upload_id,
            "expires_at": self.expires_at,
            "created_at": self.created_at,
            "create_sent_at": self.create_sent_at,
            "part_size": self.part_size,
            "layout": self.layout,
            "filename": self.filename,
            "mime_type": self.mime_type,
            "purpose": self.purpose,
            "identity": self.identity.to_json(),
            "parts": {str(n): pid for n, pid in sorted(self.parts.items())},
            "create_params": self.create_params,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ResumeRecord:
        version = data.get("version")
        if version not in READABLE_VERSIONS:
            raise ValueError(f"unknown state file version {data.get('version')!r}")
        ident = data["identity"]
        return cls(
            upload_id=str(data["upload_id"]),
            expires_at=float(data["expires_at"]),
            part_size=int(data["part_size"]),
            filename=str(data["filename"]),
            mime_type=str(data["mime_type"]),
            purpose=str(data["purpose"]),
            identity=Identity(
                int(ident["size"]),
                None if ident["mtime_ns"] is None else int(ident["mtime_ns"]),
                str(ident["fingerprint"]),
            ),
            parts={int(n): str(pid) for n, pid in data["parts"].items()},
            create_params=dict(data.get("create_params") or {}),
            created_at=_float_or_none(data.get("created_at")),
            create_sent_at=_float_or_none(data.get("create_sent_at")),
            layout=LAYOUT_UNIFORM if version == 1 else int(data["layout"]),
        )

    def mismatch(
        self,
        *,
        identity: Identity,
        part_size: int | None,
        filename: str,
        mime_type: str,
        purpose: str,
        now: float,
        create_params: Mapping[str, Any] | None = None,
    ) -> str | None:
        """Why this record cannot be resumed for these arguments, or None if it can."""
        if identity != self.identity:
            return "the file changed since the interrupted upload"
        if self.layout not in LAYOUTS:
            return f"its parts follow part layout {self.layout}, which this version does not know"
        if part_size is not None and part_size != self.part_size:
            return f"part_size changed ({self.part_size} → {part_size})"
        if (filename, mime_type, purpose) != (self.filename, self.mime_type, self.purpose):
            return "filename, mime_type or purpose changed"
        if _as_json(create_params or {}) != _as_json(self.create_params):
            return f"the arguments of uploads.create changed ({sorted(self.create_params)})"
        if self.seconds_left(now) < EXPIRY_MARGIN:
            return f"Upload {self.upload_id} expired (or expires too soon to finish)"
        return None


def _float_or_none(value: Any) -> float | None:
    return None if value is None else float(value)


def _as_json(value: Mapping[str, Any]) -> str:
    """Canonical JSON, so that values compare the same before and after a round trip."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


class StateFile:
    """Where the resume record lives; every write is atomic (temp file + ``os.replace``)."""

    def __init__(self, path: str) -> None:
        self.path = path

    @classmethod
    def for_source(cls, source: Source, state_file: str | os.PathLike[str] | None) -> StateFile:
        if state_file is not None:
            return cls(os.fspath(state_file))
        if source.path is None:
            raise ValueError("resume=True needs state_file=... for in-memory data and file objects")
        return cls(source.path + STATE_SUFFIX)

    def load(self) -> ResumeRecord | None:
        try:
            with open(self.path, encoding="utf-8") as f:
                return ResumeRecord.from_json(json.load(f))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("ignoring unreadable resume state file %s: %s", self.path, exc)
            return None

    def save(self, record: ResumeRecord) -> None:
        directory = os.path.dirname(os.path.abspath(self.path))
        fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".tmp", dir=directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(record.to_json(), f, separators=(",", ":"))
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise

    def delete(self) -> None:
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass
        except OSError as exc:
            log.warning("could not delete resume state file %s: %s", self.path, exc)


@dataclass(slots=True)
class ResumePoint:
    """What :meth:`ResumeState.load` found: an Upload to carry on, or one to cancel."""

    record: ResumeRecord | None = None
    """The record to resume from (its parts are done), when it fits this call."""
    stale_upload_id: str | None = None
    """A recorded Upload that does not fit and has not expired: worth cancelling."""


class ResumeState:
    """The resume bookkeeping of one transfer: the state file and the record written to it.

    Blocking (small local file I/O); the async driver calls it in a worker thread.
    """

    def __init__(self, state_file: StateFile, source: Source) -> None:
        self.state_file = state_file
        self.source = source
        self.record: ResumeRecord | None = None
        self._identity: Identity | None = None

    @property
    def path(self) -> str:
        return self.state_file.path

    def load(
        self,
        *,
        part_size: int | None,
        filename: str,
        mime_type: str,
        purpose: str,
        create_params: Mapping[str, Any] | None = None,
    ) -> ResumePoint:
        """Read the state file: a record that fits these arguments, or a stale Upload."""
        record = self.state_file.load()
        identity = self.source.identity()
        self._identity = identity
        self.record = None
        if record is None:
            return ResumePoint()
        why = record.mismatch(
            identity=identity,
            part_size=part_size,
            filename=filename,
            mime_type=mime_type,
            purpose=purpose,
            now=time.time(),
            create_params=create_params,
        )
        if why is None and record.identity.size == self.source.size:
            self.record = record
            return ResumePoint(record=record)
        log.warning(
            "not resuming Upload %s from %s: %s; starting a new Upload",
            record.upload_id,
            self.path,
            why,
        )
        self.state_file.delete()
        stale = record.upload_id if record.seconds_left(time.time()) > 0 else None
        return ResumePoint(stale_upload_id=stale)

    def created(
        self,
        *,
        upload_id: str,
        expires_at: float,
        created_at: float,
        create_sent_at: float,
        part_size: int,
        layout: int,
        filename: str,
        mime_type: str,
        purpose: str,
        create_params: Mapping[str, Any] | None = None,
    ) -> None:
        """A new Upload exists: record it (before any of its parts is sent)."""
        assert self._identity is not None
        self.record = ResumeRecord(
            upload_id=upload_id,
            expires_at=expires_at,
            created_at=created_at,
            create_sent_at=create_sent_at,
            part_size=part_size,
            layout=layout,
            filename=filename,
            mime_type=mime_type,
            purpose=purpose,
            identity=self._identity,
            create_params=json.loads(_as_json(create_params or {})),
        )
        self.state_file.save(self.record)

    def part_done(self, number: int, part_id: str) -> None:
        if self.record is not None:
            self.record.parts[number] = part_id

    def save(self) -> None:
        """Rewrite the state file with the parts done so far."""
        if self.record is not None:
            self.state_file.save(self.record)

    def forget(self) -> None:
        """Delete the state file (the Upload completed or was cancelled)."""
        self.state_file.delete()

    def discard(self) -> None:
        """The recorded Upload is gone: delete the file and start a fresh record."""
        self.state_file.delete()
        self.record = None
        self._identity = self.source.identity()
