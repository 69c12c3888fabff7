"""One ``AsyncOpenAI`` serves call after call from one ``asyncio.run`` to the next.

Connections belong to the loop that opened them; the client's own pool is replaced when
the loop changes, so no call meets a connection whose loop is closed. Against the
emulator, over real sockets.
"""

from __future__ import annotations

import asyncio
import gc
import warnings
from pathlib import Path
from typing import Any

import httpx

from openai_uploads import AsyncOpenAI

from .conftest import TEST_API_KEY

CREATE = {"bytes": 3, "filename": "a.txt", "mime_type": "application/jsonl", "purpose": "batch"}


def test_ten_asyncio_runs_on_one_client_all_succeed(emulator: Any) -> None:
    client = AsyncOpenAI(api_key=TEST_API_KEY, base_url=emulator.base_url, load_plugins=False)

    async def one() -> str:
        upload = await client.uploads.create(**CREATE)
        return (await client.uploads.cancel(upload.id)).status

    results = [asyncio.run(one()) for _ in range(10)]
    assert results == ["cancelled"] * 10
    asyncio.run(client.close())
    assert client.is_closed()


def test_a_pool_bound_to_a_closed_loop_is_never_reused(emulator: Any) -> None:
    client = AsyncOpenAI(api_key=TEST_API_KEY, base_url=emulator.base_url, load_plugins=False)
    copy = client.with_options(max_retries=0)
    pools: list[httpx.AsyncClient] = []

    async def one(c: AsyncOpenAI) -> None:
        await c.uploads.create(**CREATE)
        await c.uploads.create(**CREATE)
        pools.append(c._pool.current)

    asyncio.run(one(client))
    asyncio.run(one(copy))  # a copy shares the pool and its loop binding
    asyncio.run(one(client))
    assert len({id(p) for p in pools}) == 3
    asyncio.run(client.close())


def test_a_callers_http_client_is_used_as_given(emulator: Any) -> None:
    async def run() -> None:
        async with httpx.AsyncClient() as http:
            client = AsyncOpenAI(
                api_key=TEST_API_KEY,
                base_url=emulator.base_url,
                http_client=http,
                load_plugins=False,
            )
            await client.uploads.create(**CREATE)
            assert client._pool.current is http
            await client.close()
            assert not http.is_closed

    asyncio.run(run())


async def test_calls_within_one_loop_share_one_pool(emulator: Any) -> None:
    async with AsyncOpenAI(
        api_key=TEST_API_KEY, base_url=emulator.base_url, load_plugins=False
    ) as client:
        first = client._pool.current
        await client.uploads.create(**CREATE)
        await client.uploads.create(**CREATE)
        assert client._pool.current is first


def test_each_asyncio_run_closes_the_pool_it_used(emulator: Any) -> None:
    client = AsyncOpenAI(api_key=TEST_API_KEY, base_url=emulator.base_url, load_plugins=False)
    pools: list[httpx.AsyncClient] = []

    async def one() -> None:
        await client.uploads.create(**CREATE)
        pools.append(client._pool.current)

    asyncio.run(one())
    asyncio.run(one())
    assert [pool.is_closed for pool in pools] == [True, True]
    assert not client.is_closed()  # the next asyncio.run gets a new pool
    asyncio.run(one())
    asyncio.run(client.close())
    assert client.is_closed()


def test_no_socket_is_left_open_after_asyncio_runs(emulator: Any) -> None:
    client = AsyncOpenAI(api_key=TEST_API_KEY, base_url=emulator.base_url, load_plugins=False)
    copy = client.with_options(timeout=30)

    async def one(c: AsyncOpenAI) -> None:
        await c.uploads.create(**CREATE)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()  # what earlier tests left behind is not this test's to report
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        for c in (client, copy, client, copy):
            asyncio.run(one(c))
        asyncio.run(client.close())
        gc.collect()
    # Only this test's sockets: those connected to this emulator's port.
    port = f", {httpx.URL(emulator.base_url).port})"
    leaked = [str(w.message) for w in caught if w.category is ResourceWarning]
    assert [message for message in leaked if port in message] == []


def test_upload_and_download_work_across_asyncio_runs(emulator: Any, tmp_path: Path) -> None:
    data = b'{"n": 1}\n' * 40_000
    source = tmp_path / "data.jsonl"
    source.write_bytes(data)
    client = AsyncOpenAI(api_key=TEST_API_KEY, base_url=emulator.base_url, load_plugins=False)

    async def upload() -> str:
        done = await client.uploads.upload_file_chunked(
            file=source, mime_type="application/jsonl", purpose="batch"
        )
        assert done.file is not None
        return done.file.id

    async def download(file_id: str, n: int) -> bytes:
        await client.files.download(file_id, tmp_path / f"copy{n}.bin")
        return (await client.files.content(file_id)).content

    file_ids = [asyncio.run(upload()) for _ in range(3)]
    for n, file_id in enumerate(file_ids):
        assert asyncio.run(download(file_id, n)) == data
        assert (tmp_path / f"copy{n}.bin").read_bytes() == data
    asyncio.run(client.close())
