"""One handle, one fault API: the emulator in a thread of this process and the emulator
in a subprocess are driven the same way (faults, the fault script, counts, reset, the
request log, where to point a client, close)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from openai_uploads.emulator import EmulatorHandle, EmulatorProcess, EmulatorServer, FaultConfig

API_KEY = "sk-emulator-handle"


@pytest.fixture(params=[EmulatorServer, EmulatorProcess], ids=["in-process", "subprocess"])
def handle(request: pytest.FixtureRequest) -> Iterator[EmulatorHandle]:
    with request.param(api_key=API_KEY) as running:
        yield running


def _statuses(handle: EmulatorHandle, n: int) -> list[int]:
    headers = {"Authorization": f"Bearer {handle.api_key}"}
    with httpx.Client(base_url=handle.base_url, headers=headers) as http:
        return [http.get("/files/file-x").status_code for _ in range(n)]


def test_both_are_emulator_handles(handle: EmulatorHandle) -> None:
    assert isinstance(handle, EmulatorHandle)
    assert handle.base_url == f"http://127.0.0.1:{handle.port}/v1"
    assert handle.azure_endpoint == f"http://127.0.0.1:{handle.port}"
    assert handle.api_key == API_KEY


def test_faults_set_by_either_spelling_read_back(handle: EmulatorHandle) -> None:
    config = FaultConfig(p_500=0.5, endpoints=frozenset({"files"}), seed=4)
    handle.faults = config
    assert handle.faults == config
    handle.set_faults(FaultConfig())
    assert handle.faults == FaultConfig()


def test_injected_faults_are_counted_and_the_counts_reset(handle: EmulatorHandle) -> None:
    handle.set_faults(FaultConfig(p_503=1.0, endpoints=frozenset({"files"})))
    assert _statuses(handle, 3) == [503, 503, 503]
    stats = handle.fault_stats()
    assert (stats["requests"], stats["503"]) == (3, 3)
    handle.reset_fault_stats()
    assert handle.fault_stats()["requests"] == 0


def test_a_fault_script_is_followed_in_order_then_the_random_faults_resume(
    handle: EmulatorHandle,
) -> None:
    handle.set_fault_script({"files": ["ok", "503", "429:retry-after=2", "ok"]})
    assert _statuses(handle, 6) == [404, 503, 429, 404, 404, 404]
    assert handle.fault_script() == {}


def test_scripted_faults_are_counted(handle: EmulatorHandle) -> None:
    handle.set_fault_script({"files": ["ok", "503", "503", "500"]})
    _statuses(handle, 5)
    stats = handle.fault_stats()
    assert (stats["requests"], stats["scripted"]) == (5, 4)
    assert (stats["503"], stats["500"]) == (2, 1)


def test_the_unconsumed_script_reads_back(handle: EmulatorHandle) -> None:
    handle.set_fault_script({"files": ["503", "drop:after=10", "slow:0.5"], "parts": [500]})
    _statuses(handle, 1)
    assert handle.fault_script() == {"files": ["drop:after=10", "slow:0.5"], "parts": ["500"]}


def test_the_request_log_lists_what_was_received_with_credentials_masked(
    handle: EmulatorHandle,
) -> None:
    handle.set_fault_script({"files": ["503"]})
    _statuses(handle, 2)
    first, second = handle.requests()
    assert (first.method, first.path, first.endpoint) == ("GET", "/v1/files/file-x", "files")
    assert (first.status, first.fault, second.status, second.fault) == (503, "503", 404, None)
    assert first.headers["authorization"] == "Bearer ***"
    assert API_KEY not in repr(handle.requests())


def test_the_request_log_counts_body_bytes_and_clears(handle: EmulatorHandle) -> None:
    headers = {"Authorization": f"Bearer {handle.api_key}"}
    body = {"bytes": 3, "filename": "x", "mime_type": "text/jsonl", "purpose": "batch"}
    sent = httpx.post(f"{handle.base_url}/uploads", json=body, headers=headers)
    (record,) = handle.requests()
    assert (record.endpoint, record.status) == ("create", 200)
    assert record.body_bytes == len(sent.request.content)
    handle.clear_requests()
    assert handle.requests() == []


def test_restart_keeps_serving_on_the_same_data_dir(handle: EmulatorHandle) -> None:
    data_dir = handle.data_dir
    handle.restart()
    assert handle.data_dir == data_dir
    assert _statuses(handle, 1) == [404]


def test_close_removes_a_temporary_data_dir() -> None:
    for kind in (EmulatorServer, EmulatorProcess):
        with kind(api_key=API_KEY) as running:
            data_dir = running.data_dir
            assert data_dir.is_dir()
        assert not data_dir.exists()


@pytest.mark.parametrize(
    "name", ["Authorization", "Proxy-Authorization", "api-key", "x-api-key", "Cookie"]
)
def test_the_request_log_masks_every_credential_header(handle: EmulatorHandle, name: str) -> None:
    secret = "sk-secret-in-a-header"
    headers = {"Authorization": f"Bearer {handle.api_key}", name: f"Basic {secret}"}
    httpx.get(f"{handle.base_url}/files/file-x", headers=headers)
    (record,) = handle.requests()
    assert secret not in repr(record)
    assert record.headers[name.lower()] in ("***", "Basic ***")


def test_the_request_log_masks_the_azure_api_key(handle: EmulatorHandle) -> None:
    assert handle.api_key is not None
    response = httpx.get(
        f"{handle.azure_endpoint}/openai/files/file-x",
        params={"api-version": "2025-04-01-preview"},
        headers={"api-key": handle.api_key, "Cookie": f"session={handle.api_key}"},
    )
    assert response.status_code == 404
    (record,) = handle.requests()
    assert record.path == "/openai/files/file-x"
    assert (record.headers["api-key"], record.headers["cookie"]) == ("***", "***")
    assert handle.api_key not in repr(record)


def test_a_part_script_of_ok_503_drop_ok_is_followed_and_counted(handle: EmulatorHandle) -> None:
    headers = {"Authorization": f"Bearer {handle.api_key}"}
    body = {"bytes": 12, "filename": "x", "mime_type": "text/jsonl", "purpose": "batch"}
    handle.set_fault_script({"parts": ["ok", "503", "drop", "ok"]})
    outcomes: list[int | str] = []
    with httpx.Client(base_url=handle.base_url, headers=headers) as http:
        upload_id = http.post("/uploads", json=body).json()["id"]
        for _ in range(5):
            try:
                part = http.post(f"/uploads/{upload_id}/parts", files={"data": b"abc"})
                outcomes.append(part.status_code)
            except httpx.TransportError:
                outcomes.append("dropped")
    assert outcomes == [200, 503, "dropped", 200, 200]
    stats = handle.fault_stats()
    assert (stats["scripted"], stats["503"], stats["drop"]) == (4, 1, 1)
    assert [r.fault for r in handle.requests() if r.endpoint == "parts"] == [
        None,
        "503",
        "drop",
        None,
        None,
    ]
    assert handle.fault_script() == {}
