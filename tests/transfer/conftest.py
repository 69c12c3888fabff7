"""Fixtures: one emulator for the module's tests, clients with fast retries, and helpers."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from openai_uploads._client import AsyncOpenAI, OpenAI
from openai_uploads.emulator import EmulatorServer
from openai_uploads.emulator._faults import FaultConfig
from openai_uploads.hookspecs import hookimpl
from openai_uploads.testing import FastRetries, emulator_fixture

API_KEY = "sk-emulator-transfer"
PART = 64 * 1024
"""A small part size keeps the tests fast; the engine doesn't care."""

SLOW = FaultConfig(bandwidth=256 * 1024, endpoints=frozenset())
"""About a quarter of a second per :data:`PART`: slow enough to interrupt mid-way."""


class Recorder:
    """Keeps every progress event it sees."""

    def __init__(self) -> None:
        self.events: list[tuple[str, Any]] = []

    def of(self, kind: str) -> list[Any]:
        return [e for k, e in self.events if k == kind]

    @hookimpl
    def on_upload_started(self, event: Any) -> None:
        self.events.append(("started", event))

    @hookimpl
    def on_bytes_sent(self, event: Any) -> None:
        self.events.append(("bytes", event))

    @hookimpl
    def on_part_completed(self, event: Any) -> None:
        self.events.append(("part", event))

    @hookimpl
    def on_upload_completed(self, event: Any) -> None:
        self.events.append(("completed", event))

    @hookimpl
    def on_upload_failed(self, event: Any) -> None:
        self.events.append(("failed", event))

    @hookimpl
    def on_upload_cancelled(self, event: Any) -> None:
        self.events.append(("cancelled", event))


emulator = emulator_fixture(scope="session", api_key=API_KEY)


@pytest.fixture
def server(emulator: EmulatorServer) -> Iterator[EmulatorServer]:
    """The emulator with faults off and its counters at zero, for one test."""
    emulator.faults = FaultConfig()
    emulator.reset_fault_stats()
    yield emulator
    emulator.faults = FaultConfig()


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def client(server: EmulatorServer, recorder: Recorder) -> Iterator[OpenAI]:
    with OpenAI(
        api_key=API_KEY,
        base_url=server.base_url,
        max_retries=2,
        timeout=30,
        plugins=[FastRetries(), recorder],
    ) as c:
        yield c


@pytest.fixture
def async_client(server: EmulatorServer, recorder: Recorder) -> AsyncOpenAI:
    return AsyncOpenAI(
        api_key=API_KEY,
        base_url=server.base_url,
        max_retries=2,
        timeout=30,
        plugins=[FastRetries(), recorder],
    )


def in_memory(data: bytes, filename: str = "f.bin", **extra: object) -> dict[str, Any]:
    """``upload_file_chunked``'s arguments for ``data`` held in memory: a JSONL ``batch``
    File in parts of :data:`PART` bytes; ``extra`` adds or replaces arguments."""
    return {
        "file": data,
        "filename": filename,
        "bytes": len(data),
        "mime_type": "application/jsonl",
        "purpose": "batch",
        "part_size": PART,
        **extra,
    }


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def write(tmp_path: Path, data: bytes, name: str = "data.bin") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def status_of(server: EmulatorServer, upload_id: str) -> str:
    return str(server.store.get_upload(upload_id).status)


def random_bytes(size: int) -> bytes:
    return os.urandom(size)
