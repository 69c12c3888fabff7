"""``files.download`` to a path replaces the file whole or not at all.

The broken servers are ``httpx.MockTransport`` handlers (a body cut off mid-stream, a
body shorter than its ``Content-Length``, a body of another size than the File): the
emulator never sends those. The symlink and directory cases run against the emulator.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from openai_uploads import (
    APIConnectionError,
    APIResponseValidationError,
    AsyncOpenAI,
    OpenAIError,
)

from ..conftest import TEST_API_KEY

BODY = os.urandom(300_000)
OLD = b"the copy from yesterday\n"


def file_json(size: int) -> dict[str, Any]:
    return {
        "id": "file-1",
        "object": "file",
        "bytes": size,
        "created_at": 1,
        "filename": "d.bin",
        "purpose": "batch",
    }


class CutOff(httpx.AsyncByteStream):
    """Half the body, then the connection breaks."""

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield BODY[: len(BODY) // 2]
        raise httpx.ReadError("connection reset")


def server(kind: str) -> Any:
    def handler(request: httpx.Request) -> httpx.Response:
        if not request.url.path.endswith("/content"):
            size = len(BODY) + 1 if kind == "other-size" else len(BODY)
            return httpx.Response(200, json=file_json(size))
        headers = {"Content-Length": str(len(BODY))}
        if kind == "cut-off":
            return httpx.Response(200, headers=headers, stream=CutOff())
        if kind == "short":
            return httpx.Response(200, headers=headers, content=BODY[:1000])
        return httpx.Response(200, content=BODY)  # "other-size": File says one byte more

    return handler


EXPECTED = {
    "cut-off": APIConnectionError,
    "short": APIConnectionError,
    "other-size": APIResponseValidationError,
}


def broken_client(kind: str) -> AsyncOpenAI:
    http = httpx.AsyncClient(transport=httpx.MockTransport(server(kind)))
    return AsyncOpenAI(
        api_key=TEST_API_KEY,
        base_url="http://broken.test/v1",
        http_client=http,
        max_retries=0,
        load_plugins=False,
    )


def existing(tmp_path: Path) -> Path:
    path = tmp_path / "copy.bin"
    path.write_bytes(OLD)
    return path


@pytest.mark.parametrize("kind", list(EXPECTED))
async def test_a_failed_download_leaves_the_old_file_and_no_temporary(
    kind: str, tmp_path: Path
) -> None:
    path = existing(tmp_path)
    async with broken_client(kind) as client:
        with pytest.raises(EXPECTED[kind]):
            await client.files.download("file-1", path)
    assert path.read_bytes() == OLD
    assert os.listdir(tmp_path) == [path.name]


@pytest.mark.parametrize("kind", ["cut-off", "short"])
async def test_a_writable_gets_an_error_for_a_body_cut_short(kind: str) -> None:
    class Sink:
        def write(self, data: bytes) -> int:
            return len(data)

    async with broken_client(kind) as client:
        with pytest.raises(APIConnectionError):
            await client.files.download("file-1", Sink())


async def test_content_of_a_body_shorter_than_its_content_length_raises() -> None:
    async with broken_client("short") as client:
        with pytest.raises(APIConnectionError, match="cut short"):
            await client.files.content("file-1")


async def stored(client: AsyncOpenAI) -> str:
    upload = await client.uploads.upload_file_chunked(
        file=BODY, filename="d.bin", bytes=len(BODY), mime_type="application/jsonl", purpose="batch"
    )
    assert upload.file is not None
    return upload.file.id


async def test_a_symlink_is_replaced_not_written_through(
    async_client: AsyncOpenAI, tmp_path: Path
) -> None:
    target = tmp_path / "elsewhere.txt"
    target.write_bytes(OLD)
    link = tmp_path / "copy.bin"
    link.symlink_to(target)
    assert await async_client.files.download(await stored(async_client), link) == len(BODY)
    assert not link.is_symlink()
    assert link.read_bytes() == BODY
    assert target.read_bytes() == OLD


async def test_a_replaced_file_keeps_its_mode(async_client: AsyncOpenAI, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    path = existing(folder)
    path.chmod(0o640)
    await async_client.files.download(await stored(async_client), path)
    assert path.read_bytes() == BODY
    assert path.stat().st_mode & 0o777 == 0o640
    assert sorted(folder.iterdir()) == [path]


async def test_a_missing_directory_fails_before_any_request(tmp_path: Path) -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(500)

    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    async with AsyncOpenAI(
        api_key=TEST_API_KEY, base_url="http://x.test/v1", http_client=http
    ) as c:
        with pytest.raises(FileNotFoundError):
            await c.files.download("file-1", tmp_path / "no-such-dir" / "copy.bin")
        with pytest.raises(IsADirectoryError):
            await c.files.download("file-1", tmp_path)
    assert sent == []


async def test_an_unknown_file_leaves_no_temporary(
    async_client: AsyncOpenAI, tmp_path: Path
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(OpenAIError):
        await async_client.files.download("file-missing", folder / "never.bin")
    assert list(folder.iterdir()) == []


async def test_a_missing_directory_error_names_the_destination(tmp_path: Path) -> None:
    destination = tmp_path / "no-such-dir" / "copy.bin"
    async with broken_client("short") as c:
        with pytest.raises(FileNotFoundError) as info:
            await c.files.download("file-1", destination)
    assert str(destination) in str(info.value)
    assert ".download" not in str(info.value)


async def test_a_relative_path_is_downloaded_into_the_working_directory(
    async_client: AsyncOpenAI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file_id = await stored(async_client)
    monkeypatch.chdir(tmp_path)
    assert await async_client.files.download(file_id, "copy.bin") == len(BODY)
    assert (tmp_path / "copy.bin").read_bytes() == BODY
    assert [name for name in os.listdir(tmp_path) if name.startswith(".")] == []
