"""The store survives a crash between any two steps, keeps one server per data dir, and
keeps its files private."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import openai
import pytest

from openai_uploads.emulator import EmulatorProcess, EmulatorServer, Store
from openai_uploads.emulator._store import DataDirInUse

from .conftest import API_KEY, md5, new_upload


class SimulatedCrash(BaseException):
    """Stands for the process dying at a checkpoint (BaseException: nothing catches it)."""


def crash_at(
    store: Store, name: str, error: type[BaseException] = SimulatedCrash
) -> Callable[[str], None]:
    def checkpoint(step: str) -> None:
        if step == name:
            raise error(step)

    store._checkpoint = checkpoint  # type: ignore[method-assign]
    return checkpoint


def reopen_after_crash(store: Store) -> Store:
    """Drop ``store`` as a dead process would (its open transaction rolls back, its lock
    goes), and open the data dir again, as the next start would."""
    data_dir = store.data_dir
    store._hasher.close()
    store._db.close()
    store._dir_lock.release()
    return Store(data_dir)


def _bodies(store: Store) -> set[str]:
    return {p.name for p in store.parts_dir.iterdir()} | {p.name for p in store.files_dir.iterdir()}


def _named_parts(store: Store) -> set[str]:
    rows = store._db.execute("SELECT id FROM parts UNION SELECT part_id FROM file_parts")
    return {r[0] for r in rows}


def _upload_with_parts(store: Store, chunks: list[bytes]) -> tuple[str, list[str]]:
    record = store.create_upload(
        filename="f.jsonl",
        bytes=sum(map(len, chunks)),
        purpose="batch",
        mime_type="application/jsonl",
        file_expires_seconds=None,
    )
    part_ids = []
    for chunk in chunks:
        tmp = store.tmp_path(".part")
        tmp.write_bytes(chunk)
        part_ids.append(store.commit_part(record.id, tmp, len(chunk)).id)
    return record.id, part_ids


def test_crash_before_complete_commits_leaves_the_upload_pending_and_whole(tmp_path: Path) -> None:
    store = Store(tmp_path / "d")
    upload_id, part_ids = _upload_with_parts(store, [b"ab", b"cd", b"ef"])
    crash_at(store, "complete:before-commit")
    completion = store.begin_complete(upload_id, part_ids)
    with pytest.raises(SimulatedCrash):
        store.finish_complete(completion)
    store = reopen_after_crash(store)
    assert store.get_upload(upload_id).status == "pending"
    assert store.part_ids_in_creation_order(upload_id) == part_ids
    assert _bodies(store) == set(part_ids)
    # the same completion succeeds after the restart, with the right md5
    completion = store.begin_complete(upload_id, part_ids)
    assert store.md5_of_completion(completion) == md5(b"abcdef")
    file = store.finish_complete(completion)
    assert store.read_file(file.id) == b"abcdef"
    store.close()


def test_crash_after_complete_commits_keeps_the_file_and_sweeps_unused_parts(
    tmp_path: Path,
) -> None:
    store = Store(tmp_path / "d")
    record = store.create_upload(
        filename="f", bytes=4, purpose="batch", mime_type="text/jsonl", file_expires_seconds=None
    )
    ids = []
    for chunk in (b"ab", b"cd"):
        tmp = store.tmp_path(".part")
        tmp.write_bytes(chunk)
        ids.append(store.commit_part(record.id, tmp, 2).id)
    extra = store.tmp_path(".part")
    extra.write_bytes(b"")
    unused = store.commit_part(record.id, extra, 0).id  # a part the completion leaves out
    crash_at(store, "complete:committed")
    with pytest.raises(SimulatedCrash):
        store.finish_complete(store.begin_complete(record.id, ids))
    assert store.part_path(unused).exists()  # the crash came before its unlink
    store = reopen_after_crash(store)
    upload = store.get_upload(record.id)
    assert upload.status == "completed"
    assert upload.file_id is not None
    assert store.read_file(upload.file_id) == b"abcd"
    assert not store.part_path(unused).exists()  # swept at start
    assert _bodies(store) == _named_parts(store) == set(ids)
    store.close()


def test_crash_after_a_part_is_stored_but_not_recorded_is_swept(tmp_path: Path) -> None:
    store = Store(tmp_path / "d")
    upload_id, _ = _upload_with_parts(store, [b"ab"])
    crash_at(store, "part:stored")
    tmp = store.tmp_path(".part")
    tmp.write_bytes(b"cd")
    with pytest.raises(SimulatedCrash):
        store.commit_part(upload_id, tmp, 2)
    assert len(_bodies(store)) == 2
    store = reopen_after_crash(store)
    assert store.received_bytes(upload_id) == 2
    assert _bodies(store) == _named_parts(store)
    store.close()


@pytest.mark.parametrize("step", ["cancelled:committed", "delete:committed"])
def test_crash_between_delete_and_unlink_leaves_no_dangling_rows(tmp_path: Path, step: str) -> None:
    store = Store(tmp_path / "d")
    upload_id, part_ids = _upload_with_parts(store, [b"ab", b"cd"])
    if step == "delete:committed":
        file = store.finish_complete(store.begin_complete(upload_id, part_ids))
    crash_at(store, step)
    if step == "cancelled:committed":
        with pytest.raises(SimulatedCrash):
            store.cancel_upload(upload_id)
    else:
        with pytest.raises(SimulatedCrash):
            store.delete_file(file.id)
    store = reopen_after_crash(store)
    assert _named_parts(store) == set()
    assert _bodies(store) == set()
    store.close()


def test_crash_after_a_created_files_body_is_stored_but_not_recorded_is_swept(
    tmp_path: Path,
) -> None:
    store = Store(tmp_path / "d")
    tmp = store.tmp_path(".file")
    tmp.write_bytes(b"abc")
    crash_at(store, "file:stored")
    with pytest.raises(SimulatedCrash):
        store.create_file(tmp=tmp, size=3, filename="a", purpose="assistants", expires_seconds=None)
    assert len(_bodies(store)) == 1  # in parts/, named by no row
    store = reopen_after_crash(store)
    assert _bodies(store) == set()
    assert store.list_files(purpose=None, limit=10, order="asc", after=None) == ([], False)
    store.close()


def test_complete_that_failed_before_its_commit_succeeds_after_a_restart(tmp_path: Path) -> None:
    data = os.urandom(300_000)
    with EmulatorServer(data_dir=tmp_path / "d", api_key=API_KEY) as server:
        with openai.OpenAI(base_url=server.base_url, api_key=API_KEY, max_retries=0) as c:
            upload_id = new_upload(c, len(data))
            ids = [
                c.uploads.parts.create(upload_id, data=data[i : i + 100_000]).id
                for i in (0, 100_000, 200_000)
            ]
            crash_at(server.store, "complete:before-commit", RuntimeError)
            with pytest.raises(openai.InternalServerError):
                c.uploads.complete(upload_id, part_ids=ids, md5=md5(data))
        server.restart()
        with openai.OpenAI(base_url=server.base_url, api_key=API_KEY, max_retries=0) as c:
            done = c.uploads.complete(upload_id, part_ids=ids, md5=md5(data))
            assert done.file is not None
            assert c.files.content(done.file.id).content == data


def test_second_server_on_the_same_data_dir_is_refused(tmp_path: Path) -> None:
    with EmulatorServer(data_dir=tmp_path / "d", api_key=API_KEY) as first:
        with pytest.raises(DataDirInUse, match="in use by another emulator"):
            EmulatorServer(data_dir=tmp_path / "d", api_key=API_KEY).start()
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "openai_uploads.emulator",
                "--port",
                "0",
                "--data-dir",
                str(tmp_path / "d"),
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 1
        assert f"in use by another emulator (pid {os.getpid()})" in result.stderr
        assert "Traceback" not in result.stderr
        # the first one goes on serving, its files untouched
        with openai.OpenAI(base_url=first.base_url, api_key=API_KEY, max_retries=0) as c:
            upload_id = new_upload(c, 3)
            part = c.uploads.parts.create(upload_id, data=b"abc")
            assert c.uploads.complete(upload_id, part_ids=[part.id]).status == "completed"
    # once it stops, the dir is free again
    with EmulatorServer(data_dir=tmp_path / "d", api_key=API_KEY) as again:
        assert (
            httpx.get(
                f"{again.base_url}/files/f", headers={"Authorization": f"Bearer {API_KEY}"}
            ).status_code
            == 404
        )


def test_second_process_on_the_same_data_dir_is_refused(tmp_path: Path) -> None:
    with EmulatorProcess(data_dir=tmp_path / "d", api_key=API_KEY) as first:
        pid = first.pid
        with pytest.raises(DataDirInUse, match=f"pid {pid}"):
            Store(tmp_path / "d")


def test_data_dir_and_files_are_private(tmp_path: Path) -> None:
    data_dir = tmp_path / "d"
    data_dir.mkdir(mode=0o755)
    with EmulatorServer(data_dir=data_dir, api_key=API_KEY) as server:
        with openai.OpenAI(base_url=server.base_url, api_key=API_KEY, max_retries=0) as c:
            upload_id = new_upload(c, 6)
            first = c.uploads.parts.create(upload_id, data=b"abc")
            c.uploads.parts.create(upload_id, data=b"def")  # a pending part stays on disk
            upload_id2 = new_upload(c, 3)
            c.uploads.complete(
                upload_id2, part_ids=[c.uploads.parts.create(upload_id2, data=b"xyz").id]
            )
            del first
        modes = {
            str(p.relative_to(data_dir)): stat.S_IMODE(p.stat().st_mode)
            for p in [data_dir, *data_dir.rglob("*")]
        }
        assert any(name.startswith("parts/") for name in modes)
        assert any(name.startswith("emulator.sqlite3") for name in modes)
        for name, mode in modes.items():
            path = data_dir / name
            expected = 0o700 if path.is_dir() else 0o600
            assert mode == expected, f"{name}: {oct(mode)}"
        with openai.OpenAI(base_url=server.base_url, api_key=API_KEY, max_retries=0) as c:
            assert new_upload(c, 1).startswith("upload_")
