# Generated from tests/transfer/_async/test_md5_is_core.py by `python scripts/unasync.py`: do not edit.
"""The md5 is the engine's own: computed over the bytes read, a caller's ``md5=`` checked
against it and sent with ``complete``, whatever plugins are loaded."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from openai_uploads._client import OpenAI
from openai_uploads._exceptions import ChecksumMismatchError
from openai_uploads.emulator import EmulatorServer

from ..conftest import API_KEY, PART, md5, random_bytes, status_of


class CompleteBodies:
    """The JSON bodies of the ``complete`` requests a client sends."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, object]] = []

    def __call__(self, request: httpx.Request) -> None:
        if request.url.path.endswith("/complete"):
            self.bodies.append(json.loads(request.read()))


@pytest.fixture
def completes() -> CompleteBodies:
    return CompleteBodies()


@pytest.fixture
def bare_client(
    server: EmulatorServer, completes: CompleteBodies, monkeypatch: pytest.MonkeyPatch
) -> Iterator[OpenAI]:
    """A client with every built-in plugin that can be turned off turned off."""
    monkeypatch.setenv("OPENAI_UPLOADS_PLUGINS", "no:checksum,no:logging")
    http = httpx.Client(event_hooks={"request": [completes]})
    with (
        http,
        OpenAI(api_key=API_KEY, base_url=server.base_url, http_client=http) as client,
    ):
        yield client


def _upload(client: OpenAI, data: bytes, **kwargs: object) -> object:
    return client.uploads.upload_file_chunked(
        file=data,
        filename="d.jsonl",
        bytes=len(data),
        mime_type="application/jsonl",
        purpose="batch",
        part_size=PART,
        **kwargs,  # type: ignore[arg-type]
    )


def test_a_wrong_md5_is_refused_without_the_checksum_plugin(
    server: EmulatorServer, bare_client: OpenAI, completes: CompleteBodies
) -> None:
    with pytest.raises(ChecksumMismatchError, match="md5 mismatch") as caught:
        _upload(bare_client, random_bytes(PART * 2 + 1), md5="0" * 32)
    assert caught.value.upload_cancelled is True
    assert status_of(server, caught.value.upload_id or "") == "cancelled"
    assert completes.bodies == []
    (veto,) = caught.value.details["vetoes"]
    assert (veto.algorithm, veto.expected) == ("md5", "0" * 32)


def test_the_callers_md5_is_sent_with_complete_without_the_checksum_plugin(
    bare_client: OpenAI, completes: CompleteBodies
) -> None:
    data = random_bytes(PART * 2 + 1)
    _upload(bare_client, data, md5=md5(data).upper())
    assert [body["md5"] for body in completes.bodies] == [md5(data)]


def test_the_md5_read_is_sent_when_none_is_given_without_the_checksum_plugin(
    bare_client: OpenAI, completes: CompleteBodies
) -> None:
    data = random_bytes(PART + 5)
    _upload(bare_client, data)
    assert [body["md5"] for body in completes.bodies] == [md5(data)]


def test_md5_none_sends_no_md5(bare_client: OpenAI, completes: CompleteBodies) -> None:
    _upload(bare_client, random_bytes(10), md5=None)
    assert ["md5" in body for body in completes.bodies] == [False]
