"""Ctrl-C during an upload: one KeyboardInterrupt to cancel or keep the Upload, then out."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any, NoReturn

from ._output import EXIT_INTERRUPTED, error

INTERRUPT_DEADLINE = 4.0
"""Seconds after Ctrl-C by which the process is gone, whatever is still in flight."""


class InterruptGuard:
    """Ctrl-C raises KeyboardInterrupt once (so the transfer can cancel or keep its
    Upload); the process is gone ``deadline`` seconds later whatever is still in flight,
    and at once on a second Ctrl-C."""

    def __init__(self, deadline: float = INTERRUPT_DEADLINE) -> None:
        self.deadline = deadline
        self.interrupted = False
        self.cleanup: list[Callable[[], object]] = []
        self._previous: Any = None

    def __enter__(self) -> InterruptGuard:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._on_sigint)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)

    def _on_sigint(self, signum: int, frame: FrameType | None) -> None:
        if self.interrupted:
            self.hard_exit("interrupted again: stopping now")
        self.interrupted = True
        timer = threading.Timer(
            self.deadline, self.hard_exit, args=("stopping now: the cancel took too long",)
        )
        timer.daemon = True
        timer.start()
        raise KeyboardInterrupt

    def hard_exit(self, message: str | None = None) -> NoReturn:
        """Leave now: run the cleanups, say why, flush, ``os._exit(130)`` (no thread joins)."""
        for cleanup in self.cleanup:
            with contextlib.suppress(Exception):
                cleanup()
        if message:
            with contextlib.suppress(Exception):
                error(message)
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(EXIT_INTERRUPTED)


def caused_by_interrupt(exc: BaseException) -> bool:
    """Whether a KeyboardInterrupt is in the cause or context chain of ``exc``."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, KeyboardInterrupt):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False
