"""Metadata in SQLite (WAL, one connection behind a lock), bodies on disk under generated ids.

Layout of a data dir::

    emulator.sqlite3   uploads, parts and files
    parts/<part_id>    the bytes of a received Part
    files/<file_id>    the bytes of a completed File
    tmp/               bodies being received or assembled (emptied at start)
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import sqlite3
import string
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from openai_uploads._constants import MAX_UPLOAD_BYTES, UPLOAD_TTL_SECONDS

from ._errors import ApiError, bad_request, not_found

Clock = Callable[[], float]
"""Returns the current unix time in seconds; injectable so tests can expire Uploads."""

_ALPHABET: Final = string.ascii_letters + string.digits

_SCHEMA: Final = """
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
CREATE TABLE IF NOT EXISTS files (
    id TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    filename TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    purpose TEXT NOT NULL
);
"""


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


class Store:
    """The emulator's state. Safe to call from the event loop and from worker threads."""

    def __init__(self, data_dir: str | os.PathLike[str], clock: Clock | None = None) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.clock: Clock = clock or time.time
        self.parts_dir = self.data_dir / "parts"
        self.files_dir = self.data_dir / "files"
        self.tmp_dir = self.data_dir / "tmp"
        for d in (self.parts_dir, self.files_dir, self.tmp_dir):
            d.mkdir(parents=True, exist_ok=True)
        for leftover in self.tmp_dir.iterdir():
            leftover.unlink(missing_ok=True)
        self._lock = threading.RLock()
        self._busy: set[str] = set()
        self._db = sqlite3.connect(
            self.data_dir / "emulator.sqlite3", check_same_thread=False, isolation_level=None
        )
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA busy_timeout=10000")
        self._db.executescript(_SCHEMA)
        self.expire_due()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def now(self) -> int:
        return int(self.clock())

    # -- helpers ---------------------------------------------------------------

    def _row(self, sql: str, args: Iterable[Any]) -> tuple[Any, ...] | None:
        row: tuple[Any, ...] | None = self._db.execute(sql, tuple(args)).fetchone()
        return row

    def part_path(self, part_id: str) -> Path:
        return self.parts_dir / part_id

    def file_path(self, file_id: str) -> Path:
        return self.files_dir / file_id

    def tmp_path(self, suffix: str) -> Path:
        return self.tmp_dir / (secrets.token_hex(16) + suffix)

    def _delete_parts(self, upload_id: str) -> None:
        rows = self._db.execute("SELECT id FROM parts WHERE upload_id = ?", (upload_id,))
        for (part_id,) in rows.fetchall():
            self.part_path(part_id).unlink(missing_ok=True)
        self._db.execute("DELETE FROM parts WHERE upload_id = ?", (upload_id,))

    # -- uploads ---------------------------------------------------------------

    def create_upload(
        self,
        *,
        filename: str,
        bytes: int,
        purpose: str,
        mime_type: str,
        file_expires_seconds: int | None,
    ) -> UploadRecord:
        now = self.now()
        record = UploadRecord(
            id=new_id("upload_"),
            created_at=now,
            expires_at=now + UPLOAD_TTL_SECONDS,
            filename=filename,
            bytes=bytes,
            purpose=purpose,
            mime_type=mime_type,
            status="pending",
            file_expires_seconds=file_expires_seconds,
            file_id=None,
        )
        with self._lock:
            self._db.execute(
                "INSERT INTO uploads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    record.id,
                    record.created_at,
                    record.expires_at,
                    record.filename,
                    record.bytes,
                    record.purpose,
                    record.mime_type,
                    record.status,
                    record.file_expires_seconds,
                    record.file_id,
                ),
            )
        return record

    def get_upload(self, upload_id: str) -> UploadRecord:
        """The Upload, marked expired (and its parts deleted) once past its hour."""
        with self._lock:
            row = self._row("SELECT * FROM uploads WHERE id = ?", (upload_id,))
            if row is None:
                raise not_found("Upload", upload_id, param="upload_id")
            record = UploadRecord(*row)
            if record.status == "pending" and self.now() >= record.expires_at:
                self._expire(record.id)
                record = UploadRecord(*(*row[:7], "expired", *row[8:]))
            return record

    def upload_ids(self, status: str | None = None) -> list[str]:
        """The ids of the Uploads held (only those with ``status``, if given), in the
        order they were created; for tests that check nothing is left ``pending``."""
        with self._lock:
            sql = "SELECT id FROM uploads"
            args: tuple[str, ...] = ()
            if status is not None:
                sql += " WHERE status = ?"
                args = (status,)
            rows = self._db.execute(sql + " ORDER BY created_at, rowid", args).fetchall()
            return [str(row[0]) for row in rows]

    def _expire(self, upload_id: str) -> None:
        self._db.execute("UPDATE uploads SET status = 'expired' WHERE id = ?", (upload_id,))
        self._delete_parts(upload_id)

    def expire_due(self) -> int:
        """Expire every pending Upload past its hour; returns how many."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id FROM uploads WHERE status = 'pending' AND expires_at <= ?",
                (self.now(),),
            ).fetchall()
            for (upload_id,) in rows:
                if upload_id not in self._busy:
                    self._expire(upload_id)
            return len(rows)

    def check_accepts_parts(self, upload_id: str) -> tuple[UploadRecord, int]:
        """The pending Upload and the bytes it has received, or the API's refusal."""
        with self._lock:
            record = self.get_upload(upload_id)
            if record.status != "pending":
                raise bad_request(
                    f"Cannot add parts to an Upload with status {record.status!r}.",
                    param="upload_id",
                )
            if upload_id in self._busy:
                raise bad_request("The Upload is being completed.", param="upload_id")
            return record, self.received_bytes(upload_id)

    def received_bytes(self, upload_id: str) -> int:
        with self._lock:
            row = self._row(
                "SELECT COALESCE(SUM(size), 0) FROM parts WHERE upload_id = ?", (upload_id,)
            )
            return int(row[0]) if row else 0

    def commit_part(self, upload_id: str, tmp: Path, size: int) -> PartRecord:
        """Keep a received body as a Part, if the Upload still accepts it."""
        with self._lock:
            try:
                _, received = self.check_accepts_parts(upload_id)
                # As the API: parts are accepted up to the 8 GB Upload maximum, whatever
                # the declared bytes; complete checks that the parts it lists add up to
                # them (a part left out of part_ids is ignored).
                if received + size > MAX_UPLOAD_BYTES:
                    raise bad_request(
                        f"Adding this part ({size} bytes) would exceed the Upload maximum "
                        f"of {MAX_UPLOAD_BYTES} bytes ({received} already received).",
                        param="data",
                    )
            except ApiError:
                tmp.unlink(missing_ok=True)
                raise
            part = PartRecord(new_id("part_"), upload_id, self.now(), size)
            os.replace(tmp, self.part_path(part.id))
            self._db.execute(
                "INSERT INTO parts VALUES (?, ?, ?, ?)",
                (part.id, part.upload_id, part.created_at, part.size),
            )
            return part

    def begin_complete(
        self, upload_id: str, part_ids: list[str]
    ) -> tuple[UploadRecord, list[Path]]:
        """Check a completion request and reserve the Upload; returns the part paths in order."""
        with self._lock:
            record = self.get_upload(upload_id)
            if record.status != "pending":
                raise bad_request(
                    f"Cannot complete an Upload with status {record.status!r}.",
                    param="upload_id",
                )
            if upload_id in self._busy:
                raise bad_request("The Upload is already being completed.", param="upload_id")
            if len(set(part_ids)) != len(part_ids):
                raise bad_request("part_ids contains duplicate ids.", param="part_ids")
            total = 0
            paths: list[Path] = []
            for part_id in part_ids:
                row = self._row("SELECT upload_id, size FROM parts WHERE id = ?", (part_id,))
                if row is None or row[0] != upload_id:
                    raise bad_request(
                        f"Part {part_id!r} does not belong to Upload {upload_id!r}.",
                        param="part_ids",
                    )
                total += int(row[1])
                paths.append(self.part_path(part_id))
            if total != record.bytes:
                raise bad_request(
                    f"The parts add up to {total} bytes, but the Upload was created with "
                    f"{record.bytes} bytes.",
                    param="part_ids",
                )
            self._busy.add(upload_id)
            return record, paths

    def abort_complete(self, upload_id: str) -> None:
        with self._lock:
            self._busy.discard(upload_id)

    def finish_complete(self, record: UploadRecord, assembled: Path) -> FileRecord:
        """Turn the assembled bytes into the Upload's File and free the parts."""
        with self._lock:
            try:
                now = self.now()
                seconds = record.file_expires_seconds
                file = FileRecord(
                    id=new_id("file-"),
                    created_at=now,
                    expires_at=now + seconds if seconds is not None else None,
                    filename=record.filename,
                    bytes=record.bytes,
                    purpose=record.purpose,
                )
                os.replace(assembled, self.file_path(file.id))
                self._db.execute("BEGIN IMMEDIATE")
                self._db.execute(
                    "INSERT INTO files VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        file.id,
                        file.created_at,
                        file.expires_at,
                        file.filename,
                        file.bytes,
                        file.purpose,
                    ),
                )
                self._db.execute(
                    "UPDATE uploads SET status = 'completed', file_id = ? WHERE id = ?",
                    (file.id, record.id),
                )
                self._delete_parts(record.id)
                self._db.execute("COMMIT")
                return file
            finally:
                self._busy.discard(record.id)

    def cancel_upload(self, upload_id: str) -> UploadRecord:
        with self._lock:
            record = self.get_upload(upload_id)
            if record.status != "pending":
                raise bad_request(
                    f"Cannot cancel an Upload with status {record.status!r}.",
                    param="upload_id",
                )
            if upload_id in self._busy:
                raise bad_request("The Upload is being completed.", param="upload_id")
            self._db.execute("UPDATE uploads SET status = 'cancelled' WHERE id = ?", (upload_id,))
            self._delete_parts(upload_id)
            return self.get_upload(upload_id)

    # -- files -----------------------------------------------------------------

    def get_file(self, file_id: str) -> FileRecord:
        with self._lock:
            row = self._row("SELECT * FROM files WHERE id = ?", (file_id,))
            if row is None:
                raise not_found("File object", file_id, param="file_id")
            file = FileRecord(*row)
            if file.expires_at is not None and self.now() >= file.expires_at:
                self.delete_file(file_id)
                raise not_found("File object", file_id, param="file_id")
            return file

    def list_files(
        self, *, purpose: str | None, limit: int, order: str, after: str | None
    ) -> tuple[list[FileRecord], bool]:
        """A page of live Files in ``created_at`` order (ties: creation order), starting
        after the File ``after``; returns the page and whether more follow."""
        self.expire_files_due()
        descending = order == "desc"
        sql = "SELECT rowid, * FROM files"
        where: list[str] = []
        args: list[Any] = []
        with self._lock:
            if after is not None:
                row = self._row("SELECT created_at, rowid FROM files WHERE id = ?", (after,))
                if row is None:
                    raise not_found("File object", after, param="after")
                where.append(f"(created_at, rowid) {'<' if descending else '>'} (?, ?)")
                args.extend(row)
            if purpose is not None:
                where.append("purpose = ?")
                args.append(purpose)
            if where:
                sql += " WHERE " + " AND ".join(where)
            direction = "DESC" if descending else "ASC"
            sql += f" ORDER BY created_at {direction}, rowid {direction} LIMIT ?"
            args.append(limit + 1)
            rows = self._db.execute(sql, tuple(args)).fetchall()
        files = [FileRecord(*row[1:]) for row in rows[:limit]]
        return files, len(rows) > limit

    def expire_files_due(self) -> None:
        """Delete the Files whose expiry has passed."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id FROM files WHERE expires_at IS NOT NULL AND expires_at <= ?",
                (self.now(),),
            ).fetchall()
            for (file_id,) in rows:
                self.delete_file(file_id)

    def delete_file(self, file_id: str) -> None:
        with self._lock:
            cursor = self._db.execute("DELETE FROM files WHERE id = ?", (file_id,))
            if cursor.rowcount == 0:
                raise not_found("File object", file_id, param="file_id")
            self.file_path(file_id).unlink(missing_ok=True)


def _copy_into(paths: list[Path], dest: Path) -> None:
    """Concatenate ``paths`` into ``dest``, in the kernel where it can (copy_file_range)."""
    with open(dest, "wb", buffering=0) as out:
        for path in paths:
            with open(path, "rb", buffering=0) as src:
                remaining = os.fstat(src.fileno()).st_size
                try:
                    while remaining > 0:
                        copied = os.copy_file_range(src.fileno(), out.fileno(), remaining)
                        if copied == 0:
                            break
                        remaining -= copied
                except (AttributeError, OSError):
                    shutil.copyfileobj(src, out, 1024 * 1024)


def _hash(paths: list[Path], chunk_size: int) -> tuple[int, str]:
    digest = hashlib.md5(usedforsecurity=False)
    buffer = bytearray(chunk_size)
    view = memoryview(buffer)
    size = 0
    for path in paths:
        with open(path, "rb", buffering=0) as src:
            while n := src.readinto(buffer):
                digest.update(view[:n])
                size += n
    return size, digest.hexdigest()


def assemble(paths: list[Path], dest: Path, chunk_size: int = 1024 * 1024) -> tuple[int, str]:
    """Concatenate ``paths`` into ``dest`` in order and hash them; returns (size, md5 hex).

    The copy (in the kernel) and the md5 (which releases the GIL) run side by side in two
    threads. Blocking: call it from a worker thread.
    """
    with ThreadPoolExecutor(1, thread_name_prefix="emulator-assemble") as pool:
        copying = pool.submit(_copy_into, paths, dest)
        size, md5 = _hash(paths, chunk_size)
        copying.result()
    return size, md5
