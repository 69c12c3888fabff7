"""Ctrl-C and kill -9 in the middle of an upload, in a child process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from openai_uploads._client import OpenAI
from openai_uploads.emulator import EmulatorServer
from openai_uploads.emulator._faults import FaultConfig

from .conftest import API_KEY, PART, SLOW, Recorder, random_bytes, status_of

ROOT = Path(__file__).resolve().parents[2]


def _start(server: EmulatorServer, path: Path, *, resume: bool) -> subprocess.Popen[str]:
    cmd = [sys.executable, "-m", "tests.transfer._child", server.base_url, API_KEY, str(path)]
    cmd += [str(PART), "1" if resume else "0"]
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True, bufsize=1)


def _read_until(child: subprocess.Popen[str], prefix: str, count: int = 1) -> list[str]:
    assert child.stdout is not None
    lines: list[str] = []
    seen = 0
    while seen < count:
        line = child.stdout.readline()
        assert line, f"the child exited early: {lines}"
        lines.append(line.strip())
        seen += line.startswith(prefix)
    return lines


def test_ctrl_c_cancels_the_upload_and_returns_within_5_seconds(
    server: EmulatorServer, tmp_path: Path
) -> None:
    server.faults = SLOW
    path = tmp_path / "big.bin"
    path.write_bytes(random_bytes(PART * 32))
    child = _start(server, path, resume=False)
    try:
        lines = _read_until(child, "PART")
        upload_id = lines[0].split()[1]
        sent = time.monotonic()
        child.send_signal(signal.SIGINT)
        rest = _read_until(child, "INTERRUPTED")
        returned = float(rest[-1].split()[1])
        assert returned - sent < 5
        assert child.wait(timeout=5) == 130
        assert time.monotonic() - sent < 5
    finally:
        child.kill()
        child.wait()
    assert status_of(server, upload_id) == "cancelled"


def test_after_kill_9_resume_sends_only_the_missing_parts_and_completes_byte_exact(
    server: EmulatorServer, tmp_path: Path, client: OpenAI, recorder: Recorder
) -> None:
    server.faults = SLOW
    data = random_bytes(PART * 16 + 100)
    path = tmp_path / "big.bin"
    path.write_bytes(data)
    child = _start(server, path, resume=True)
    try:
        lines = _read_until(child, "PART", count=4)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=5)
    finally:
        child.kill()
        child.wait()
    upload_id = lines[0].split()[1]
    state_file = Path(str(path) + ".openai-upload.json")
    import json

    finished = {int(n) for n in json.loads(state_file.read_text())["parts"]}
    assert len(finished) >= 3  # the 4th may have been announced but not yet saved
    assert status_of(server, upload_id) == "pending"

    server.faults = FaultConfig()
    upload = client.uploads.upload_file_chunked(
        file=path,
        mime_type="application/jsonl",
        purpose="batch",
        part_size=PART,
        resume=True,
    )
    assert upload.id == upload_id
    resent = {e.part_number for e in recorder.of("part")}
    assert resent.isdisjoint(finished), "a finished part was sent again"
    assert resent | finished == set(range(1, 18))
    assert recorder.of("started")[0].resumed_bytes == len(finished) * PART
    assert client.files.content(upload.file.id).content == data
    assert not state_file.exists()
