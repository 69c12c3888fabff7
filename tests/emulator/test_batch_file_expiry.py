"""As the API documents (FileExpirationAfter): a ``batch`` File made without
``expires_after`` expires 30 days after it is created, whether it was made by an Upload
or by ``files.create``; other Files stay until deleted."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import openai
import pytest

from openai_uploads.emulator import ManualClock

THIRTY_DAYS = 30 * 24 * 3600


MakeFile = Callable[..., openai.types.FileObject]


def _by_upload(client: openai.OpenAI, **kwargs: Any) -> openai.types.FileObject:
    upload = client.uploads.create(
        bytes=3, filename="requests.jsonl", mime_type="text/jsonl", purpose="batch", **kwargs
    )
    part = client.uploads.parts.create(upload.id, data=b"{}\n")
    done = client.uploads.complete(upload.id, part_ids=[part.id])
    assert done.file is not None
    return done.file


def _by_files_create(client: openai.OpenAI, **kwargs: Any) -> openai.types.FileObject:
    return client.files.create(file=("requests.jsonl", b"{}\n"), purpose="batch", **kwargs)


@pytest.fixture(params=[_by_upload, _by_files_create], ids=["uploads", "files.create"])
def batch_file(request: pytest.FixtureRequest) -> MakeFile:
    make: MakeFile = request.param
    return make


def test_a_batch_file_without_expires_after_expires_in_30_days(
    client: openai.OpenAI, batch_file: MakeFile
) -> None:
    file = batch_file(client)
    assert file.expires_at == file.created_at + THIRTY_DAYS
    assert client.files.retrieve(file.id).expires_at == file.created_at + THIRTY_DAYS


def test_expires_after_overrides_the_batch_default(
    client: openai.OpenAI, batch_file: MakeFile
) -> None:
    file = batch_file(client, expires_after={"anchor": "created_at", "seconds": 7200})
    assert file.expires_at == file.created_at + 7200


def test_a_batch_file_is_gone_after_30_days(
    client: openai.OpenAI, clock: ManualClock, batch_file: MakeFile
) -> None:
    file = batch_file(client)
    clock.advance(THIRTY_DAYS - 1)
    assert client.files.retrieve(file.id).id == file.id
    clock.advance(1)
    with pytest.raises(openai.NotFoundError):
        client.files.retrieve(file.id)


def test_a_file_of_another_purpose_does_not_expire_by_default(
    client: openai.OpenAI, clock: ManualClock
) -> None:
    upload = client.uploads.create(
        bytes=3, filename="notes.txt", mime_type="text/plain", purpose="assistants"
    )
    part = client.uploads.parts.create(upload.id, data=b"abc")
    done = client.uploads.complete(upload.id, part_ids=[part.id])
    assert done.file is not None
    assert done.file.expires_at is None
    clock.advance(THIRTY_DAYS * 12)
    assert client.files.retrieve(done.file.id).expires_at is None
