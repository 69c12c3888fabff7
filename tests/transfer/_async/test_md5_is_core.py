"""The md5 is the engine's own: computed over the bytes read, a caller's ``md5=`` checked
against it and sent with ``complete``, whatever plugins are loaded."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest

from openai_uploads._client import AsyncOpenAI
from openai_uploads._exceptions import ChecksumMismatchError
from openai_uploads.emulator import EmulatorServer

from ..conftest import API_KEY, PART, md5, random_bytes, status_of


class CompleteBodies:
    """The JSON bodies of the ``complete`` requests a client sends."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, object]] = []

    async def __call__(self, request: httpx.Request) -> None:
        if request.url.path.endswith("/complete"):
            self.bodies.append(json.loads(await request.aread()))


@pytest.fixture
def completes() -> CompleteBodies:
    return CompleteBodies()


@pytest.fixture
async def bare_client(
    server: EmulatorServer, completes: CompleteBodies, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[AsyncOpenAI]:
    """A client with every built-in plugin that can be turned off turned off."""
    monkeypatch.setenv("OPENAI_UPLOADS_PLUGINS", "no:checksum,no:logging")
    http = httpx.AsyncClient(event_hooks={"request": [completes]})
    async with (
        http,
        AsyncOpenAI(api_key=API_KEY, base_url=server.base_url, http_client=http) as client,
    ):
        yield client


async def _upload(client: AsyncOpenAI, data: bytes, **kwargs: object) -> object:
    return await client.uploads.upload_file_chunked(
        file=data,
        filename="d.jsonl",
        bytes=len(data),
        mime_type="application/jsonl",
        purpose="batch",
        part_size=PART,
        **kwargs,  # type: ignore[arg-type]
    )


async def test_a_wrong_md5_is_refused_without_the_checksum_plugin(
    server: EmulatorServer, bare_client: AsyncOpenAI, completes: CompleteBodies
) -> None:
    with pytest.raises(ChecksumMismatchError, match="md5 mismatch") as caught:
        await _upload(bare_client, random_bytes(PART * 2 + 1), md5="0" * 32)
    assert caught.value.upload_cancelled is True
    assert status_of(server, caught.value.upload_id or "") == "cancelled"
    assert completes.bodies == []
    (veto,) = caught.value.details["vetoes"]
    assert (veto.algorithm, veto.expected) == ("md5", "0" * 32)


async def test_the_callers_md5_is_sent_with_complete_without_the_checksum_plugin(
    bare_client: AsyncOpenAI, completes: CompleteBodies
) -> None:
    data = random_bytes(PART * 2 + 1)
    await _upload(bare_client, data, md5=md5(data).upper())
    assert [body["md5"] for body in completes.bodies] == [md5(data)]


async def test_the_md5_read_is_sent_when_none_is_given_without_the_checksum_plugin(
    bare_client: AsyncOpenAI, completes: CompleteBodies
) -> None:
    data = random_bytes(PART + 5)
    await _upload(bare_client, data)
    assert [body["md5"] for body in completes.bodies] == [md5(data)]


async def test_md5_none_sends_no_md5(bare_client: AsyncOpenAI, completes: CompleteBodies) -> None:
    await _upload(bare_client, random_bytes(10), md5=None)
    assert ["md5" in body for body in completes.bodies] == [False]
