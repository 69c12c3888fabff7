"""The bandwidth cap (``max_bandwidth``): one token bucket shared by every part of every
file of a call, minus the waiting.

A part takes its bytes from the bucket before its request starts; :meth:`reserve` says
how long it must wait first (the driver sleeps that long). The bucket holds at most
:data:`BURST_SECONDS` of tokens, so an idle moment does not let a burst through, and it
may go into debt: a part larger than the bucket waits for its own bytes' time. Over a
transfer the bytes sent per second stay at the cap; within it they come a part at a
time, so a smaller ``part_size`` smooths them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from .._utils import is_strict_int

__all__ = ["BURST_SECONDS", "TokenBucket", "check_bandwidth"]

BURST_SECONDS = 0.05
"""The most the bucket holds, in seconds of the cap."""


def check_bandwidth(max_bandwidth: object) -> int | None:
    """``max_bandwidth`` checked: None (no cap) or a positive int of bytes per second."""
    if max_bandwidth is None:
        return None
    if not is_strict_int(max_bandwidth):
        raise TypeError(
            f"max_bandwidth must be an int (bytes per second) or None, "
            f"got {type(max_bandwidth).__name__}"
        )
    if max_bandwidth < 1:
        raise ValueError(f"max_bandwidth must be at least 1 byte per second; got {max_bandwidth}")
    return max_bandwidth


class TokenBucket:
    """``rate`` bytes per second, shared by threads or tasks alike (it never waits itself)."""

    def __init__(self, rate: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self._clock = clock
        self._capacity = rate * BURST_SECONDS
        self._tokens = self._capacity
        self._at = clock()
        self._lock = threading.Lock()

    def reserve(self, size: int) -> float:
        """Take ``size`` bytes' worth; returns the seconds to wait before sending them."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self._capacity, self._tokens + (now - self._at) * self.rate)
            self._at = now
            self._tokens -= size
            return 0.0 if self._tokens >= 0 else -self._tokens / self.rate
