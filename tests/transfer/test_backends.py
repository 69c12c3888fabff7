"""``upload_file_chunked`` of ``AsyncOpenAI`` runs under asyncio and trio alike.

The async driver uses anyio (tasks of one task group, worker threads, cancel scopes),
as the client's plain calls do, so it names no event loop library.
"""

from __future__ import annotations

import io
from pathlib import Path

import anyio
import pytest

from openai_uploads import AsyncOpenAI
from openai_uploads.emulator import EmulatorServer
from openai_uploads.emulator._faults import FaultConfig
from openai_uploads.testing import FastRetries

from .conftest import API_KEY, PART, Recorder, md5, random_bytes, status_of, write

BACKENDS = ["asyncio", "trio"]
ARGS = {"mime_type": "text/plain", "purpose": "assistants", "part_size": PART}


def _client(server: EmulatorServer, recorder: Recorder) -> AsyncOpenAI:
    return AsyncOpenAI(
        api_key=API_KEY,
        base_url=server.base_url,
        max_retries=2,
        timeout=30,
        plugins=[FastRetries(), recorder],
    )


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_file_uploads_under_each_backend(
    server: EmulatorServer, recorder: Recorder, tmp_path: Path, backend: str
) -> None:
    data = random_bytes(PART * 3 + 17)
    path = write(tmp_path, data)

    async def main() -> str:
        async with _client(server, recorder) as client:
            upload = await client.uploads.upload_file_chunked(file=path, **ARGS)
        assert upload.file is not None
        return str(upload.file.bytes)

    assert anyio.run(main, backend=backend) == str(len(data))
    (completed,) = recorder.of("completed")
    assert completed.digests["md5"] == md5(data)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_stream_of_declared_size_uploads_under_each_backend(
    server: EmulatorServer, recorder: Recorder, backend: str
) -> None:
    data = random_bytes(PART * 2 + 3)

    async def main() -> None:
        async with _client(server, recorder) as client:
            stream = io.BufferedReader(io.BytesIO(data))  # read in order
            stream.seekable = lambda: False  # type: ignore[method-assign]
            await client.uploads.upload_file_chunked(
                file=stream, filename="s.bin", bytes=len(data), **ARGS
            )

    anyio.run(main, backend=backend)
    (completed,) = recorder.of("completed")
    assert completed.digests["md5"] == md5(data)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_cancelled_upload_is_cancelled_on_the_server_under_each_backend(
    server: EmulatorServer, recorder: Recorder, tmp_path: Path, backend: str
) -> None:
    server.faults = FaultConfig(bandwidth=256 * 1024, endpoints=frozenset())
    path = write(tmp_path, random_bytes(PART * 8))

    async def main() -> None:
        async with _client(server, recorder) as client:
            with anyio.move_on_after(0.5):
                await client.uploads.upload_file_chunked(file=path, **ARGS)

    anyio.run(main, backend=backend)
    (started,) = recorder.of("started")
    assert status_of(server, started.upload_id) == "cancelled"
    assert recorder.of("cancelled")
    (failed,) = recorder.of("failed")
    assert not isinstance(failed.error, Exception)  # the cancellation itself, not wrapped
