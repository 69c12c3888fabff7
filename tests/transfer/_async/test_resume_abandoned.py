"""Resuming never leaves an Upload pending: not after kill -9, not when the server refuses.

The API cannot list an Upload's parts, so a part the server accepted after the state
file was last written is unknown to a resume. The API checks sizes only at ``complete``
(the parts it lists must add up to ``bytes``; a part left out is ignored), and so does
the emulator: the resume sends the missing parts again and completes the same Upload.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx

from openai_uploads._client import AsyncOpenAI
from openai_uploads._concurrency import arun_blocking
from openai_uploads.emulator import EmulatorServer
from openai_uploads.emulator._faults import FaultConfig

from ..conftest import API_KEY, PART, Recorder, random_bytes, status_of

ROOT = Path(__file__).resolve().parents[3]
SLOW = FaultConfig(bandwidth=256 * 1024, endpoints=frozenset())
ARGS: dict[str, Any] = {
    "mime_type": "application/jsonl",
    "purpose": "batch",
    "part_size": PART,
    "resume": True,
}


def _kill_after_parts(server: EmulatorServer, path: Path, parts: int) -> str:
    """Run a resumable upload in a child process and kill -9 it after ``parts`` parts."""
    cmd = [sys.executable, "-m", "tests.transfer._child", server.base_url, API_KEY, str(path)]
    cmd += [str(PART), "1"]
    child = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True, bufsize=1)
    assert child.stdout is not None
    try:
        lines: list[str] = []
        while sum(line.startswith("PART") for line in lines) < parts:
            line = child.stdout.readline()
            assert line, f"the child exited early: {lines}"
            lines.append(line.strip())
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=5)
    finally:
        child.kill()
        child.wait()
    return lines[0].split()[1]


def _state_path(path: Path) -> Path:
    return Path(str(path) + ".openai-upload.json")


def _recorded_parts(path: Path) -> set[int]:
    """The parts the state file beside ``path`` records."""
    return {int(n) for n in json.loads(_state_path(path).read_text())["parts"]}


async def test_after_kill_9_a_part_the_server_accepted_unrecorded_costs_nothing_but_its_bytes(
    server: EmulatorServer, tmp_path: Path, async_client: AsyncOpenAI, recorder: Recorder
) -> None:
    server.faults = SLOW
    data = random_bytes(PART * 12 + 7)
    path = tmp_path / "big.bin"
    path.write_bytes(data)
    upload_id = await arun_blocking(_kill_after_parts, server, path, 3)
    recorded = _recorded_parts(path)
    # The server accepted a part the state file never recorded (its answer was lost
    # with the process): the first missing one, whole.
    unrecorded = min(set(range(1, 14)) - recorded)
    start = (unrecorded - 1) * PART
    await async_client.uploads.parts.create(upload_id=upload_id, data=data[start : start + PART])
    assert status_of(server, upload_id) == "pending"

    server.faults = FaultConfig()
    upload = await async_client.uploads.upload_file_chunked(file=path, **ARGS)

    assert upload.id == upload_id  # resumed, not started over
    assert upload.file is not None
    assert (await async_client.files.content(upload.file.id)).content == data
    sent = {e.part_number for e in recorder.of("part")}
    assert sent == set(range(1, 14)) - recorded
    assert upload_id not in server.store.upload_ids("pending")
    assert not _state_path(path).exists()


class RefusesPartsOf(httpx.AsyncBaseTransport):
    """The emulator over real HTTP, except that parts for one Upload get a 400 (as a
    server that will not take more parts for it would answer)."""

    def __init__(self, upload_id: str) -> None:
        self.upload_id = upload_id
        self.inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith(f"/uploads/{self.upload_id}/parts"):
            error = {"message": "No more parts.", "type": "invalid_request_error"}
            return httpx.Response(400, json={"error": {**error, "param": None, "code": None}})
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


async def test_a_resumed_upload_the_server_refuses_is_cancelled_before_starting_over(
    server: EmulatorServer, tmp_path: Path
) -> None:
    server.faults = SLOW
    data = random_bytes(PART * 6)
    path = tmp_path / "data.bin"
    path.write_bytes(data)
    refused = await arun_blocking(_kill_after_parts, server, path, 2)
    server.faults = FaultConfig()
    http = httpx.AsyncClient(transport=RefusesPartsOf(refused))
    async with AsyncOpenAI(api_key=API_KEY, base_url=server.base_url, http_client=http) as client:
        upload = await client.uploads.upload_file_chunked(file=path, **ARGS)
        assert upload.id != refused
        assert upload.file is not None
        assert (await client.files.content(upload.file.id)).content == data
    assert status_of(server, refused) == "cancelled"
    assert refused not in server.store.upload_ids("pending")
