"""State survives a restart; names from clients never reach the file system."""

from __future__ import annotations

import os
import re
from pathlib import Path

import openai

from openai_uploads.emulator import EmulatorProcess, EmulatorServer

from .conftest import API_KEY, md5, new_upload


def test_restart_with_three_parts_received_then_complete(
    emulator: EmulatorServer, client: openai.OpenAI
) -> None:
    data = os.urandom(500_000)
    chunks = [data[i : i + 100_000] for i in range(0, len(data), 100_000)]
    upload_id = new_upload(client, len(data))
    part_ids = [client.uploads.parts.create(upload_id, data=c).id for c in chunks[:3]]
    emulator.stop()
    emulator.start()  # same data dir, same port
    part_ids += [client.uploads.parts.create(upload_id, data=c).id for c in chunks[3:]]
    done = client.uploads.complete(upload_id, part_ids=part_ids, md5=md5(data))
    assert done.file is not None
    emulator.restart()
    assert client.files.retrieve(done.file.id).bytes == len(data)
    assert client.files.content(done.file.id).content == data


def test_subprocess_restart_keeps_pending_uploads(tmp_path: Path) -> None:
    data = os.urandom(400_000)
    chunks = [data[i : i + 100_000] for i in range(0, len(data), 100_000)]
    with EmulatorProcess(data_dir=tmp_path / "data", api_key=API_KEY) as server:
        with openai.OpenAI(base_url=server.base_url, api_key=API_KEY, max_retries=0) as c:
            upload_id = new_upload(c, len(data))
            part_ids = [c.uploads.parts.create(upload_id, data=x).id for x in chunks[:3]]
        server.restart()
        with openai.OpenAI(base_url=server.base_url, api_key=API_KEY, max_retries=0) as c:
            part_ids.append(c.uploads.parts.create(upload_id, data=chunks[3]).id)
            done = c.uploads.complete(upload_id, part_ids=part_ids, md5=md5(data))
            assert done.file is not None
            assert c.files.content(done.file.id).content == data


def test_subprocess_crash_keeps_completed_files(tmp_path: Path) -> None:
    with EmulatorProcess(data_dir=tmp_path / "data", api_key=API_KEY) as server:
        with openai.OpenAI(base_url=server.base_url, api_key=API_KEY, max_retries=0) as c:
            upload_id = new_upload(c, 3)
            part = c.uploads.parts.create(upload_id, data=b"abc")
            done = c.uploads.complete(upload_id, part_ids=[part.id])
        server.kill()
        server.start()
        with openai.OpenAI(base_url=server.base_url, api_key=API_KEY, max_retries=0) as c:
            assert done.file is not None
            assert c.files.content(done.file.id).content == b"abc"


def test_hostile_filename_is_stored_and_served_safely(
    emulator: EmulatorServer, client: openai.OpenAI, tmp_path: Path
) -> None:
    hostile = "../../etc/passwd"
    upload_id = new_upload(client, 5, filename=hostile)
    part = client.uploads.parts.create(upload_id, data=b"hello")
    done = client.uploads.complete(upload_id, part_ids=[part.id])
    assert done.file is not None
    assert done.file.filename == hostile
    assert client.files.retrieve(done.file.id).filename == hostile
    assert client.files.content(done.file.id).content == b"hello"
    # nothing outside the data dir, and inside it only generated names
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]
    generated = re.compile(r"(part_|file-)[A-Za-z0-9]{24}|emulator\.sqlite3.*|emulator\.lock")
    for path in emulator.data_dir.rglob("*"):
        if path.is_file():
            assert generated.fullmatch(path.name), path
            assert "passwd" not in str(path)
