"""Drive the ``openai-uploads`` console script as a user would: a subprocess of the
script installed next to this interpreter, against a real emulator in this process."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from openai_uploads.testing import emulator_fixture

CLI = Path(sys.executable).parent / "openai-uploads"
MiB = 1024 * 1024


def cli_env(base_url: str | None = None, api_key: str | None = None) -> dict[str, str]:
    """The environment of a user's shell: no OPENAI_* (or AZURE_OPENAI_*) settings but the
    ones given."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "AZURE_OPENAI_"))}
    env["OPENAI_UPLOADS_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    env["PYTHONUNBUFFERED"] = "1"
    if base_url is not None:
        env["OPENAI_BASE_URL"] = base_url
    if api_key is not None:
        env["OPENAI_API_KEY"] = api_key
    return env


def run_cli(
    *args: str, env: dict[str, str], cwd: Path | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CLI), *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def start_cli(*args: str, env: dict[str, str], cwd: Path | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(CLI), *args],
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )


def make_file(path: Path, size: int, seed: int = 7) -> Path:
    """``size`` bytes of JSONL-ish lines, different for each seed."""
    line = (f'{{"seed": {seed}, "text": "' + "x" * 80 + '"}\n').encode()
    data = (line * (size // len(line) + 1))[:size]
    path.write_bytes(data)
    return path


class RequestCounter:
    """Counts the requests the emulator received per endpoint (create, parts, complete,
    ...), from its request log."""

    def __init__(self, emulator: Any) -> None:
        self.emulator = emulator

    def __getitem__(self, endpoint: str) -> int:
        return sum(r.endpoint == endpoint for r in self.emulator.requests())

    def reset(self) -> None:
        self.emulator.clear_requests()


emulator = emulator_fixture()
"""A fresh emulator for each test (it requires its ``api_key``)."""


@pytest.fixture
def requests_seen(emulator: Any) -> RequestCounter:
    return RequestCounter(emulator)


@pytest.fixture
def env(emulator: Any) -> dict[str, str]:
    """A shell pointed at the emulator with OPENAI_BASE_URL and OPENAI_API_KEY."""
    return cli_env(emulator.base_url, emulator.api_key)


@pytest.fixture
def procs() -> Iterator[list[subprocess.Popen[str]]]:
    """Background CLI processes, killed at the end of the test if still running."""
    started: list[subprocess.Popen[str]] = []
    yield started
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=10)


def one_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one line, got: {text!r}"
    assert "Traceback" not in text
    return lines[0]


def assert_usage_error(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    """Exit 2 and one line on stderr, like every other error, pointing at ``--help``."""
    assert result.returncode == 2, result
    assert result.stdout == ""
    line = one_line(result.stderr)
    assert line.startswith("openai-uploads: "), line
    assert line.endswith("--help')"), line
    for needle in needles:
        assert needle in line, line
