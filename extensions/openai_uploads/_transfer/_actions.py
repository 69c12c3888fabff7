"""What the upload flow asks its driver to do, and what it gets back.

:func:`._flow.upload_flow` is a generator: it yields one of these actions, the driver
carries it out and sends back its outcome (or throws in the exception it raised), as
``BaseClient._flow`` does for one call and httpx's ``Auth.auth_flow`` for one request.
The actions name no event loop and no thread: the async driver
(:mod:`openai_uploads._async.transfer`) and its generated sync twin carry out the same
actions in the same order.

===============  =============================================  ============================
action           the driver                                     sends back
===============  =============================================  ============================
:class:`Call`    sends one request (``client._execute``)         the parsed model
:class:`StartPart`  starts sending a part beside the flow        None
:class:`StartHashing`  starts the digest read in a worker thread  None
:class:`WaitParts`  waits (at most ``timeout``) for started jobs  what ended: ``[(key, result
                                                                or exception)]``
:class:`CancelParts`  stops every started job                    what ended meanwhile
:class:`Blocking`  runs file or state-file work                   what it returned
===============  =============================================  ============================
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .._base_client import APICall
from .._types import UploadPart

HASHING = 0
"""The key of the digest read among the started jobs (parts are numbered from 1)."""


@dataclass(frozen=True, slots=True)
class Call:
    """Send ``call``; ``shielded``: the caller's cancellation does not stop it (the
    clean-up after a failure, bounded by its own timeout)."""

    call: APICall[Any]
    shielded: bool = False


@dataclass(frozen=True, slots=True)
class StartPart:
    """Start sending part ``number`` beside the flow; its result is reported by a later
    :class:`WaitParts` under the key ``number``."""

    number: int
    call: APICall[UploadPart]


@dataclass(frozen=True, slots=True)
class StartHashing:
    """Start ``read`` (blocking: the sequential read feeding the digests) in a worker
    thread, reported under the key :data:`HASHING`."""

    read: Callable[[], None]


@dataclass(frozen=True, slots=True)
class WaitParts:
    """Wait up to ``timeout`` seconds (None: until something ends; 0: not at all) for a
    started job to end."""

    timeout: float | None


@dataclass(frozen=True, slots=True)
class CancelParts:
    """Stop every started job: wait up to ``grace`` seconds for those in ``landing``
    (their bodies have all left), cancel the rest, and give the digest read
    ``stop_grace`` seconds to stop. Carried out shielded (it is bounded)."""

    landing: frozenset[int]
    grace: float
    stop_grace: float


@dataclass(frozen=True, slots=True)
class Blocking:
    """Run ``run()``: in a worker thread when ``offload`` (file or state-file I/O) under
    an event loop, else right there (cheap: an ``fstat``, an already-open file)."""

    run: Callable[[], Any]
    offload: bool = True
    shielded: bool = False


Action = Call | StartPart | StartHashing | WaitParts | CancelParts | Blocking
