# Generated from tests/transfer/_async/test_round_trip.py by `python scripts/unasync.py`: do not edit.
"""Byte-exact round trips through the emulator, for every input kind."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from openai_uploads._client import OpenAI
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
def test_round_trip_is_byte_exact_and_md5_checked(
    server: EmulatorServer, recorder: Recorder, tmp_path: Path, kind: str, size: str
) -> None:
    data = random_bytes(SIZES[size])
    args = KINDS[kind](data, tmp_path)
    seen: list[str] = []

    def hook(request: httpx.Request) -> None:
        if request.url.path.endswith("/complete"):
            seen.append(json.loads(request.read())["md5"])

    http = httpx.Client(event_hooks={"request": [hook]})
    with OpenAI(
        api_key=API_KEY,
        base_url=server.base_url,
        http_client=http,
        plugins=[FastRetries(), recorder],
    ) as client:
        upload = client.uploads.upload_file_chunked(
            mime_type="application/octet-stream", purpose="assistants", part_size=PART, **args
        )
        assert upload.status == "completed"
        assert (client.files.content(upload.file.id)).content == data
    http.close()
    if hasattr(args["file"], "close"):
        args["file"].close()
    assert seen == [md5(data)]
    assert recorder.of("completed")[0].digests["md5"] == md5(data)


def test_empty_file_completes_with_zero_parts(client: OpenAI, tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    upload = client.uploads.upload_file_chunked(
        file=path, mime_type="application/jsonl", purpose="batch"
    )
    assert upload.status == "completed"
    assert (client.files.content(upload.file.id)).content == b""


def test_file_object_is_read_from_its_current_position(client: OpenAI) -> None:
    stream = io.BytesIO(b"header" + b"payload")
    stream.seek(6)
    upload = client.uploads.upload_file_chunked(
        file=stream, filename="p.bin", mime_type="application/jsonl", purpose="batch"
    )
    assert (client.files.content(upload.file.id)).content == b"payload"


def test_given_md5_that_matches_completes(client: OpenAI) -> None:
    data = random_bytes(PART + 3)
    upload = client.uploads.upload_file_chunked(
        file=data,
        filename="d",
        bytes=len(data),
        mime_type="application/jsonl",
        purpose="batch",
        part_size=PART,
        md5=md5(data).upper(),
    )
    assert upload.status == "completed"


def test_default_filename_is_the_path_basename(client: OpenAI, tmp_path: Path) -> None:
    path = tmp_path / "report.csv"
    path.write_bytes(b"a,b\n")
    upload = client.uploads.upload_file_chunked(
        file=path, mime_type="application/jsonl", purpose="batch"
    )
    assert upload.filename == "report.csv"
    assert path.exists()


def test_md5_none_completes_without_sending_an_md5(server: EmulatorServer) -> None:
    bodies: list[dict[str, object]] = []

    def hook(request: httpx.Request) -> None:
        if request.url.path.endswith("/complete"):
            bodies.append(json.loads(request.read()))

    data = random_bytes(2 * PART + 1)
    with (
        httpx.Client(event_hooks={"request": [hook]}) as http,
        OpenAI(api_key=API_KEY, base_url=server.base_url, http_client=http) as client,
    ):
        upload = client.uploads.upload_file_chunked(
            file=data,
            filename="no-md5.bin",
            bytes=len(data),
            mime_type="application/jsonl",
            purpose="batch",
            part_size=PART,
            md5=None,
        )
        assert (client.files.content(upload.file.id)).content == data
    assert len(bodies) == 1
    assert "md5" not in bodies[0]
