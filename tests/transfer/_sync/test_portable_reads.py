# Generated from tests/transfer/_async/test_portable_reads.py by `python scripts/unasync.py`: do not edit.
"""Where ``os.pread`` / ``os.preadv`` do not exist (Windows), parts are read by a seek and
a read under a lock instead: the engine runs end to end and stores the exact bytes."""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

import pytest

from openai_uploads._client import OpenAI

from ..conftest import PART, random_bytes, write

ARGS = {"mime_type": "application/jsonl", "purpose": "batch", "part_size": PART}


@pytest.fixture
def no_positional_io(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("pread", "preadv", "pwrite"):
        monkeypatch.delattr(os, name, raising=False)


def _open(path: Path) -> BinaryIO:
    """The file opened for reading (opening a local file is instant)."""
    return open(path, "rb")


@pytest.mark.usefixtures("no_positional_io")
def test_a_file_uploads_exactly_without_positional_reads(client: OpenAI, tmp_path: Path) -> None:
    data = random_bytes(PART * 9 + 77)
    path = write(tmp_path, data)
    upload = client.uploads.upload_file_chunked(file=path, max_concurrency=4, **ARGS)
    assert (client.files.content(upload.file.id)).content == data  # type: ignore[union-attr]


@pytest.mark.usefixtures("no_positional_io")
def test_a_seekable_file_object_uploads_exactly_without_positional_reads(
    client: OpenAI, tmp_path: Path
) -> None:
    data = random_bytes(PART * 5 + 3)
    with _open(write(tmp_path, b"skip" + data)) as f:
        f.seek(4)
        upload = client.uploads.upload_file_chunked(file=f, max_concurrency=3, **ARGS)
    assert (client.files.content(upload.file.id)).content == data  # type: ignore[union-attr]


@pytest.mark.usefixtures("no_positional_io")
def test_a_spooled_stream_uploads_exactly_without_positional_reads(
    client: OpenAI,
) -> None:
    data = random_bytes(PART * 4 + 5)
    read, written = os.pipe()
    os.write(written, data[: PART // 2])  # the rest would not fit the pipe's buffer
    os.close(written)
    with os.fdopen(read, "rb") as stream:
        upload = client.uploads.upload_file_chunked(
            file=stream, filename="p.jsonl", max_concurrency=3, **ARGS
        )
    assert (client.files.content(upload.file.id)).content == data[: PART // 2]  # type: ignore[union-attr]
