"""The Azure calls, sync and async, against recorded answers of the emulator's Azure
surface (tests/cassettes/client/test_recorded_azure/).

Replayed with the network blocked; requests must match on method, path, query (the
``api-version`` included) and body. The ``api-key`` and ``Authorization`` headers are
filtered out of the cassettes.
"""

from __future__ import annotations

import hashlib

import pytest

from openai_uploads import (
    AsyncAzureOpenAI,
    AuthenticationError,
    AzureOpenAI,
    NotFoundError,
    OpenAI,
)

from .conftest import TEST_API_KEY, Recorded

pytestmark = [pytest.mark.vcr, pytest.mark.block_network]

VERSION = "2025-04-01-preview"
DATA = b"hello, azure uploads\n" * 48  # 1008 bytes, two parts
HALF = len(DATA) // 2


def _endpoint(recorded: Recorded) -> str:
    return recorded.base_url.removesuffix("/v1")


def _azure(recorded: Recorded, **options: object) -> AzureOpenAI:
    if "azure_ad_token_provider" not in options:
        options.setdefault("api_key", TEST_API_KEY)
    return AzureOpenAI(
        azure_endpoint=_endpoint(recorded),
        api_version=VERSION,
        load_plugins=False,
        **options,  # type: ignore[arg-type]
    )


def test_azure_upload_parts_complete_and_file_calls(recorded: Recorded) -> None:
    with _azure(recorded) as client:
        upload = client.uploads.create(
            bytes=len(DATA), filename="train.jsonl", mime_type="application/jsonl",
            purpose="fine-tune",
        )  # fmt: skip
        assert upload.status == "pending"
        first = client.uploads.parts.create(upload.id, data=DATA[:HALF])
        second = client.uploads.parts.create(upload.id, data=DATA[HALF:])
        completed = client.uploads.complete(
            upload.id, part_ids=[first.id, second.id], md5=hashlib.md5(DATA).hexdigest()
        )
        assert completed.status == "completed"
        assert completed.file is not None
        assert client.files.retrieve(completed.file.id).bytes == len(DATA)
        assert client.files.content(completed.file.id).content == DATA
        assert [f.id for f in client.files.list(limit=5)] == [completed.file.id]
        assert client.files.delete(completed.file.id).deleted is True


def test_azure_cancel_upload(recorded: Recorded) -> None:
    with _azure(recorded) as client:
        upload = client.uploads.create(
            bytes=3, filename="a.txt", mime_type="text/plain", purpose="batch"
        )
        assert client.uploads.cancel(upload.id).status == "cancelled"


def test_azure_token_provider(recorded: Recorded) -> None:
    # The emulator takes its key as the Entra ID token.
    with _azure(recorded, azure_ad_token_provider=lambda: TEST_API_KEY) as client:
        upload = client.uploads.create(
            bytes=3, filename="a.txt", mime_type="text/plain", purpose="assistants"
        )
        part = client.uploads.parts.create(upload.id, data=b"abc")
        assert client.uploads.complete(upload.id, part_ids=[part.id]).status == "completed"


def test_azure_wrong_key_is_an_authentication_error(recorded: Recorded) -> None:
    with (
        _azure(recorded, api_key="sk-wrong") as client,
        pytest.raises(AuthenticationError) as info,
    ):
        client.uploads.cancel("upload_missing")
    assert info.value.status_code == 401
    assert "Access denied" in info.value.message


def test_azure_not_found_keeps_the_api_error(recorded: Recorded) -> None:
    with _azure(recorded) as client, pytest.raises(NotFoundError) as info:
        client.files.retrieve("file-missing")
    assert "file-missing" in info.value.message


def test_azure_v1_surface_with_the_plain_client(recorded: Recorded) -> None:
    with OpenAI(
        base_url=_endpoint(recorded) + "/openai/v1", api_key=TEST_API_KEY, load_plugins=False
    ) as client:
        upload = client.uploads.create(
            bytes=3, filename="a.txt", mime_type="text/plain", purpose="batch"
        )
        assert client.uploads.cancel(upload.id).status == "cancelled"


async def test_async_azure_upload_with_an_async_token_provider(recorded: Recorded) -> None:
    async def token() -> str:
        return TEST_API_KEY

    async with AsyncAzureOpenAI(
        azure_endpoint=_endpoint(recorded),
        api_version=VERSION,
        azure_ad_token_provider=token,
        load_plugins=False,
    ) as client:
        upload = await client.uploads.create(
            bytes=len(DATA), filename="train.jsonl", mime_type="application/jsonl",
            purpose="fine-tune",
        )  # fmt: skip
        first = await client.uploads.parts.create(upload.id, data=DATA[:HALF])
        second = await client.uploads.parts.create(upload.id, data=DATA[HALF:])
        completed = await client.uploads.complete(upload.id, part_ids=[first.id, second.id])
        assert completed.file is not None
        assert (await client.files.content(completed.file.id)).content == DATA
        other = await client.uploads.create(
            bytes=1, filename="b.txt", mime_type="text/plain", purpose="batch"
        )
        assert (await client.uploads.cancel(other.id)).status == "cancelled"
