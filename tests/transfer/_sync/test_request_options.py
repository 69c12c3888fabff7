# Generated from tests/transfer/_async/test_request_options.py by `python scripts/unasync.py`: do not edit.
"""``upload_file_chunked``'s ``extra_headers``, ``extra_query``, ``extra_body`` and
``timeout`` reach every request it makes: create, each part, complete, and cancel.

Headers, query and timeout are checked against the emulator. It refuses a body field it
does not know, as the API does, so ``extra_body`` is checked against a fake of the API
(``test_completion_contract.FakeAPI``) that records what each request carried."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from openai_uploads._client import OpenAI
from openai_uploads._exceptions import ChecksumMismatchError
from openai_uploads.emulator import EmulatorServer

from ..conftest import API_KEY, PART, in_memory, random_bytes
from .test_completion_contract import ARGS as FAKE_ARGS
from .test_completion_contract import DATA, FakeAPI, file_json, upload_json

OPTIONS = {"extra_headers": {"X-Team": "ml"}, "extra_query": {"trace": "t1"}, "timeout": 17.5}


class Seen:
    """What each request carried: (its last path segment, header, query, read timeout)."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str | None, str | None, float | None]] = []

    def record(self, request: httpx.Request) -> None:
        self.requests.append(
            (
                request.url.path.rsplit("/", 1)[-1],
                request.headers.get("x-team"),
                request.url.params.get("trace"),
                request.extensions["timeout"]["read"],
            )
        )

    def operations(self) -> list[str]:
        named = ("uploads", "complete", "cancel")
        return [path if path in named else "part" for path, *_ in self.requests]


def _kwargs(data: bytes) -> dict[str, object]:
    return in_memory(data, filename="d.jsonl", **OPTIONS)


@pytest.fixture
def seen() -> Seen:
    return Seen()


@pytest.fixture
def client(server: EmulatorServer, seen: Seen) -> Iterator[OpenAI]:
    def hook(request: httpx.Request) -> None:
        seen.record(request)

    http = httpx.Client(event_hooks={"request": [hook]})
    with http, OpenAI(api_key=API_KEY, base_url=server.base_url, http_client=http) as c:
        yield c


def test_create_every_part_and_complete_carry_the_request_options(
    client: OpenAI, seen: Seen
) -> None:
    client.uploads.upload_file_chunked(**_kwargs(random_bytes(PART * 3)))  # type: ignore[arg-type]
    assert seen.operations() == ["uploads", "part", "part", "part", "complete"]
    assert {request[1:] for request in seen.requests} == {("ml", "t1", 17.5)}


def test_a_cancel_after_a_failure_carries_them_with_its_timeout_capped(
    client: OpenAI, seen: Seen
) -> None:
    with pytest.raises(ChecksumMismatchError):
        client.uploads.upload_file_chunked(
            **_kwargs(random_bytes(PART)),  # type: ignore[arg-type]
            md5="0" * 32,
        )
    cancel = seen.requests[-1]
    assert seen.operations()[-1] == "cancel"
    assert cancel[1:] == ("ml", "t1", 4.0)


def test_extra_body_reaches_create_every_part_complete_and_cancel() -> None:
    api = FakeAPI(upload_json(status="completed", file=file_json()))
    bodies: list[tuple[str, bool]] = []

    def recording(request: httpx.Request) -> httpx.Response:
        bodies.append((request.url.path.rsplit("/", 1)[-1], b"n1" in request.read()))
        return api(request)

    http = httpx.Client(transport=httpx.MockTransport(recording))
    with (
        http,
        OpenAI(api_key="sk-fake", base_url="http://api.test/v1", http_client=http) as c,
    ):
        c.uploads.upload_file_chunked(
            **{**FAKE_ARGS, "part_size": len(DATA) // 2}, extra_body={"note": "n1"}
        )
        with pytest.raises(ChecksumMismatchError):
            c.uploads.upload_file_chunked(**FAKE_ARGS, md5="0" * 32, extra_body={"note": "n1"})
    assert [path for path, _ in bodies] == [
        "uploads",
        "parts",
        "parts",
        "complete",
        "uploads",
        "parts",
        "cancel",
    ]
    assert all(carried for _, carried in bodies)
