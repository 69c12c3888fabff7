"""One settings object for every way of running the emulator, checked when made."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import fields
from typing import get_type_hints

import httpx
import pytest

from openai_uploads.emulator import (
    EmulatorProcess,
    EmulatorServer,
    EmulatorSettings,
    FaultConfig,
    ServerLimits,
    run_emulator,
)
from openai_uploads.emulator._settings import SettingsOptions


def test_the_keyword_arguments_are_exactly_the_settings_fields() -> None:
    assert set(get_type_hints(SettingsOptions)) == {f.name for f in fields(EmulatorSettings)}


def test_keyword_arguments_are_applied_over_the_settings() -> None:
    settings = EmulatorSettings(api_key="sk-a", faults=FaultConfig(p_503=1.0))
    server = EmulatorServer(settings, api_key="sk-b")
    try:
        assert (server.api_key, server.faults.p_503) == ("sk-b", 1.0)
    finally:
        server.close()


def test_run_emulator_takes_the_same_settings() -> None:
    with run_emulator(EmulatorSettings(api_key="sk-a")) as server:
        response = httpx.get(f"{server.base_url}/files/f", headers={"Authorization": "Bearer x"})
    assert response.status_code == 401


def test_an_unknown_keyword_is_refused() -> None:
    with pytest.raises(TypeError, match="unknown emulator settings"):
        EmulatorServer(colour="blue")  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"port": 99999}, "port must be between 0 and 65535"),
        ({"port": -1}, "port must be between 0 and 65535"),
        ({"log_level": "loud"}, "unknown log level"),
        ({"fault_script": {"parts": ["maybe"]}}, "unknown script instruction"),
    ],
)
def test_impossible_settings_are_refused_when_made(
    changes: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        EmulatorSettings(**changes)  # type: ignore[arg-type]


@pytest.mark.parametrize("runner", [EmulatorServer, EmulatorProcess], ids=["thread", "process"])
def test_limits_reach_the_server_wherever_it_runs(runner: type[EmulatorServer]) -> None:
    with runner(limits=ServerLimits(max_header_bytes=1024)) as handle:
        response = httpx.get(f"{handle.base_url}/files", headers={"x-big": "a" * 4096})
    assert response.status_code == 431


def test_the_handle_and_the_process_runner_import_without_click() -> None:
    # (the in-process server needs uvicorn, which imports click itself)
    code = (
        "import sys; sys.modules['click'] = None\n"
        "import openai_uploads.emulator._handle, openai_uploads.emulator._process\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
