"""Every operation against recorded emulator answers (tests/cassettes/).

Replayed with the network blocked; requests must match on method, path, query and body
(multipart included: the fixed boundary keeps part bodies byte-identical). The sync and
the async tests of one name replay the same cassette.
"""

from __future__ import annotations

import hashlib

import pytest

from openai_uploads import (
    AsyncOpenAI,
    AuthenticationError,
    BadRequestError,
    InternalServerError,
    NotFoundError,
    RateLimitError,
    Upload,
)

from ..conftest import Recorded

pytestmark = [pytest.mark.vcr, pytest.mark.block_network]

DATA = b"hello, uploads\n" * 64  # 960 bytes, two parts
HALF = len(DATA) // 2


async def create_upload(client: AsyncOpenAI) -> Upload:
    return await client.uploads.create(
        bytes=len(DATA), filename="hello.txt", mime_type="text/plain", purpose="assistants"
    )


async def completed_upload(client: AsyncOpenAI) -> Upload:
    upload = await create_upload(client)
    first = await client.uploads.parts.create(upload.id, data=DATA[:HALF])
    second = await client.uploads.parts.create(upload.id, data=DATA[HALF:])
    return await client.uploads.complete(upload.id, part_ids=[first.id, second.id])


# --------------------------------------------------------------------------- success


async def test_create_upload_returns_a_pending_upload(recorded: Recorded) -> None:
    async with recorded.async_client() as client:
        upload = await client.uploads.create(
            bytes=len(DATA),
            filename="hello.txt",
            mime_type="text/plain",
            purpose="assistants",
            expires_after={"anchor": "created_at", "days": 7},
        )
    assert upload.status == "pending"
    assert upload.bytes == len(DATA)
    assert upload.object == "upload"
    assert upload.filename == "hello.txt"
    assert upload.file is None


async def test_add_part_returns_an_upload_part(recorded: Recorded) -> None:
    async with recorded.async_client() as client:
        upload = await create_upload(client)
        part = await client.uploads.parts.create(upload_id=upload.id, data=DATA[:HALF])
    assert part.upload_id == upload.id
    assert part.object == "upload.part"
    assert part.id


async def test_complete_upload_returns_the_file(recorded: Recorded) -> None:
    async with recorded.async_client() as client:
        upload = await create_upload(client)
        first = await client.uploads.parts.create(upload.id, data=DATA[:HALF])
        second = await client.uploads.parts.create(upload.id, data=DATA[HALF:])
        completed = await client.uploads.complete(
            upload_id=upload.id,
            part_ids=[first.id, second.id],
            md5=hashlib.md5(DATA).hexdigest(),
        )
    assert completed.status == "completed"
    assert completed.file
    assert completed.file.bytes == len(DATA)
    assert completed.file.filename == "hello.txt"


async def test_cancel_upload_returns_a_cancelled_upload(recorded: Recorded) -> None:
    async with recorded.async_client() as client:
        upload = await create_upload(client)
        cancelled = await client.uploads.cancel(upload_id=upload.id)
    assert cancelled.status == "cancelled"
    assert cancelled.id == upload.id
    assert cancelled.file is None


async def test_retrieve_file_returns_the_file_object(recorded: Recorded) -> None:
    async with recorded.async_client() as client:
        completed = await completed_upload(client)
        assert completed.file
        file = await client.files.retrieve(completed.file.id)
    assert file.id == completed.file.id
    assert file.object == "file"
    assert file.bytes == len(DATA)


async def test_file_content_returns_the_uploaded_bytes(recorded: Recorded) -> None:
    async with recorded.async_client() as client:
        completed = await completed_upload(client)
        assert completed.file
        assert (await client.files.content(completed.file.id)).content == DATA


async def test_delete_file_reports_deleted(recorded: Recorded) -> None:
    async with recorded.async_client() as client:
        completed = await completed_upload(client)
        assert completed.file
        deleted = await client.files.delete(completed.file.id)
    assert deleted.deleted is True
    assert deleted.id == completed.file.id


async def test_list_files_pages_through_every_file(recorded: Recorded) -> None:
    async with recorded.async_client() as client:
        ids = [(await completed_upload(client)).file.id for _ in range(3)]  # type: ignore[union-attr]
        first = await client.files.list(limit=2, order="asc")
        listed = [file.id async for file in first]
    assert [file.id for file in first.data] == ids[:2]
    assert first.has_more
    assert listed == ids


async def test_create_file_stores_the_file_in_one_request(recorded: Recorded) -> None:
    async with recorded.async_client() as client:
        file = await client.files.create(
            file=("hello.txt", DATA),
            purpose="assistants",
            expires_after={"anchor": "created_at", "seconds": 7200},
        )
        assert (await client.files.content(file.id)).content == DATA
    assert (file.filename, file.bytes, file.object) == ("hello.txt", len(DATA), "file")
    assert file.expires_at == file.created_at + 7200


# --------------------------------------------------------------------------- errors


async def test_bad_request_error_when_cancelling_a_completed_upload(recorded: Recorded) -> None:
    async with recorded.async_client() as client:
        completed = await completed_upload(client)
        with pytest.raises(BadRequestError) as info:
            await client.uploads.cancel(completed.id)
    assert info.value.status_code == 400
    assert info.value.param == "upload_id"
    assert info.value.request_id


async def test_authentication_error_for_a_wrong_key(recorded: Recorded) -> None:
    async with recorded.async_client(api_key="sk-wrong") as client:
        with pytest.raises(AuthenticationError) as info:
            await create_upload(client)
    assert info.value.code == "invalid_api_key"


async def test_not_found_error_for_an_unknown_upload(recorded: Recorded) -> None:
    async with recorded.async_client() as client:
        with pytest.raises(NotFoundError) as info:
            await client.uploads.parts.create("upload_missing", data=b"abc")
    assert info.value.status_code == 404
    assert "upload_missing" in info.value.message


async def test_not_found_error_for_an_unknown_file(recorded: Recorded) -> None:
    async with recorded.async_client() as client:
        with pytest.raises(NotFoundError):
            await client.files.content("file-missing")


async def test_rate_limit_error_after_the_retries(recorded: Recorded) -> None:
    recorded.inject(p_429=1.0, endpoints=frozenset({"create"}), retry_after=0)
    async with recorded.async_client(max_retries=0) as client:
        with pytest.raises(RateLimitError) as info:
            await create_upload(client)
    assert info.value.response.headers.get("retry-after") is not None


@pytest.mark.parametrize("status", [500, 503])
async def test_internal_server_error_for_5xx(recorded: Recorded, status: int) -> None:
    recorded.inject(**{f"p_{status}": 1.0}, endpoints=frozenset({"create"}))
    async with recorded.async_client(max_retries=0) as client:
        with pytest.raises(InternalServerError) as info:
            await create_upload(client)
    assert info.value.status_code == status
