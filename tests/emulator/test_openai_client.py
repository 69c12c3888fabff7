"""The official openai package cannot tell the emulator from the API."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import openai

from openai_uploads.emulator import EmulatorServer

from .conftest import API_KEY, md5, new_upload


def test_create_add_parts_complete_with_md5(client: openai.OpenAI) -> None:
    data = os.urandom(300_000)
    upload = client.uploads.create(
        bytes=len(data), filename="notes.jsonl", mime_type="text/jsonl", purpose="batch"
    )
    assert upload.status == "pending"
    assert upload.object == "upload"
    assert upload.id.startswith("upload_")
    assert upload.expires_at == upload.created_at + 3600
    parts = [
        client.uploads.parts.create(upload.id, data=data[i : i + 100_000])
        for i in range(0, len(data), 100_000)
    ]
    assert all(p.id.startswith("part_") and p.object == "upload.part" for p in parts)
    assert all(p.upload_id == upload.id for p in parts)
    done = client.uploads.complete(upload.id, part_ids=[p.id for p in parts], md5=md5(data))
    assert done.status == "completed"
    assert done.file is not None
    assert client.files.content(done.file.id).content == data


def test_complete_returns_processed_file(client: openai.OpenAI) -> None:
    data = os.urandom(250_000)
    upload_id = new_upload(client, len(data), "report.pdf")
    first = client.uploads.parts.create(upload_id, data=data[:200_000])
    second = client.uploads.parts.create(upload_id, data=data[200_000:])
    done = client.uploads.complete(upload_id, part_ids=[first.id, second.id], md5=md5(data))
    assert done.status == "completed"
    assert done.file is not None
    assert done.file.id.startswith("file-")
    assert done.file.bytes == len(data)
    assert done.file.filename == "report.pdf"
    assert done.file.status == "processed"
    assert done.file.expires_at is None
    assert client.files.retrieve(done.file.id).bytes == len(data)
    assert client.files.content(done.file.id).content == data


def test_parts_are_assembled_in_the_order_given(client: openai.OpenAI) -> None:
    upload_id = new_upload(client, 6)
    b = client.uploads.parts.create(upload_id, data=b"bbb")
    a = client.uploads.parts.create(upload_id, data=b"aaa")
    done = client.uploads.complete(upload_id, part_ids=[a.id, b.id], md5=md5(b"aaabbb"))
    assert done.file is not None
    assert client.files.content(done.file.id).content == b"aaabbb"


def test_cancel_reports_cancelled_without_file_key(emulator: EmulatorServer) -> None:
    headers = {"Authorization": f"Bearer {API_KEY}"}
    with httpx.Client(base_url=emulator.base_url, headers=headers) as http:
        created = http.post(
            "/uploads",
            json={"bytes": 10, "filename": "x", "mime_type": "image/png", "purpose": "vision"},
        ).json()
        assert "file" not in created
        cancelled = http.post(f"/uploads/{created['id']}/cancel")
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert "file" not in cancelled.json()


def test_openai_cancel(client: openai.OpenAI) -> None:
    upload_id = new_upload(client, 10)
    client.uploads.parts.create(upload_id, data=b"12345")
    assert client.uploads.cancel(upload_id).status == "cancelled"


def test_upload_file_chunked_50mb_in_8mb_parts(client: openai.OpenAI, tmp_path: Path) -> None:
    path = tmp_path / "big.bin"
    data = os.urandom(50 * 1000 * 1000)
    path.write_bytes(data)
    done = client.uploads.upload_file_chunked(
        file=path,
        mime_type="application/octet-stream",
        purpose="assistants",
        part_size=8 * 1024 * 1024,
        md5=md5(data),
    )
    assert done.status == "completed"
    assert done.file is not None
    assert done.file.filename == "big.bin"
    assert client.files.retrieve(done.file.id).bytes == len(data)
    assert client.files.content(done.file.id).content == data


def test_file_expires_at_follows_expires_after(client: openai.OpenAI) -> None:
    upload = client.uploads.create(
        bytes=3,
        filename="x.txt",
        mime_type="text/plain",
        purpose="assistants",
        expires_after={"anchor": "created_at", "seconds": 7200},
    )
    part = client.uploads.parts.create(upload.id, data=b"abc")
    done = client.uploads.complete(upload.id, part_ids=[part.id])
    assert done.file is not None
    assert done.file.expires_at == done.file.created_at + 7200


def test_delete_file_then_not_found(client: openai.OpenAI) -> None:
    upload_id = new_upload(client, 3)
    part = client.uploads.parts.create(upload_id, data=b"abc")
    done = client.uploads.complete(upload_id, part_ids=[part.id])
    assert done.file is not None
    deleted = client.files.delete(done.file.id)
    assert deleted.deleted is True
    assert deleted.id == done.file.id
    try:
        client.files.retrieve(done.file.id)
    except openai.NotFoundError:
        pass
    else:  # pragma: no cover
        raise AssertionError("a deleted file is still served")


def test_every_response_has_a_request_id(emulator: EmulatorServer) -> None:
    with httpx.Client(base_url=emulator.base_url) as http:
        ok = http.post(
            "/_sink",
            content=b"x" * 10,
            headers={"Authorization": f"Bearer {API_KEY}", "Content-Type": "application/json"},
        )
        unauthorized = http.get("/files/file-nope")
    assert ok.status_code == 200
    assert ok.headers["x-request-id"].startswith("req_")
    assert unauthorized.headers["x-request-id"].startswith("req_")
    assert ok.headers["x-request-id"] != unauthorized.headers["x-request-id"]


def test_sink_counts_and_discards_the_body(emulator: EmulatorServer) -> None:
    def body() -> object:
        chunk = b"\0" * 1_000_000
        for _ in range(20):
            yield chunk

    headers = {"Authorization": f"Bearer {API_KEY}", "Content-Type": "application/octet-stream"}
    response = httpx.post(
        f"{emulator.base_url}/_sink",
        content=body(),  # type: ignore[arg-type]
        headers=headers,
    )
    assert response.json() == {"object": "emulator.sink", "bytes": 20_000_000}
