# Generated from tests/client/_async/test_content_retry.py by `python scripts/unasync.py`: do not edit.
"""``files.content`` reads the body within the attempt: a body that breaks off once it
has started is retried like any other failed attempt (openai-python retries the whole
call), within ``max_retries`` and through the same retry hook.

The server is a real loopback ``http.server`` that cuts the first answer half-way
through its body (the connection closes before ``Content-Length`` bytes arrived) and
serves the next one whole.
"""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any, ClassVar

import pytest

from openai_uploads import APIConnectionError, OpenAI, RetryContext, hookimpl
from openai_uploads.testing import FastRetries

from ..conftest import TEST_API_KEY, serve_handler

BODY = os.urandom(200_000)
COMPRESSED = gzip.compress(BODY)


class CutOnce(BaseHTTPRequestHandler):
    """The content cut half-way through the first ``cuts`` times, then whole; the File
    (``bytes`` of :data:`BODY`) at ``/v1/files/file-1``."""

    protocol_version = "HTTP/1.1"
    cuts = 1
    gzip = False
    paths: ClassVar[list[str]] = []

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        type(self).paths.append(self.path)
        if not self.path.endswith("/content"):
            self._answer(
                json.dumps(
                    {
                        "id": "file-1",
                        "object": "file",
                        "bytes": len(BODY),
                        "created_at": 1,
                        "filename": "d.bin",
                        "purpose": "batch",
                    }
                ).encode(),
                {"Content-Type": "application/json"},
            )
            return
        payload = COMPRESSED if self.gzip else BODY
        headers = {"Content-Type": "application/octet-stream"}
        if self.gzip:
            headers["Content-Encoding"] = "gzip"
        cut = sum(p.endswith("/content") for p in type(self).paths) <= self.cuts
        self._answer(payload[: len(payload) // 2] if cut else payload, headers, len(payload))
        if cut:
            self.close_connection = True

    def _answer(self, payload: bytes, headers: dict[str, str], length: int = -1) -> None:
        try:
            self.send_response(200)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(length if length >= 0 else len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


def serve(handler: type[CutOnce]) -> Iterator[str]:
    handler.paths = []
    yield from serve_handler(handler)


class CutGzipOnce(CutOnce):
    gzip = True


class CutEveryTime(CutOnce):
    cuts = 1000


@pytest.fixture
def cut_once() -> Iterator[str]:
    yield from serve(CutOnce)


@pytest.fixture
def cut_gzip_once() -> Iterator[str]:
    yield from serve(CutGzipOnce)


@pytest.fixture
def cut_every_time() -> Iterator[str]:
    yield from serve(CutEveryTime)


class Retries:
    """Records each retry decision asked of the hooks (and passes)."""

    def __init__(self) -> None:
        self.events: list[RetryContext] = []

    @hookimpl(tryfirst=True)
    def decide_retry(self, event: RetryContext) -> None:
        self.events.append(event)


def _options(base_url: str, retries: Retries, max_retries: int = 2) -> dict[str, Any]:
    return {
        "api_key": TEST_API_KEY,
        "base_url": base_url,
        "max_retries": max_retries,
        "plugins": [retries, FastRetries()],
        "load_plugins": False,
    }


def test_content_cut_off_once_is_retried_and_read_whole(cut_once: str) -> None:
    retries = Retries()
    with OpenAI(**_options(cut_once, retries)) as client:
        assert (client.files.content("file-1")).content == BODY
    assert CutOnce.paths == ["/v1/files/file-1/content"] * 2
    assert len(retries.events) == 1
    assert retries.events[0].operation == "download_file"
    assert retries.events[0].response is None


def test_a_compressed_content_cut_off_once_retrieves_the_file_once(
    cut_gzip_once: str,
) -> None:
    retries = Retries()
    with OpenAI(**_options(cut_gzip_once, retries)) as client:
        assert (client.files.content("file-1")).content == BODY
    assert CutGzipOnce.paths == [
        "/v1/files/file-1/content",
        "/v1/files/file-1",
        "/v1/files/file-1/content",
    ]
    assert len(retries.events) == 1


def test_content_cut_off_every_time_fails_after_max_retries(cut_every_time: str) -> None:
    retries = Retries()
    with OpenAI(**_options(cut_every_time, retries, max_retries=1)) as client:
        with pytest.raises(APIConnectionError):
            client.files.content("file-1")
    assert CutEveryTime.paths == ["/v1/files/file-1/content"] * 2
