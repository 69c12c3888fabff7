"""The upload rate the progress bar and the command line both show."""

from __future__ import annotations

import time
from collections.abc import Callable


class SendRate:
    """Bytes sent in this run over the time from the Upload's start to its last part.

    ``complete`` and ``--verify`` send no part bytes, so the clock stops at the last
    part: the bar and the summary line after it show the same figure.
    """

    def __init__(self, resumed_bytes: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.resumed_bytes = resumed_bytes
        self._clock = clock
        self.started = clock()
        self.stopped: float | None = None

    def stop(self) -> None:
        """The last part is done (later calls keep the first stop)."""
        if self.stopped is None:
            self.stopped = self._clock()

    def rate(self, completed_bytes: int) -> float:
        """Bytes per second, given how many of the file's bytes are on the server."""
        end = self.stopped if self.stopped is not None else self._clock()
        elapsed = end - self.started
        sent = completed_bytes - self.resumed_bytes
        return sent / elapsed if elapsed > 0 and sent > 0 else 0.0
