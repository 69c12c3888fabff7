"""The call model: one API operation (:class:`APICall`), its per-call options, and the
actions of its flow.

``BaseClient._flow`` runs the attempts of a call as a generator that yields an action
(:class:`Send`, :class:`Sleep`, :class:`Authorize`, :class:`Read`) and is resumed with
its :data:`Outcome`; each client only carries the actions out.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import httpx

from ._types import NOT_GIVEN, NotGiven

__all__ = [
    "APICall",
    "Action",
    "Authorize",
    "Flow",
    "Outcome",
    "Read",
    "RequestOptions",
    "Send",
    "Sleep",
    "TimeoutTypes",
    "call_method",
]

T = TypeVar("T")

TimeoutTypes = float | httpx.Timeout | None


@dataclass(frozen=True, kw_only=True, slots=True)
class RequestOptions:
    """The per-call knobs every method accepts, plus the transfer engine's extras."""

    extra_headers: Mapping[str, str] | None = None
    extra_query: Mapping[str, object] | None = None
    extra_body: Mapping[str, object] | None = None
    timeout: TimeoutTypes | NotGiven = NOT_GIVEN
    max_retries: int | None = None
    """Overrides the client's retry budget for this call."""
    expiry_deadline: float | None = None
    """``time.monotonic()`` at which the Upload expires (measured on the server's clock:
    ``_transfer/_clock.py``); retries that would outlast it are not made."""
    on_retry: Callable[[], None] | None = None
    """Called each time an attempt failed and another is about to be made, before the
    wait (``upload_many``'s request budget shrinks)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class APICall(Generic[T]):
    """One API operation, ready to be sent (possibly several times)."""

    operation: str
    """The name plugins see: ``create_upload``, ``add_part``, ..."""
    make_kwargs: Callable[[], dict[str, Any]]
    """Returns a generated ``_get_kwargs(...)`` result; called once per attempt so that a
    multipart body gets a fresh reader."""
    parse: Callable[[httpx.Response], T]
    options: RequestOptions = field(default_factory=RequestOptions)
    stream: bool = False
    """Send with ``stream=True``: a 2xx body is left unread for ``parse`` (an error body
    is read first, so errors look the same as for any other call)."""
    body_limit: Callable[[httpx.Response], int | APICall[int]] | None = None
    """For a body read whole but bounded by more than a JSON answer (``files.content``):
    how many bytes of the 2xx response may be read, given its headers; or a call whose
    result is that number, made first. The body is read within the attempt, so a
    transport error while it arrives is retried like any other attempt's."""
    upload_id: str | None = None
    """The Upload the call is about, for the request hooks' events."""
    part_number: int | None = None
    """For the parts of ``upload_file_chunked``: the part's 1-based position."""


@dataclass(frozen=True, slots=True)
class Send:
    """Action: send this request, and resume the flow with the response or the error."""

    request: httpx.Request
    stream: bool = False


@dataclass(frozen=True, slots=True)
class Sleep:
    """Action: wait this many seconds, then resume the flow."""

    seconds: float


@dataclass(frozen=True, slots=True)
class Authorize:
    """Action: produce the auth headers of the next attempt, and resume the flow with them.

    Only yielded by clients whose credentials change between attempts (a token provider,
    which may do I/O, is asked again for every attempt).
    """


@dataclass(frozen=True, slots=True)
class Read:
    """Action: read the streamed 2xx body of ``response`` into ``response.content`` (at
    most ``limit`` bytes decoded, else :class:`ResponseTooLarge`), then close it; resume
    the flow with the response or the httpx error the read raised.

    ``limit`` may be a call to make first (once: its ``parse`` may remember the answer);
    ``deadline`` is the attempt's (``time.monotonic()``), None for none.
    """

    response: httpx.Response
    limit: int | APICall[int]
    deadline: float | None


Action = Send | Sleep | Authorize | Read
Outcome = httpx.Response | Exception | dict[str, str] | None
"""What carrying out an action gave: for a :class:`Send` or a :class:`Read` the response or
the httpx error it raised (``httpx.HTTPError``, ``httpx.InvalidURL``,
``httpx.StreamError``); for an :class:`Authorize` the auth headers; None after a sleep."""

Flow = Generator[Action, Outcome, T]


def call_method(call: APICall[Any]) -> str:
    """The HTTP method of a call whose request could not be built."""
    try:
        return str(call.make_kwargs().get("method", "GET")).upper()
    except Exception:
        return "GET"
