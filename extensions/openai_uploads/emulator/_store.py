"""Metadata in SQLite (WAL, one connection behind a lock), bodies on disk under generated ids.

Layout of a data dir (0700; every file in it 0600)::

    emulator.sqlite3   uploads, parts, files and each File's ordered list of parts
    emulator.lock      names the pid of the one server using the dir, and is its flock
    emulator.filelock  the lock instead, where there is no fcntl (see _datadir.py)
    parts/<part_id>    the bytes of a received Part; a completed Upload's parts become
                       its File's bytes, in order, without being copied; a File made by
                       POST /v1/files is one such body
    files/<file_id>    the bytes of a File completed by an older version (read only)
    tmp/               bodies being received (emptied at start)

Crash safety: a body is written and renamed into place before the row that names it is
committed, and a row is deleted (committed) before the body it named is unlinked. A crash
between the two steps leaves only a body no row names, which the start-up sweep removes.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Final

from openai_uploads._constants import MAX_UPLOAD_BYTES, UPLOAD_TTL_SECONDS

from . import _md5
from ._datadir import (
    DIR_MODE,
    FILE_MODE,
    OPEN_FLAGS,
    DataDirInUse,
    DataDirLock,
    open_private,
)
from ._errors import ApiError, bad_request, not_found
from ._md5 import PartMd5, PartsMd5
from ._records import (
    SCHEMA,
    Clock,
    Completion,
    FileRecord,
    PartRecord,
    UploadRecord,
    file_expiry,
    new_id,
)

__all__ = [
    "Clock",
    "Completion",
    "DataDirInUse",
    "FileRecord",
    "PartMd5",
    "PartRecord",
    "Store",
    "UploadRecord",
    "open_private",
]


_READ_SIZE: Final = 4 * 1024 * 1024


class Store:
    """The emulator's state. Safe to call from the event loop and from worker threads.

    One Store per data dir at a time: a second one (in this process or another) raises
    :class:`DataDirInUse`.
    """

    def __init__(self, data_dir: str | os.PathLike[str], clock: Clock | None = None) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.clock: Clock = clock or time.time
        self.parts_dir = self.data_dir / "parts"
        self.files_dir = self.data_dir / "files"
        self.tmp_dir = self.data_dir / "tmp"
        self.data_dir.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        os.chmod(self.data_dir, DIR_MODE)
        self._dir_lock = DataDirLock(self.data_dir)
        self._dir_lock.acquire()
        try:
            for d in (self.parts_dir, self.files_dir, self.tmp_dir):
                d.mkdir(mode=DIR_MODE, exist_ok=True)
                os.chmod(d, DIR_MODE)
            for leftover in self.tmp_dir.iterdir():
                leftover.unlink(missing_ok=True)
            self._lock = threading.RLock()
            self._busy: set[str] = set()
            db_path = self.data_dir / "emulator.sqlite3"
            # SQLite gives its -wal and -shm files the database file's mode
            os.close(os.open(db_path, os.O_RDWR | os.O_CREAT | OPEN_FLAGS, FILE_MODE))
            for path in self.data_dir.glob("emulator.sqlite3*"):
                os.chmod(path, FILE_MODE)
            self._db = sqlite3.connect(db_path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA busy_timeout=10000")
            self._db.executescript(SCHEMA)
            self.sweep_orphans()
            self._hasher = PartsMd5(self.part_ids_in_creation_order, self.part_path)
            self.expire_due()
        except BaseException:
            self._dir_lock.release()
            raise

    def close(self) -> None:
        self._hasher.close()
        with self._lock:
            self._db.close()
        self._dir_lock.release()

    def now(self) -> int:
        return int(self.clock())

    def _checkpoint(self, name: str) -> None:
        """A named step of a multi-step change (tests make a crash happen here)."""

    # -- helpers ---------------------------------------------------------------

    def _row(self, sql: str, args: Iterable[Any]) -> tuple[Any, ...] | None:
        row: tuple[Any, ...] | None = self._db.execute(sql, tuple(args)).fetchone()
        return row

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        """One atomic change of the database (call with ``self._lock`` held)."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def part_path(self, part_id: str) -> Path:
        return self.parts_dir / part_id

    def legacy_file_path(self, file_id: str) -> Path:
        return self.files_dir / file_id

    def tmp_path(self, suffix: str) -> Path:
        return self.tmp_dir / (secrets.token_hex(16) + suffix)

    def _unlink_parts(self, part_ids: Iterable[str]) -> None:
        for part_id in part_ids:
            self.part_path(part_id).unlink(missing_ok=True)

    def _drop_parts(self, upload_id: str) -> list[str]:
        """Delete the Upload's part rows (inside a transaction); returns their ids, whose
        bodies the caller unlinks once the transaction is committed."""
        rows = self._db.execute("SELECT id FROM parts WHERE upload_id = ?", (upload_id,))
        part_ids = [part_id for (part_id,) in rows.fetchall()]
        self._db.execute("DELETE FROM parts WHERE upload_id = ?", (upload_id,))
        return part_ids

    def sweep_orphans(self) -> int:
        """Remove bodies no row names (left by a crash between two steps); returns how many."""
        with self._lock:
            named = {r[0] for r in self._db.execute("SELECT id FROM parts")}
            named |= {r[0] for r in self._db.execute("SELECT part_id FROM file_parts")}
            files = {r[0] for r in self._db.execute("SELECT id FROM files")}
        removed = 0
        for path in self.parts_dir.iterdir():
            if path.name not in named:
                path.unlink(missing_ok=True)
                removed += 1
        for path in self.files_dir.iterdir():
            if path.name not in files:
                path.unlink(missing_ok=True)
                removed += 1
        return removed

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
            if (
                record.status == "pending"
                and self.now() >= record.expires_at
                and upload_id not in self._busy
            ):
                self._end(record.id, "expired")
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

    def _end(self, upload_id: str, status: str) -> None:
        """Mark a pending Upload expired or cancelled and delete its parts."""
        with self._lock:
            with self._transaction():
                self._db.execute("UPDATE uploads SET status = ? WHERE id = ?", (status, upload_id))
                part_ids = self._drop_parts(upload_id)
            self._checkpoint(f"{status}:committed")
            self._hasher.forget(upload_id)
            self._unlink_parts(part_ids)

    def expire_due(self) -> int:
        """Expire every pending Upload past its hour; returns how many."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id FROM uploads WHERE status = 'pending' AND expires_at <= ?",
                (self.now(),),
            ).fetchall()
            for (upload_id,) in rows:
                if upload_id not in self._busy:
                    self._end(upload_id, "expired")
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
        return self._received(upload_id)[1]

    def _received(self, upload_id: str) -> tuple[int, int]:
        """How many parts the Upload has, and their bytes."""
        with self._lock:
            row = self._row(
                "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM parts WHERE upload_id = ?",
                (upload_id,),
            )
            return (int(row[0]), int(row[1])) if row else (0, 0)

    def begin_part(self, upload_id: str) -> PartMd5:
        """A part of the Upload is being received: set its :attr:`PartMd5.path` and pass
        it every slice once written (:meth:`PartMd5.update`), so that the md5 engine can
        follow it; then pass it to :meth:`commit_part`, and to :meth:`end_part` whether
        the part was committed or not."""
        with self._lock:
            return self._hasher.begin_part(upload_id, self._received(upload_id)[0])

    def end_part(self, part: PartMd5) -> None:
        self._hasher.end_part(part)

    def part_ids_in_creation_order(self, upload_id: str) -> list[str]:
        with self._lock:
            rows = self._db.execute(
                "SELECT id FROM parts WHERE upload_id = ? ORDER BY rowid", (upload_id,)
            )
            return [part_id for (part_id,) in rows.fetchall()]

    def commit_part(
        self, upload_id: str, tmp: Path, size: int, receiving: PartMd5 | None = None
    ) -> PartRecord:
        """Keep a received body as a Part, if the Upload still accepts it. ``receiving``:
        from :meth:`begin_part`, updated with all of the body if it was hashing."""
        with self._lock:
            try:
                self.check_accepts_parts(upload_id)
                received = self._received(upload_id)[1]
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
            self._checkpoint("part:stored")
            self._db.execute(
                "INSERT INTO parts VALUES (?, ?, ?, ?)",
                (part.id, part.upload_id, part.created_at, part.size),
            )
            self._hasher.committed(receiving, upload_id, part.id, size)
        return part

    def begin_complete(self, upload_id: str, part_ids: list[str]) -> Completion:
        """Check a completion request and reserve the Upload."""
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
            return Completion(record, list(part_ids), paths, total)

    def md5_of_completion(self, completion: Completion) -> str:
        """The md5 of the parts in ``completion``'s order: the engine's md5 of the longest
        prefix it shares with the hashing order, carried on by reading the rest now
        (blocking; nothing is read when the parts are listed in that order)."""
        prefix = self._hasher.prefix(completion.record.id, completion.part_ids, 3600.0)
        if prefix.count == len(completion.paths):
            return str(prefix.md5.hexdigest())
        return _md5.read_on(prefix.md5, completion.paths[prefix.count :])

    def abort_complete(self, upload_id: str) -> None:
        """A completion ends (if :meth:`finish_complete` did not, the Upload is pending
        again and its md5 is carried on)."""
        with self._lock:
            self._busy.discard(upload_id)
            self._hasher.resume(upload_id)

    def finish_complete(self, completion: Completion) -> FileRecord:
        """Make the Upload's File from its parts, in one transaction: the parts named
        become the File's bytes in order (not copied); any other parts are deleted."""
        record = completion.record
        with self._lock:
            try:
                now = self.now()
                file = FileRecord(
                    id=new_id("file-"),
                    created_at=now,
                    expires_at=file_expiry(record.purpose, record.file_expires_seconds, now),
                    filename=record.filename,
                    bytes=record.bytes,
                    purpose=record.purpose,
                )
                with self._transaction():
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
                    for position, part_id in enumerate(completion.part_ids):
                        self._db.execute(
                            "INSERT INTO file_parts SELECT ?, ?, id, size FROM parts WHERE id = ?",
                            (file.id, position, part_id),
                        )
                    self._db.execute(
                        "UPDATE uploads SET status = 'completed', file_id = ? WHERE id = ?",
                        (file.id, record.id),
                    )
                    self._checkpoint("complete:before-commit")
                    unused = set(self._drop_parts(record.id)) - set(completion.part_ids)
                self._checkpoint("complete:committed")
                self._hasher.forget(record.id)
                self._unlink_parts(unused)
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
            self._end(upload_id, "cancelled")
            return self.get_upload(upload_id)

    # -- files -----------------------------------------------------------------

    def create_file(
        self, *, tmp: Path, size: int, filename: str, purpose: str, expires_seconds: int | None
    ) -> FileRecord:
        """Keep a body received whole (``POST /v1/files``) as a File: stored as the one
        piece of its bytes, like a completed Upload's parts."""
        piece = new_id("part_")
        with self._lock:
            now = self.now()
            file = FileRecord(
                id=new_id("file-"),
                created_at=now,
                expires_at=file_expiry(purpose, expires_seconds, now),
                filename=filename,
                bytes=size,
                purpose=purpose,
            )
            os.replace(tmp, self.part_path(piece))
            self._checkpoint("file:stored")
            with self._transaction():
                self._db.execute(
                    "INSERT INTO files VALUES (?, ?, ?, ?, ?, ?)",
                    (file.id, now, file.expires_at, filename, size, purpose),
                )
                self._db.execute(
                    "INSERT INTO file_parts VALUES (?, 0, ?, ?)", (file.id, piece, size)
                )
        return file

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

    def file_pieces(self, file_id: str) -> list[tuple[Path, int]]:
        """The bodies that make up a File's bytes, in order, with their sizes."""
        with self._lock:
            file = self.get_file(file_id)
            rows = self._db.execute(
                "SELECT part_id, size FROM file_parts WHERE file_id = ? ORDER BY position",
                (file_id,),
            ).fetchall()
        if rows:
            return [(self.part_path(part_id), int(size)) for part_id, size in rows]
        legacy = self.legacy_file_path(file_id)  # a File completed by an older version
        if legacy.exists():
            return [(legacy, file.bytes)]
        return []

    def read_file(self, file_id: str) -> bytes:
        """A File's bytes, whole (for tests and small files)."""
        return b"".join(path.read_bytes() for path, _ in self.file_pieces(file_id))

    def file_path(self, file_id: str) -> Path:
        """A path holding a File's bytes, for tests and debugging: its parts concatenated
        into ``files/<file_id>`` on first call (the content route streams the parts)."""
        pieces = self.file_pieces(file_id)
        path = self.legacy_file_path(file_id)
        if pieces and pieces[0][0] == path:
            return path
        tmp = self.tmp_path(".file")
        with open_private(tmp) as out:
            for piece, _ in pieces:
                with open(piece, "rb") as src:
                    shutil.copyfileobj(src, out, _READ_SIZE)
        os.replace(tmp, path)
        return path

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
            with self._transaction():
                cursor = self._db.execute("DELETE FROM files WHERE id = ?", (file_id,))
                if cursor.rowcount == 0:
                    raise not_found("File object", file_id, param="file_id")
                rows = self._db.execute(
                    "SELECT part_id FROM file_parts WHERE file_id = ?", (file_id,)
                ).fetchall()
                self._db.execute("DELETE FROM file_parts WHERE file_id = ?", (file_id,))
            self._checkpoint("delete:committed")
            self._unlink_parts(part_id for (part_id,) in rows)
            self.legacy_file_path(file_id).unlink(missing_ok=True)
