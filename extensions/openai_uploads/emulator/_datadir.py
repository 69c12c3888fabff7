"""The data dir's own rules: private modes, and the lock that keeps it to one server.

The lock is an ``flock`` on ``emulator.lock`` where the platform has ``fcntl`` (POSIX);
elsewhere (Windows, or a Python without ``fcntl``) it is a :mod:`filelock` lock on
``emulator.filelock``, which uses ``msvcrt`` on Windows. Either way it is taken without
waiting, dropped by the operating system when the holder dies (a soft lock left by a
dead holder is broken by filelock), and ``emulator.lock`` names the holder's pid so that
a second server can say who is in the way.
"""

from __future__ import annotations

import contextlib
import errno
import os
from pathlib import Path
from typing import IO, Any, Final

DIR_MODE: Final = 0o700
FILE_MODE: Final = 0o600
LOCK_NAME: Final = "emulator.lock"
"""Holds the holder's pid (and the flock, where there is ``fcntl``)."""
PORTABLE_LOCK_NAME: Final = "emulator.filelock"
"""The filelock lock, where there is no ``fcntl``."""
OPEN_FLAGS: Final = (
    getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOINHERIT", 0) | getattr(os, "O_BINARY", 0)
)
"""Not inherited by child processes, and no newline translation (the last two: Windows)."""


class DataDirInUse(RuntimeError):
    """Another emulator is serving from the same data dir."""


def open_private(path: Path) -> IO[bytes]:
    """A new file at ``path``, readable and writable by this user only (unbuffered)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | OPEN_FLAGS, FILE_MODE)
    return os.fdopen(fd, "wb", buffering=0)


def _fcntl() -> Any:
    """The ``fcntl`` module, or None where the platform has none."""
    try:
        import fcntl
    except ImportError:
        return None
    return fcntl


class DataDirLock:
    """Held by the one server using a data dir, from :meth:`acquire` to :meth:`release`.

    A second holder, in this process or another, gets :class:`DataDirInUse`."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._pid_file: IO[str] | None = None
        self._portable: Any = None

    @property
    def portable(self) -> bool:
        """Whether the lock is filelock's (no ``fcntl`` here)."""
        return self._portable is not None

    def acquire(self) -> None:
        flags = os.O_RDWR | os.O_CREAT | OPEN_FLAGS
        pid_file = os.fdopen(os.open(self.data_dir / LOCK_NAME, flags, FILE_MODE), "r+")
        fd = pid_file.fileno()
        try:
            fcntl = _fcntl()
            if fcntl is not None:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError as exc:
                    if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                        raise self._in_use(pid_file) from None
                    raise
            else:
                self._acquire_portable(pid_file)
            pid_file.seek(0)
            pid_file.truncate()
            pid_file.write(f"{os.getpid()}\n")
            pid_file.flush()
        except BaseException:
            pid_file.close()
            raise
        self._pid_file = pid_file

    def _acquire_portable(self, pid_file: IO[str]) -> None:
        import filelock

        lock = filelock.FileLock(self.data_dir / PORTABLE_LOCK_NAME, timeout=0, mode=FILE_MODE)
        try:
            lock.acquire()
        except filelock.Timeout:
            raise self._in_use(pid_file) from None
        self._portable = lock

    def _in_use(self, pid_file: IO[str]) -> DataDirInUse:
        holder = pid_file.read().strip() or "unknown"
        return DataDirInUse(
            f"the data dir {self.data_dir} is in use by another emulator "
            f"(pid {holder}); stop it, or give this one its own --data-dir"
        )

    def release(self) -> None:
        """Let the dir go (idempotent); closing the pid file drops an flock."""
        pid_file, self._pid_file = self._pid_file, None
        portable, self._portable = self._portable, None
        if pid_file is not None:
            with contextlib.suppress(OSError):
                pid_file.seek(0)
                pid_file.truncate()
            pid_file.close()
        if portable is not None:
            portable.release()
