"""What the emulator received: one record per API request, credentials masked."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import asdict, dataclass, field
from typing import Any, Final

MAX_RECORDS: Final = 10_000
"""Records kept; older ones are dropped first."""

CREDENTIAL_HEADERS: Final = frozenset(
    {"authorization", "proxy-authorization", "api-key", "x-api-key", "cookie"}
)
MASK: Final = "***"


def mask_header(name: str, value: str) -> str:
    """``value`` with any credential replaced by ``***`` (an auth scheme is kept)."""
    if name not in CREDENTIAL_HEADERS:
        return value
    scheme, space, _ = value.partition(" ")
    if name.endswith("authorization") and space and scheme:
        return f"{scheme} {MASK}"
    return MASK


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the emulator received and answered it."""

    method: str
    path: str
    """The path as sent (``/v1/uploads/upload_.../parts``; the Azure surface's too)."""
    endpoint: str
    """``create``, ``parts``, ``complete``, ``cancel``, ``files``, ``sink`` or ``other``."""
    status: int | None
    """The status answered; None when the connection was closed without an answer."""
    body_bytes: int
    """Request-body bytes the emulator read."""
    headers: dict[str, str] = field(default_factory=dict)
    """Request headers, lower-case names, credentials masked (``Bearer ***``)."""
    fault: str | None = None
    """What was injected instead of the normal answer (``503``, ``drop``, ``slow``,
    ``refused``...), or None."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RecordedRequest:
        return cls(**data)


class RequestLog:
    """The records of the requests received, oldest first (thread-safe, bounded)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: deque[RecordedRequest] = deque(maxlen=MAX_RECORDS)

    def add(self, record: RecordedRequest) -> None:
        with self._lock:
            self._records.append(record)

    def records(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._records)

    def clear(self) -> None:
        with self._lock:
            self._records.clear()


def masked_headers(raw: list[tuple[bytes, bytes]]) -> dict[str, str]:
    """ASGI headers as a dict (repeated names joined with ``, ``), credentials masked."""
    out: dict[str, str] = {}
    for key, value in raw:
        name = key.decode("latin-1").lower()
        text = mask_header(name, value.decode("latin-1"))
        out[name] = f"{out[name]}, {text}" if name in out else text
    return out
