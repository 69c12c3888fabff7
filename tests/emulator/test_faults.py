"""Faults are off by default, deterministic under a seed, and each is visible to a client."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import openai
import pytest

from openai_uploads.emulator import EmulatorServer, FaultConfig

from .conftest import new_upload

OCTETS = {"Content-Type": "application/octet-stream"}
CONNECTION_ERRORS = (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    with EmulatorServer() as s:
        yield s


def _client(server: EmulatorServer, retries: int = 0) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.base_url, api_key="k", max_retries=retries, timeout=30)


def _statuses(server: EmulatorServer, n: int) -> list[int]:
    with httpx.Client(base_url=server.base_url, headers={"Authorization": "Bearer k"}) as http:
        return [http.get("/files/file-x").status_code for _ in range(n)]


def test_faults_are_off_by_default(server: EmulatorServer) -> None:
    assert set(_statuses(server, 20)) == {404}
    assert server.fault_stats()["requests"] == 20


def test_faults_are_deterministic_under_a_seed(server: EmulatorServer) -> None:
    config = FaultConfig(p_500=0.2, p_503=0.2, p_429=0.2, seed=7)
    server.faults = config
    first = _statuses(server, 40)
    server.faults = config  # reconfiguring restarts the draws
    assert _statuses(server, 40) == first
    assert set(first) == {404, 500, 503, 429}
    server.faults = FaultConfig(p_500=0.2, p_503=0.2, p_429=0.2, seed=8)
    assert _statuses(server, 40) != first
    with EmulatorServer(faults=config) as other:
        assert _statuses(other, 40) == first


def test_fault_stats_count_each_kind(server: EmulatorServer) -> None:
    server.faults = FaultConfig(p_500=0.25, p_503=0.25, p_429=0.25, seed=3)
    statuses = _statuses(server, 60)
    stats = server.fault_stats()
    assert stats["500"] == statuses.count(500)
    assert stats["503"] == statuses.count(503)
    assert stats["429"] == statuses.count(429)
    server.reset_fault_stats()
    assert server.fault_stats()["requests"] == 0


def test_500_and_503_are_internal_server_errors(server: EmulatorServer) -> None:
    with _client(server) as client:
        server.faults = FaultConfig(p_500=1.0)
        with pytest.raises(openai.InternalServerError) as info:
            new_upload(client, 3)
        assert info.value.status_code == 500
        server.faults = FaultConfig(p_503=1.0)
        with pytest.raises(openai.InternalServerError) as info:
            new_upload(client, 3)
        assert info.value.status_code == 503


def test_429_carries_retry_after(server: EmulatorServer) -> None:
    server.faults = FaultConfig(p_429=1.0, retry_after=0.25)
    with _client(server) as client, pytest.raises(openai.RateLimitError) as info:
        new_upload(client, 3)
    headers = info.value.response.headers
    assert headers["retry-after"] == "1"
    assert headers["retry-after-ms"] == "250"
    server.faults = FaultConfig(p_429=1.0, retry_after=0)
    response = httpx.post(f"{server.base_url}/uploads", json={})
    assert response.headers["retry-after"] == "0"


def test_openai_client_retries_a_429_after_retry_after(server: EmulatorServer) -> None:
    server.faults = FaultConfig(p_429=1.0, retry_after=0.3)
    started = time.monotonic()
    with _client(server, retries=2) as client, pytest.raises(openai.RateLimitError):
        new_upload(client, 3)
    assert time.monotonic() - started >= 0.55
    assert server.fault_stats()["429"] == 3


def test_dropped_connection_is_a_connection_error(server: EmulatorServer) -> None:
    with _client(server) as client:
        upload_id = new_upload(client, 2_000_000)
        server.faults = FaultConfig(p_drop=1.0, endpoints=frozenset({"parts"}))
        with pytest.raises(openai.APIConnectionError):
            client.uploads.parts.create(upload_id, data=b"\0" * 1_000_000)
        with pytest.raises(CONNECTION_ERRORS):
            httpx.post(
                f"{server.base_url}/uploads/{upload_id}/parts",
                files={"data": b"\0" * 1_000_000},
                headers={"Authorization": "Bearer k"},
            )
        server.faults = FaultConfig(p_drop=1.0, endpoints=frozenset({"cancel"}))
        with pytest.raises(CONNECTION_ERRORS):
            httpx.post(f"{server.base_url}/uploads/{upload_id}/cancel")
        assert server.fault_stats()["drop"] == 3
        server.faults = FaultConfig()
        client.uploads.parts.create(upload_id, data=b"\0" * 1_000_000)  # nothing was kept


def test_faults_apply_only_to_the_named_endpoints(server: EmulatorServer) -> None:
    server.faults = FaultConfig(p_500=1.0, endpoints=frozenset({"parts"}))
    with _client(server) as client:
        upload_id = new_upload(client, 3)
        with pytest.raises(openai.InternalServerError):
            client.uploads.parts.create(upload_id, data=b"abc")
        assert client.uploads.cancel(upload_id).status == "cancelled"


def test_latency_is_added_to_each_request(server: EmulatorServer) -> None:
    server.faults = FaultConfig(latency=0.1)
    with httpx.Client(base_url=server.base_url) as http:
        started = time.monotonic()
        for _ in range(3):
            http.post("/_sink", content=b"x", headers=OCTETS)
        elapsed = time.monotonic() - started
    assert elapsed >= 0.3
    assert server.fault_stats()["latency"] == 3


def test_bandwidth_cap_is_roughly_honoured(server: EmulatorServer) -> None:
    server.faults = FaultConfig(bandwidth=5_000_000)
    started = time.monotonic()
    response = httpx.post(f"{server.base_url}/_sink", content=b"\0" * 2_500_000, headers=OCTETS)
    elapsed = time.monotonic() - started
    assert response.json()["bytes"] == 2_500_000
    assert 0.4 <= elapsed < 2.0


def test_fault_config_rejects_impossible_settings() -> None:
    with pytest.raises(ValueError, match="probabilities"):
        FaultConfig(p_500=0.7, p_503=0.7)
    with pytest.raises(ValueError, match="endpoint"):
        FaultConfig(endpoints=frozenset({"nope"}))
    with pytest.raises(ValueError, match="bandwidth"):
        FaultConfig(bandwidth=0)


def test_fault_config_round_trips_through_json() -> None:
    config = FaultConfig(latency=0.1, bandwidth=1e6, p_429=0.5, endpoints=frozenset({"parts"}))
    assert FaultConfig.from_json(config.to_json()) == config
