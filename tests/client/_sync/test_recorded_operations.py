# Generated from tests/client/_async/test_recorded_operations.py by `python scripts/unasync.py`: do not edit.
"""Every operation against recorded emulator answers (tests/cassettes/).

Replayed with the network blocked; requests must match on method, path, query and body
(multipart included: the fixed boundary keeps part bodies byte-identical). The sync and
the async tests of one name replay the same cassette.
"""

from __future__ import annotations

import hashlib

import pytest

from openai_uploads import (
    AuthenticationError,
    BadRequestError,
    InternalServerError,
    NotFoundError,
    OpenAI,
    RateLimitError,
    Upload,
)

from ..conftest import Recorded

pytestmark = [pytest.mark.vcr, pytest.mark.block_network]

DATA = b"hello, uploads\n" * 64  # 960 bytes, two parts
HALF = len(DATA) // 2


def create_upload(client: OpenAI) -> Upload:
    return client.uploads.create(
        bytes=len(DATA), filename="hello.txt", mime_type="text/plain", purpose="assistants"
    )


def completed_upload(client: OpenAI) -> Upload:
    upload = create_upload(client)
    first = client.uploads.parts.create(upload.id, data=DATA[:HALF])
    second = client.uploads.parts.create(upload.id, data=DATA[HALF:])
    return client.uploads.complete(upload.id, part_ids=[first.id, second.id])


# --------------------------------------------------------------------------- success


def test_create_upload_returns_a_pending_upload(recorded: Recorded) -> None:
    with recorded.client() as client:
        upload = client.uploads.create(
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


def test_add_part_returns_an_upload_part(recorded: Recorded) -> None:
    with recorded.client() as client:
        upload = create_upload(client)
        part = client.uploads.parts.create(upload_id=upload.id, data=DATA[:HALF])
    assert part.upload_id == upload.id
    assert part.object == "upload.part"
    assert part.id


def test_complete_upload_returns_the_file(recorded: Recorded) -> None:
    with recorded.client() as client:
        upload = create_upload(client)
        first = client.uploads.parts.create(upload.id, data=DATA[:HALF])
        second = client.uploads.parts.create(upload.id, data=DATA[HALF:])
        completed = client.uploads.complete(
            upload_id=upload.id,
            part_ids=[first.id, second.id],
            md5=hashlib.md5(DATA).hexdigest(),
        )
    assert completed.status == "completed"
    assert completed.file
    assert completed.file.bytes == len(DATA)
    assert completed.file.filename == "hello.txt"


def test_cancel_upload_returns_a_cancelled_upload(recorded: Recorded) -> None:
    with recorded.client() as client:
        upload = create_upload(client)
        cancelled = client.uploads.cancel(upload_id=upload.id)
    assert cancelled.status == "cancelled"
    assert cancelled.id == upload.id
    assert cancelled.file is None


def test_retrieve_file_returns_the_file_object(recorded: Recorded) -> None:
    with recorded.client() as client:
        completed = completed_upload(client)
        assert completed.file
        file = client.files.retrieve(completed.file.id)
    assert file.id == completed.file.id
    assert file.object == "file"
    assert file.bytes == len(DATA)


def test_file_content_returns_the_uploaded_bytes(recorded: Recorded) -> None:
    with recorded.client() as client:
        completed = completed_upload(client)
        assert completed.file
        assert (client.files.content(completed.file.id)).content == DATA


def test_delete_file_reports_deleted(recorded: Recorded) -> None:
    with recorded.client() as client:
        completed = completed_upload(client)
        assert completed.file
        deleted = client.files.delete(completed.file.id)
    assert deleted.deleted is True
    assert deleted.id == completed.file.id


def test_list_files_pages_through_every_file(recorded: Recorded) -> None:
    with recorded.client() as client:
        ids = [(completed_upload(client)).file.id for _ in range(3)]  # type: ignore[union-attr]
        first = client.files.list(limit=2, order="asc")
        listed = [file.id for file in first]
    assert [file.id for file in first.data] == ids[:2]
    assert first.has_more
    assert listed == ids


def test_create_file_stores_the_file_in_one_request(recorded: Recorded) -> None:
    with recorded.client() as client:
        file = client.files.create(
            file=("hello.txt", DATA),
            purpose="assistants",
            expires_after={"anchor": "created_at", "seconds": 7200},
        )
        assert (client.files.content(file.id)).content == DATA
    assert (file.filename, file.bytes, file.object) == ("hello.txt", len(DATA), "file")
    assert file.expires_at == file.created_at + 7200


# --------------------------------------------------------------------------- errors


def test_bad_request_error_when_cancelling_a_completed_upload(recorded: Recorded) -> None:
    with recorded.client() as client:
        completed = completed_upload(client)
        with pytest.raises(BadRequestError) as info:
            client.uploads.cancel(completed.id)
    assert info.value.status_code == 400
    assert info.value.param == "upload_id"
    assert info.value.request_id


def test_authentication_error_for_a_wrong_key(recorded: Recorded) -> None:
    with recorded.client(api_key="sk-wrong") as client:
        with pytest.raises(AuthenticationError) as info:
            create_upload(client)
    assert info.value.code == "invalid_api_key"


def test_not_found_error_for_an_unknown_upload(recorded: Recorded) -> None:
    with recorded.client() as client:
        with pytest.raises(NotFoundError) as info:
            client.uploads.parts.create("upload_missing", data=b"abc")
    assert info.value.status_code == 404
    assert "upload_missing" in info.value.message


def test_not_found_error_for_an_unknown_file(recorded: Recorded) -> None:
    with recorded.client() as client:
        with pytest.raises(NotFoundError):
            client.files.content("file-missing")


def test_rate_limit_error_after_the_retries(recorded: Recorded) -> None:
    recorded.inject(p_429=1.0, endpoints=frozenset({"create"}), retry_after=0)
    with recorded.client(max_retries=0) as client:
        with pytest.raises(RateLimitError) as info:
            create_upload(client)
    assert info.value.response.headers.get("retry-after") is not None


@pytest.mark.parametrize("status", [500, 503])
def test_internal_server_error_for_5xx(recorded: Recorded, status: int) -> None:
    recorded.inject(**{f"p_{status}": 1.0}, endpoints=frozenset({"create"}))
    with recorded.client(max_retries=0) as client:
        with pytest.raises(InternalServerError) as info:
            create_upload(client)
    assert info.value.status_code == status
