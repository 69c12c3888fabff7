"""Ctrl-C cancels the Upload (exit 130 within 5 s); --resume survives even SIGKILL."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from openai_uploads.emulator import FaultConfig

from .conftest import MiB, RequestCounter, make_file, run_cli, start_cli


def wait_for(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.02)


def test_sigint_mid_upload_exits_130_within_5s_and_cancels_the_upload(
    tmp_path: Path,
    emulator: Any,
    env: dict[str, str],
    requests_seen: RequestCounter,
    procs: list[subprocess.Popen[str]],
) -> None:
    emulator.faults = FaultConfig(bandwidth=1 * MiB)  # 16 parts of 1 MiB: ~8 s at best
    data = make_file(tmp_path / "big.jsonl", 16 * MiB)
    proc = start_cli(
        "upload", str(data), "--purpose", "batch", "--part-size", "1MiB", "--concurrency", "2",
        env=env,
    )  # fmt: skip
    procs.append(proc)
    wait_for(lambda: requests_seen["parts"] >= 2)
    time.sleep(0.3)
    assert proc.poll() is None, "the upload finished before it could be interrupted"
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=10)
    took = time.monotonic() - sent
    assert proc.returncode == 130, err
    assert took < 5.0
    assert "Traceback" not in err
    assert out == ""
    match = re.search(r"interrupted: Upload (upload_\w+) cancelled", err)
    assert match, err
    assert emulator.store.get_upload(match.group(1)).status == "cancelled"


def test_sigint_with_resume_keeps_the_upload_and_says_how_to_resume(
    tmp_path: Path,
    emulator: Any,
    env: dict[str, str],
    requests_seen: RequestCounter,
    procs: list[subprocess.Popen[str]],
) -> None:
    emulator.faults = FaultConfig(bandwidth=1 * MiB)
    data = make_file(tmp_path / "big.jsonl", 16 * MiB)
    proc = start_cli(
        "upload", str(data), "--purpose", "batch", "--part-size", "1MiB", "--resume", env=env
    )
    procs.append(proc)
    wait_for(lambda: requests_seen["parts"] >= 2)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=10)
    assert proc.returncode == 130, err
    match = re.search(r"Upload (upload_\w+) kept; run the same command again to resume", err)
    assert match, err
    assert f"openai-uploads upload {data} --purpose batch --part-size 1MiB --resume" in err
    assert emulator.store.get_upload(match.group(1)).status == "pending"


def test_resume_after_sigkill_completes_without_resending_finished_parts(
    tmp_path: Path,
    emulator: Any,
    env: dict[str, str],
    requests_seen: RequestCounter,
    procs: list[subprocess.Popen[str]],
) -> None:
    # Parts 1-3 go through; from part 4 on the server answers 503 (retried with backoff),
    # so the first run is stuck on part 4 with parts 1-3 recorded, and is then killed.
    emulator.set_fault_script({"parts": ["ok"] * 3 + ["503"] * 1000})
    data = make_file(tmp_path / "big.jsonl", 8 * MiB + 77)
    state = Path(str(data) + ".openai-upload.json")
    args = ("upload", str(data), "--purpose", "batch", "--part-size", "1MiB",
            "--concurrency", "1", "--resume")  # fmt: skip
    proc = start_cli(*args, env=env)
    procs.append(proc)
    wait_for(lambda: requests_seen["parts"] >= 5)  # part 4 failed at least once
    proc.kill()
    proc.communicate(timeout=10)
    recorded = json.loads(state.read_text())
    assert sorted(recorded["parts"]) == ["1", "2", "3"]

    emulator.set_fault_script({})
    requests_seen.reset()
    result = run_cli(*args, "--json", env=env)
    assert result.returncode == 0, result.stderr
    upload = json.loads(result.stdout)
    assert upload["id"] == recorded["upload_id"]
    assert requests_seen["create"] == 0
    assert requests_seen["parts"] == 9 - 3  # only the parts not finished before the kill
    assert emulator.store.file_path(upload["file"]["id"]).read_bytes() == data.read_bytes()
    assert not state.exists()
