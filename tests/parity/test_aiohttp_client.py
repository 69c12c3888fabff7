"""``DefaultAioHttpClient``: the async client on aiohttp's transport, as openai-python's.

Both packages' ``DefaultAioHttpClient`` talk to the emulator over real sockets (a mock
transport would replace the very layer under test), and the Files each sees are
compared. Without the ``aiohttp`` extra, making one raises a ``RuntimeError`` naming it.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from typing import Any

import openai
import pytest

import openai_uploads

httpx_aiohttp = pytest.importorskip("httpx_aiohttp")


def test_it_is_an_httpx_async_client_on_the_aiohttp_transport() -> None:
    async def make() -> Any:
        async with openai_uploads.DefaultAioHttpClient() as http:
            return http._transport

    assert isinstance(asyncio.run(make()), httpx_aiohttp.AiohttpTransport)


def test_it_has_the_sdks_defaults_as_openai_pythons_has_its_own() -> None:
    async def settings(http: Any) -> tuple[Any, bool]:
        async with http:
            return (http.timeout.read, http.timeout.connect), http.follow_redirects

    ours = asyncio.run(settings(openai_uploads.DefaultAioHttpClient()))
    theirs = asyncio.run(settings(openai.DefaultAioHttpClient()))
    assert ours == theirs == ((600, 5.0), True)


def test_both_clients_see_the_same_files_through_aiohttp(openai_uploads_emulator: Any) -> None:
    server = openai_uploads_emulator
    options = {"base_url": server.base_url, "api_key": server.api_key, "max_retries": 0}

    async def use(client: Any) -> tuple[str, list[str], dict[str, Any], str]:
        async with client:
            created = await client.files.create(file=("a.jsonl", b'{"a": 1}\n'), purpose="batch")
            page = await client.files.list(order="asc")
            retrieved = await client.files.retrieve(created.id)
            text = (await client.files.content(created.id)).text
            return created.id, [f.id for f in page.data], retrieved.to_dict(), text

    theirs = asyncio.run(
        use(openai.AsyncOpenAI(http_client=openai.DefaultAioHttpClient(), **options))
    )
    ours = asyncio.run(
        use(
            openai_uploads.AsyncOpenAI(http_client=openai_uploads.DefaultAioHttpClient(), **options)
        )
    )
    assert theirs[1] == [theirs[0]]
    assert ours[1] == [theirs[0], ours[0]]
    assert set(ours[2]) == set(theirs[2])
    assert ours[3] == theirs[3] == '{"a": 1}\n'


def test_without_the_extra_making_one_names_the_extra_to_install() -> None:
    code = (
        "import sys; sys.modules['httpx_aiohttp'] = None\n"
        "import openai_uploads\n"
        "try:\n"
        "    openai_uploads.DefaultAioHttpClient()\n"
        "except RuntimeError as exc:\n"
        "    print(exc)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "`aiohttp` extra" in result.stdout
    assert "openai-uploads[aiohttp]" in result.stdout
