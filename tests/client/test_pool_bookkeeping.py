"""The SDK's own connection pools make httpcore 1.0's decisions in linear time.

The decisions are compared with httpcore's own method on many pool states made of
stand-in connections and requests (a real pool cannot be put into a chosen state of
closed, expired, idle and busy connections; the stand-ins answer only what the method
asks)."""

from __future__ import annotations

import random
from typing import Any

import httpcore
import httpx
import pytest

from openai_uploads import AsyncOpenAI, OpenAI
from openai_uploads._pool_bookkeeping import _assign_requests_to_connections


class Connection:
    def __init__(self, rng: random.Random, name: str) -> None:
        self.name = name
        self.origin = rng.choice(["a", "b"])
        self.closed = rng.random() < 0.1
        self.expired = rng.random() < 0.1
        self.idle = rng.random() < 0.5
        self.available = self.idle or rng.random() < 0.1

    def is_closed(self) -> bool:
        return self.closed

    def has_expired(self) -> bool:
        return self.expired

    def is_idle(self) -> bool:
        return self.idle

    def is_available(self) -> bool:
        return self.available

    def can_handle_request(self, origin: str) -> bool:
        return origin == self.origin

    def __repr__(self) -> str:
        return self.name


class Url:
    def __init__(self, origin: str) -> None:
        self.origin = origin


class Request:
    def __init__(self, rng: random.Random) -> None:
        self.queued = rng.random() < 0.6
        self.request = type("R", (), {"url": Url(rng.choice(["a", "b"]))})()
        self.assigned: Any = None

    def is_queued(self) -> bool:
        return self.queued

    def assign_to_connection(self, connection: Any) -> None:
        self.assigned = connection


class Pool:
    def __init__(self, seed: int) -> None:
        rng = random.Random(seed)
        self._connections = [Connection(rng, f"c{i}") for i in range(rng.randint(0, 12))]
        self._requests = [Request(rng) for _ in range(rng.randint(0, 6))]
        self._max_keepalive_connections = rng.randint(0, 8)
        self._max_connections = rng.randint(1, 12)
        self.created = 0

    def create_connection(self, origin: str) -> Connection:
        self.created += 1
        made = Connection(random.Random(self.created), f"new{self.created}")
        made.origin, made.idle, made.available = origin, False, False
        return made


def _decisions(pool: Pool, closing: list[Any]) -> tuple[Any, ...]:
    return (
        [c.name for c in pool._connections],
        [c.name for c in closing],
        [None if r.assigned is None else r.assigned.name for r in pool._requests],
    )


@pytest.mark.parametrize("seed", range(300))
def test_the_linear_bookkeeping_decides_as_httpcore_does(seed: int) -> None:
    theirs, ours = Pool(seed), Pool(seed)
    expected = httpcore.ConnectionPool._assign_requests_to_connections(theirs)  # type: ignore[arg-type]
    got = _assign_requests_to_connections(ours)
    assert _decisions(ours, got) == _decisions(theirs, expected)


def test_the_sync_clients_own_pool_has_the_linear_bookkeeping() -> None:
    with OpenAI(api_key="sk-test") as client:
        pool = client._pool.get()._transport._pool  # type: ignore[attr-defined]
        assert type(pool).__name__ == "LinearConnectionPool"
        assert isinstance(pool, httpcore.ConnectionPool)


async def test_the_async_clients_own_pool_has_the_linear_bookkeeping() -> None:
    async with AsyncOpenAI(api_key="sk-test") as client:
        pool = client._pool.get()._transport._pool  # type: ignore[attr-defined]
        assert type(pool).__name__ == "LinearAsyncConnectionPool"
        assert isinstance(pool, httpcore.AsyncConnectionPool)


def test_a_callers_own_http_client_is_left_as_it_is() -> None:
    mine = httpx.Client()
    with OpenAI(api_key="sk-test", http_client=mine):
        assert type(mine._transport._pool) is httpcore.ConnectionPool  # type: ignore[attr-defined]
    mine.close()
