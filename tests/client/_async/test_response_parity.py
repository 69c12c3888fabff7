"""Raw and streamed responses, ``_request_id`` and ``files.content()`` answer as
openai-python's do, for the same calls.

Both clients run over one mock handler (openai-python over its own httpx's
``MockTransport``, this package over httpx's), which records what each sends and answers
both the same: the point is to compare what each returns, raises and sends, which needs
no server. That a streamed body is not read up front is shown against the emulator,
where a body really streams.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import openai
import openai.lib.azure as openai_azure
import pytest

from openai_uploads import AsyncOpenAI
from openai_uploads._raw_response import StreamAlreadyConsumed

from ..test_azure_wire_parity import _answer  # the API's answers, by route

httpx2: Any = getattr(openai_azure, "httpx2", httpx)
"""The httpx openai-python is built on (newer releases use the ``httpx2`` fork)."""

KEY = "sk-parity"
BASE_URL = "https://api.example.test/v1"
REQUEST_ID = "req_parity_1"
CONTENT = '{"prompt": "héllo"}\n{"prompt": "wörld"}\n'.encode()
ERROR = {"error": {"message": "No such File", "type": "invalid_request_error", "code": None}}

METHODS: dict[str, tuple[tuple[Any, ...], dict[str, Any]]] = {
    "uploads.create": (
        (),
        {"bytes": 3, "filename": "a.jsonl", "mime_type": "application/jsonl", "purpose": "batch"},
    ),
    "uploads.complete": (("upload_abc",), {"part_ids": ["part_1"]}),
    "uploads.cancel": (("upload_abc",), {}),
    "uploads.parts.create": (("upload_abc",), {"data": b"abc"}),
    "files.list": ((), {"limit": 2}),
    "files.retrieve": (("file-1",), {}),
    "files.content": (("file-1",), {}),
    "files.delete": (("file-1",), {}),
}


class Wire:
    """The one handler both clients are served by: answers by route (after the scripted
    ``replies``), and records what each client sends."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []
        self.replies: list[int] = []
        self.request_id: str | None = REQUEST_ID

    def handler(self, lib: Any) -> Callable[[Any], Any]:
        def handle(request: Any) -> Any:
            body = request.read()
            kind = request.headers.get("content-type", "").split(";")[0] if body else None
            shown = json.loads(body) if kind == "application/json" else kind
            self.sent.append((request.method, str(request.url), json.dumps(shown, sort_keys=True)))
            status = self.replies.pop(0) if self.replies else 200
            headers = {"retry-after-ms": "1"}
            if self.request_id is not None:
                headers["x-request-id"] = self.request_id
            if status >= 400:
                return lib.Response(status, json=ERROR, headers=headers)
            if request.url.path.endswith("/content"):
                headers["content-type"] = "application/octet-stream"
                return lib.Response(status, content=CONTENT, headers=headers)
            return lib.Response(
                status, json=_answer(request.method, request.url.path), headers=headers
            )

        return handle


@pytest.fixture
def wire() -> Wire:
    return Wire()


@pytest.fixture
async def ours(wire: Wire) -> Any:
    http = httpx.AsyncClient(transport=httpx.MockTransport(wire.handler(httpx)))
    async with AsyncOpenAI(api_key=KEY, base_url=BASE_URL, http_client=http) as client:
        yield client


@pytest.fixture
async def theirs(wire: Wire) -> Any:
    http = httpx2.AsyncClient(transport=httpx2.MockTransport(wire.handler(httpx2)))
    async with openai.AsyncOpenAI(api_key=KEY, base_url=BASE_URL, http_client=http) as client:
        yield client


def method_of(client: Any, path: str, kind: str | None = None) -> Any:
    """``client.files.retrieve``, or with ``kind``: ``client.files.<kind>.retrieve``."""
    *resources, name = path.split(".")
    target = client
    for resource in resources:
        target = getattr(target, resource)
    if kind is not None:
        target = getattr(target, kind)
    return getattr(target, name)


def shape(value: Any) -> Any:
    """What must be equal of a result: a model's repr (its class and fields), a page's
    class and items, a binary content's bytes."""
    if hasattr(value, "data") and hasattr(value, "has_more"):
        page = type(value).__name__.split("[")[0]  # openai-python's: AsyncCursorPage[FileObject]
        return page, [repr(item) for item in value.data], value.has_more
    if hasattr(value, "to_dict"):
        return repr(value)
    return value if isinstance(value, bytes) else value.content


async def raw_call(client: Any, path: str) -> Any:
    args, kwargs = METHODS[path]
    return await method_of(client, path, "with_raw_response")(*args, **kwargs)


def response_facts(response: Any) -> dict[str, Any]:
    return {
        "status_code": response.status_code,
        "headers": dict(response.headers),
        "request_id": response.request_id,
        "method": response.method,
        "url": str(response.url),
        "http_request": (response.http_request.method, str(response.http_request.url)),
        "retries_taken": response.retries_taken,
        "http_version": response.http_version,
    }


@pytest.mark.parametrize("path", list(METHODS))
async def test_a_raw_response_tells_what_openai_pythons_does(
    ours: Any, theirs: Any, path: str
) -> None:
    mine, their = await raw_call(ours, path), await raw_call(theirs, path)
    assert response_facts(mine) == response_facts(their)
    assert (mine.content, mine.text, mine.is_closed) == (their.content, their.text, their.is_closed)
    assert mine.elapsed.total_seconds() > 0
    assert shape(mine.parse()) == shape(their.parse())
    assert mine.parse() is mine.parse()


@pytest.mark.parametrize("path", list(METHODS))
async def test_a_raw_call_sends_what_the_plain_call_and_openai_python_send(
    ours: Any, theirs: Any, wire: Wire, path: str
) -> None:
    args, kwargs = METHODS[path]
    await raw_call(ours, path)
    await method_of(ours, path)(*args, **kwargs)
    await raw_call(theirs, path)
    raw, plain, their = wire.sent
    assert raw == plain == their


@pytest.mark.parametrize("path", list(METHODS))
async def test_parse_gives_what_the_plain_call_returns(ours: Any, path: str) -> None:
    args, kwargs = METHODS[path]
    parsed = (await raw_call(ours, path)).parse()
    assert shape(parsed) == shape(await method_of(ours, path)(*args, **kwargs))


@pytest.mark.parametrize("path", list(METHODS))
async def test_a_streamed_response_tells_what_openai_pythons_does(
    ours: Any, theirs: Any, path: str
) -> None:
    args, kwargs = METHODS[path]
    streamed = "with_streaming_response"
    async with (
        method_of(ours, path, streamed)(*args, **kwargs) as mine,
        method_of(theirs, path, streamed)(*args, **kwargs) as their,
    ):
        assert response_facts(mine) == response_facts(their)
        assert mine.is_closed == their.is_closed
        mine_body = [chunk async for chunk in mine.iter_bytes()]
        their_body = [chunk async for chunk in their.iter_bytes()]
        assert b"".join(mine_body) == b"".join(their_body)
    assert mine.is_closed
    assert their.is_closed


@pytest.mark.parametrize("path", list(METHODS))
async def test_a_streamed_parse_gives_what_openai_pythons_gives(
    ours: Any, theirs: Any, path: str
) -> None:
    args, kwargs = METHODS[path]
    streamed = "with_streaming_response"
    async with (
        method_of(ours, path, streamed)(*args, **kwargs) as mine,
        method_of(theirs, path, streamed)(*args, **kwargs) as their,
    ):
        assert shape(await mine.parse()) == shape(await their.parse())
        assert await mine.text() == await their.text()
        assert await mine.read() == await their.read()


async def test_a_streamed_body_reads_as_text_lines_and_json_as_openai_pythons(
    ours: Any, theirs: Any
) -> None:
    got = []
    for client in (ours, theirs):
        async with client.files.with_streaming_response.content("file-1") as response:
            got.append([line async for line in response.iter_lines()])
        async with client.files.with_streaming_response.content("file-1") as response:
            got.append([text async for text in response.iter_text()])
        async with client.files.with_streaming_response.retrieve("file-1") as response:
            got.append(await response.json())
    assert got[:3] == got[3:]


async def make_the_call(call: Any) -> None:
    """Await a raw call, or enter a streamed one."""
    if hasattr(call, "__aenter__"):
        async with call:
            return
    assert await call is not None


@pytest.mark.parametrize("kind", ["with_raw_response", "with_streaming_response"])
@pytest.mark.parametrize("path", ["files.retrieve", "uploads.cancel", "uploads.parts.create"])
async def test_an_error_status_raises_the_typed_error_openai_python_raises(
    ours: Any, theirs: Any, wire: Wire, kind: str, path: str
) -> None:
    args, kwargs = METHODS[path]
    raised = []
    for client in (ours, theirs):
        wire.replies = [404]
        with pytest.raises(Exception, match="No such File") as error:
            await make_the_call(method_of(client, path, kind)(*args, **kwargs))
        raised.append((type(error.value).__name__, error.value.status_code, error.value.body))
    assert raised[0] == raised[1]
    assert raised[0][0] == "NotFoundError"


@pytest.mark.parametrize("kind", ["with_raw_response", "with_streaming_response"])
async def test_a_retried_call_counts_its_retries_as_openai_python(
    ours: Any, theirs: Any, wire: Wire, kind: str
) -> None:
    taken = []
    for client in (ours, theirs):
        wire.sent.clear()
        wire.replies = [500, 503]
        if kind == "with_raw_response":
            response = await client.files.with_raw_response.retrieve("file-1")
            taken.append((response.retries_taken, len(wire.sent), response.parse().id))
        else:
            async with client.files.with_streaming_response.retrieve("file-1") as response:
                taken.append((response.retries_taken, len(wire.sent), (await response.parse()).id))
    assert taken == [(2, 3, "file-1"), (2, 3, "file-1")]


async def test_uploads_raw_response_reaches_the_parts(ours: Any, theirs: Any) -> None:
    mine = await ours.uploads.with_raw_response.parts.create("upload_abc", data=b"abc")
    their = await theirs.uploads.with_raw_response.parts.create("upload_abc", data=b"abc")
    assert shape(mine.parse()) == shape(their.parse())
    async with ours.uploads.with_streaming_response.parts.create("upload_abc", data=b"a") as r:
        assert (await r.parse()).id == "part_1"


# --------------------------------------------------------------------------- _request_id


@pytest.mark.parametrize("path", [p for p in METHODS if p != "files.content"])
async def test_a_returned_object_has_the_request_id_openai_python_gives(
    ours: Any, theirs: Any, path: str
) -> None:
    args, kwargs = METHODS[path]
    mine = await method_of(ours, path)(*args, **kwargs)
    their = await method_of(theirs, path)(*args, **kwargs)
    assert mine._request_id == their._request_id == REQUEST_ID
    assert (await raw_call(ours, path)).parse()._request_id == REQUEST_ID


async def test_the_request_id_is_none_without_the_header(
    ours: Any, theirs: Any, wire: Wire
) -> None:
    wire.request_id = None
    mine, their = await ours.files.retrieve("file-1"), await theirs.files.retrieve("file-1")
    assert mine._request_id is None
    assert their._request_id is None


async def test_a_nested_object_has_no_request_id_as_in_openai_python(
    ours: Any, theirs: Any
) -> None:
    for client in (ours, theirs):
        completed = await client.uploads.complete("upload_abc", part_ids=["part_1"])
        assert completed._request_id == REQUEST_ID
        with pytest.raises(AttributeError, match="_request_id"):
            completed.file._request_id  # noqa: B018


async def test_the_request_id_is_not_in_dumps_nor_in_equality(
    ours: Any, theirs: Any, wire: Wire
) -> None:
    mine = await ours.files.retrieve("file-1")
    their = await theirs.files.retrieve("file-1")
    assert mine.to_dict() == their.to_dict()
    assert mine.model_dump() == their.model_dump()
    assert mine.to_json() == their.to_json()
    assert "_request_id" not in mine.to_json() + mine.model_dump_json()
    wire.request_id = "req_other"
    assert await ours.files.retrieve("file-1") == mine


# --------------------------------------------------------------------------- files.content


def read_bytes(path: Path) -> bytes:
    with open(path, "rb") as file:
        return file.read()


async def test_file_content_reads_as_openai_pythons(ours: Any, theirs: Any) -> None:
    mine, their = await ours.files.content("file-1"), await theirs.files.content("file-1")
    assert type(mine).__name__ == type(their).__name__ == "HttpxBinaryResponseContent"
    facts = []
    for content in (mine, their):
        facts.append(
            (
                content.content,
                content.text,
                content.encoding,
                content.charset_encoding,
                content.read(),
                await content.aread(),
                [chunk async for chunk in await content.aiter_bytes()],
                [text async for text in await content.aiter_text()],
                [line async for line in await content.aiter_lines()],
            )
        )
    assert facts[0] == facts[1]
    assert facts[0][0] == CONTENT


async def test_file_content_holds_the_body_once(ours: Any) -> None:
    content = await ours.files.content("file-1")
    assert content.content is content.content is content.response.content


async def test_file_content_writes_to_a_file_as_openai_pythons(
    ours: Any, theirs: Any, tmp_path: Path
) -> None:
    (await ours.files.content("file-1")).write_to_file(tmp_path / "ours.jsonl")
    (await theirs.files.content("file-1")).write_to_file(tmp_path / "theirs.jsonl")
    assert read_bytes(tmp_path / "ours.jsonl") == read_bytes(tmp_path / "theirs.jsonl")
    assert sorted(os.listdir(tmp_path)) == ["ours.jsonl", "theirs.jsonl"]


async def test_a_streamed_file_streams_to_a_file_whole(ours: Any, tmp_path: Path) -> None:
    async with ours.files.with_streaming_response.content("file-1") as response:
        await response.stream_to_file(tmp_path / "copy.jsonl")
    assert read_bytes(tmp_path / "copy.jsonl") == CONTENT
    assert os.listdir(tmp_path) == ["copy.jsonl"]  # no temporary file left


# --------------------------------------------------------------------------- over sockets


async def test_a_streamed_response_does_not_read_the_body_up_front(
    async_client: AsyncOpenAI,
) -> None:
    data = b"0123456789" * 1000
    upload = await async_client.uploads.upload_file_chunked(
        file=data, filename="s.jsonl", bytes=len(data), mime_type="application/jsonl",
        purpose="batch",
    )  # fmt: skip
    assert upload.file is not None
    async with async_client.files.with_streaming_response.content(upload.file.id) as response:
        assert not response.is_closed
        assert not hasattr(response.http_response, "_content")  # nothing read yet
        assert b"".join([chunk async for chunk in response.iter_bytes(4096)]) == data
        assert response.request_id is not None
    assert response.is_closed
    raw = await async_client.files.with_raw_response.content(upload.file.id)
    assert raw.is_closed
    assert raw.parse().content == data


async def test_a_streamed_body_cannot_be_read_after_it_was_streamed(
    async_client: AsyncOpenAI,
) -> None:
    upload = await async_client.uploads.upload_file_chunked(
        file=CONTENT, filename="s.jsonl", bytes=len(CONTENT), mime_type="application/jsonl",
        purpose="batch",
    )  # fmt: skip
    assert upload.file is not None
    async with async_client.files.with_streaming_response.content(upload.file.id) as response:
        assert [line async for line in response.iter_lines()] == CONTENT.decode().splitlines()
        with pytest.raises(StreamAlreadyConsumed, match="already been streamed"):
            await response.read()


async def test_a_raw_response_times_the_call_over_sockets(async_client: AsyncOpenAI) -> None:
    page = await async_client.files.with_raw_response.list()
    assert page.elapsed.total_seconds() > 0
    assert page.retries_taken == 0
    assert page.parse()._request_id == page.request_id is not None
