"""What the store keeps: Uploads, Parts and Files as the API shows them, their ids, the
SQLite tables that hold them, and when a File expires."""

from __future__ import annotations

import secrets
import string
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

Clock = Callable[[], float]
"""Returns the current unix time in seconds; injectable so tests can expire Uploads."""

_ALPHABET: Final = string.ascii_letters + string.digits

SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS uploads (
    id TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    filename TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    purpose TEXT NOT NULL,
    mime_type TEXT NOT NULL,
    status TEXT NOT NULL,
    file_expires_seconds INTEGER,
    file_id TEXT
);
CREATE TABLE IF NOT EXISTS parts (
    id TEXT PRIMARY KEY,
    upload_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    size INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS parts_by_upload ON parts (upload_id);
CREATE TABLE IF NOT EXISTS file_parts (
    file_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    part_id TEXT NOT NULL,
    size INTEGER NOT NULL,
    PRIMARY KEY (file_id, position)
);
CREATE TABLE IF NOT EXISTS files (
    id TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    filename TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    purpose TEXT NOT NULL
);
"""

BATCH_FILE_TTL_SECONDS: Final = 30 * 24 * 3600
"""As the API documents (FileExpirationAfter): by default, a File with ``purpose=batch``
expires 30 days after it is created; other Files are kept until deleted."""


def file_expiry(purpose: str, seconds: int | None, created_at: int) -> int | None:
    """When a File expires: ``seconds`` after its creation when given, else the default
    for its purpose."""
    if seconds is None and purpose == "batch":
        seconds = BATCH_FILE_TTL_SECONDS
    return created_at + seconds if seconds is not None else None


def new_id(prefix: str, length: int = 24) -> str:
    return prefix + "".join(secrets.choice(_ALPHABET) for _ in range(length))


@dataclass(frozen=True)
class FileRecord:
    id: str
    created_at: int
    expires_at: int | None
    filename: str
    bytes: int
    purpose: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": "file",
            "bytes": self.bytes,
            "created_at": self.created_at,
            "expires_at": self.expires_at,
            "filename": self.filename,
            "purpose": self.purpose,
            "status": "processed",
            "status_details": None,
        }


@dataclass(frozen=True)
class UploadRecord:
    id: str
    created_at: int
    expires_at: int
    filename: str
    bytes: int
    purpose: str
    mime_type: str
    status: str
    file_expires_seconds: int | None
    file_id: str | None

    def to_json(self, file: FileRecord | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "object": "upload",
            "bytes": self.bytes,
            "created_at": self.created_at,
            "expires_at": self.expires_at,
            "filename": self.filename,
            "purpose": self.purpose,
            "status": self.status,
        }
        if self.status == "completed":
            out["file"] = file.to_json() if file is not None else None
        return out


@dataclass(frozen=True)
class PartRecord:
    id: str
    upload_id: str
    created_at: int
    size: int

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": "upload.part",
            "created_at": self.created_at,
            "upload_id": self.upload_id,
        }


@dataclass(frozen=True)
class Completion:
    """A completion request that passed the checks: the Upload and its parts in order."""

    record: UploadRecord
    part_ids: list[str]
    paths: list[Path]
    size: int
