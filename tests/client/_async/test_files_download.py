"""``files.download`` streams a File to disk or to any writable, in bounded memory."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from openai_uploads import AsyncOpenAI, NotFoundError

DATA = os.urandom(3 * 1024 * 1024 + 17)


class Md5Sink:
    """A writable that keeps only a digest, never the bytes."""

    def __init__(self) -> None:
        self.md5 = hashlib.md5()
        self.largest_write = 0

    def write(self, data: bytes) -> int:
        self.md5.update(data)
        self.largest_write = max(self.largest_write, len(data))
        return len(data)


async def stored(client: AsyncOpenAI) -> str:
    upload = await client.uploads.upload_file_chunked(
        file=DATA, filename="d.bin", bytes=len(DATA), mime_type="application/jsonl", purpose="batch"
    )
    return str(upload.file.id)


async def test_download_to_a_path_writes_the_exact_bytes(
    async_client: AsyncOpenAI, tmp_path: Path
) -> None:
    file_id = await stored(async_client)
    written = await async_client.files.download(file_id, tmp_path / "copy.bin")
    assert written == len(DATA)
    assert (tmp_path / "copy.bin").read_bytes() == DATA


async def test_download_to_a_writable_streams_in_chunks(async_client: AsyncOpenAI) -> None:
    file_id = await stored(async_client)
    sink = Md5Sink()
    assert await async_client.files.download(file_id, sink, chunk_size=64 * 1024) == len(DATA)
    assert sink.md5.hexdigest() == hashlib.md5(DATA).hexdigest()
    assert sink.largest_write <= 64 * 1024


async def test_download_of_an_unknown_file_raises_not_found(
    async_client: AsyncOpenAI, tmp_path: Path
) -> None:
    with pytest.raises(NotFoundError) as info:
        await async_client.files.download("file-missing", tmp_path / "never.bin")
    assert info.value.status_code == 404
    assert not (tmp_path / "never.bin").exists()
