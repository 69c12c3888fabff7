"""A hostile or broken server cannot make a call loop for ever, eat the memory, or turn
a POST into a GET: pages repeating a cursor, compression bombs, bodies longer than the
File, and redirects that drop the body all end in a typed error.

The answers come from the scripted loopback server (the emulator never sends them).
Memory is measured with tracemalloc as a ratio of the inflated size, never as a time.
"""

from __future__ import annotations

import gzip
import io
import tracemalloc
from collections.abc import Callable
from typing import Any

import pytest

from openai_uploads import (
    APIConnectionError,
    APIResponseValidationError,
    AsyncOpenAI,
    InternalServerError,
)

from ..conftest import PART_JSON, TEST_API_KEY, UPLOAD_JSON, Reply, ScriptedServer

INFLATED = 64 * 1024 * 1024
BOMB = gzip.compress(b"\0" * INFLATED, compresslevel=9)
"""64 MiB of zeros in about 64 KiB of gzip."""
GZIP = {"Content-Encoding": "gzip", "Content-Type": "application/octet-stream"}
FILE_JSON: dict[str, Any] = {
    "id": "file-abc",
    "object": "file",
    "bytes": 3,
    "created_at": 1700000000,
    "filename": "a.txt",
    "purpose": "assistants",
}
LOOPING_PAGE = {"object": "list", "data": [FILE_JSON], "has_more": True, "last_id": "file-abc"}
CREATE = {"bytes": 3, "filename": "a.txt", "mime_type": "text/plain", "purpose": "assistants"}


def _client(server: ScriptedServer, **options: Any) -> AsyncOpenAI:
    options.setdefault("max_retries", 0)
    return AsyncOpenAI(
        api_key=TEST_API_KEY, base_url=server.base_url, load_plugins=False, **options
    )


async def _peak_of(call: Callable[[], Any]) -> int:
    """The most Python memory allocated at once while ``call`` runs."""
    tracemalloc.start()
    try:
        await call()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# --------------------------------------------------------------------------- pagination


async def test_a_list_whose_pages_repeat_a_cursor_stops(scripted: ScriptedServer) -> None:
    scripted.default = Reply(body=LOOPING_PAGE)
    async with _client(scripted) as client:
        with pytest.raises(APIResponseValidationError, match="cursor"):
            async for _ in client.files.list():
                pass
    assert len(scripted.requests) == 2


async def test_asking_twice_for_the_same_next_page_is_no_loop(scripted: ScriptedServer) -> None:
    second = {**LOOPING_PAGE, "data": [{**FILE_JSON, "id": "file-def"}], "has_more": False}
    scripted.script(Reply(body=LOOPING_PAGE), Reply(body=second), Reply(body=second))
    async with _client(scripted) as client:
        first = await client.files.list()
        assert (await first.get_next_page()).data[0].id == "file-def"
        assert (await first.get_next_page()).data[0].id == "file-def"


# --------------------------------------------------------------------------- bodies


async def test_a_json_answer_that_inflates_past_the_cap_is_refused_in_bounded_memory(
    scripted: ScriptedServer,
) -> None:
    scripted.script(Reply(body=BOMB, headers=GZIP))

    async def call() -> None:
        async with _client(scripted) as client:
            with pytest.raises(APIResponseValidationError, match="long"):
                await client.files.retrieve("file-abc")

    assert await _peak_of(call) < INFLATED / 3


async def test_an_error_body_that_inflates_past_the_cap_is_refused_in_bounded_memory(
    scripted: ScriptedServer,
) -> None:
    scripted.script(Reply(status=500, body=BOMB, headers=GZIP))

    async def call() -> None:
        async with _client(scripted) as client:
            with pytest.raises(APIResponseValidationError):
                await client.uploads.cancel("upload_abc")

    assert await _peak_of(call) < INFLATED / 8


async def test_a_small_compressed_error_is_still_read(scripted: ScriptedServer) -> None:
    error = b'{"error": {"message": "overloaded", "type": "server_error"}}'
    scripted.script(Reply(status=500, body=gzip.compress(error), headers=GZIP))
    async with _client(scripted) as client:
        with pytest.raises(InternalServerError, match="overloaded"):
            await client.uploads.cancel("upload_abc")


async def test_content_stops_once_past_the_files_size(scripted: ScriptedServer) -> None:
    # The content's length is not known from its header: the File is retrieved for it.
    scripted.script(Reply(body=BOMB, headers=GZIP), Reply(body=FILE_JSON))

    async def call() -> None:
        async with _client(scripted) as client:
            with pytest.raises(APIResponseValidationError, match="3"):
                await client.files.content("file-abc")

    assert await _peak_of(call) < INFLATED / 16
    assert [r.path for r in scripted.requests] == [
        "/v1/files/file-abc/content",
        "/v1/files/file-abc",
    ]


async def test_a_compressed_content_of_the_files_size_is_read_whole(
    scripted: ScriptedServer,
) -> None:
    scripted.script(Reply(body=gzip.compress(b"abc"), headers=GZIP), Reply(body=FILE_JSON))
    async with _client(scripted) as client:
        assert (await client.files.content("file-abc")).content == b"abc"


async def test_download_stops_once_past_the_files_size(scripted: ScriptedServer) -> None:
    scripted.script(Reply(body=FILE_JSON), Reply(body=BOMB, headers=GZIP))
    sink = io.BytesIO()

    async def call() -> None:
        async with _client(scripted) as client:
            with pytest.raises(APIResponseValidationError, match="3"):
                await client.files.download("file-abc", sink)

    assert await _peak_of(call) < INFLATED / 16
    assert len(sink.getvalue()) <= 3


# --------------------------------------------------------------------------- redirects


@pytest.mark.parametrize("status", [301, 302, 303])
async def test_a_redirect_that_would_resend_a_post_as_a_get_is_an_error(
    scripted: ScriptedServer, status: int
) -> None:
    scripted.script(Reply(status=status, body=b"", headers={"Location": "/v1/elsewhere"}))
    async with _client(scripted) as client:
        with pytest.raises(APIConnectionError, match="GET"):
            await client.uploads.create(**CREATE)
    assert [r.method for r in scripted.requests] == ["POST"]


async def test_a_part_redirected_with_303_is_an_error_not_a_success(
    scripted: ScriptedServer,
) -> None:
    scripted.script(Reply(status=303, body=b"", headers={"Location": "/v1/done"}))
    scripted.default = Reply(body=PART_JSON)
    async with _client(scripted) as client:
        with pytest.raises(APIConnectionError, match="303"):
            await client.uploads.parts.create("upload_abc", data=b"abc")
    assert len(scripted.requests) == 1


async def test_a_redirect_that_keeps_the_method_and_body_is_followed(
    scripted: ScriptedServer,
) -> None:
    scripted.script(
        Reply(status=307, body=b"", headers={"Location": "/v1/uploads-moved"}),
        Reply(body=UPLOAD_JSON),
    )
    async with _client(scripted) as client:
        assert (await client.uploads.create(**CREATE)).id == "upload_abc"
    first, second = scripted.requests
    assert (second.method, second.path) == ("POST", "/v1/uploads-moved")
    assert second.body == first.body


async def test_a_get_is_still_redirected_by_a_302(scripted: ScriptedServer) -> None:
    scripted.script(
        Reply(status=302, body=b"", headers={"Location": "/v1/files/file-moved"}),
        Reply(body=FILE_JSON),
    )
    async with _client(scripted) as client:
        assert (await client.files.retrieve("file-abc")).id == "file-abc"
    assert scripted.requests[1].path == "/v1/files/file-moved"


# --------------------------------------------------------------------------- redirect bodies
# A redirect's body is read (up to 64 KiB) before it is followed, so that its keep-alive
# connection goes back to the pool; the scripted server counts the connections opened.

MOVED = b"<html>moved</html>" * 100


def _redirect_chain() -> tuple[Reply, ...]:
    return (
        Reply(status=307, body=MOVED, headers={"Location": "/v1/files/file-b"}),
        Reply(status=307, body=MOVED, headers={"Location": "/v1/files/file-c"}),
        Reply(body=FILE_JSON),
    )


async def test_a_same_origin_redirect_chain_reuses_one_connection(scripted: ScriptedServer) -> None:
    scripted.script(*_redirect_chain())
    async with _client(scripted) as client:
        assert (await client.files.retrieve("file-abc")).id == "file-abc"
    assert [r.path for r in scripted.requests][-1] == "/v1/files/file-c"
    assert scripted.connections == 1


async def test_a_redirect_with_a_long_body_is_followed_on_a_new_connection(
    scripted: ScriptedServer,
) -> None:
    scripted.script(
        Reply(status=307, body=b"x" * (1024 * 1024), headers={"Location": "/v1/files/file-b"}),
        Reply(body=FILE_JSON),
    )
    async with _client(scripted) as client:
        assert (await client.files.retrieve("file-abc")).id == "file-abc"
    assert scripted.connections == 2
