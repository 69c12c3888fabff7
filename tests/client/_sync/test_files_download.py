# Generated from tests/client/_async/test_files_download.py by `python scripts/unasync.py`: do not edit.
"""``files.download`` streams a File to disk or to any writable, in bounded memory."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from openai_uploads import NotFoundError, OpenAI

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


def stored(client: OpenAI) -> str:
    upload = client.uploads.upload_file_chunked(
        file=DATA, filename="d.bin", bytes=len(DATA), mime_type="application/jsonl", purpose="batch"
    )
    return str(upload.file.id)


def test_download_to_a_path_writes_the_exact_bytes(client: OpenAI, tmp_path: Path) -> None:
    file_id = stored(client)
    written = client.files.download(file_id, tmp_path / "copy.bin")
    assert written == len(DATA)
    assert (tmp_path / "copy.bin").read_bytes() == DATA


def test_download_to_a_writable_streams_in_chunks(client: OpenAI) -> None:
    file_id = stored(client)
    sink = Md5Sink()
    assert client.files.download(file_id, sink, chunk_size=64 * 1024) == len(DATA)
    assert sink.md5.hexdigest() == hashlib.md5(DATA).hexdigest()
    assert sink.largest_write <= 64 * 1024


def test_download_of_an_unknown_file_raises_not_found(client: OpenAI, tmp_path: Path) -> None:
    with pytest.raises(NotFoundError) as info:
        client.files.download("file-missing", tmp_path / "never.bin")
    assert info.value.status_code == 404
    assert not (tmp_path / "never.bin").exists()
