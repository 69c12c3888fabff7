# Generated from tests/client/_async/test_files_create.py by `python scripts/unasync.py`: do not edit.
"""``files.create``: one multipart request to ``POST /v1/files``, against the emulator.

The bytes stored are read back with ``files.content`` / ``files.download``; what is
refused before any request is checked against the emulator's request log.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pytest

from openai_uploads import (
    BadRequestError,
    FileTooLargeError,
    MissingFileError,
    OpenAI,
    RequestStarted,
    hookimpl,
)
from openai_uploads.testing import FastRetries

from ..conftest import TEST_API_KEY

DATA = os.urandom(3 * 1024 * 1024 + 17)
"""Larger than the in-memory body limit: sent slice by slice from its source."""
LIMIT = 512 * 1024 * 1024


def sent_to_files(emulator: Any) -> list[Any]:
    return [r for r in emulator.requests() if r.path.startswith("/v1/files")]


class ReadSizes(io.BytesIO):
    """A seekable binary file that records the size of every read asked of it."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.name = "recorded.jsonl"
        self.reads: list[int] = []

    def read(self, size: int | None = -1, /) -> bytes:
        chunk = super().read(size)
        self.reads.append(len(chunk))
        return chunk

    def readinto(self, buffer: Any, /) -> int:
        n = super().readinto(buffer)
        self.reads.append(n)
        return n


def test_a_path_is_stored_byte_for_byte(client: OpenAI, tmp_path: Path) -> None:
    path = tmp_path / "data.jsonl"
    path.write_bytes(DATA)
    file = client.files.create(file=path, purpose="user_data")
    assert (file.filename, file.bytes, file.purpose) == ("data.jsonl", len(DATA), "user_data")
    assert (client.files.content(file.id)).content == DATA
    client.files.download(file.id, tmp_path / "copy")
    assert (tmp_path / "copy").read_bytes() == DATA


def test_a_str_path_is_a_path(client: OpenAI, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"text\n")
    file = client.files.create(file=str(tmp_path / "a.txt"), purpose="assistants")
    assert file.filename == "a.txt"
    assert (client.files.content(file.id)).content == b"text\n"


def test_bytes_are_sent_as_upload_as_in_openai_python(client: OpenAI) -> None:
    file = client.files.create(file=b"abc", purpose="user_data")
    assert file.filename == "upload"
    assert (client.files.content(file.id)).content == b"abc"


def test_a_tuple_names_the_file_and_its_type(client: OpenAI) -> None:
    file = client.files.create(
        file=("notes.bin", b'{"a": 1}\n', "application/jsonl"), purpose="batch"
    )
    assert file.filename == "notes.bin"
    assert (client.files.content(file.id)).content == b'{"a": 1}\n'


def test_a_file_object_is_read_in_slices_not_whole(client: OpenAI) -> None:
    stream = ReadSizes(DATA)
    file = client.files.create(file=stream, purpose="user_data")
    assert file.filename == "recorded.jsonl"
    assert (client.files.content(file.id)).content == DATA
    assert sum(stream.reads) >= len(DATA)
    assert max(stream.reads) <= 1024 * 1024


def test_expires_after_sets_the_expiry(client: OpenAI) -> None:
    file = client.files.create(
        file=("a.txt", b"abc"),
        purpose="assistants",
        expires_after={"anchor": "created_at", "seconds": 7200},
    )
    assert file.expires_at == file.created_at + 7200


def test_a_dropped_request_is_retried_with_the_whole_file(emulator: Any, tmp_path: Path) -> None:
    path = tmp_path / "data.jsonl"
    path.write_bytes(DATA)
    emulator.set_fault_script({"files": [f"drop:after={len(DATA) // 2}"]})
    with OpenAI(
        api_key=TEST_API_KEY, base_url=emulator.base_url, plugins=[FastRetries()],
        load_plugins=False,
    ) as client:  # fmt: skip
        file = client.files.create(file=path, purpose="user_data")
        assert (client.files.content(file.id)).content == DATA
    assert emulator.fault_stats()["drop"] == 1


def test_request_hooks_see_the_call_as_create_file(emulator: Any) -> None:
    seen: list[RequestStarted] = []

    class Recorder:
        @hookimpl
        def on_request_start(self, event: RequestStarted) -> None:
            seen.append(event)

    with OpenAI(
        api_key=TEST_API_KEY, base_url=emulator.base_url, plugins=[Recorder()],
        load_plugins=False,
    ) as client:  # fmt: skip
        client.files.create(file=("a.txt", b"abc"), purpose="assistants")
    assert [(e.operation, e.method, e.url.endswith("/files")) for e in seen] == [
        ("create_file", "POST", True)
    ]


def test_a_refused_type_is_a_bad_request(client: OpenAI) -> None:
    with pytest.raises(BadRequestError) as info:
        client.files.create(file=("notes.pdf", b"%PDF-1.4"), purpose="batch")
    assert info.value.param == "file"


# --------------------------------------------------------------------------- refused early


def test_a_missing_path_is_caught_as_file_not_found_error(
    client: OpenAI, emulator: Any, tmp_path: Path
) -> None:
    with pytest.raises(FileNotFoundError) as info:
        client.files.create(file=tmp_path / "missing.jsonl", purpose="batch")
    assert info.value.filename == str(tmp_path / "missing.jsonl")
    assert sent_to_files(emulator) == []


def test_a_missing_path_is_caught_as_value_error(
    client: OpenAI, emulator: Any, tmp_path: Path
) -> None:
    with pytest.raises(ValueError, match="No such file") as info:
        client.files.create(file=tmp_path / "missing.jsonl", purpose="batch")
    assert isinstance(info.value, MissingFileError)
    assert sent_to_files(emulator) == []


def test_a_file_over_512_mb_is_refused_before_a_request(
    client: OpenAI, emulator: Any, tmp_path: Path
) -> None:
    path = tmp_path / "huge.jsonl"
    path.touch()
    os.truncate(path, LIMIT + 1)  # sparse: takes no disk space
    with pytest.raises(FileTooLargeError) as info:
        client.files.create(file=path, purpose="batch")
    assert (info.value.size, info.value.limit) == (LIMIT + 1, LIMIT)
    assert "upload_file_chunked" in str(info.value)
    assert sent_to_files(emulator) == []


def test_an_unknown_purpose_is_refused_before_the_file_is_read(
    client: OpenAI, emulator: Any, tmp_path: Path
) -> None:
    with pytest.raises(ValueError, match="purpose must be one of"):
        client.files.create(file=tmp_path / "missing", purpose="nope")  # type: ignore[arg-type]
    assert sent_to_files(emulator) == []


def test_a_text_mode_file_is_a_type_error(client: OpenAI, tmp_path: Path) -> None:
    text = io.StringIO("abc")
    with pytest.raises(TypeError, match="binary mode"):
        client.files.create(file=text, purpose="assistants")  # type: ignore[arg-type]
