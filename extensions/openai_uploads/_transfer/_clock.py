"""When the Upload expires, measured on the server's clock, never compared with this one's.

The server dates an Upload in its own unix seconds (``created_at``, ``expires_at``: an
hour later). The client's wall clock may be hours off: compared with ``time.time()``, a
clock two hours fast sees every Upload expired before its first part, and a clock two
hours slow would keep sending parts to an Upload the server expired long ago. So only
the server's *difference* is used, ``expires_at - created_at``, and it is counted here
from the moment ``create`` was sent, on the local monotonic clock, which nothing resets:

* a new Upload: :meth:`Expiry.from_create` (early by at most ``create``'s round trip,
  never late, because the server created the Upload after the request left);
* a resumed Upload (:mod:`._resume`): another process, perhaps after a reboot, has no
  monotonic anchor. The state file keeps the server's ``created_at`` and ``expires_at``
  and this machine's wall time when ``create`` was sent; the time that passed since is
  measured on the wall clock alone (:func:`seconds_left_since`), where any constant
  offset from the server's clock cancels out. A wall clock stepped between the two
  runs makes that estimate wrong; the server is the authority then: a resumed Upload it
  has expired refuses the next part, and the transfer starts a new Upload.

Everything that asks "how long does this Upload have left" (the check before each part,
the retry decisions' ``time_left``, whether a state file is worth resuming) reads it
from here.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TypeGuard

from .._constants import UPLOAD_TTL_SECONDS


@dataclass(frozen=True, slots=True)
class CreateSent:
    """Both clocks, read as ``create`` was about to be sent."""

    monotonic: float
    wall: float

    @classmethod
    def now(cls) -> CreateSent:
        return cls(monotonic=time.monotonic(), wall=time.time())


@dataclass(frozen=True, slots=True)
class Expiry:
    """The ``time.monotonic()`` at which the server expires the Upload."""

    deadline: float

    @classmethod
    def from_create(cls, sent: CreateSent, *, lifetime: float) -> Expiry:
        """A new Upload's: its server ``lifetime``, counted from when ``create`` was sent."""
        return cls(deadline=sent.monotonic + lifetime)

    @classmethod
    def in_seconds(cls, seconds: float) -> Expiry:
        """An Upload that has ``seconds`` left from now (a resumed one)."""
        return cls(deadline=time.monotonic() + seconds)

    def time_left(self) -> float:
        return self.deadline - time.monotonic()

    def expired(self) -> bool:
        return self.time_left() <= 0


def server_lifetime(created_at: object, expires_at: object) -> tuple[float, float]:
    """``(created_at, expires_at - created_at)`` of a ``create`` answer, on the server's
    clock. A lenient answer lacking either: an Upload lives an hour
    (:data:`UPLOAD_TTL_SECONDS`), from a ``created_at`` of 0 (only differences count)."""
    start = float(created_at) if _is_number(created_at) else 0.0
    if _is_number(created_at) and _is_number(expires_at):
        return start, float(expires_at) - start
    return start, float(UPLOAD_TTL_SECONDS)


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def seconds_left_since(
    *, created_at: float, expires_at: float, sent_wall: float, now_wall: float
) -> float:
    """Seconds a recorded Upload has left: its server lifetime less the wall-clock time
    since ``create`` was sent on this machine (a negative lapse, from a clock stepped
    back, counts as none: the server has the last word)."""
    return (expires_at - created_at) - max(0.0, now_wall - sent_wall)
