"""Many parts of one Upload, and many Uploads, at once: nothing lost."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import openai

from openai_uploads.emulator import EmulatorServer

from .conftest import md5, new_upload


def test_parts_of_one_upload_in_parallel(client: openai.OpenAI) -> None:
    chunks = [os.urandom(200_000) for _ in range(24)]
    data = b"".join(chunks)
    upload_id = new_upload(client, len(data))
    with ThreadPoolExecutor(8) as pool:
        parts = list(pool.map(lambda c: client.uploads.parts.create(upload_id, data=c), chunks))
    done = client.uploads.complete(upload_id, part_ids=[p.id for p in parts], md5=md5(data))
    assert done.file is not None
    assert client.files.content(done.file.id).content == data


def test_many_uploads_at_once(client: openai.OpenAI) -> None:
    def one(_: int) -> tuple[str, bytes]:
        data = os.urandom(300_000)
        upload_id = new_upload(client, len(data))
        ids = [
            client.uploads.parts.create(upload_id, data=data[i : i + 100_000]).id
            for i in range(0, len(data), 100_000)
        ]
        done = client.uploads.complete(upload_id, part_ids=ids, md5=md5(data))
        assert done.file is not None
        return done.file.id, data

    with ThreadPoolExecutor(12) as pool:
        results = list(pool.map(one, range(24)))
    for file_id, data in results:
        assert client.files.content(file_id).content == data


def test_parallel_parts_beyond_declared_bytes_are_all_kept(
    emulator: EmulatorServer, client: openai.OpenAI
) -> None:
    upload_id = new_upload(client, 1_000_000)
    chunks = [bytes([n]) * 200_000 for n in range(16)]
    with ThreadPoolExecutor(8) as pool:
        parts = list(pool.map(lambda c: client.uploads.parts.create(upload_id, data=c), chunks))
    assert emulator.store.received_bytes(upload_id) == 16 * 200_000
    # complete takes the parts it lists, which must add up to the declared bytes.
    done = client.uploads.complete(upload_id, part_ids=[p.id for p in parts[3:8]])
    assert done.file is not None
    assert client.files.content(done.file.id).content == b"".join(chunks[3:8])


def test_concurrent_completes_of_one_upload_make_one_file(client: openai.OpenAI) -> None:
    data = os.urandom(2_000_000)
    upload_id = new_upload(client, len(data))
    part = client.uploads.parts.create(upload_id, data=data)

    def complete(_: int) -> str | None:
        try:
            done = client.uploads.complete(upload_id, part_ids=[part.id], md5=md5(data))
        except openai.BadRequestError:
            return None
        return done.file.id if done.file else None

    with ThreadPoolExecutor(4) as pool:
        files = [f for f in pool.map(complete, range(4)) if f]
    assert len(files) == 1
