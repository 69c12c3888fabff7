# Generated from tests/transfer/_async/test_stream_inputs.py by `python scripts/unasync.py`: do not edit.
"""Inputs that are not regular files are read as streams, never sized by ``st_size``.

A pipe (a real FIFO here, fed by a writer thread, as ``<(cmd)`` and ``/dev/stdin`` of a
pipeline are), a character device or a non-seekable file object: with ``bytes=`` it is
sent as it is read and must hold exactly that many bytes; without, it is spooled to a
temporary file first. Either way the stored File has every byte, no more, no fewer.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from openai_uploads import ChecksumMismatchError, FileChangedError, UploadCompletionError
from openai_uploads._client import OpenAI
from openai_uploads._transfer import _source
from openai_uploads.emulator import EmulatorServer

from ..conftest import PART, random_bytes, status_of
from .test_completion_contract import ANSWERS, FakeAPI
from .test_completion_contract import DATA as CONTRACT_DATA

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes (POSIX)")

ARGS: dict[str, Any] = {"mime_type": "application/jsonl", "purpose": "batch", "part_size": PART}
DATA_SIZE = PART * 5 + 321


class Fifo:
    """A named pipe and a thread that writes ``data`` into it, in pieces, then closes it.

    ``hold`` keeps the writer's end open after the data (a producer still running)."""

    def __init__(self, path: Path, data: bytes, *, hold: threading.Event | None = None) -> None:
        self.path = path
        self.data = data
        self.hold = hold
        os.mkfifo(path)
        self.thread = threading.Thread(target=self._write, daemon=True)
        self.thread.start()

    def _write(self) -> None:
        try:
            with open(self.path, "wb") as f:
                for offset in range(0, len(self.data), 10_000):
                    f.write(self.data[offset : offset + 10_000])
                    f.flush()
                if self.hold is not None:
                    self.hold.wait(30)
        except BrokenPipeError:  # the reader stopped early: that is what some tests want
            pass

    def join(self) -> None:
        if self.hold is not None:
            self.hold.set()
        self.thread.join(10)


@pytest.fixture
def data() -> bytes:
    return random_bytes(DATA_SIZE)


@pytest.fixture
def fifo(tmp_path: Path, data: bytes) -> Iterator[Fifo]:
    pipe = Fifo(tmp_path / "data.jsonl", data)
    yield pipe
    pipe.join()


def _open_temporary_files() -> list[str]:
    """What this process's descriptors point to under the temporary directory."""
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith(tempfile.gettempdir()):
            found.append(target)
    return found


@pytest.mark.parametrize("as_path", [str, Path], ids=["str", "path"])
def test_a_fifo_of_unknown_size_is_spooled_and_uploaded_whole(
    client: OpenAI, fifo: Fifo, data: bytes, as_path: Any
) -> None:
    upload = client.uploads.upload_file_chunked(file=as_path(fifo.path), **ARGS)
    assert upload.bytes == len(data)
    assert upload.filename == "data.jsonl"
    assert (client.files.content(upload.file.id)).content == data  # type: ignore[union-attr]


def test_a_fifo_with_bytes_is_sent_as_it_is_read(client: OpenAI, fifo: Fifo, data: bytes) -> None:
    upload = client.uploads.upload_file_chunked(file=str(fifo.path), bytes=len(data), **ARGS)
    assert upload.bytes == len(data)
    assert (client.files.content(upload.file.id)).content == data  # type: ignore[union-attr]


@pytest.mark.parametrize("keep_on_failure", [True, False], ids=["kept", "not-kept"])
@pytest.mark.parametrize(
    ("declared", "how"),
    [(DATA_SIZE + 1, "ended after"), (DATA_SIZE - 1, "goes on past")],
    ids=["ends-early", "runs-past"],
)
def test_a_fifo_that_does_not_hold_its_bytes_fails_and_its_upload_is_cancelled(
    server: EmulatorServer,
    client: OpenAI,
    fifo: Fifo,
    declared: int,
    how: str,
    keep_on_failure: bool,
) -> None:
    with pytest.raises(FileChangedError, match=how) as caught:
        client.uploads.upload_file_chunked(
            file=str(fifo.path), bytes=declared, keep_on_failure=keep_on_failure, **ARGS
        )
    assert caught.value.upload_cancelled is True
    assert status_of(server, caught.value.upload_id or "") == "cancelled"


def test_an_empty_stream_declared_empty_must_end_at_once(
    server: EmulatorServer, client: OpenAI, tmp_path: Path
) -> None:
    pipe = Fifo(tmp_path / "empty.jsonl", b"x")
    try:
        with pytest.raises(FileChangedError, match="goes on past"):
            client.uploads.upload_file_chunked(file=str(pipe.path), bytes=0, **ARGS)
    finally:
        pipe.join()


@pytest.mark.usefixtures("server")
def test_a_character_device_is_never_sized_by_st_size(client: OpenAI) -> None:
    """``/dev/zero`` has ``st_size`` 0 and never ends: it is a stream running past bytes=."""
    with pytest.raises(FileChangedError, match="goes on past"):
        client.uploads.upload_file_chunked(file="/dev/zero", bytes=PART, filename="z", **ARGS)


def test_resume_with_a_fifo_is_a_value_error_before_it_is_opened(
    server: EmulatorServer, client: OpenAI, tmp_path: Path
) -> None:
    path = tmp_path / "nobody-writes"
    os.mkfifo(path)  # no writer: opening it would wait for ever
    before = server.fault_stats()["requests"]
    with pytest.raises(ValueError, match="read only once"):
        client.uploads.upload_file_chunked(file=str(path), resume=True, **ARGS)
    assert server.fault_stats()["requests"] == before


def test_a_non_seekable_file_object_of_unknown_size_is_spooled(client: OpenAI, data: bytes) -> None:
    class Pipe(io.RawIOBase):
        def __init__(self) -> None:
            self.inner = io.BytesIO(data)

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: Any) -> int:
            return self.inner.readinto(buffer)

    upload = client.uploads.upload_file_chunked(file=Pipe(), filename="p.jsonl", **ARGS)
    assert (client.files.content(upload.file.id)).content == data  # type: ignore[union-attr]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="counts /proc/self/fd")
def test_the_spool_file_is_gone_when_the_transfer_ends(
    client: OpenAI, tmp_path: Path, data: bytes
) -> None:
    before = _open_temporary_files()
    pipe = Fifo(tmp_path / "a.jsonl", data)
    client.uploads.upload_file_chunked(file=str(pipe.path), **ARGS)
    pipe.join()
    pipe = Fifo(tmp_path / "b.jsonl", data)
    with pytest.raises(ChecksumMismatchError):  # a failed transfer removes it too
        client.uploads.upload_file_chunked(file=str(pipe.path), md5="0" * 32, **ARGS)
    pipe.join()
    assert _open_temporary_files() == before


def test_a_stream_longer_than_the_spool_limit_fails_before_any_request(
    server: EmulatorServer,
    client: OpenAI,
    fifo: Fifo,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_source, "SPOOL_LIMIT", PART)
    before = server.fault_stats()["requests"]
    with pytest.raises(ValueError, match="more than"):
        client.uploads.upload_file_chunked(file=str(fifo.path), **ARGS)
    assert server.fault_stats()["requests"] == before


def test_only_a_completed_upload_is_returned_for_a_stream_too(tmp_path: Path) -> None:
    """``complete`` answering "still pending" (a fake of the API: the emulator answers
    right): an error, and the Upload is cancelled."""
    api = FakeAPI(ANSWERS["still-pending"])
    pipe = Fifo(tmp_path / "a.txt", CONTRACT_DATA)
    http = httpx.Client(transport=httpx.MockTransport(api))
    try:
        with (
            http,
            OpenAI(api_key="sk-fake", base_url="http://api.test/v1", http_client=http) as client,
        ):
            with pytest.raises(UploadCompletionError):
                client.uploads.upload_file_chunked(
                    file=str(pipe.path), mime_type="text/plain", purpose="batch"
                )
    finally:
        pipe.join()
    assert api.calls == ["create", "part", "complete", "cancel"]
