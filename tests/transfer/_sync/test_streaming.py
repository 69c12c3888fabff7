# Generated from tests/transfer/_async/test_streaming.py by `python scripts/unasync.py`: do not edit.
"""Parts of seekable inputs are streamed from the source: read as sent, again on a retry.

A path (or seekable file object) is never held a part at a time: each part's bytes are
read from the file slice by slice as they are sent, and the digests come from one
sequential read beside them. So the file must not change while it is uploaded: when it
does, the upload fails with :class:`FileChangedError` and the Upload is cancelled.
"""

from __future__ import annotations

import os
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import pytest

from openai_uploads import FileChangedError
from openai_uploads._client import OpenAI
from openai_uploads.emulator import EmulatorProcess, EmulatorServer
from openai_uploads.emulator._faults import FaultConfig
from openai_uploads.hookspecs import PartCompleted, hookimpl

from ..conftest import API_KEY, PART, FastRetries, Recorder, random_bytes, status_of, write

MiB = 1024 * 1024
LONG_AGO_NS = 1_600_000_000 * 10**9
"""Files are written, then dated back, so that a write during the upload always moves
their modification time (the kernel's clock for it is coarse)."""


def _dated_file(tmp_path: Path, data: bytes, name: str = "data.bin") -> Path:
    path = write(tmp_path, data, name)
    os.utime(path, ns=(LONG_AGO_NS, LONG_AGO_NS))
    return path


class EditAfterFirstPart:
    """Overwrites bytes of the file (same size) once the first part is accepted."""

    def __init__(self, path: Path, *, append: bool = False) -> None:
        self.path = path
        self.append = append
        self.done = False

    @hookimpl
    def on_part_completed(self, event: PartCompleted) -> None:
        if self.done:
            return
        self.done = True
        with open(self.path, "ab" if self.append else "r+b") as f:
            if not self.append:
                f.seek(PART * 4)
            f.write(b"edited while uploading")


def _has_state_file(path: Path) -> bool:
    return Path(str(path) + ".openai-upload.json").exists()


def _open(path: Path) -> BinaryIO:
    """The file opened for reading (opening a local file is instant)."""
    return open(path, "rb")


def _kwargs(path: Path, **extra: object) -> dict[str, object]:
    return {
        "file": path,
        "mime_type": "application/jsonl",
        "purpose": "batch",
        "part_size": PART,
        "max_concurrency": 1,
        **extra,
    }


def test_a_file_modified_during_the_upload_fails_with_file_changed_and_is_cancelled(
    server: EmulatorServer, client: OpenAI, recorder: Recorder, tmp_path: Path
) -> None:
    path = _dated_file(tmp_path, random_bytes(PART * 6))
    client.plugins.register(EditAfterFirstPart(path))
    with pytest.raises(FileChangedError, match="changed while it was being uploaded") as caught:
        client.uploads.upload_file_chunked(**_kwargs(path))  # type: ignore[arg-type]
    error = caught.value
    assert error.upload_cancelled is True
    assert error.upload_id is not None
    assert status_of(server, error.upload_id) == "cancelled"
    assert "modification time" in str(error)
    assert [e.upload_id for e in recorder.of("cancelled")] == [error.upload_id]
    assert len(recorder.of("part")) < 6  # it stopped early, not after sending it all


def test_a_file_that_grows_during_the_upload_fails_and_says_how_it_changed(
    server: EmulatorServer, client: OpenAI, tmp_path: Path
) -> None:
    path = _dated_file(tmp_path, random_bytes(PART * 6))
    client.plugins.register(EditAfterFirstPart(path, append=True))
    with pytest.raises(FileChangedError, match=f"size went from {PART * 6} to") as caught:
        client.uploads.upload_file_chunked(**_kwargs(path))  # type: ignore[arg-type]
    assert status_of(server, caught.value.upload_id or "") == "cancelled"


def test_a_changed_file_is_cancelled_even_when_kept_for_resuming(
    server: EmulatorServer, client: OpenAI, tmp_path: Path
) -> None:
    """Its parts are of another version of the file: resuming them could only mix versions."""
    path = _dated_file(tmp_path, random_bytes(PART * 6))
    client.plugins.register(EditAfterFirstPart(path))
    with pytest.raises(FileChangedError) as caught:
        client.uploads.upload_file_chunked(**_kwargs(path, resume=True))  # type: ignore[arg-type]
    assert caught.value.upload_cancelled is True
    assert status_of(server, caught.value.upload_id or "") == "cancelled"
    assert not _has_state_file(path)


# --------------------------------------------------------------------------- retries

DROPS = FaultConfig(p_drop=0.4, p_500=0.2, retry_after=0, endpoints=frozenset({"parts"}), seed=3)
"""Connections closed half-way through a part's body, and 500s after a whole body."""
STREAMED_PART = 2 * MiB + 12345
"""Several 1 MiB slices per part, and a last slice that is not whole."""


def test_retried_streamed_parts_resend_the_exact_bytes(
    server: EmulatorServer, client: OpenAI, recorder: Recorder, tmp_path: Path
) -> None:
    data = random_bytes(STREAMED_PART * 4 + 999)
    path = write(tmp_path, data)
    server.faults = DROPS
    upload = client.uploads.upload_file_chunked(
        file=path,
        mime_type="application/jsonl",
        purpose="batch",
        part_size=STREAMED_PART,
        max_concurrency=3,
        part_retries=30,
    )
    stats = server.fault_stats()
    assert stats["drop"] > 0
    assert max(e.attempts for e in recorder.of("part")) > 1
    # The emulator checked the md5 of the sequential read against what it received.
    assert upload.status == "completed"
    assert (client.files.content(upload.file.id)).content == data  # type: ignore[union-attr]


def test_retried_streamed_parts_of_a_file_object_resend_the_exact_bytes(
    server: EmulatorServer, client: OpenAI, tmp_path: Path
) -> None:
    data = random_bytes(STREAMED_PART * 4 + 999)
    server.faults = DROPS
    # A seekable file object streams too.
    with _open(write(tmp_path, data)) as f:
        upload = client.uploads.upload_file_chunked(
            file=f,
            mime_type="application/jsonl",
            purpose="batch",
            part_size=STREAMED_PART,
            max_concurrency=3,
            part_retries=30,
        )
    assert server.fault_stats()["drop"] > 0
    assert (client.files.content(upload.file.id)).content == data  # type: ignore[union-attr]


# --------------------------------------------------------------------------- memory

BIG_PART = 16 * MiB


@pytest.fixture(scope="module")
def other_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorProcess]:
    """The emulator in a process of its own, so this process's allocations are the client's."""
    with EmulatorProcess(data_dir=tmp_path_factory.mktemp("emulator"), api_key=API_KEY) as e:
        yield e


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "big.bin"
    with open(path, "wb") as f:
        for _ in range(3 * BIG_PART // MiB):
            f.write(os.urandom(MiB))
    return path


def test_a_path_is_uploaded_without_holding_a_part_in_memory(
    other_process: EmulatorProcess, big_file: Path
) -> None:
    """Three 16 MiB parts at once: a part-sized buffer each would be 48 MiB at least."""
    with OpenAI(api_key=API_KEY, base_url=other_process.base_url, plugins=[FastRetries()]) as c:
        tracemalloc.start()
        try:
            tracemalloc.reset_peak()
            upload = c.uploads.upload_file_chunked(
                file=big_file,
                mime_type="application/jsonl",
                purpose="batch",
                part_size=BIG_PART,
                max_concurrency=3,
            )
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert upload.status == "completed"  # the emulator checked the md5
    assert peak < BIG_PART // 2, f"{peak / MiB:.1f} MiB allocated at the peak"


# --------------------------------------------------------------------------- file objects


def test_a_file_object_that_transforms_its_file_is_read_through_the_object(
    client: OpenAI, tmp_path: Path
) -> None:
    """A GzipFile is seekable and has the compressed file's descriptor: its own bytes count."""
    import gzip

    data = random_bytes(PART * 3 + 5)
    with gzip.open(tmp_path / "data.gz", "wb") as f:
        f.write(data)
    with gzip.open(tmp_path / "data.gz", "rb") as stream:
        upload = client.uploads.upload_file_chunked(
            file=stream,  # type: ignore[arg-type]
            filename="data.bin",
            mime_type="application/jsonl",
            purpose="batch",
            part_size=PART,
            max_concurrency=3,
        )
    assert (client.files.content(upload.file.id)).content == data  # type: ignore[union-attr]


def test_a_plain_file_object_is_uploaded_from_its_position_and_left_there(
    client: OpenAI, tmp_path: Path
) -> None:
    data = random_bytes(PART * 3 + 5)
    path = write(tmp_path, b"skip" + data)
    with _open(path) as stream:
        stream.seek(4)
        upload = client.uploads.upload_file_chunked(
            file=stream,
            mime_type="application/jsonl",
            purpose="batch",
            part_size=PART,
            max_concurrency=3,
        )
        assert stream.tell() == 4  # read with positional reads: its position untouched
    assert (client.files.content(upload.file.id)).content == data  # type: ignore[union-attr]
