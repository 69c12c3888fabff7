"""Byte-exact round trips through the emulator, for every input kind."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from openai_uploads._client import AsyncOpenAI
from openai_uploads.emulator import EmulatorServer

from ..conftest import API_KEY, PART, FastRetries, Recorder, md5, random_bytes

SIZES = {
    "1": 1,
    "part-1": PART - 1,
    "part": PART,
    "part+1": PART + 1,
    "3.5parts": PART * 7 // 2,
}


class _Unseekable(io.RawIOBase):
    def __init__(self, data: bytes) -> None:
        self._inner = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        return self._inner.readinto(buffer)


def _as_path_str(data: bytes, tmp: Path) -> dict[str, Any]:
    path = tmp / "data.bin"
    path.write_bytes(data)
    return {"file": str(path)}


def _as_pathlike(data: bytes, tmp: Path) -> dict[str, Any]:
    path = tmp / "data.bin"
    path.write_bytes(data)
    return {"file": path}


def _as_bytes(data: bytes, tmp: Path) -> dict[str, Any]:
    return {"file": data, "filename": "data.bin", "bytes": len(data)}


def _as_bytearray(data: bytes, tmp: Path) -> dict[str, Any]:
    return {"file": bytearray(data), "filename": "data.bin", "bytes": len(data)}


def _as_memoryview(data: bytes, tmp: Path) -> dict[str, Any]:
    return {"file": memoryview(data), "filename": "data.bin", "bytes": len(data)}


def _as_open_file(data: bytes, tmp: Path) -> dict[str, Any]:
    path = tmp / "data.bin"
    path.write_bytes(data)
    return {"file": open(path, "rb")}


def _as_bytesio(data: bytes, tmp: Path) -> dict[str, Any]:
    return {"file": io.BytesIO(data), "filename": "data.bin"}


def _as_stream(data: bytes, tmp: Path) -> dict[str, Any]:
    return {"file": _Unseekable(data), "filename": "data.bin", "bytes": len(data)}


KINDS: dict[str, Callable[[bytes, Path], dict[str, Any]]] = {
    "str-path": _as_path_str,
    "pathlike": _as_pathlike,
    "bytes": _as_bytes,
    "bytearray": _as_bytearray,
    "memoryview": _as_memoryview,
    "open-file": _as_open_file,
    "bytesio": _as_bytesio,
    "non-seekable-stream": _as_stream,
}


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("size", list(SIZES))
async def test_round_trip_is_byte_exact_and_md5_checked(
    server: EmulatorServer, recorder: Recorder, tmp_path: Path, kind: str, size: str
) -> None:
    data = random_bytes(SIZES[size])
    args = KINDS[kind](data, tmp_path)
    seen: list[str] = []

    async def hook(request: httpx.Request) -> None:
        if request.url.path.endswith("/complete"):
            seen.append(json.loads(await request.aread())["md5"])

    http = httpx.AsyncClient(event_hooks={"request": [hook]})
    async with AsyncOpenAI(
        api_key=API_KEY,
        base_url=server.base_url,
        http_client=http,
        plugins=[FastRetries(), recorder],
    ) as client:
        upload = await client.uploads.upload_file_chunked(
            mime_type="application/octet-stream", purpose="assistants", part_size=PART, **args
        )
        assert upload.status == "completed"
        assert (await client.files.content(upload.file.id)).content == data
    await http.aclose()
    if hasattr(args["file"], "close"):
        args["file"].close()
    assert seen == [md5(data)]
    assert recorder.of("completed")[0].digests["md5"] == md5(data)


async def test_empty_file_completes_with_zero_parts(
    async_client: AsyncOpenAI, tmp_path: Path
) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    upload = await async_client.uploads.upload_file_chunked(
        file=path, mime_type="application/jsonl", purpose="batch"
    )
    assert upload.status == "completed"
    assert (await async_client.files.content(upload.file.id)).content == b""


async def test_file_object_is_read_from_its_current_position(async_client: AsyncOpenAI) -> None:
    stream = io.BytesIO(b"header" + b"payload")
    stream.seek(6)
    upload = await async_client.uploads.upload_file_chunked(
        file=stream, filename="p.bin", mime_type="application/jsonl", purpose="batch"
    )
    assert (await async_client.files.content(upload.file.id)).content == b"payload"


async def test_given_md5_that_matches_completes(async_client: AsyncOpenAI) -> None:
    data = random_bytes(PART + 3)
    upload = await async_client.uploads.upload_file_chunked(
        file=data,
        filename="d",
        bytes=len(data),
        mime_type="application/jsonl",
        purpose="batch",
        part_size=PART,
        md5=md5(data).upper(),
    )
    assert upload.status == "completed"


async def test_default_filename_is_the_path_basename(
    async_client: AsyncOpenAI, tmp_path: Path
) -> None:
    path = tmp_path / "report.csv"
    path.write_bytes(b"a,b\n")
    upload = await async_client.uploads.upload_file_chunked(
        file=path, mime_type="application/jsonl", purpose="batch"
    )
    assert upload.filename == "report.csv"
    assert path.exists()


async def test_md5_none_completes_without_sending_an_md5(server: EmulatorServer) -> None:
    bodies: list[dict[str, object]] = []

    async def hook(request: httpx.Request) -> None:
        if request.url.path.endswith("/complete"):
            bodies.append(json.loads(await request.aread()))

    data = random_bytes(2 * PART + 1)
    async with (
        httpx.AsyncClient(event_hooks={"request": [hook]}) as http,
        AsyncOpenAI(api_key=API_KEY, base_url=server.base_url, http_client=http) as client,
    ):
        upload = await client.uploads.upload_file_chunked(
            file=data,
            filename="no-md5.bin",
            bytes=len(data),
            mime_type="application/jsonl",
            purpose="batch",
            part_size=PART,
            md5=None,
        )
        assert (await client.files.content(upload.file.id)).content == data
    assert len(bodies) == 1
    assert "md5" not in bodies[0]
