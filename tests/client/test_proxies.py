"""Both clients go through the proxy the environment names (``HTTP_PROXY`` and the rest,
as httpx reads them), and straight to the hosts ``NO_PROXY`` lists.

A real forwarding proxy on the loopback sits in front of the real emulator.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from openai_uploads import APITimeoutError, AsyncOpenAI, OpenAI, RequestFinished, hookimpl

from .conftest import TEST_API_KEY, ForwardingProxy, serve_handler

PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


@pytest.fixture(autouse=True)
def no_proxy_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only what a test sets: none of the machine's own proxy settings."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


class Attempts:
    """Counts the requests the client sent."""

    def __init__(self) -> None:
        self.count = 0

    @hookimpl
    def on_request_end(self, event: RequestFinished) -> None:
        self.count += 1


def _source(tmp_path: Path) -> Path:
    path = tmp_path / "data.jsonl"
    path.write_bytes(b'{"a": 1}\n' * 1000)
    return path


def _upload_and_retrieve(client: OpenAI, tmp_path: Path) -> None:
    upload = client.uploads.upload_file_chunked(
        file=_source(tmp_path), mime_type="application/jsonl", purpose="batch"
    )
    assert upload.file is not None
    assert client.files.retrieve(upload.file.id).bytes == 9000


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "ALL_PROXY", "http_proxy"])
def test_the_client_goes_through_the_environments_proxy(
    emulator: Any,
    forwarding_proxy: ForwardingProxy,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    variable: str,
) -> None:
    monkeypatch.setenv(variable, forwarding_proxy.url)
    attempts = Attempts()
    with OpenAI(
        api_key=TEST_API_KEY, base_url=emulator.base_url, plugins=[attempts], load_plugins=False
    ) as client:
        _upload_and_retrieve(client, tmp_path)
    assert attempts.count >= 4
    assert len(forwarding_proxy.forwarded) == attempts.count


async def test_async_the_client_goes_through_the_environments_proxy(
    emulator: Any,
    forwarding_proxy: ForwardingProxy,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("HTTP_PROXY", forwarding_proxy.url)
    attempts = Attempts()
    async with AsyncOpenAI(
        api_key=TEST_API_KEY, base_url=emulator.base_url, plugins=[attempts], load_plugins=False
    ) as client:
        upload = await client.uploads.upload_file_chunked(
            file=_source(tmp_path), mime_type="application/jsonl", purpose="batch"
        )
        assert upload.file is not None
        assert (await client.files.retrieve(upload.file.id)).bytes == 9000
    assert attempts.count >= 4
    assert len(forwarding_proxy.forwarded) == attempts.count


def test_hosts_in_no_proxy_are_reached_directly(
    emulator: Any,
    forwarding_proxy: ForwardingProxy,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("HTTP_PROXY", forwarding_proxy.url)
    monkeypatch.setenv("NO_PROXY", "example.com,127.0.0.1")
    with OpenAI(api_key=TEST_API_KEY, base_url=emulator.base_url, load_plugins=False) as client:
        _upload_and_retrieve(client, tmp_path)
    assert forwarding_proxy.forwarded == []


async def test_async_hosts_in_no_proxy_are_reached_directly(
    emulator: Any,
    forwarding_proxy: ForwardingProxy,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("HTTP_PROXY", forwarding_proxy.url)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    async with AsyncOpenAI(
        api_key=TEST_API_KEY, base_url=emulator.base_url, load_plugins=False
    ) as client:
        upload = await client.uploads.upload_file_chunked(
            file=_source(tmp_path), mime_type="application/jsonl", purpose="batch"
        )
    assert upload.file is not None
    assert forwarding_proxy.forwarded == []


def test_the_proxys_transport_waits_on_the_deadline_backend(
    forwarding_proxy: ForwardingProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    from openai_uploads._base_client import DEFAULT_LIMITS
    from openai_uploads._deadline import DeadlineBackend, environment_mounts

    monkeypatch.setenv("HTTP_PROXY", forwarding_proxy.url)
    mounts = environment_mounts(DEFAULT_LIMITS)
    transport: Any = mounts["http://"]
    assert isinstance(transport._pool._network_backend, DeadlineBackend)


class TrickleFile(BaseHTTPRequestHandler):
    """The File's JSON, headers at once and then a byte every 50 ms for about 20 s: each
    read gets data long before any read timeout, only the total deadline can stop it."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        body = json.dumps({"id": "file-1", "filler": "x" * 400}).encode()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.flush()
            for i in range(len(body)):
                self.wfile.write(body[i : i + 1])
                self.wfile.flush()
                time.sleep(0.05)
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True


@pytest.fixture
def trickling_file() -> Iterator[str]:
    yield from serve_handler(TrickleFile)


@pytest.mark.timeout(60)
def test_a_proxied_call_keeps_its_total_deadline(
    trickling_file: str, forwarding_proxy: ForwardingProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", forwarding_proxy.url)
    with (
        OpenAI(
            api_key=TEST_API_KEY,
            base_url=trickling_file,
            max_retries=0,
            timeout=1.0,
            load_plugins=False,
        ) as client,
        pytest.raises(APITimeoutError),
    ):
        client.files.retrieve("file-1")
    assert forwarding_proxy.forwarded == ["GET /v1/files/file-1"]
