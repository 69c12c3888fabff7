"""Eight uploads at once through one client (threads for sync, tasks for async), all
byte-exact, with some part requests failing so that retries interleave too."""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor

from openai_uploads.emulator import EmulatorServer, FaultConfig

from ._outcomes import byte_exact, upload_kwargs
from .conftest import make_async_client, make_client

PART = 64 * 1024
UPLOADS = 8
SOME_FAULTS = FaultConfig(p_500=0.05, p_drop=0.05, endpoints=frozenset({"parts"}))


def _inputs() -> list[bytes]:
    # different sizes, so that parts of different uploads really interleave
    return [os.urandom(PART * (3 + i) + 17 * i) for i in range(UPLOADS)]


def test_eight_threads_share_one_client(server: EmulatorServer) -> None:
    server.faults = SOME_FAULTS
    inputs = _inputs()
    with make_client(server.base_url) as client:

        def one(data: bytes) -> object:
            return client.uploads.upload_file_chunked(**upload_kwargs(data, PART, 3))

        with ThreadPoolExecutor(UPLOADS) as pool:
            uploads = list(pool.map(one, inputs))
        assert len({u.id for u in uploads}) == UPLOADS  # type: ignore[attr-defined]
        for upload, data in zip(uploads, inputs, strict=True):
            byte_exact(upload, data, client.files.content)


async def test_eight_tasks_share_one_async_client(server: EmulatorServer) -> None:
    server.faults = SOME_FAULTS
    inputs = _inputs()
    async with make_async_client(server.base_url) as client:
        uploads = await asyncio.gather(
            *(client.uploads.upload_file_chunked(**upload_kwargs(d, PART, 3)) for d in inputs)
        )
        assert len({u.id for u in uploads}) == UPLOADS
        contents = [(await client.files.content(u.file.id)).content for u in uploads]  # type: ignore[union-attr]
    for upload, data, content in zip(uploads, inputs, contents, strict=True):
        byte_exact(upload, data, lambda _id, c=content: c)  # type: ignore[misc]
