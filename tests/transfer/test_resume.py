"""Resuming from the state file: only missing parts are sent; stale state starts fresh."""

from __future__ import annotations

import _thread
import json
import logging
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from openai_uploads._client import AsyncOpenAI, OpenAI
from openai_uploads._exceptions import InternalServerError
from openai_uploads.emulator import EmulatorServer
from openai_uploads.emulator._faults import FaultConfig
from openai_uploads.hookspecs import hookimpl

from .conftest import API_KEY, PART, Recorder, random_bytes, status_of

ARGS: dict[str, Any] = {
    "mime_type": "application/jsonl",
    "purpose": "batch",
    "part_size": PART,
    "resume": True,
}


def _interrupted_upload(server: EmulatorServer, client: OpenAI, path: Path) -> dict[str, Any]:
    """Send some parts, then fail for good with the Upload kept; returns the state."""
    server.faults = FaultConfig(p_500=0.5, endpoints=frozenset({"parts"}), seed=1)
    with pytest.raises(InternalServerError):
        client.uploads.upload_file_chunked(file=path, part_retries=0, max_concurrency=1, **ARGS)
    server.faults = FaultConfig()
    state: dict[str, Any] = json.loads(Path(str(path) + ".openai-upload.json").read_text())
    return state


@pytest.fixture
def data_file(tmp_path: Path) -> Path:
    path = tmp_path / "data.bin"
    path.write_bytes(random_bytes(PART * 8 + 1))
    return path


def test_state_file_records_the_upload_identity_and_finished_parts(
    server: EmulatorServer, client: OpenAI, data_file: Path
) -> None:
    state = _interrupted_upload(server, client, data_file)
    assert state["version"] == 1
    assert state["upload_id"].startswith("upload_")
    assert state["part_size"] == PART
    assert state["identity"]["size"] == PART * 8 + 1
    assert len(state["identity"]["fingerprint"]) == 64
    assert status_of(server, state["upload_id"]) == "pending"


def test_resume_sends_only_missing_parts_and_deletes_the_state_file(
    server: EmulatorServer, client: OpenAI, recorder: Recorder, data_file: Path
) -> None:
    state = _interrupted_upload(server, client, data_file)
    done = {int(n) for n in state["parts"]}
    recorder.events.clear()
    upload = client.uploads.upload_file_chunked(file=data_file, **ARGS)
    assert upload.id == state["upload_id"]
    sent = {e.part_number for e in recorder.of("part")}
    assert sent == set(range(1, 10)) - done
    assert client.files.content(upload.file.id) == data_file.read_bytes()
    assert not Path(str(data_file) + ".openai-upload.json").exists()


async def test_async_resume_sends_only_missing_parts(
    server: EmulatorServer,
    client: OpenAI,
    async_client: AsyncOpenAI,
    recorder: Recorder,
    data_file: Path,
) -> None:
    state = _interrupted_upload(server, client, data_file)
    done = {int(n) for n in state["parts"]}
    recorder.events.clear()
    upload = await async_client.uploads.upload_file_chunked(file=data_file, **ARGS)
    assert upload.id == state["upload_id"]
    assert {e.part_number for e in recorder.of("part")} == set(range(1, 10)) - done


def test_a_changed_file_starts_a_new_upload_with_a_warning(
    server: EmulatorServer,
    client: OpenAI,
    data_file: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    state = _interrupted_upload(server, client, data_file)
    new_data = random_bytes(PART * 8 + 1)
    data_file.write_bytes(new_data)
    with caplog.at_level(logging.WARNING, logger="openai_uploads"):
        upload = client.uploads.upload_file_chunked(file=data_file, **ARGS)
    assert upload.id != state["upload_id"]
    assert "file changed" in caplog.text
    assert client.files.content(upload.file.id) == new_data
    assert status_of(server, state["upload_id"]) == "cancelled"


def test_an_expired_upload_starts_a_new_upload_with_a_warning(
    server: EmulatorServer,
    client: OpenAI,
    data_file: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    state = _interrupted_upload(server, client, data_file)
    state_path = Path(str(data_file) + ".openai-upload.json")
    state["expires_at"] = 1_000
    state_path.write_text(json.dumps(state))
    with caplog.at_level(logging.WARNING, logger="openai_uploads"):
        upload = client.uploads.upload_file_chunked(file=data_file, **ARGS)
    assert upload.id != state["upload_id"]
    assert "expired" in caplog.text
    assert client.files.content(upload.file.id) == data_file.read_bytes()


def test_an_upload_the_server_refuses_starts_a_new_upload(
    server: EmulatorServer, client: OpenAI, data_file: Path
) -> None:
    state = _interrupted_upload(server, client, data_file)
    client.uploads.cancel(state["upload_id"])
    upload = client.uploads.upload_file_chunked(file=data_file, **ARGS)
    assert upload.id != state["upload_id"]
    assert client.files.content(upload.file.id) == data_file.read_bytes()


def test_in_memory_data_resumes_through_an_explicit_state_file(
    server: EmulatorServer, client: OpenAI, tmp_path: Path
) -> None:
    data = random_bytes(PART * 3)
    state_file = tmp_path / "state.json"
    upload = client.uploads.upload_file_chunked(
        file=data, filename="m.bin", bytes=len(data), state_file=state_file, **ARGS
    )
    assert upload.status == "completed"
    assert not state_file.exists()


class InterruptSoonAfterStart:
    """Raises KeyboardInterrupt in the main thread ``delay`` seconds after the start."""

    def __init__(self, delay: float) -> None:
        self.delay = delay

    @hookimpl
    def on_upload_started(self, event: Any) -> None:
        threading.Timer(self.delay, _thread.interrupt_main).start()


@pytest.fixture
def ctrl_c_raises() -> Iterator[None]:
    """Ctrl-C raises KeyboardInterrupt here even when pytest was started ignoring SIGINT
    (a shell's background job), which would make ``interrupt_main`` do nothing."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


@pytest.mark.usefixtures("ctrl_c_raises")
def test_interrupt_with_resume_records_parts_whose_bodies_had_already_left(
    server: EmulatorServer, tmp_path: Path
) -> None:
    path = tmp_path / "slow-answers.bin"
    path.write_bytes(random_bytes(PART * 3))
    with OpenAI(
        api_key=API_KEY, base_url=server.base_url, plugins=[InterruptSoonAfterStart(0.4)]
    ) as client:
        # The server answers each part a second after it arrives; the bodies are all on
        # the wire when Ctrl-C comes, so the server will keep them: the state file must too.
        server.faults = FaultConfig(latency=1.0, endpoints=frozenset({"parts"}))
        with pytest.raises(KeyboardInterrupt):
            client.uploads.upload_file_chunked(file=path, max_concurrency=3, **ARGS)
    state = json.loads(Path(str(path) + ".openai-upload.json").read_text())
    assert sorted(state["parts"]) == ["1", "2", "3"]

    server.faults = FaultConfig()
    server.reset_fault_stats()
    with OpenAI(api_key=API_KEY, base_url=server.base_url) as client:
        upload = client.uploads.upload_file_chunked(file=path, **ARGS)
        # Only the complete request: no part was sent again.
        assert server.fault_stats()["requests"] == 1
        assert upload.id == state["upload_id"]
        assert client.files.content(upload.file.id) == path.read_bytes()


def test_resume_record_keeps_the_spec_derived_create_arguments() -> None:
    """Arguments of uploads.create that come from the spec are part of the resume state."""
    from openai_uploads._transfer._resume import ResumeRecord
    from openai_uploads._transfer._source import Identity

    record = ResumeRecord(
        upload_id="upload_1",
        expires_at=2e9,
        part_size=1,
        filename="a",
        mime_type="application/jsonl",
        purpose="batch",
        identity=Identity(1, None, "f"),
        create_params={"metadata": {"team": "ml"}},
    )
    again = ResumeRecord.from_json(record.to_json())
    assert again.create_params == {"metadata": {"team": "ml"}}
    same = dict(
        identity=Identity(1, None, "f"),
        part_size=None,
        filename="a",
        mime_type="application/jsonl",
        purpose="batch",
        now=1e9,
    )
    assert again.mismatch(**same, create_params={"metadata": {"team": "ml"}}) is None
    assert "uploads.create changed" in str(
        again.mismatch(**same, create_params={"metadata": {"team": "ops"}})
    )
