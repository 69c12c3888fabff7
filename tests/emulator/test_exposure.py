"""The key is kept out of the process list, and a reachable emulator without a key needs
an explicit yes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import openai
import pytest

from openai_uploads.emulator import EmulatorProcess, EmulatorServer
from openai_uploads.emulator._cli import API_KEY_ENV, check_exposure, is_loopback

from .conftest import new_upload


def test_emulator_process_passes_its_key_in_the_environment_not_the_command_line() -> None:
    with EmulatorProcess(api_key="sk-secret-in-env") as server:
        cmdline = Path(f"/proc/{server.pid}/cmdline").read_bytes()
        assert b"sk-secret-in-env" not in cmdline
        with openai.OpenAI(base_url=server.base_url, api_key="sk-secret-in-env") as c:
            assert new_upload(c, 3).startswith("upload_")
        wrong = openai.OpenAI(base_url=server.base_url, api_key="sk-other", max_retries=0)
        with wrong, pytest.raises(openai.AuthenticationError):
            new_upload(wrong, 3)
        assert server.fault_stats()["requests"] >= 2  # the runner sends the key too


def test_serve_reads_the_key_from_the_environment(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "openai_uploads.emulator", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
        env={**_env(), API_KEY_ENV: "sk-from-env"},
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        wrong = httpx.get(f"{url}/files/file-x", headers={"Authorization": "Bearer sk-x"})
        assert wrong.status_code == 401
        right = httpx.get(f"{url}/files/file-x", headers={"Authorization": "Bearer sk-from-env"})
        assert right.status_code == 404
    finally:
        process.terminate()
        assert process.wait(timeout=15) == 0
        if process.stdout is not None:
            process.stdout.close()


def _env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k != API_KEY_ENV}


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.1", "example.com"])
def test_serve_on_a_reachable_address_without_a_key_refuses_to_start(host: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "openai_uploads.emulator", "--host", host, "--port", "0"],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=60,
    )
    assert result.returncode == 2
    assert f"refusing to listen on {host} without an API key" in result.stderr
    assert API_KEY_ENV in result.stderr
    assert "--allow-no-key" in result.stderr
    assert result.stdout == ""


def test_in_process_server_on_a_reachable_address_without_a_key_refuses() -> None:
    with pytest.raises(ValueError, match="without an API key"):
        EmulatorServer(host="0.0.0.0")


@pytest.mark.parametrize(
    ("host", "key", "allow"),
    [
        ("127.0.0.1", None, False),
        ("127.0.0.2", None, False),
        ("::1", None, False),
        ("localhost", None, False),
        ("0.0.0.0", "sk-k", False),
        ("0.0.0.0", None, True),
    ],
)
def test_loopback_or_a_key_or_an_explicit_yes_may_serve(
    host: str, key: str | None, allow: bool
) -> None:
    check_exposure(host, key, allow)


def test_is_loopback() -> None:
    assert is_loopback("127.0.0.1")
    assert is_loopback("[::1]")
    assert is_loopback("LOCALHOST")
    assert not is_loopback("0.0.0.0")
    assert not is_loopback("10.0.0.1")
