"""The sans-I/O core of a chunked upload: which parts exist, which are done, progress.

Nothing here touches a file, a socket or a clock of its own (callers pass ``now``), so the
thread-pool driver and the asyncio driver share it unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from .._constants import MAX_PART_SIZE, MAX_UPLOAD_BYTES, MiB

DEFAULT_PART_SIZE = MAX_PART_SIZE
"""The seed's default: 64 MB parts, the fewest requests the API allows."""

PROGRESS_MIN_BYTES = MiB
PROGRESS_MIN_INTERVAL = 0.1
"""``BytesSent`` is coalesced: at most one per part every 1 MiB or 100 ms."""


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
    """Tiles ``[0, total_bytes)`` into parts of ``part_size``; the last one may be shorter.

    >>> [(p.offset, p.size) for p in PartPlan(total_bytes=10, part_size=4)]
    [(0, 4), (4, 4), (8, 2)]
    """

    total_bytes: int
    part_size: int

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

    @property
    def part_count(self) -> int:
        return -(-self.total_bytes // self.part_size)

    def part(self, number: int) -> Part:
        if not 1 <= number <= self.part_count:
            raise IndexError(f"part {number} is outside 1..{self.part_count}")
        offset = (number - 1) * self.part_size
        return Part(number, offset, min(self.part_size, self.total_bytes - offset))

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
        size = self.plan.part(number).size
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
