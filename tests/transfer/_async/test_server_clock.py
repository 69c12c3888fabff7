"""An Upload's hour is counted on the server's clock: a client clock hours off uploads.

The emulator runs in its own process, on the real clock; only this process's
``time.time`` is moved (``monotonic`` is left alone, as a wall-clock error leaves it).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from openai_uploads._client import AsyncOpenAI
from openai_uploads._exceptions import PluginError, UploadExpiredError
from openai_uploads.emulator import EmulatorProcess, FaultConfig
from openai_uploads.hookspecs import OutgoingRequest, RetryContext, RetryDecision, hookimpl

from ..conftest import API_KEY, PART, random_bytes

HOURS = 3600.0
SKEWS = [
    pytest.param(2 * HOURS, id="client-2h-fast"),
    pytest.param(-2 * HOURS, id="client-2h-slow"),
]
ARGS: dict[str, Any] = {"mime_type": "application/jsonl", "purpose": "batch", "part_size": PART}


@pytest.fixture(scope="module")
def process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorProcess]:
    with EmulatorProcess(data_dir=tmp_path_factory.mktemp("clock"), api_key=API_KEY) as server:
        yield server


@pytest.fixture
def skewed(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> float:
    skew: float = request.param
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + skew)
    return skew


@pytest.fixture
def data_file(tmp_path: Path) -> Path:
    path = tmp_path / "data.jsonl"
    path.write_bytes(random_bytes(PART * 4 + 7))
    return path


@pytest.fixture
def data(data_file: Path) -> bytes:
    return data_file.read_bytes()


class TimeLeft:
    """Records the ``time_left`` each retry decision sees, and passes."""

    def __init__(self) -> None:
        self.seen: list[float | None] = []

    @hookimpl(tryfirst=True)
    def decide_retry(self, event: RetryContext) -> RetryDecision | None:
        self.seen.append(event.time_left)
        return RetryDecision.after(0) if event.attempt < event.max_retries else None


def _state_path(data_file: Path) -> Path:
    return Path(f"{data_file}.openai-upload.json")


def _saved_state(data_file: Path) -> dict[str, Any]:
    state: dict[str, Any] = json.loads(_state_path(data_file).read_text())
    return state


def _save_state(data_file: Path, state: dict[str, Any]) -> None:
    _state_path(data_file).write_text(json.dumps(state))


@pytest.mark.parametrize("skewed", SKEWS, indirect=True)
async def test_a_client_clock_hours_off_uploads_and_retries_within_the_servers_hour(
    process: EmulatorProcess, skewed: float, data_file: Path, data: bytes
) -> None:
    process.faults = FaultConfig(p_500=0.5, endpoints=frozenset({"parts"}), seed=4)
    spy = TimeLeft()
    try:
        async with AsyncOpenAI(api_key=API_KEY, base_url=process.base_url, plugins=[spy]) as client:
            upload = await client.uploads.upload_file_chunked(
                file=data_file, part_retries=20, **ARGS
            )
            assert (await client.files.content(upload.file.id)).content == data  # type: ignore[union-attr]
    finally:
        process.faults = FaultConfig()
    assert spy.seen, "no part was retried"
    assert all(left is not None and HOURS - 60 < left <= HOURS for left in spy.seen)


class FailThirdPart:
    """Stops the transfer as its third part is about to be sent."""

    def __init__(self) -> None:
        self.parts = 0

    @hookimpl
    def prepare_request(self, event: OutgoingRequest) -> None:
        if event.operation == "add_part":
            self.parts += 1
            if self.parts == 3:
                raise RuntimeError("interrupted")


async def _interrupt(process: EmulatorProcess, data_file: Path) -> dict[str, Any]:
    """Two parts sent, then a failure with the Upload kept; returns the state file."""
    async with AsyncOpenAI(
        api_key=API_KEY, base_url=process.base_url, plugins=[FailThirdPart()]
    ) as client:
        with pytest.raises(PluginError):
            await client.uploads.upload_file_chunked(
                file=data_file, resume=True, max_concurrency=1, **ARGS
            )
    return _saved_state(data_file)


@pytest.mark.parametrize("skewed", SKEWS, indirect=True)
async def test_a_client_clock_hours_off_resumes_the_same_upload(
    process: EmulatorProcess, skewed: float, data_file: Path, data: bytes
) -> None:
    state = await _interrupt(process, data_file)
    assert len(state["parts"]) == 2
    async with AsyncOpenAI(api_key=API_KEY, base_url=process.base_url) as client:
        upload = await client.uploads.upload_file_chunked(file=data_file, resume=True, **ARGS)
        assert upload.id == state["upload_id"]
        assert (await client.files.content(upload.file.id)).content == data  # type: ignore[union-attr]


async def test_a_recorded_upload_created_over_an_hour_ago_is_not_resumed(
    process: EmulatorProcess, data_file: Path
) -> None:
    """Measured on this machine's clock since create was sent, whatever the server says."""
    state = await _interrupt(process, data_file)
    state["create_sent_at"] -= HOURS + 1
    _save_state(data_file, state)
    async with AsyncOpenAI(api_key=API_KEY, base_url=process.base_url) as client:
        upload = await client.uploads.upload_file_chunked(file=data_file, resume=True, **ARGS)
    assert upload.id != state["upload_id"]


async def test_a_part_after_the_servers_hour_is_not_sent(
    process: EmulatorProcess, data_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The client's own check, on the monotonic clock: the hour is up after create."""
    real = time.monotonic
    created = False

    class JumpAfterCreate:
        @hookimpl
        def on_upload_started(self) -> None:
            nonlocal created
            created = True

    monkeypatch.setattr(time, "monotonic", lambda: real() + (HOURS if created else 0))
    async with AsyncOpenAI(
        api_key=API_KEY, base_url=process.base_url, plugins=[JumpAfterCreate()]
    ) as client:
        with pytest.raises(UploadExpiredError):
            await client.uploads.upload_file_chunked(file=data_file, **ARGS)
