"""Scripted faults, one of each kind on a chosen request: the upload ends byte-exact, and
the request log shows each fault answered by exactly one retry (sync and async)."""

from __future__ import annotations

import os
from typing import Any

from openai_uploads.emulator import EmulatorServer

from ._outcomes import byte_exact, upload_kwargs
from .conftest import make_async_client, make_client

PART = 64 * 1024
DATA = os.urandom(4 * PART + 7)  # five parts, sent one at a time
PART_SCRIPT = ["503", "ok", "drop", "ok", "429:retry-after=0", "ok", "500", "ok"]
SCRIPT = {"create": ["503"], "parts": PART_SCRIPT, "complete": ["500"]}


def _statuses(server: EmulatorServer, endpoint: str) -> list[int | None]:
    return [r.status for r in server.requests() if r.endpoint == endpoint]


def _check(server: EmulatorServer) -> None:
    assert _statuses(server, "create") == [503, 200]
    assert _statuses(server, "parts") == [503, 200, None, 200, 429, 200, 500, 200, 200]
    assert _statuses(server, "complete") == [500, 200]
    stats = server.fault_stats()
    assert stats["scripted"] == 1 + len(PART_SCRIPT) + 1
    assert (stats["503"], stats["500"], stats["429"], stats["drop"]) == (2, 2, 1, 1)
    assert server.fault_script() == {}


def test_sync_absorbs_one_scripted_fault_of_each_kind(server: EmulatorServer) -> None:
    server.set_fault_script(SCRIPT)
    with make_client(server.base_url) as client:
        upload: Any = client.uploads.upload_file_chunked(**upload_kwargs(DATA, PART, 1))
        byte_exact(upload, DATA, client.files.content)
    _check(server)


async def test_async_absorbs_one_scripted_fault_of_each_kind(server: EmulatorServer) -> None:
    server.set_fault_script(SCRIPT)
    async with make_async_client(server.base_url) as client:
        upload: Any = await client.uploads.upload_file_chunked(**upload_kwargs(DATA, PART, 1))
        content = (await client.files.content(upload.file.id)).content
    byte_exact(upload, DATA, lambda _id: content)
    _check(server)
