"""Fault injection and wide-area emulation, as an ASGI layer outside the API routes.

Everything is off by default. A fault script (``_script.py``) says what each of the
next requests to an endpoint gets; once it is used up, faults are drawn from one seeded
random stream per endpoint name, so a given sequence of requests to an endpoint meets
the same faults every run. The layer also stamps every response with an
``x-request-id`` header, answers the requests the server refused to admit (see
``_limits.py``) with a 503, and keeps the request log (``_request_log.py``).
"""

from __future__ import annotations

import json
import logging
import math
import random
import secrets
import threading
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any, Final

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from openai_uploads._utils import is_strict_int

from ._request_log import RecordedRequest, RequestLog, masked_headers
from ._script import Instruction, parse_script

ENDPOINTS: Final = frozenset({"create", "parts", "complete", "cancel", "files"})
"""The endpoint names faults can apply to; ``sink`` can be named too (off by default)."""

FAULT_KINDS: Final = ("500", "503", "429", "drop")
MAX_LATENCY: Final = 60.0
"""Largest added latency (seconds) a FaultConfig accepts."""
MAX_RETRY_AFTER: Final = 3600.0
MIN_BANDWIDTH: Final = 1024.0
"""Smallest bandwidth cap (bytes per second) a FaultConfig accepts."""
REFUSED: Final = "openai_uploads.refused"
"""The ASGI scope key the server sets on a request it did not admit (see ``_limits``)."""
STAT_KEYS: Final = ("requests", "latency", "throttled", *FAULT_KINDS, "scripted", "refused")

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FaultConfig:
    """What to inject. Probabilities are per request, drawn once per request in the
    order 500, 503, 429, drop (so they add up and must not exceed 1)."""

    latency: float = 0.0
    """Seconds added before every request is handled (all endpoints but ``_emulator``)."""
    bandwidth: float | None = None
    """Cap on request-body bytes per second, per connection (None: unlimited)."""
    link_bandwidth: float | None = None
    """Cap on request-body bytes per second over all connections together, as an uplink
    they share (None: unlimited). Applies beside ``bandwidth``."""
    p_500: float = 0.0
    p_503: float = 0.0
    p_429: float = 0.0
    p_drop: float = 0.0
    """Probability of closing the connection part-way through the request body."""
    retry_after: float = 1.0
    """Seconds sent with a 429, as ``Retry-After`` (rounded up) and ``retry-after-ms``."""
    drop_after: int | None = None
    """Body bytes read before a drop (None: half of Content-Length, at least one chunk)."""
    endpoints: frozenset[str] = field(default_factory=lambda: ENDPOINTS)
    """Endpoints the 500/503/429/drop faults apply to."""
    seed: int | None = None
    """Seed of the fault draws; None draws from a random seed."""

    def __post_init__(self) -> None:
        numbers = {
            "latency": self.latency,
            "retry_after": self.retry_after,
            "p_500": self.p_500,
            "p_503": self.p_503,
            "p_429": self.p_429,
            "p_drop": self.p_drop,
        }
        if self.bandwidth is not None:
            numbers["bandwidth"] = self.bandwidth
        if self.link_bandwidth is not None:
            numbers["link_bandwidth"] = self.link_bandwidth
        for name, number in numbers.items():
            if not (is_strict_int(number) or isinstance(number, float)):
                raise TypeError(f"{name} must be a number")
            if not math.isfinite(number):
                raise ValueError(f"{name} must be a finite number")
        for name, whole in (("drop_after", self.drop_after), ("seed", self.seed)):
            if whole is not None and not is_strict_int(whole):
                raise TypeError(f"{name} must be an integer (or null)")
        if self.latency > MAX_LATENCY or self.retry_after > MAX_RETRY_AFTER:
            raise ValueError(
                f"latency must be at most {MAX_LATENCY} s and retry_after at most "
                f"{MAX_RETRY_AFTER} s"
            )
        for name, cap in (("bandwidth", self.bandwidth), ("link_bandwidth", self.link_bandwidth)):
            if cap is not None and cap <= 0:
                raise ValueError(f"{name} must be positive (or None for no cap)")
            if cap is not None and cap < MIN_BANDWIDTH:
                raise ValueError(f"{name} must be at least {MIN_BANDWIDTH} bytes/s")
        endpoints: object = self.endpoints
        if not isinstance(endpoints, frozenset | set | list | tuple) or not all(
            isinstance(e, str) for e in endpoints
        ):
            raise TypeError("endpoints must be a list of endpoint names")
        probs = (self.p_500, self.p_503, self.p_429, self.p_drop)
        if any(p < 0 or p > 1 for p in probs) or sum(probs) > 1 + 1e-9:
            raise ValueError("fault probabilities must lie in [0, 1] and sum to at most 1")
        if self.latency < 0 or self.retry_after < 0:
            raise ValueError("latency and retry_after must not be negative")
        unknown = set(self.endpoints) - ENDPOINTS - {"sink"}
        if unknown:
            raise ValueError(f"unknown endpoint names: {sorted(unknown)}")
        object.__setattr__(self, "endpoints", frozenset(self.endpoints))

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["endpoints"] = sorted(self.endpoints)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FaultConfig:
        names = {f.name for f in fields(cls)}
        unknown = set(data) - names
        if unknown:
            raise ValueError(f"unknown fault settings: {sorted(unknown)}")
        kwargs = dict(data)
        if "endpoints" in kwargs:
            endpoints = kwargs["endpoints"]
            if not isinstance(endpoints, list) or not all(isinstance(e, str) for e in endpoints):
                raise TypeError("endpoints must be a list of endpoint names")
            kwargs["endpoints"] = frozenset(endpoints)
        return cls(**kwargs)


class FaultInjector:
    """Holds the current FaultConfig, the seeded draws and the counts of what was injected."""

    def __init__(self, config: FaultConfig | None = None) -> None:
        self._lock = threading.Lock()
        self._stats: Counter[str] = Counter()
        self._config = FaultConfig()
        self._rngs: dict[str, random.Random] = {}
        self._script: dict[str, list[Instruction]] = {}
        self.link = Link()
        self.log = RequestLog()
        """The requests received (see :class:`RecordedRequest`)."""
        self.configure(config or FaultConfig())

    @property
    def config(self) -> FaultConfig:
        return self._config

    def configure(self, config: FaultConfig) -> None:
        """Replace the configuration and restart the seeded draws."""
        with self._lock:
            seed = config.seed if config.seed is not None else secrets.randbits(64)
            self._config = replace(config)
            self._rngs = {name: random.Random(f"{seed}:{name}") for name in ENDPOINTS | {"sink"}}

    def set_script(self, script: Mapping[str, Sequence[object]]) -> None:
        """Replace the fault script (``{}`` clears it); see ``_script.py`` for the
        instructions. ValueError or TypeError when it does not parse."""
        parsed = parse_script(script)
        with self._lock:
            self._script = {k: v for k, v in parsed.items() if v}

    def script(self) -> dict[str, list[str]]:
        """The instructions not yet consumed, per endpoint."""
        with self._lock:
            return {k: [i.text for i in v] for k, v in self._script.items() if v}

    def take(self, endpoint: str) -> Instruction | None:
        """What the next request to ``endpoint`` gets: the next scripted instruction,
        else a random fault, else None (handled normally). Counted in the stats."""
        with self._lock:
            scripted = self._script.get(endpoint)
            if scripted:
                instruction = scripted.pop(0)
                self._stats["scripted"] += 1
                if instruction.kind != "ok":
                    self._stats[instruction.stat] += 1
                return instruction
        kind = self.draw(endpoint)
        if kind is None:
            return None
        if kind == "drop":
            return Instruction("drop", "drop", drop_after=self._config.drop_after)
        return Instruction("status", kind, status=int(kind))

    def stats(self) -> dict[str, int]:
        """How many of each fault were injected: requests, latency, throttled, 500, 503,
        429, drop (random or scripted), scripted (instructions consumed), refused (not
        admitted by the server's limits), and any other scripted status or ``slow``."""
        with self._lock:
            out = {k: 0 for k in STAT_KEYS}
            out.update(self._stats)
            return out

    def reset_stats(self) -> None:
        with self._lock:
            self._stats.clear()

    def count(self, kind: str) -> None:
        with self._lock:
            self._stats[kind] += 1

    def draw(self, endpoint: str) -> str | None:
        """The fault for the next request to ``endpoint``, or None."""
        with self._lock:
            cfg = self._config
            if endpoint not in cfg.endpoints:
                return None
            u = self._rngs[endpoint].random()
            edge = 0.0
            for kind, p in zip(
                FAULT_KINDS, (cfg.p_500, cfg.p_503, cfg.p_429, cfg.p_drop), strict=True
            ):
                edge += p
                if u < edge:
                    self._stats[kind] += 1
                    return kind
            return None


def classify(method: str, path: str) -> str:
    """The endpoint name of a request path."""
    parts = [p for p in path.split("/") if p]
    if parts[:1] == ["openai"]:  # the Azure surface
        parts = parts[1:]
    if parts[:1] == ["v1"]:
        parts = parts[1:]
    if not parts:
        return "other"
    head = parts[0]
    if head == "uploads":
        if len(parts) == 1:
            return "create"
        if len(parts) == 3 and parts[2] in ("parts", "complete", "cancel"):
            return parts[2]
        return "other"
    if head == "files":
        return "files"
    if head == "_sink":
        return "sink"
    if head == "_emulator":
        return "emulator"
    return "other"


_FAULT_BODIES: Final[dict[int, tuple[str, str, str | None]]] = {
    500: (
        "The server had an error while processing your request. Sorry about that!",
        "server_error",
        None,
    ),
    503: ("The server is overloaded or not ready yet.", "server_error", None),
    429: ("Rate limit reached for requests.", "requests", "rate_limit_exceeded"),
}


def _request_id() -> str:
    return "req_" + secrets.token_hex(16)


def _generic_body(status: int) -> tuple[str, str, str | None]:
    type_ = "server_error" if status >= 500 else "invalid_request_error"
    return (f"Injected fault: HTTP {status}.", type_, None)


def _error_body(message: str, type_: str, code: str | None) -> dict[str, Any]:
    return {"error": {"message": message, "type": type_, "param": None, "code": code}}


_REFUSED_BODY: Final = _error_body(
    "The server is busy with too many requests; retry shortly.", "server_error", "server_busy"
)


class FaultMiddleware:
    """Outermost ASGI layer: request ids, the request log, refusals, latency, bandwidth
    cap, and scripted or random faults."""

    def __init__(self, app: ASGIApp, injector: FaultInjector) -> None:
        self.app = app
        self.injector = injector

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw_send = send
        request_id = _request_id()
        endpoint = classify(scope["method"], scope["path"])
        status: int | None = None
        body_bytes = 0
        body_done = False
        went_away = False

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message = {**message, "headers": headers}
            await raw_send(message)

        if endpoint == "emulator":
            await self.app(scope, receive, send_with_id)
            return

        async def counted() -> Message:
            nonlocal body_bytes, body_done, went_away
            message = await receive()
            if message["type"] == "http.request":
                body_bytes += len(message.get("body", b""))
                body_done = body_done or not message.get("more_body", False)
            elif message["type"] == "http.disconnect" and not body_done:
                went_away = True
            return message

        injector = self.injector
        fault: str | None = None
        try:
            fault = await self._handle(scope, counted, send_with_id, raw_send, endpoint)
        finally:
            injector.log.add(
                RecordedRequest(
                    method=scope["method"],
                    path=scope["path"],
                    endpoint=endpoint,
                    status=status,
                    body_bytes=body_bytes,
                    headers=masked_headers(scope.get("headers", [])),
                    fault=fault,
                )
            )
            if went_away and fault != "drop":
                _log.warning(
                    "%s %s: the client went away after %d body bytes; the request was abandoned",
                    scope["method"],
                    scope["path"],
                    body_bytes,
                )
            elif status == 408:
                _log.warning(
                    "%s %s: the client sent its body too slowly (%d bytes received); answered 408",
                    scope["method"],
                    scope["path"],
                    body_bytes,
                )

    async def _handle(
        self, scope: Scope, receive: Receive, send: Send, raw_send: Send, endpoint: str
    ) -> str | None:
        """Serve one request; returns the fault injected instead, if any."""
        injector = self.injector
        cfg = injector.config
        injector.count("requests")
        if scope.get(REFUSED):
            injector.count("refused")
            busy = [(b"retry-after", b"1"), (b"connection", b"close")]
            await send_json(send, 503, _REFUSED_BODY, busy)
            return "refused"
        if cfg.latency > 0:
            injector.count("latency")
            await anyio.sleep(cfg.latency)
        if cfg.bandwidth is not None or cfg.link_bandwidth is not None:
            injector.count("throttled")
            receive = _throttle(receive, cfg.bandwidth, injector.link, cfg.link_bandwidth)
        instruction = injector.take(endpoint)
        if instruction is None or instruction.kind == "ok":
            await self.app(scope, receive, send)
            return None
        if instruction.kind == "slow":
            await anyio.sleep(instruction.seconds)
            await self.app(scope, receive, send)
            return instruction.text
        if instruction.kind == "drop":
            await _drop(scope, receive, raw_send, instruction.drop_after)
            return "drop"
        assert instruction.status is not None
        await _drain(receive)
        status = instruction.status
        message, type_, code = _FAULT_BODIES.get(status, _generic_body(status))
        headers: list[tuple[bytes, bytes]] = []
        retry_after = instruction.retry_after
        if retry_after is None and status == 429:
            retry_after = cfg.retry_after
        if retry_after is not None:
            ra = retry_after
            whole = str(int(ra)) if ra == int(ra) else str(math.ceil(ra))
            headers.append((b"retry-after", whole.encode()))
            headers.append((b"retry-after-ms", str(round(ra * 1000)).encode()))
        await send_json(send, status, _error_body(message, type_, code), headers)
        return instruction.text


class Link:
    """The shared uplink: each body chunk, from any connection, books the next free slot
    of ``len / rate`` seconds; a chunk waits until its slot has passed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._free_at = 0.0

    def book(self, nbytes: int, rate: float) -> float:
        """Seconds to wait before ``nbytes`` have crossed a link of ``rate`` bytes/s."""
        with self._lock:
            now = time.monotonic()
            self._free_at = max(self._free_at, now) + nbytes / rate
            return self._free_at - now


def _throttle(
    receive: Receive, bandwidth: float | None, link: Link, link_bandwidth: float | None
) -> Receive:
    start = time.monotonic()
    received = 0

    async def throttled() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            size = len(message.get("body", b""))
            received += size
            delay = 0.0
            if bandwidth is not None:
                delay = start + received / bandwidth - time.monotonic()
            if link_bandwidth is not None and size:
                delay = max(delay, link.book(size, link_bandwidth))
            if delay > 0:
                await anyio.sleep(delay)
        return message

    return throttled


async def _drain(receive: Receive) -> None:
    while True:
        message = await receive()
        if message["type"] != "http.request" or not message.get("more_body", False):
            return


async def _drop(scope: Scope, receive: Receive, send: Send, drop_after: int | None) -> None:
    """Read part of the body, then close the connection without a response."""
    length = 0
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            length = int(value or b"0")
    limit = drop_after if drop_after is not None else length // 2
    seen = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        seen += len(message.get("body", b""))
        if seen >= limit or not message.get("more_body", False):
            break
    # uvicorn's send is a bound method of the request cycle, which owns the transport:
    # aborting it closes the socket with no response at all, as a lost connection would.
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is not None and hasattr(transport, "abort"):
        transport.abort()
        return
    # Elsewhere: start a response and fail before its body, which closes the connection.
    await send(
        {"type": "http.response.start", "status": 500, "headers": [(b"content-length", b"64")]}
    )
    raise ConnectionAbortedError("emulated dropped connection")


async def send_json(
    send: Send, status: int, body: Any, headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    payload = json.dumps(body).encode()
    all_headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(payload)).encode()),
        *(headers or []),
    ]
    await send({"type": "http.response.start", "status": status, "headers": all_headers})
    await send({"type": "http.response.body", "body": payload})
