"""The md5 ``complete`` checks is computed as the parts arrive, in creation order; other
orders, and a hasher that failed, fall back to reading the parts at ``complete``."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import openai
import pytest

from openai_uploads.emulator import EmulatorServer, _store

from .conftest import md5, new_upload


def _parts(client: openai.OpenAI, upload_id: str, chunks: list[bytes]) -> list[str]:
    return [client.uploads.parts.create(upload_id, data=c).id for c in chunks]


def test_in_creation_order_complete_uses_the_md5_hashed_on_arrival(
    client: openai.OpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    chunks = [os.urandom(100_000) for _ in range(4)]
    upload_id = new_upload(client, 400_000)
    part_ids = _parts(client, upload_id, chunks)

    def no_reading(paths: Any) -> str:
        raise AssertionError("complete read the parts again")

    monkeypatch.setattr(_store, "md5_of", no_reading)
    done = client.uploads.complete(upload_id, part_ids=part_ids, md5=md5(b"".join(chunks)))
    assert done.status == "completed"


def test_other_order_is_hashed_at_complete(client: openai.OpenAI) -> None:
    chunks = [os.urandom(100_000) for _ in range(3)]
    upload_id = new_upload(client, 300_000)
    a, b, c = _parts(client, upload_id, chunks)
    data = chunks[2] + chunks[0] + chunks[1]
    with pytest.raises(openai.BadRequestError):  # the creation-order md5 is not this one
        client.uploads.complete(upload_id, part_ids=[c, a, b], md5=md5(b"".join(chunks)))
    done = client.uploads.complete(upload_id, part_ids=[c, a, b], md5=md5(data))
    assert done.file is not None
    assert client.files.content(done.file.id).content == data


def test_a_failed_hasher_falls_back_to_reading_the_parts(
    client: openai.OpenAI, emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = _store._update_md5

    def broken(digest: Any, path: Path) -> int:
        raise OSError("disk trouble")

    monkeypatch.setattr(_store, "_update_md5", broken)
    chunks = [os.urandom(50_000) for _ in range(2)]
    upload_id = new_upload(client, 100_000)
    part_ids = _parts(client, upload_id, chunks)
    hasher = emulator.store._hasher
    deadline = time.monotonic() + 10
    while not (upload_id in hasher._digests and hasher._digests[upload_id].failed):
        assert time.monotonic() < deadline, "the hasher never ran"
        time.sleep(0.01)
    monkeypatch.setattr(_store, "_update_md5", real)
    done = client.uploads.complete(upload_id, part_ids=part_ids, md5=md5(b"".join(chunks)))
    assert done.file is not None
    assert client.files.content(done.file.id).content == b"".join(chunks)
