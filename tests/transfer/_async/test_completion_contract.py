"""``upload_file_chunked`` returns only a completed Upload with its File of the right size.

The servers here are ``httpx.MockTransport`` fakes of the Uploads API whose ``complete``
answers exactly one wrong thing each (a cancelled Upload, no File, another Upload's id,
a File of another size, a still pending Upload): the emulator always answers right.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from openai_uploads import (
    APIResponseValidationError,
    AsyncOpenAI,
    UploadCompletionError,
    UploadError,
)

DATA = b"0123456789" * 100
UPLOAD_ID = "upload_mine"


def upload_json(**changes: Any) -> dict[str, Any]:
    return {
        "id": UPLOAD_ID,
        "object": "upload",
        "bytes": len(DATA),
        "created_at": 1,
        "expires_at": 4_000_000_000,
        "filename": "a.txt",
        "purpose": "batch",
        "status": "pending",
        "file": None,
        **changes,
    }


def file_json(**changes: Any) -> dict[str, Any]:
    return {
        "id": "file-1",
        "object": "file",
        "bytes": len(DATA),
        "created_at": 1,
        "filename": "a.txt",
        "purpose": "batch",
        "status": "processed",
        **changes,
    }


ANSWERS: dict[str, Any] = {
    "cancelled": upload_json(status="cancelled"),
    "completed-without-a-file": upload_json(status="completed", file=None),
    "another-uploads-id": upload_json(id="upload_other", status="completed", file=file_json()),
    "a-file-of-another-size": upload_json(status="completed", file=file_json(bytes=len(DATA) - 1)),
    "still-pending": upload_json(status="pending"),
    "expired": upload_json(status="expired"),
    "completed-without-a-file-key": {
        key: value for key, value in upload_json(status="completed").items() if key != "file"
    },
    "an-unknown-status": upload_json(status="paused"),
    "a-file-that-is-not-an-object": upload_json(status="completed", file="file-1"),
    "a-file-without-bytes": upload_json(status="completed", file={"id": "file-1"}),
    "a-file-whose-bytes-are-a-string": upload_json(
        status="completed", file=file_json(bytes=str(len(DATA)))
    ),
    "no-status": {key: value for key, value in upload_json().items() if key != "status"},
    "not-an-object": ["upload_mine"],
}
STILL_PENDING = {
    "another-uploads-id",
    "still-pending",
    "an-unknown-status",
    "a-file-that-is-not-an-object",
    "a-file-without-bytes",
    "a-file-whose-bytes-are-a-string",
    "no-status",
    "not-an-object",
}
"""Answers after which this Upload may still be pending (another id, a status that is not
final, an answer that is not an Upload): it must be cancelled."""


class FakeAPI:
    """The Uploads API, except that ``complete`` answers ``answer``."""

    def __init__(self, answer: dict[str, Any]) -> None:
        self.answer = answer
        self.calls: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.endswith("/uploads"):
            self.calls.append("create")
            return httpx.Response(200, json=upload_json())
        if path.endswith("/parts"):
            self.calls.append("part")
            return httpx.Response(
                200,
                json={
                    "id": "part_1",
                    "object": "upload.part",
                    "created_at": 1,
                    "upload_id": UPLOAD_ID,
                },
            )
        if path.endswith("/complete"):
            self.calls.append("complete")
            return httpx.Response(200, json=self.answer)
        if path.endswith("/cancel"):
            self.calls.append("cancel")
            return httpx.Response(200, json=upload_json(status="cancelled"))
        raise AssertionError(f"unexpected request {request.method} {path}")


ARGS: dict[str, Any] = {
    "file": DATA,
    "filename": "a.txt",
    "bytes": len(DATA),
    "mime_type": "text/plain",
    "purpose": "batch",
}


def fake_client(api: Callable[[httpx.Request], httpx.Response]) -> AsyncOpenAI:
    return AsyncOpenAI(
        api_key="sk-test",
        base_url="http://fake.test/v1",
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(api)),
        load_plugins=False,
    )


def check(error: UploadCompletionError, answer: str, api: FakeAPI) -> None:
    assert isinstance(error, UploadError)
    assert error.upload_id == UPLOAD_ID
    assert UPLOAD_ID in str(error)
    if answer in STILL_PENDING:
        assert api.calls[-1] == "cancel"
        assert error.upload_cancelled
    else:
        assert "cancel" not in api.calls
        assert not error.upload_cancelled


@pytest.mark.parametrize("answer", list(ANSWERS))
async def test_a_wrong_answer_to_complete_raises_an_upload_error(answer: str) -> None:
    api = FakeAPI(ANSWERS[answer])
    async with fake_client(api) as client:
        with pytest.raises(UploadCompletionError) as info:
            await client.uploads.upload_file_chunked(**ARGS)
    check(info.value, answer, api)


async def test_a_right_answer_to_complete_is_returned() -> None:
    api = FakeAPI(upload_json(status="completed", file=file_json()))
    async with fake_client(api) as client:
        upload = await client.uploads.upload_file_chunked(**ARGS)
    assert upload.file is not None
    assert upload.file.bytes == len(DATA)
    assert api.calls == ["create", "part", "complete"]


async def test_the_error_names_the_status_the_answer_gave() -> None:
    api = FakeAPI(ANSWERS["cancelled"])
    async with fake_client(api) as client:
        with pytest.raises(UploadCompletionError) as info:
            await client.uploads.upload_file_chunked(**ARGS)
    assert info.value.status == "cancelled"
    assert "'cancelled'" in str(info.value)


async def test_an_answer_to_complete_that_is_not_an_upload_names_why() -> None:
    api = FakeAPI(ANSWERS["a-file-that-is-not-an-object"])
    async with fake_client(api) as client:
        with pytest.raises(UploadCompletionError) as info:
            await client.uploads.upload_file_chunked(**ARGS)
    assert "not an Upload" in str(info.value)
    assert isinstance(info.value.__cause__, APIResponseValidationError)
