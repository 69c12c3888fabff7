"""The fault script's instructions, each as a client meets it, and how a bad script is
refused (the in-process emulator; tests/emulator/test_handle.py drives both handles)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from openai_uploads.emulator import EmulatorServer, EmulatorSettings, FaultConfig
from openai_uploads.emulator._script import load_script, parse_instruction

AUTH = {"Authorization": "Bearer k"}
CREATE = {"bytes": 3, "filename": "x", "mime_type": "text/jsonl", "purpose": "batch"}


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    with EmulatorServer() as s:
        yield s


def _get(server: EmulatorServer) -> httpx.Response:
    return httpx.get(f"{server.base_url}/files/file-x", headers=AUTH)


def test_a_scripted_status_has_the_api_error_shape(server: EmulatorServer) -> None:
    server.set_fault_script({"files": ["502"]})
    response = _get(server)
    assert response.status_code == 502
    assert response.json()["error"]["type"] == "server_error"


def test_a_scripted_retry_after_is_sent_in_both_spellings(server: EmulatorServer) -> None:
    server.set_fault_script({"files": ["503:retry-after=1.5"]})
    response = _get(server)
    assert (response.headers["retry-after"], response.headers["retry-after-ms"]) == ("2", "1500")


def test_a_scripted_429_without_retry_after_uses_the_configured_one(
    server: EmulatorServer,
) -> None:
    server.faults = FaultConfig(retry_after=3)
    server.set_fault_script({"files": ["429"]})
    assert _get(server).headers["retry-after"] == "3"


def test_a_scripted_drop_closes_the_connection_mid_body(server: EmulatorServer) -> None:
    server.set_fault_script({"create": ["drop:after=1"]})
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)):
        httpx.post(f"{server.base_url}/uploads", json=CREATE, headers=AUTH)
    (record,) = server.requests()
    assert (record.status, record.fault) == (None, "drop")


def test_a_scripted_slow_request_is_then_handled(server: EmulatorServer) -> None:
    server.set_fault_script({"create": ["slow:0.2"]})
    response = httpx.post(f"{server.base_url}/uploads", json=CREATE, headers=AUTH)
    assert response.status_code == 200
    assert server.fault_stats()["slow"] == 1


def test_an_ok_instruction_also_skips_the_random_faults(server: EmulatorServer) -> None:
    server.faults = FaultConfig(p_503=1.0)
    server.set_fault_script({"files": ["ok"]})
    assert [_get(server).status_code for _ in range(2)] == [404, 503]


def test_scripts_are_kept_per_endpoint(server: EmulatorServer) -> None:
    server.set_fault_script({"create": ["500"], "files": ["ok"]})
    assert _get(server).status_code == 404
    assert server.fault_script() == {"create": ["500"]}


def test_a_new_script_replaces_the_old_one(server: EmulatorServer) -> None:
    server.set_fault_script({"files": ["500", "500"]})
    server.set_fault_script({"parts": ["503"]})
    assert server.fault_script() == {"parts": ["503"]}
    server.set_fault_script({})
    assert server.fault_script() == {}


@pytest.mark.parametrize(
    "instruction", ["oops", "200", "600", "503:after=1", "drop:after=x", "slow:61", "slow:-1", True]
)
def test_an_unknown_instruction_is_refused(instruction: object) -> None:
    with pytest.raises((ValueError, TypeError)):
        parse_instruction(instruction)


def test_a_bad_script_is_refused_and_the_old_one_kept(server: EmulatorServer) -> None:
    server.set_fault_script({"files": ["500"]})
    with pytest.raises(ValueError, match="unknown endpoint"):
        server.set_fault_script({"uploads": ["500"]})
    assert server.fault_script() == {"files": ["500"]}


def test_the_control_route_refuses_a_bad_script_with_400(server: EmulatorServer) -> None:
    response = httpx.post(
        f"{server.base_url}/_emulator/script", json={"files": ["nope"]}, headers=AUTH
    )
    assert response.status_code == 400
    assert "unknown script instruction" in response.json()["error"]["message"]


def test_settings_carry_a_script_into_a_new_server() -> None:
    settings = EmulatorSettings(fault_script={"files": ["503"]})
    with EmulatorServer(settings) as server:
        assert _get(server).status_code == 503


def test_a_script_loads_from_json_or_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "script.json"
    path.write_text('{"parts": ["ok", 503]}')
    assert load_script(f"@{path}") == load_script('{"parts": ["ok", "503"]}')
    assert load_script(f"@{path}") == {"parts": ["ok", "503"]}


def test_serve_takes_a_fault_script(tmp_path: Path) -> None:
    script = '{"files": ["503"]}'
    proc = subprocess.Popen(
        [sys.executable, "-m", "openai_uploads.emulator", "--port", "0", "--fault-script", script],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        base_url = proc.stdout.readline().strip()
        response = httpx.get(f"{base_url}/files/file-x", headers=AUTH)
        assert response.status_code == 503
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_a_script_set_through_the_control_route_is_followed(server: EmulatorServer) -> None:
    response = httpx.post(
        f"{server.base_url}/_emulator/script", json={"files": ["503", "ok", 500]}, headers=AUTH
    )
    assert response.json() == {"script": {"files": ["503", "ok", "500"]}}
    assert [_get(server).status_code for _ in range(4)] == [503, 404, 500, 404]
    remaining = httpx.get(f"{server.base_url}/_emulator/script", headers=AUTH)
    assert remaining.json() == {"script": {}}
    assert server.fault_stats()["scripted"] == 3
