"""Fixtures: one emulator for the module's tests, a client with fast retries, files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from openai_uploads import OpenAI
from openai_uploads.emulator import EmulatorServer
from openai_uploads.emulator._faults import FaultConfig
from openai_uploads.testing import emulator_fixture

API_KEY = "sk-emulator-many"

emulator = emulator_fixture(scope="module", api_key=API_KEY)


@pytest.fixture
def server(emulator: EmulatorServer) -> Iterator[EmulatorServer]:
    """The module's emulator, with no faults and an empty request log."""
    emulator.set_faults(FaultConfig())
    emulator.clear_requests()
    yield emulator
    emulator.set_faults(FaultConfig())


@pytest.fixture
def client(server: EmulatorServer) -> Iterator[OpenAI]:
    with OpenAI(api_key=API_KEY, base_url=server.base_url, max_retries=1) as c:
        yield c


def jsonl_files(directory: Path, count: int, *, lines: int = 20) -> list[Path]:
    """``count`` small JSONL files, each of different bytes."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = directory / f"shard-{i:04d}.jsonl"
        path.write_bytes(b"".join(b'{"i": %d, "n": %d}\n' % (i, n) for n in range(lines)))
        paths.append(path)
    return paths


def ok_requests(server: EmulatorServer, endpoint: str) -> int:
    """How many requests to ``endpoint`` the emulator answered with 200."""
    return sum(1 for r in server.requests() if r.endpoint == endpoint and r.status == 200)
