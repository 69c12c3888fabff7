# Generated from tests/transfer/_async/test_resume.py by `python scripts/unasync.py`: do not edit.
"""Resuming from the state file: only missing parts are sent; stale state starts fresh."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from openai_uploads._client import OpenAI
from openai_uploads._exceptions import InternalServerError
from openai_uploads.emulator import EmulatorServer
from openai_uploads.emulator._faults import FaultConfig

from ..conftest import PART, Recorder, random_bytes, status_of, write

ARGS: dict[str, Any] = {
    "mime_type": "application/jsonl",
    "purpose": "batch",
    "part_size": PART,
    "resume": True,
}


def _state_path(path: Path) -> Path:
    return Path(str(path) + ".openai-upload.json")


def _saved_state(path: Path) -> dict[str, Any] | None:
    """The state file kept beside ``path``, if there is one (read here, not in a test)."""
    state_path = _state_path(path)
    return json.loads(state_path.read_text()) if state_path.exists() else None


def _save_state(path: Path, state: dict[str, Any]) -> None:
    _state_path(path).write_text(json.dumps(state))


def _bytes_of(path: Path) -> bytes:
    return path.read_bytes()


def _interrupted_upload(server: EmulatorServer, client: OpenAI, path: Path) -> dict[str, Any]:
    """Send some parts, then fail for good with the Upload kept; returns the state."""
    server.faults = FaultConfig(p_500=0.5, endpoints=frozenset({"parts"}), seed=1)
    with pytest.raises(InternalServerError):
        client.uploads.upload_file_chunked(file=path, part_retries=0, max_concurrency=1, **ARGS)
    server.faults = FaultConfig()
    state = _saved_state(path)
    assert state is not None
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
    assert state["version"] == 2
    assert state["layout"] == 2
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
    assert (client.files.content(upload.file.id)).content == _bytes_of(data_file)
    assert _saved_state(data_file) is None


def test_a_changed_file_starts_a_new_upload_with_a_warning(
    server: EmulatorServer,
    client: OpenAI,
    data_file: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    state = _interrupted_upload(server, client, data_file)
    new_data = random_bytes(PART * 8 + 1)
    write(data_file.parent, new_data, data_file.name)
    with caplog.at_level(logging.WARNING, logger="openai_uploads"):
        upload = client.uploads.upload_file_chunked(file=data_file, **ARGS)
    assert upload.id != state["upload_id"]
    assert "file changed" in caplog.text
    assert (client.files.content(upload.file.id)).content == new_data
    assert status_of(server, state["upload_id"]) == "cancelled"


def test_an_expired_upload_starts_a_new_upload_with_a_warning(
    server: EmulatorServer,
    client: OpenAI,
    data_file: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    state = _interrupted_upload(server, client, data_file)
    state["expires_at"] = 1_000
    _save_state(data_file, state)
    with caplog.at_level(logging.WARNING, logger="openai_uploads"):
        upload = client.uploads.upload_file_chunked(file=data_file, **ARGS)
    assert upload.id != state["upload_id"]
    assert "expired" in caplog.text
    assert (client.files.content(upload.file.id)).content == _bytes_of(data_file)


def test_an_upload_the_server_refuses_starts_a_new_upload(
    server: EmulatorServer, client: OpenAI, data_file: Path
) -> None:
    state = _interrupted_upload(server, client, data_file)
    client.uploads.cancel(state["upload_id"])
    upload = client.uploads.upload_file_chunked(file=data_file, **ARGS)
    assert upload.id != state["upload_id"]
    assert (client.files.content(upload.file.id)).content == _bytes_of(data_file)


def test_in_memory_data_resumes_through_an_explicit_state_file(
    client: OpenAI, tmp_path: Path
) -> None:
    data = random_bytes(PART * 3)
    state_file = tmp_path / "state.json"
    upload = client.uploads.upload_file_chunked(
        file=data, filename="m.bin", bytes=len(data), state_file=state_file, **ARGS
    )
    assert upload.status == "completed"
    assert not state_file.exists()
