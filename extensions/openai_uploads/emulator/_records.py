"""What the store keeps, as the API shows it: Uploads, Parts and Files, and their ids."""

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
