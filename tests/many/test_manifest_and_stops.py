"""The manifest across runs, kill -9 and Ctrl-C, with ``upload_many`` in a child process
against the emulator (over sockets, real files)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from openai_uploads import OpenAI, UploadResult
from openai_uploads.emulator import EmulatorServer
from openai_uploads.emulator._faults import FaultConfig

from .conftest import API_KEY, jsonl_files, ok_requests

ROOT = Path(__file__).resolve().parents[2]


def _start(server: EmulatorServer, directory: Path, manifest: Path | None) -> subprocess.Popen[str]:
    args = [server.base_url, API_KEY, str(directory), "-" if manifest is None else str(manifest)]
    return subprocess.Popen(
        [sys.executable, "-m", "tests.many._child", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_files(child: subprocess.Popen[str], count: int) -> None:
    assert child.stdout is not None
    seen = 0
    while seen < count:
        line = child.stdout.readline()
        assert line, f"the child ended early: {child.stderr.read() if child.stderr else ''}"
        seen += line.startswith("FILE ")


def test_a_second_run_with_the_manifest_sends_nothing_again(
    client: OpenAI, server: EmulatorServer, tmp_path: Path
) -> None:
    paths = jsonl_files(tmp_path / "data", 5)
    manifest = tmp_path / "sent.jsonl"
    first = client.uploads.upload_many(paths, purpose="batch", manifest=manifest)
    assert all(r.ok and not r.skipped for r in first)
    assert len(manifest.read_text().splitlines()) == 5
    server.clear_requests()
    second = client.uploads.upload_many(paths, purpose="batch", manifest=manifest)
    assert [r.skipped for r in second] == [True] * 5
    assert [r.file_id for r in second] == [r.file_id for r in first]
    assert server.requests() == []


def test_a_state_file_torn_by_a_killed_run_is_cleared_by_the_next_run(
    client: OpenAI, tmp_path: Path
) -> None:
    """A run killed while saving a state file leaves its temporary file behind; the next
    run with the manifest removes it, and the state directory with it once empty."""
    paths = jsonl_files(tmp_path / "data", 2)
    manifest = tmp_path / "sent.jsonl"
    state_dir = Path(str(manifest) + ".parts")
    state_dir.mkdir()
    (state_dir / ".openai-upload-k1ll3d.tmp").write_text('{"version": 2, "upl')
    results = client.uploads.upload_many(paths, purpose="batch", manifest=manifest)
    assert all(r.ok for r in results)
    assert not state_dir.exists()


def test_a_file_changed_since_the_manifest_is_sent_again(
    client: OpenAI, server: EmulatorServer, tmp_path: Path
) -> None:
    paths = jsonl_files(tmp_path / "data", 3)
    manifest = tmp_path / "sent.jsonl"
    client.uploads.upload_many(paths, purpose="batch", manifest=manifest)
    paths[1].write_bytes(b'{"changed": true}\n')
    server.clear_requests()
    results = client.uploads.upload_many(paths, purpose="batch", manifest=manifest)
    assert [r.skipped for r in results] == [True, False, True]
    assert ok_requests(server, "complete") == 1


def test_a_torn_last_line_of_the_manifest_is_ignored(
    client: OpenAI, server: EmulatorServer, tmp_path: Path
) -> None:
    paths = jsonl_files(tmp_path / "data", 3)
    manifest = tmp_path / "sent.jsonl"
    client.uploads.upload_many(paths[:2], purpose="batch", manifest=manifest)
    with open(manifest, "ab") as f:
        f.write(b'{"path": "/half/a/rec')  # a run killed while writing its line
    results = client.uploads.upload_many(paths, purpose="batch", manifest=manifest)
    assert [r.skipped for r in results] == [True, True, False]
    lines = manifest.read_bytes().split(b"\n")
    assert json.loads(lines[-2])["path"] == str(paths[2].resolve())


def test_after_kill_9_a_rerun_finishes_the_rest_sending_nothing_twice(
    client: OpenAI, server: EmulatorServer, tmp_path: Path
) -> None:
    directory = tmp_path / "data"
    paths = jsonl_files(directory, 30, lines=400)
    manifest = tmp_path / "sent.jsonl"
    pending_before = set(server.store.upload_ids("pending"))
    server.set_faults(FaultConfig(latency=0.05))
    child = _start(server, directory, manifest)
    try:
        _wait_for_files(child, 8)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(10)
    done_before = {json.loads(line)["path"] for line in manifest.read_text().splitlines()}
    assert 8 <= len(done_before) < 30
    server.set_faults(FaultConfig())
    results = client.uploads.upload_many(paths, purpose="batch", manifest=manifest)
    assert all(r.ok for r in results)
    assert {r.path for r in results if r.skipped} == {
        str(p) for p in paths if str(p) in done_before
    }
    # Every file completed exactly once over both runs, and no Upload that holds data
    # is left pending: one whose create was answered as the child died was never
    # named to it (nothing was sent to it, and nothing can find it: it expires).
    assert ok_requests(server, "complete") == len(paths)
    pending = set(server.store.upload_ids("pending")) - pending_before
    assert len(pending) <= 4  # at most the creates in flight (max_concurrency=4)
    assert all(server.store.received_bytes(upload_id) == 0 for upload_id in pending)
    state_dir = Path(str(manifest) + ".parts")
    assert not state_dir.exists() or not os.listdir(state_dir)
    for result, path in zip(results, paths, strict=True):
        assert result.file_id is not None
        assert client.files.content(result.file_id).content == path.read_bytes()


def test_ctrl_c_cancels_every_pending_upload_and_returns_within_5_seconds(
    server: EmulatorServer, tmp_path: Path
) -> None:
    directory = tmp_path / "data"
    jsonl_files(directory, 60, lines=400)
    server.set_faults(FaultConfig(latency=0.2))
    child = _start(server, directory, None)
    try:
        _wait_for_files(child, 3)
        sent = time.monotonic()
        child.send_signal(signal.SIGINT)
        # The call's return is what must come within 5 s (asserted below); the process's
        # exit after it may wait on threads finishing their cancels on a loaded machine.
        out, err = child.communicate(timeout=30)
    finally:
        child.kill()
    interrupted = [line for line in out.splitlines() if line.startswith("INTERRUPTED")]
    assert interrupted, err
    assert float(interrupted[0].split()[1]) - sent < 5.0
    assert child.returncode == 130
    created = ok_requests(server, "create")
    assert created > ok_requests(server, "complete")  # some were on their way
    assert created == ok_requests(server, "complete") + ok_requests(server, "cancel")


def _sent_with_a_manifest(
    client: OpenAI, tmp_path: Path, count: int
) -> tuple[list[Path], Path, list[UploadResult]]:
    """``count`` files sent for ``batch`` with a manifest: the paths, it, the results."""
    paths = jsonl_files(tmp_path / "data", count)
    manifest = tmp_path / "sent.jsonl"
    results = client.uploads.upload_many(paths, purpose="batch", manifest=manifest)
    assert all(r.ok for r in results)
    return paths, manifest, results


def test_a_file_rewritten_with_its_size_and_mtime_kept_is_sent_again(
    client: OpenAI, server: EmulatorServer, tmp_path: Path
) -> None:
    """Same size, same mtime (set back as ``touch -r`` or an archive tool does), other
    bytes: the ctime the write moved tells the manifest it is not the file it sent."""
    paths, manifest, first = _sent_with_a_manifest(client, tmp_path, 2)
    before = os.stat(paths[0])
    paths[0].write_bytes(paths[0].read_bytes().replace(b'"i": 0', b'"i": 9'))
    os.utime(paths[0], ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(paths[0]).st_size == before.st_size
    second = client.uploads.upload_many(paths, purpose="batch", manifest=manifest)
    assert [r.skipped for r in second] == [False, True]
    assert second[0].file_id != first[0].file_id
    assert second[0].file_id is not None
    assert client.files.content(second[0].file_id).content == paths[0].read_bytes()


def test_a_manifest_remembers_each_purpose_a_file_was_sent_for(
    client: OpenAI, server: EmulatorServer, tmp_path: Path
) -> None:
    paths, manifest, _ = _sent_with_a_manifest(client, tmp_path, 2)
    other = client.uploads.upload_many(paths, purpose="user_data", manifest=manifest)
    assert [r.skipped for r in other] == [False, False]
    server.clear_requests()
    again = client.uploads.upload_many(paths, purpose="batch", manifest=manifest)
    assert [r.skipped for r in again] == [True, True]
    assert server.requests() == []


def test_a_manifest_line_without_a_ctime_still_names_its_file(
    client: OpenAI, server: EmulatorServer, tmp_path: Path
) -> None:
    """Records written before the ctime was kept match on path, size, mtime and inode."""
    paths, manifest, _ = _sent_with_a_manifest(client, tmp_path, 1)
    record = json.loads(manifest.read_text())
    del record["ctime_ns"]
    manifest.write_text(json.dumps(record) + "\n")
    server.clear_requests()
    results = client.uploads.upload_many(paths, purpose="batch", manifest=manifest)
    assert [r.skipped for r in results] == [True]
    assert server.requests() == []


def test_with_a_manifest_a_path_given_twice_is_sent_once(
    client: OpenAI, server: EmulatorServer, tmp_path: Path
) -> None:
    """The second waits for the first (they would share one resume state file), then the
    manifest names it done."""
    path = jsonl_files(tmp_path / "data", 1, lines=2000)[0]
    manifest = tmp_path / "sent.jsonl"
    results = client.uploads.upload_many(
        [path, str(path), path], purpose="batch", manifest=manifest, part_size=8192
    )
    assert [r.skipped for r in results] == [False, True, True]
    assert {r.file_id for r in results} == {results[0].file_id}
    assert ok_requests(server, "create") == 1
