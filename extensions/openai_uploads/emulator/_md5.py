"""The md5 ``complete`` checks, computed while an Upload's parts arrive.

Theory of operation. ``complete`` names the parts in the order that counts and may send
the md5 of their bytes in that order. md5 runs strictly in sequence, so the engine bets
on one order, the *hashing order*: the order the parts' requests began (which is the
order a client numbers the parts it sends side by side, whatever order they end in;
parts committed before the engine knew of them, e.g. before a restart, come first, in
the order they were created). Per Upload it keeps the md5 of every prefix of that order
that it has hashed so far, so that ``complete`` takes the longest prefix it shares with
the listed order and reads only the parts after it.

How a part gets hashed:

* while it is written, when it is the next part in hashing order as its bytes arrive:
  a part received alone from its start (no other part of its Upload being received when
  it began, all parts before it hashed), or a part the background thread *follows* once
  every part before it is hashed (it reads what the part has written so far, then the
  part's own writes carry the md5 on: :class:`PartMd5`; a part committed before the
  reading caught up is read to its end and not read again);
* otherwise read back from disk by the background thread, in hashing order, as soon as
  it is committed and every part before it is hashed.

So parts sent side by side are hashed as they land, one following the other, and
``complete`` only finishes the tail.

Invariants, which everything in this module keeps:

1. ``digest.part_ids`` is a prefix of the hashing order, and ``digest.states[k]`` is
   the md5 of the bytes of ``part_ids[: k + 1]``; both only grow, by one part at a time,
   under the engine's condition lock.
2. A part's bytes are added to an Upload's md5 at most once, and only once it is
   committed: a part hashed while written extends the md5 only if nothing was hashed
   since it began (its base is still the last state).
3. The background thread never waits for a part: it follows the first one still being
   received and stops there; that part's end schedules it again.
4. Nothing here is trusted blindly: a failed read marks the Upload's digest failed, and
   ``complete`` then reads the parts itself; any prefix not matching the listed order
   is read again. The engine is only in memory; after a restart it starts again.
"""

from __future__ import annotations

import hashlib
import itertools
import mmap
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

READ_SIZE: Final = 4 * 1024 * 1024


def new_md5() -> Any:
    return hashlib.md5(usedforsecurity=False)


def update_md5(digest: Any, path: Path) -> int:
    """Add the bytes of the committed part ``path`` to ``digest`` (blocking); returns how
    many.

    Hashed from a read-only mapping of the file, in one call (hashlib lets go of the GIL
    for it): no copy out of the page cache, which is what reading cost on top of the md5
    itself (bench/RESULTS.md: 7 parts of 64 MiB, 0.68-0.73 CPU s read in 4 MiB pieces,
    0.63-0.64 mapped, 0.62-0.63 the md5 of bytes already in memory). A committed part's
    file is never written again or truncated (only renamed or unlinked), so the mapping
    cannot lose pages under the hash; where a file cannot be mapped (empty, or the
    platform refuses), it is read in pieces."""
    with open(path, "rb", buffering=0) as src:
        try:
            mapped = mmap.mmap(src.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):  # empty, or not mappable here
            size = 0
            while chunk := src.read(READ_SIZE):
                digest.update(chunk)
                size += len(chunk)
            return size
        with mapped:
            digest.update(mapped)
            return len(mapped)


def read_on(md5: Any, paths: Iterable[Path]) -> str:
    """The md5 hex of ``md5`` carried on over the bytes of ``paths`` (blocking): what
    ``complete`` reads itself, after the prefix the engine had."""
    for path in paths:
        update_md5(md5, path)
    return str(md5.hexdigest())


@dataclass
class _Digest:
    """One Upload's md5, as far as its parts have been hashed in hashing order."""

    part_ids: list[str] = field(default_factory=list)
    states: list[Any] = field(default_factory=list)
    """``states[k]``: the md5 of the first k + 1 parts (never updated further)."""
    failed: bool = False
    began: dict[str, int] = field(default_factory=dict)
    """When each committed part began (a sequence number), by part id."""
    receiving: dict[int, PartMd5] = field(default_factory=dict)
    """Each part still being received, by when it began."""
    stop_at: int | None = None
    """While ``complete`` reads the parts after the prefix it took: how far the
    background thread goes (no further: that work would be thrown away)."""

    def order(self, created: list[str]) -> list[str]:
        """``created`` (committed part ids, in creation order) in hashing order."""
        return sorted(created, key=lambda part_id: self.began.get(part_id, -1))

    def base(self) -> Any:
        """A copy of the md5 of all the parts hashed so far."""
        return self.states[-1].copy() if self.states else new_md5()

    def extend(self, part_id: str, md5: Any) -> None:
        self.part_ids.append(part_id)
        self.states.append(md5)


class PartMd5:
    """A part being received. Every slice is passed to :meth:`update` once it is in the
    part's file (from one thread at a time); while :attr:`hashing`, the slice also carries
    on the md5 of its Upload's parts before it. The md5 counts only if the part is
    committed as the next in hashing order; else the part is read back as usual."""

    __slots__ = (
        "_digest",
        "_lock",
        "_md5",
        "_open",
        "base",
        "began",
        "committed_as",
        "path",
        "size",
        "upload_id",
        "written",
    )

    def __init__(self, upload_id: str, digest: _Digest, began: int) -> None:
        self.upload_id = upload_id
        self._digest = digest
        self.began = began
        self._md5: Any = None
        self._open = True
        self._lock = threading.Lock()
        self.base = 0
        """How many parts the md5 had hashed when it reached this part."""
        self.path: Path | None = None
        """Where the part is being written (set by the receiver, to be followed)."""
        self.written = 0
        """Bytes in the part's file so far."""
        self.committed_as: str | None = None
        self.size = 0
        """Once committed: its part id and size (what a follower that read it to its end
        extends the Upload's md5 with)."""

    @property
    def hashing(self) -> bool:
        return self._md5 is not None

    def update(self, data: Any) -> None:
        with self._lock:
            if self._md5 is not None:
                self._md5.update(data)
            self.written += len(data)


@dataclass(frozen=True)
class Prefix:
    """What ``complete`` can start from: the md5 of the first ``count`` listed parts."""

    count: int
    md5: Any


class PartsMd5:
    """The engine: keeps each pending Upload's md5 in hashing order (module docstring).

    ``created(upload_id)`` returns the Upload's committed part ids in creation order, and
    ``path(part_id)`` where a committed part's bytes are."""

    def __init__(self, created: Callable[[str], list[str]], path: Callable[[str], Path]) -> None:
        self._created = created
        self._path = path
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="emulator-md5")
        self._cond = threading.Condition()
        self._digests: dict[str, _Digest] = {}
        self._queued: set[str] = set()
        self._began = itertools.count()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def forget(self, upload_id: str) -> None:
        with self._cond:
            self._digests.pop(upload_id, None)
            self._cond.notify_all()

    def begin_part(self, upload_id: str, committed: int) -> PartMd5:
        """A part of the Upload begins, after ``committed`` parts (call with the store's
        lock held, so that no part is committed meanwhile): hashed while written if no
        other part is being received and the md5 covers all ``committed``."""
        with self._cond:
            digest = self._digests.setdefault(upload_id, _Digest())
            part = PartMd5(upload_id, digest, next(self._began))
            alone = not digest.receiving
            digest.receiving[part.began] = part
            if alone and not digest.failed and len(digest.part_ids) == committed:
                # nothing is being hashed now: all the committed parts are
                part._md5 = digest.base()
                part.base = committed
            return part

    def end_part(self, part: PartMd5) -> None:
        """The part is no longer being received (committed or not); idempotent."""
        with self._cond:
            if not self._end(part):
                return
        self.schedule(part.upload_id)  # parts that began later may have waited for it

    def _end(self, part: PartMd5) -> bool:
        if not part._open:
            return False
        part._open = False
        part._digest.receiving.pop(part.began, None)
        return True

    def committed(self, part: PartMd5 | None, upload_id: str, part_id: str, size: int) -> None:
        """``part_id`` was committed (``part``: its :meth:`begin_part`, if any): its md5
        extends the Upload's if it was hashed while written and nothing was hashed since
        it began (invariant 2); else the background thread hashes it in its turn."""
        with self._cond:
            digest = self._digests.setdefault(upload_id, _Digest())
            if part is None:
                digest.began[part_id] = next(self._began)
            else:
                self._end(part)
                digest.began[part_id] = part.began
                part.committed_as, part.size = part_id, size
                if (
                    part.hashing
                    and digest is part._digest
                    and not digest.failed
                    and len(digest.part_ids) == part.base
                    and part.written == size
                ):
                    digest.extend(part_id, part._md5)
                    self._cond.notify_all()
        self.schedule(upload_id)

    def schedule(self, upload_id: str) -> None:
        with self._cond:
            if upload_id in self._queued:
                return
            self._queued.add(upload_id)
        try:
            self._pool.submit(self._run, upload_id)
        except RuntimeError:  # shut down
            with self._cond:
                self._queued.discard(upload_id)

    def _run(self, upload_id: str) -> None:
        with self._cond:
            self._queued.discard(upload_id)
            digest = self._digests.setdefault(upload_id, _Digest())
        try:
            while True:
                created = self._created(upload_id)
                with self._cond:
                    if self._digests.get(upload_id) is not digest or digest.failed:
                        return  # forgotten (completed, cancelled or expired), or failed
                    if digest.stop_at is not None and len(digest.part_ids) >= digest.stop_at:
                        return  # complete reads the rest itself
                    hashed = set(digest.part_ids)
                    todo = [p for p in digest.order(created) if p not in hashed]
                    began = digest.began[todo[0]] if todo else None
                    first = min(digest.receiving, default=None)
                    if first is not None and (began is None or first < began):
                        following = digest.receiving[first]
                        if following.hashing:
                            return  # already carried on by its own writes
                        done, md5 = len(digest.part_ids), digest.base()
                    elif todo:
                        following = None
                        done, md5 = len(digest.part_ids), digest.base()
                    else:
                        return
                if following is not None:
                    self._follow(digest, following, done, md5)
                    return  # its end schedules this again
                update_md5(md5, self._path(todo[0]))
                with self._cond:
                    # never: a part hashed while written began after all those waiting here
                    if len(digest.part_ids) != done:
                        raise RuntimeError("the md5 was extended while a part was read")
                    digest.extend(todo[0], md5)
                    self._cond.notify_all()
        except Exception:  # e.g. a part file gone: complete then reads the parts itself
            with self._cond:
                digest.failed = True
                self._cond.notify_all()

    def _follow(self, digest: _Digest, part: PartMd5, done: int, md5: Any) -> None:
        """Catch ``md5`` (of the ``done`` parts before ``part``) up with what ``part`` has
        written so far, then hand it over so that its next writes carry it on."""
        if part.path is None:
            return
        try:
            src = open(part.path, "rb", buffering=0)  # noqa: SIM115 - closed below
        except FileNotFoundError:
            return  # committed (renamed) or dropped meanwhile: its end schedules this again
        with src:
            offset = 0
            while True:
                with part._lock:
                    if offset == part.written:
                        with self._cond:
                            if len(digest.part_ids) != done or digest.failed:
                                return
                            if part._open:
                                part._md5 = md5
                                part.base = done
                            elif part.committed_as is not None and part.size == offset:
                                # it was committed while followed, before the md5 caught
                                # up: read to its end, so it need not be read again
                                digest.extend(part.committed_as, md5)
                                self._cond.notify_all()
                        return
                    end = part.written
                while offset < end:
                    chunk = src.read(min(READ_SIZE, end - offset))
                    if not chunk:
                        return  # never: the bytes counted are in the file
                    md5.update(chunk)
                    offset += len(chunk)

    def resume(self, upload_id: str) -> None:
        """A ``complete`` that took a :meth:`prefix` did not complete: hash on."""
        with self._cond:
            digest = self._digests.get(upload_id)
            if digest is None or digest.stop_at is None:
                return  # completed (forgotten), or nothing stopped
            digest.stop_at = None
        self.schedule(upload_id)

    def prefix(self, upload_id: str, part_ids: list[str], timeout: float) -> Prefix:
        """The md5 of the longest prefix of ``part_ids`` that starts the hashing order
        and that the engine can reach without waiting for a part still being received
        (waiting up to ``timeout`` s for the background thread to get there, and
        stopping it there until :meth:`resume` or :meth:`forget`)."""
        created = self._created(upload_id)
        with self._cond:
            digest = self._digests.get(upload_id)
            if digest is None or digest.failed:
                return Prefix(0, new_md5())
            order = digest.order(created)
            count = 0
            while count < min(len(order), len(part_ids)) and order[count] == part_ids[count]:
                count += 1
            if digest.receiving:
                # invariant 3: the thread stops at the first part that began after one
                # still being received
                first = min(digest.receiving)
                reachable = sum(1 for p in order[:count] if digest.began.get(p, -1) < first)
                count = min(count, reachable)
            ready = len(digest.part_ids) >= count
            digest.stop_at = count
        if not ready:
            self.schedule(upload_id)
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                digest = self._digests.get(upload_id)
                if digest is None or digest.failed:
                    return Prefix(0, new_md5())
                if len(digest.part_ids) >= count:
                    if digest.part_ids[:count] != part_ids[:count]:  # never: invariant 1
                        return Prefix(0, new_md5())
                    if count == 0:
                        return Prefix(0, new_md5())
                    return Prefix(count, digest.states[count - 1].copy())
                left = deadline - time.monotonic()
                if left <= 0:
                    hashed = len(digest.part_ids)
                    if digest.part_ids[:hashed] != part_ids[:hashed] or hashed == 0:
                        return Prefix(0, new_md5())
                    return Prefix(hashed, digest.states[hashed - 1].copy())
                self._cond.wait(left)
