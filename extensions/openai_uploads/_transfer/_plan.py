"""The sans-I/O core of a chunked upload: which parts exist, which are done, progress.

Nothing here touches a file, a socket or a clock of its own (callers pass ``now``), so the
thread-pool driver and the asyncio driver share it unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from .._constants import MAX_PART_SIZE, MAX_UPLOAD_BYTES, MiB

DEFAULT_PART_SIZE = MAX_PART_SIZE
"""The documented default: 64 MB parts, the fewest requests the API allows."""

PROGRESS_MIN_BYTES = MiB
PROGRESS_MIN_INTERVAL = 0.1
"""``BytesSent`` is coalesced: at most one per part every 1 MiB or 100 ms."""


LAYOUT_UNIFORM = 1
"""Every part ``part_size`` bytes, the last one whatever is left (resume records from
before the layout was recorded)."""
LAYOUT_TAPERED = 2
"""Uniform parts, but the bytes of the last :data:`TAPER_PARTS` are sent in halves, then
quarters (see :class:`PartPlan`)."""
LAYOUT = LAYOUT_TAPERED
"""The layout new Uploads use."""
LAYOUTS = (LAYOUT_UNIFORM, LAYOUT_TAPERED)

TAPER_PARTS = 8
"""How many of the uniform tiling's last parts the tapered layout splits: the last wave
at 8 in flight."""
TAPER_MIN_PART_SIZE = 16 * MiB
"""Below this ``part_size`` the layout stays uniform (a request costs more than the
hashing it would save)."""
TAPER_MIN_PIECE = 4 * MiB
"""No split makes parts smaller than this."""


@dataclass(frozen=True, slots=True)
class Part:
    """One part of the file: ``number`` is 1-based, ``offset`` and ``size`` in bytes."""

    number: int
    offset: int
    size: int

    @property
    def end(self) -> int:
        return self.offset + self.size


@dataclass(frozen=True, slots=True)
class PartPlan:
    """Tiles ``[0, total_bytes)`` into parts of at most ``part_size``, in file order.

    The layout is a function of ``(total_bytes, part_size, layout)`` alone (never of the
    concurrency), so a resumed Upload finds the same parts under the same numbers.

    :data:`LAYOUT_UNIFORM`: parts of ``part_size``; the last one may be shorter.

    >>> [(p.offset, p.size) for p in PartPlan(total_bytes=10, part_size=4, layout=1)]
    [(0, 4), (4, 4), (8, 2)]

    :data:`LAYOUT_TAPERED` (the default): the same, except that the bytes of the uniform
    tiling's last :data:`TAPER_PARTS` parts are sent as halves (the first half of them)
    and quarters (the rest), never below :data:`TAPER_MIN_PIECE`; uniform when
    ``part_size`` is under :data:`TAPER_MIN_PART_SIZE` or the file is one part. The
    server hashes parts in order as they land, so parts that land side by side wait for
    the ones before them: what is left to hash when the last byte arrives is about
    (parts in flight - 1) x the last parts' size. 1 GiB in 64 MiB parts: 8 x 64 MiB,
    8 x 32 MiB, 16 x 16 MiB (32 parts instead of 16; 144 at most for 8 GB).
    """

    total_bytes: int
    part_size: int
    layout: int = LAYOUT
    _head: int = field(init=False, repr=False, compare=False)
    """How many parts of ``part_size`` come before the split tail."""
    _tail: tuple[int, ...] = field(init=False, repr=False, compare=False)
    """The offsets of the parts after those, then ``total_bytes``."""

    def __post_init__(self) -> None:
        if not 1 <= self.part_size <= MAX_PART_SIZE:
            raise ValueError(
                f"part_size must be between 1 and {MAX_PART_SIZE} bytes (64 MiB), "
                f"got {self.part_size}"
            )
        if not 0 <= self.total_bytes <= MAX_UPLOAD_BYTES:
            raise ValueError(
                f"an Upload holds at most {MAX_UPLOAD_BYTES} bytes (8 GiB), got {self.total_bytes}"
            )
        if self.layout not in LAYOUTS:
            raise ValueError(f"unknown part layout {self.layout!r} (known: {LAYOUTS})")
        uniform = -(-self.total_bytes // self.part_size)
        head = max(0, uniform - 1)  # the parts of part_size before the tail
        tail: tuple[int, ...] = (head * self.part_size, self.total_bytes) if uniform else (0,)
        if self.layout == LAYOUT_TAPERED and self.part_size >= TAPER_MIN_PART_SIZE and uniform >= 2:
            split = min(uniform, TAPER_PARTS)
            head = uniform - split
            offsets: list[int] = []
            for j in range(split):
                start = (head + j) * self.part_size
                size = min(self.part_size, self.total_bytes - start)
                pieces = max(1, min(2 if j < split // 2 else 4, size // TAPER_MIN_PIECE))
                offsets.extend(start + k * size // pieces for k in range(pieces))
            tail = (*offsets, self.total_bytes)
        object.__setattr__(self, "_head", head)
        object.__setattr__(self, "_tail", tail)

    @property
    def part_count(self) -> int:
        return self._head + len(self._tail) - 1

    def part(self, number: int) -> Part:
        if not 1 <= number <= self.part_count:
            raise IndexError(f"part {number} is outside 1..{self.part_count}")
        if number <= self._head:
            return Part(number, (number - 1) * self.part_size, self.part_size)
        i = number - self._head - 1
        return Part(number, self._tail[i], self._tail[i + 1] - self._tail[i])

    def size_of(self, number: int) -> int:
        """The size of part ``number`` (unchecked, and no :class:`Part` made: progress
        asks for it on every slice sent)."""
        if number <= self._head:
            return self.part_size
        i = number - self._head - 1
        return self._tail[i + 1] - self._tail[i]

    def __iter__(self) -> Iterator[Part]:
        for number in range(1, self.part_count + 1):
            yield self.part(number)

    def __len__(self) -> int:
        return self.part_count


class MissingPartsError(RuntimeError):
    """``complete`` was about to be called with parts missing (an engine bug, never I/O)."""


@dataclass(slots=True)
class TransferState:
    """Which parts are done, and the whole-file progress that never goes backwards.

    Progress keeps a per-part high-water mark: a retried part's ``on_progress`` restarts
    from 0, and only bytes past the mark its earlier attempts reached count again.
    """

    plan: PartPlan
    done: dict[int, str] = field(default_factory=dict)
    """Part number → part id, for parts the server accepted."""
    resumed_bytes: int = 0
    bytes_sent: int = 0
    _high_water: dict[int, int] = field(default_factory=dict)
    _last_emit: dict[int, tuple[int, float]] = field(default_factory=dict)

    def resume(self, finished: Mapping[int, str]) -> None:
        """Mark parts an earlier attempt finished; their bytes count as already sent."""
        for number, part_id in finished.items():
            part = self.plan.part(number)
            self.done[number] = part_id
            self._high_water[number] = part.size
        self.resumed_bytes = sum(self.plan.part(n).size for n in self.done)
        self.bytes_sent = self.resumed_bytes

    @property
    def parts_done(self) -> int:
        return len(self.done)

    def record_progress(self, number: int, sent_in_attempt: int, now: float) -> int | None:
        """Account ``sent_in_attempt`` bytes of part ``number``'s current attempt.

        Returns the new whole-file total when a ``BytesSent`` should fire (coalesced),
        else None.
        """
        size = self.plan.size_of(number)
        sent_in_attempt = min(max(sent_in_attempt, 0), size)
        mark = self._high_water.get(number, 0)
        if sent_in_attempt <= mark:
            return None
        self._high_water[number] = sent_in_attempt
        self.bytes_sent += sent_in_attempt - mark
        last_bytes, last_time = self._last_emit.get(number, (0, float("-inf")))
        if (
            sent_in_attempt == size
            or sent_in_attempt - last_bytes >= PROGRESS_MIN_BYTES
            or now - last_time >= PROGRESS_MIN_INTERVAL
        ):
            self._last_emit[number] = (sent_in_attempt, now)
            return self.bytes_sent
        return None

    def complete_part(self, number: int, part_id: str) -> int | None:
        """The server accepted part ``number``; returns a final total to report, if any.

        Whatever ``on_progress`` reported, the part now counts in full, so the events'
        totals add up to the file size.
        """
        size = self.plan.part(number).size
        self.done[number] = part_id
        mark = self._high_water.get(number, 0)
        self._high_water[number] = size
        if mark >= size and self._last_emit.get(number, (0, 0.0))[0] == size:
            return None
        self.bytes_sent += size - mark
        self._last_emit[number] = (size, float("inf"))
        return self.bytes_sent

    def ordered_part_ids(self) -> list[str]:
        """The part ids in file order, for ``complete``; raises if any part is missing."""
        missing = [p.number for p in self.plan if p.number not in self.done]
        if missing:
            raise MissingPartsError(f"parts {missing} were never accepted by the server")
        return [self.done[n] for n in range(1, self.plan.part_count + 1)]


ADAPTIVE_START = 4
"""Parts in flight at first when the concurrency adapts (at most the cap)."""
ADAPT_SETTLE = 0.15
"""Seconds after a change of the limit before the rate is measured again: new
connections first fill their socket buffers, a burst that is not throughput."""
ADAPT_WINDOW = 0.35
"""Seconds of sending each rate measurement covers. With the settling, a step takes
0.5 s: 16 in flight 1 s after the first part (measured on the wide-area profile: 0.5 s
sooner than steps of 0.75 s, and the same stops at 8 then 4 on the shared link and on
loopback). On a real network a new connection's slow start may still be under way when
it is measured; the first step up (to 8) needs no comparison, so at worst the limit
stays at 4 to 8."""
ADAPT_GAIN = 0.25
"""A step up is kept when the rate grew by at least this share of what the added parts
would add if each carried as much as the ones before (doubling: +25 %)."""


@dataclass(slots=True)
class ConcurrencyLimit:
    """How many parts may be in flight: fixed, or adapted to the measured throughput.

    Adaptive (as AWS's CRT transfer client does): start at :data:`ADAPTIVE_START`,
    measure the whole transfer's send rate over :data:`ADAPT_WINDOW`, double the limit
    (up to ``cap``) while each doubling raises the rate by a meaningful margin
    (:data:`ADAPT_GAIN`), and go back to the last limit that did once it does not. A part
    that needs another attempt (throttled with 429 or 503, a 5xx, a dropped connection)
    halves the limit and ends the growth. Parts already sent are never stopped: a lower
    limit only holds back the next ones.

    Sans-I/O: the drivers pass the clock and the bytes sent (:meth:`observe`).
    """

    cap: int
    adaptive: bool = False
    limit: int = 0
    peak: int = 0
    """The highest limit reached."""
    _growing: bool = False
    _window_start: float | None = None
    """When the current measurement started (or, while settling, will start)."""
    _settling: bool = False
    _window_bytes: int = 0
    _previous_rate: float | None = None
    _previous_limit: int = 0
    _retries: int = 0

    def __post_init__(self) -> None:
        if self.cap < 1:
            raise ValueError(f"the concurrency cap must be at least 1, got {self.cap}")
        self.limit = min(ADAPTIVE_START, self.cap) if self.adaptive else self.cap
        self.peak = self.limit
        self._growing = self.adaptive and self.limit < self.cap

    @property
    def growing(self) -> bool:
        """Whether the limit may still go up (the drivers then wake to measure)."""
        return self._growing

    def next_check(self, now: float) -> float | None:
        """Seconds until :meth:`observe` has something to do (None: nothing)."""
        if not self._growing:
            return None
        if self._window_start is None:
            return 0.0
        if self._settling:
            return max(0.0, self._window_start - now)
        return max(0.0, self._window_start + ADAPT_WINDOW - now)

    def observe(self, now: float, bytes_sent: int, retries: int) -> int:
        """Account the transfer's progress at ``now``; returns the limit to use.

        ``bytes_sent``: the whole file's bytes handed to the socket so far (monotonic);
        ``retries``: how many part attempts so far were retries.
        """
        if not self.adaptive:
            return self.limit
        if retries > self._retries:
            self._retries = retries
            self.limit = max(1, self.limit // 2)
            self._growing = False
            return self.limit
        if not self._growing:
            return self.limit
        if self._window_start is None or self._settling:
            if self._window_start is None:  # the first parts just left: let them settle
                self._settle(now)
            elif now >= self._window_start:  # settled: the measurement starts
                self._window_start, self._window_bytes = now, bytes_sent
                self._settling = False
            return self.limit
        elapsed = now - self._window_start
        if elapsed < ADAPT_WINDOW:
            return self.limit
        rate = (bytes_sent - self._window_bytes) / elapsed
        previous = self._previous_rate
        if previous is not None:
            wanted = previous * (1 + ADAPT_GAIN * (self.limit / self._previous_limit - 1))
            if rate < wanted or rate <= 0:
                # No meaningful gain: back to the limit that did as well, and stay there.
                self.limit = self._previous_limit
                self._growing = False
                return self.limit
        if self.limit >= self.cap:
            self._growing = False
            return self.limit
        self._previous_rate, self._previous_limit = rate, self.limit
        self.limit = min(self.cap, self.limit * 2)
        self.peak = max(self.peak, self.limit)
        self._settle(now)
        return self.limit

    def stop_growing(self) -> None:
        """Keep the limit as it is (every part has been started)."""
        self._growing = False

    def _settle(self, now: float) -> None:
        self._window_start = now + ADAPT_SETTLE
        self._settling = True


THROTTLE_HOLD = 1.0
"""Seconds after a cut of a batch's budget during which more retries do not cut it again:
the requests already in flight when the server pushed back answer the same way, and
count as one signal (TCP cuts its window once per round trip, not once per loss)."""


@dataclass(slots=True)
class RequestBudget:
    """How many requests a batch (``upload_many``) may have in flight: its ``cap``, or
    less while the server pushes back.

    Adaptive, it starts at ``cap`` (a batch of small files is bound by round trips, so
    the cap is what it needs from the first request) and adapts as TCP's window does
    (additive increase, multiplicative decrease): an attempt that is retried (throttled
    with 429 or 503, a 5xx, a dropped connection or a timeout) halves the limit, once
    per :data:`THROTTLE_HOLD`; then each run of ``limit // 2`` requests that succeed
    (at least one) raises it by one, back up to ``cap``. Requests in flight are never
    stopped: a lower limit only holds back the next ones. Fixed, it stays at ``cap``.

    Sans-I/O: the drivers pass the clock (:meth:`throttled`).
    """

    cap: int
    adaptive: bool = True
    limit: int = 0
    lowest: int = 0
    """The lowest limit reached."""
    cuts: int = 0
    """How many times the limit was halved."""
    _successes: int = 0
    _hold_until: float = float("-inf")

    def __post_init__(self) -> None:
        if self.cap < 1:
            raise ValueError(f"the request budget must be at least 1, got {self.cap}")
        self.limit = self.lowest = self.cap

    def throttled(self, now: float) -> None:
        """An attempt failed and will be retried."""
        if not self.adaptive or now < self._hold_until:
            return
        self.limit = max(1, self.limit // 2)
        self.lowest = min(self.lowest, self.limit)
        self.cuts += 1
        self._successes = 0
        self._hold_until = now + THROTTLE_HOLD

    def succeeded(self) -> bool:
        """A request succeeded; returns whether the limit went up."""
        if not self.adaptive or self.limit >= self.cap:
            return False
        self._successes += 1
        if self._successes < max(1, self.limit // 2):
            return False
        self._successes = 0
        self.limit += 1
        return True
