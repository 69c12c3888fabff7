"""The MIME type must be among the supported types of the purpose, as the API requires."""

from __future__ import annotations

import openai
import pytest

from openai_uploads.emulator import EmulatorServer
from openai_uploads.emulator._input import SUPPORTED_MIME_TYPES

from .conftest import new_upload


@pytest.mark.parametrize(
    ("purpose", "mime_type"),
    [
        ("batch", "application/jsonl"),
        ("batch", "text/jsonl"),
        ("fine-tune", "application/x-ndjson"),
        ("evals", "application/jsonl; charset=utf-8"),
        ("fine-tune", "Application/JSONL"),
        ("vision", "image/png"),
        ("vision", "image/webp"),
        ("assistants", "application/pdf"),
        ("assistants", "text/plain"),
        ("assistants", "text/csv"),
        ("user_data", "application/x-anything"),
    ],
)
def test_supported_mime_type_is_accepted(
    client: openai.OpenAI, purpose: str, mime_type: str
) -> None:
    upload = client.uploads.create(
        bytes=1,
        filename="f",
        mime_type=mime_type,
        purpose=purpose,  # type: ignore[arg-type]
    )
    assert upload.status == "pending"


@pytest.mark.parametrize(
    ("purpose", "mime_type"),
    [
        ("batch", "application/octet-stream"),
        ("batch", "text/plain"),
        ("fine-tune", "application/pdf"),
        ("evals", "text/csv"),
        ("vision", "application/pdf"),
        ("vision", "image/svg+xml"),
        ("assistants", "video/mp4"),
        ("assistants", "not a mime type"),
    ],
)
def test_unsupported_mime_type_is_bad_request_naming_the_supported_ones(
    client: openai.OpenAI, emulator: EmulatorServer, purpose: str, mime_type: str
) -> None:
    with pytest.raises(openai.BadRequestError) as info:
        client.uploads.create(
            bytes=1,
            filename="f",
            mime_type=mime_type,
            purpose=purpose,  # type: ignore[arg-type]
        )
    error = info.value.response.json()["error"]
    assert error["param"] == "mime_type"
    assert error["code"] == "unsupported_mime_type"
    supported = SUPPORTED_MIME_TYPES[purpose]
    assert supported is not None
    assert f"not supported for purpose {purpose!r}" in error["message"]
    assert sorted(supported)[0] in error["message"]
    # nothing was created, and the server goes on serving
    assert emulator.store._db.execute("SELECT COUNT(*) FROM uploads").fetchone() == (0,)
    upload_id = new_upload(client, 3)
    part = client.uploads.parts.create(upload_id, data=b"abc")
    assert client.uploads.complete(upload_id, part_ids=[part.id]).status == "completed"
