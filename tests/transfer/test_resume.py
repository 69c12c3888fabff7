"""Resuming after Ctrl-C, which only the sync client sees as KeyboardInterrupt, and the
resume record itself.

What both clients share is written once in ``_async/test_resume.py``.
"""

from __future__ import annotations

import _thread
import json
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from openai_uploads._client import OpenAI
from openai_uploads.emulator import EmulatorServer
from openai_uploads.emulator._faults import FaultConfig
from openai_uploads.hookspecs import hookimpl

from .conftest import API_KEY, PART, random_bytes

ARGS: dict[str, Any] = {
    "mime_type": "application/jsonl",
    "purpose": "batch",
    "part_size": PART,
    "resume": True,
}


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
        assert client.files.content(upload.file.id).content == path.read_bytes()


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
