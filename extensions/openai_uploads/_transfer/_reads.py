"""How a transfer reads its input: one of two strategies, chosen by the kind of source.

* :class:`RangeReads` (regular files, in-memory data, seekable file objects, spooled
  streams): each part is read at its offset slice by slice as it is sent (again for a
  retry), and the digests come from one sequential read beside the parts
  (:meth:`RangeReads.hash_all`). Nothing part-sized is held.
* :class:`OrderedReads` (streams of a declared size): each part is read once, in order,
  into a pool buffer and hashed as it is read; waiting for a free buffer is the
  back-pressure, so memory stays at about (parts in flight + 1) * part_size.

The flow asks the same questions of both (:func:`._flow.upload_flow`); only
:class:`OrderedReads` blocks to read a part, and only :class:`RangeReads` reads beside.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._part_body import PartBody
from ._errors import TransferAborted
from ._plan import Part
from ._source import SourceRange

if TYPE_CHECKING:
    from ._job import Job


class RangeReads:
    """Parts streamed by range; the digests from one sequential read beside them."""

    def __init__(self, job: Job) -> None:
        self._job = job

    def read(self, part: Part) -> PartBody:
        """``part``, to be read from the source slice by slice as it is sent."""
        return SourceRange(self._job.source, part.offset, part.size)

    def release(self, part: Part) -> None:
        """Nothing to give back."""

    def hash_all(self) -> None:
        """The one sequential read of the input: feed every digest, in order.

        Blocking; runs beside the parts (the source is read again for sending, so the
        change stamp is checked before ``complete``). Stops at its next slice once the
        transfer stops or starts over.
        """
        job = self._job
        generation = job.generation
        hashers = list(job.hashers.values())
        for view in job.source.chunks():
            if job.stopping or generation != job.generation:
                raise TransferAborted("the digest read stopped: the transfer is stopping")
            readonly = view.toreadonly()  # hashers get read-only views (not copies)
            for hasher in hashers:
                hasher.update(readonly)


class OrderedReads:
    """Parts read once, in order, into a pool of buffers, and hashed as they are read.

    Buffers are made as they are first needed, so that the first part goes out without
    waiting for the whole pool to be allocated (and zeroed).
    """

    def __init__(self, job: Job) -> None:
        self._job = job
        self._free: list[bytearray] = []
        self._allocated = 0
        self._held: dict[int, bytearray] = {}

    def buffer_free(self) -> bool:
        """Whether a part can be read now (else the flow waits for a part to end)."""
        return bool(self._free) or self._allocated < self._job.buffer_count

    def read(self, part: Part) -> memoryview:
        """Read the next part into a free buffer and feed every digest. Blocking.

        Hashers get a read-only view of the part: the same bytes, not a copy."""
        if not self._free:
            self._free.append(bytearray(self._job.buffer_size))
            self._allocated += 1
        buffer = self._held[part.number] = self._free.pop()
        view = self._job.source.read_part(part.size, buffer)
        readonly = view.toreadonly()
        for hasher in self._job.hashers.values():
            hasher.update(readonly)
        return view

    def release(self, part: Part) -> None:
        """``part`` is done with its buffer."""
        buffer = self._held.pop(part.number, None)
        if buffer is not None:
            self._free.append(buffer)

    def check_ended(self) -> None:
        """A stream must end where it was declared to, also when it has no part at all
        (each part read checks it otherwise). Blocking (waits for a pipe's end)."""
        if self._job.plan.part_count == 0:
            self._job.source.check_ended()


ReadStrategy = RangeReads | OrderedReads


def reads_for(job: Job) -> ReadStrategy:
    """The strategy for ``job``'s source: by range when it can be read at an offset."""
    return RangeReads(job) if job.source.random_access else OrderedReads(job)
