"""Resuming after Ctrl-C, which only the sync client sees as KeyboardInterrupt, and the
resume record itself.

What both clients share is written once in ``_async/test_resume.py``.
"""

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

from openai_uploads._client import OpenAI
from openai_uploads._constants import MiB
from openai_uploads._transfer._plan import LAYOUT_UNIFORM
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


BIG_PART = 16 * MiB
"""The smallest part size the tapered layout splits at: a file of one such part and a
MiB more is two parts (16 MiB + 1 MiB) cut uniformly, three (8 + 8 + 1) tapered."""


def _pending_uniform_upload(client: OpenAI, path: Path, *, version: int, layout: int) -> str:
    """An Upload whose first 16 MiB part was sent under the uniform layout, and a state
    file of ``version`` saying so (``layout`` is written for version 2 only)."""
    from openai_uploads._transfer._source import open_source

    data = path.read_bytes()
    upload = client.uploads.create(
        bytes=len(data), filename=path.name, mime_type="application/jsonl", purpose="batch"
    )
    part = client.uploads.parts.create(upload_id=upload.id, data=data[:BIG_PART])
    identity = open_source(path, filename=None, declared=None, resume=True).identity()
    state: dict[str, Any] = {
        "version": version,
        "upload_id": upload.id,
        "expires_at": upload.expires_at,
        "part_size": BIG_PART,
        "filename": path.name,
        "mime_type": "application/jsonl",
        "purpose": "batch",
        "identity": identity.to_json(),
        "parts": {"1": part.id},
    }
    if version == 2:
        state["layout"] = layout
    Path(str(path) + ".openai-upload.json").write_text(json.dumps(state))
    return upload.id


def test_a_record_from_before_layouts_resumes_with_the_uniform_parts_it_began(
    client: OpenAI, recorder: Recorder, tmp_path: Path
) -> None:
    path = tmp_path / "data.bin"
    path.write_bytes(random_bytes(BIG_PART + MiB))
    upload_id = _pending_uniform_upload(client, path, version=1, layout=LAYOUT_UNIFORM)
    upload = client.uploads.upload_file_chunked(file=path, **{**ARGS, "part_size": BIG_PART})
    assert upload.id == upload_id
    assert [(e.part_number, e.size) for e in recorder.of("part")] == [(2, MiB)]
    assert client.files.content(upload.file.id).content == path.read_bytes()


def test_a_record_of_an_unknown_layout_is_cancelled_and_started_afresh_with_the_reason(
    server: EmulatorServer,
    client: OpenAI,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    path = tmp_path / "data.bin"
    path.write_bytes(random_bytes(BIG_PART + MiB))
    upload_id = _pending_uniform_upload(client, path, version=2, layout=99)
    with caplog.at_level(logging.WARNING, logger="openai_uploads"):
        upload = client.uploads.upload_file_chunked(file=path, **{**ARGS, "part_size": BIG_PART})
    assert upload.id != upload_id
    assert "part layout 99, which this version does not know" in caplog.text
    assert status_of(server, upload_id) == "cancelled"
    assert client.files.content(upload.file.id).content == path.read_bytes()
