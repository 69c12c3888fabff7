"""``link_bandwidth`` caps all connections together, as one uplink, beside the
per-connection ``bandwidth``."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from click.testing import CliRunner

from openai_uploads.cli import main
from openai_uploads.emulator import EmulatorServer, FaultConfig
from openai_uploads.emulator._faults import Link

OCTETS = {"Content-Type": "application/octet-stream"}
BODY = b"\0" * 1_000_000


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    with EmulatorServer() as s:
        yield s


def _post_concurrently(server: EmulatorServer, n: int) -> float:
    def send(_: int) -> int:
        response = httpx.post(f"{server.base_url}/_sink", content=BODY, headers=OCTETS, timeout=30)
        return int(response.json()["bytes"])

    started = time.monotonic()
    with ThreadPoolExecutor(n) as pool:
        assert list(pool.map(send, range(n))) == [len(BODY)] * n
    return time.monotonic() - started


def test_link_cap_is_shared_by_all_connections(server: EmulatorServer) -> None:
    # each connection alone may go at 8 MB/s; the link carries 2 MB/s in all
    server.faults = FaultConfig(bandwidth=8_000_000, link_bandwidth=2_000_000)
    elapsed = _post_concurrently(server, 3)  # 3 MB over a 2 MB/s link: at least ~1.5 s
    assert elapsed >= 1.2
    assert server.fault_stats()["throttled"] == 3


def test_per_connection_cap_alone_lets_connections_add_up(server: EmulatorServer) -> None:
    server.faults = FaultConfig(bandwidth=2_000_000)
    elapsed = _post_concurrently(server, 3)  # each 1 MB at 2 MB/s, side by side: ~0.5 s
    assert elapsed < 1.2


def test_link_books_slots_one_after_another() -> None:
    link = Link()
    first = link.book(1_000_000, 1_000_000)
    second = link.book(1_000_000, 1_000_000)
    assert 0.9 < first <= 1.0
    assert 1.9 < second <= 2.0


def test_link_bandwidth_is_validated_and_round_trips() -> None:
    with pytest.raises(ValueError, match="link_bandwidth"):
        FaultConfig(link_bandwidth=0)
    with pytest.raises(ValueError, match="link_bandwidth"):
        FaultConfig(link_bandwidth=float("inf"))
    config = FaultConfig(link_bandwidth=50e6)
    assert FaultConfig.from_json(config.to_json()) == config


def test_serve_has_a_link_bandwidth_flag() -> None:
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert "--link-bandwidth" in result.output
