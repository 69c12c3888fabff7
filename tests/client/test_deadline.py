"""A call's ``timeout`` bounds the whole attempt, not only each network read.

httpx's timeouts are per operation: a server that trickles a byte at a time resets the
read timeout with every byte. The server here is a real loopback ``http.server`` that
sends a valid body slowly; without a total deadline each call would succeed after
seconds, so the tests assert the timeout error, not a duration.
"""

from __future__ import annotations

import io
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

import httpx
import pytest

from openai_uploads import APITimeoutError, AsyncOpenAI, OpenAI

from .conftest import TEST_API_KEY, serve_handler

FILE_JSON = json.dumps(
    {
        "id": "file-1",
        "object": "file",
        "bytes": 3,
        "created_at": 1,
        "filename": "a.txt",
        "purpose": "batch",
    }
).encode()
STEP = 0.02
"""Seconds between two trickled bytes: far below any read timeout used here."""


class Trickle(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    headers_too = False
    left_during_headers = threading.Event()
    """Set when the client hung up before the headers were all sent."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        in_headers = self.headers_too
        try:
            head = (
                f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
                f"X-Filler: {'x' * 200}\r\n"
                f"Content-Length: {len(FILE_JSON)}\r\n\r\n"
            ).encode()
            if self.headers_too:
                for i in range(len(head)):
                    self.wfile.write(head[i : i + 1])
                    self.wfile.flush()
                    time.sleep(STEP)
            else:
                self.wfile.write(head)
            in_headers = False
            for i in range(len(FILE_JSON)):
                self.wfile.write(FILE_JSON[i : i + 1])
                self.wfile.flush()
                time.sleep(STEP)
        except (BrokenPipeError, ConnectionResetError):
            if in_headers:
                self.left_during_headers.set()
        self.close_connection = True


class TrickleHeaders(Trickle):
    """Headers a byte at a time, for about five seconds."""

    headers_too = True


class SlowStart(BaseHTTPRequestHandler):
    """Headers after 0.4 s, then the body in four pieces 0.1 s apart: no read waits
    long, but the whole answer takes 0.7 s."""

    protocol_version = "HTTP/1.1"
    slow_metadata = True
    metadata = FILE_JSON
    """The File's JSON; its content is :data:`FILE_JSON` too."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        try:
            body = FILE_JSON if self.path.endswith("/content") else self.metadata
            if self.slow_metadata or self.path.endswith("/content"):
                time.sleep(0.4)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            # It closes the connection after each answer: say so, or a client may reuse
            # the closing connection for its next request (a RemoteProtocolError).
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.flush()
            quarter = len(body) // 4 + 1
            for i in range(0, len(body), quarter):
                if self.slow_metadata or self.path.endswith("/content"):
                    time.sleep(0.1)
                self.wfile.write(body[i : i + quarter])
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True


class SlowContent(SlowStart):
    """:class:`SlowStart` for the File's content only; the File itself comes at once."""

    slow_metadata = False
    metadata = json.dumps({**json.loads(FILE_JSON), "bytes": len(FILE_JSON)}).encode()


@pytest.fixture
def trickling() -> Iterator[str]:
    yield from serve_handler(Trickle)


@pytest.fixture
def trickling_headers() -> Iterator[str]:
    Trickle.left_during_headers.clear()
    yield from serve_handler(TrickleHeaders)


@pytest.fixture
def slow_start() -> Iterator[str]:
    yield from serve_handler(SlowStart)


@pytest.fixture
def slow_content() -> Iterator[str]:
    yield from serve_handler(SlowContent)


def test_a_trickling_body_cannot_outlast_the_timeout(trickling: str) -> None:
    with (
        OpenAI(
            api_key=TEST_API_KEY, base_url=trickling, max_retries=0, timeout=0.5, load_plugins=False
        ) as client,
        pytest.raises(APITimeoutError),
    ):
        client.files.retrieve("file-1")


def test_the_per_call_timeout_is_a_total_deadline_too(trickling: str) -> None:
    with (
        OpenAI(
            api_key=TEST_API_KEY, base_url=trickling, max_retries=0, load_plugins=False
        ) as client,
        pytest.raises(APITimeoutError),
    ):
        client.files.content("file-1", timeout=0.5)


def test_a_trickling_body_arrives_when_the_timeout_allows_it(trickling: str) -> None:
    with OpenAI(
        api_key=TEST_API_KEY, base_url=trickling, max_retries=0, timeout=60, load_plugins=False
    ) as client:
        assert client.files.retrieve("file-1").id == "file-1"


async def test_async_a_trickling_body_cannot_outlast_the_timeout(trickling: str) -> None:
    async with AsyncOpenAI(
        api_key=TEST_API_KEY, base_url=trickling, max_retries=0, timeout=0.5, load_plugins=False
    ) as client:
        with pytest.raises(APITimeoutError):
            await client.files.retrieve("file-1")


def test_trickling_headers_cannot_outlast_the_timeout(trickling_headers: str) -> None:
    with (
        OpenAI(
            api_key=TEST_API_KEY,
            base_url=trickling_headers,
            max_retries=0,
            timeout=0.5,
            load_plugins=False,
        ) as client,
        pytest.raises(APITimeoutError),
    ):
        client.files.retrieve("file-1")
    # The call gave up while the headers were still coming, not once they were in.
    assert Trickle.left_during_headers.wait(timeout=10)


def test_a_callers_http_client_is_used_as_given_with_the_body_check(trickling: str) -> None:
    with (
        OpenAI(
            api_key=TEST_API_KEY,
            base_url=trickling,
            max_retries=0,
            timeout=0.5,
            http_client=httpx.Client(),
            load_plugins=False,
        ) as client,
        pytest.raises(APITimeoutError),
    ):
        client.files.retrieve("file-1")


async def test_async_trickling_headers_cannot_outlast_the_timeout(trickling_headers: str) -> None:
    async with AsyncOpenAI(
        api_key=TEST_API_KEY,
        base_url=trickling_headers,
        max_retries=0,
        timeout=0.5,
        load_plugins=False,
    ) as client:
        with pytest.raises(APITimeoutError):
            await client.files.retrieve("file-1")
    assert Trickle.left_during_headers.wait(timeout=10)


def test_the_deadline_of_a_streamed_body_counts_from_the_start(slow_content: str) -> None:
    with (
        OpenAI(
            api_key=TEST_API_KEY,
            base_url=slow_content,
            max_retries=0,
            timeout=0.6,
            load_plugins=False,
        ) as client,
        pytest.raises(APITimeoutError),
    ):
        client.files.download("file-1", io.BytesIO())


def test_the_deadline_counts_from_the_start_of_the_attempt(slow_start: str) -> None:
    with (
        OpenAI(
            api_key=TEST_API_KEY,
            base_url=slow_start,
            max_retries=0,
            timeout=0.6,
            load_plugins=False,
        ) as client,
        pytest.raises(APITimeoutError),
    ):
        client.files.retrieve("file-1")


async def test_async_the_deadline_of_a_streamed_body_counts_from_the_start(
    slow_content: str,
) -> None:
    async with AsyncOpenAI(
        api_key=TEST_API_KEY,
        base_url=slow_content,
        max_retries=0,
        timeout=0.6,
        load_plugins=False,
    ) as client:
        with pytest.raises(APITimeoutError):
            await client.files.download("file-1", io.BytesIO())
