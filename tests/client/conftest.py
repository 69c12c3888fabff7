"""Fixtures of the client tests: the emulator, a scripted loopback server, cassettes.

Cassette tests (``@pytest.mark.vcr``) replay ``tests/cassettes/`` with the network
blocked; run ``pytest tests/client --record-mode=rewrite`` to record them again against
a fresh emulator (see ``recorded``).
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from openai_uploads import AsyncOpenAI, OpenAI
from openai_uploads.testing import emulator_fixture

TEST_API_KEY = "sk-test-client-7c1f0e5d-DO-NOT-LEAK"
"""The key every client test uses; it must never show up in a cassette, log or repr."""

CASSETTE_DIR = Path(__file__).parent.parent / "cassettes"
REPLAY_BASE_URL = "http://emulator.invalid/v1"
"""Where replayed cassette tests point: nothing listens there (the network is blocked)."""


# --------------------------------------------------------------------------- emulator


emulator = emulator_fixture(api_key=TEST_API_KEY)
"""A fresh emulator requiring ``TEST_API_KEY``."""


@pytest.fixture
def client(emulator: Any) -> Iterator[OpenAI]:
    with OpenAI(api_key=TEST_API_KEY, base_url=emulator.base_url, load_plugins=False) as c:
        yield c


@pytest.fixture
async def async_client(emulator: Any) -> Any:
    async with AsyncOpenAI(
        api_key=TEST_API_KEY, base_url=emulator.base_url, load_plugins=False
    ) as c:
        yield c


# --------------------------------------------------------------------------- cassettes


@pytest.fixture(scope="module")
def vcr_cassette_dir(request: pytest.FixtureRequest) -> str:
    return str(CASSETTE_DIR / "client" / request.module.__name__.rsplit(".", 1)[-1])


@pytest.fixture(scope="module")
def vcr_config(request: pytest.FixtureRequest) -> dict[str, Any]:
    return {
        # CI replays only; pass --record-mode=rewrite (emulator running in-process) to record.
        "record_mode": request.config.getoption("--record-mode") or "none",
        "filter_headers": ["authorization", "api-key", "openai-organization", "openai-project"],
        "match_on": ["method", "path", "query", "body"],
    }


@dataclass
class Recorded:
    """Where a cassette test sends its requests, and how it asks for server faults."""

    base_url: str
    server: Any | None

    def inject(self, **faults: Any) -> None:
        """Configure emulator faults while recording (a no-op on replay)."""
        if self.server is not None:
            from openai_uploads.emulator import FaultConfig

            self.server.faults = FaultConfig(seed=0, **faults)

    def client(self, **options: Any) -> OpenAI:
        options.setdefault("api_key", TEST_API_KEY)
        return OpenAI(base_url=self.base_url, load_plugins=False, **options)

    def async_client(self, **options: Any) -> AsyncOpenAI:
        options.setdefault("api_key", TEST_API_KEY)
        return AsyncOpenAI(base_url=self.base_url, load_plugins=False, **options)


@pytest.fixture
def recorded(record_mode: str, tmp_path: Path) -> Iterator[Recorded]:
    """The emulator when recording; an unreachable URL when replaying."""
    if record_mode == "none":
        yield Recorded(REPLAY_BASE_URL, None)
        return
    from openai_uploads.emulator import EmulatorServer

    with EmulatorServer(data_dir=tmp_path / "emulator", api_key=TEST_API_KEY) as server:
        yield Recorded(server.base_url, server)


# --------------------------------------------------------------------------- scripted server


@dataclass
class Reply:
    """What the scripted server answers to one request."""

    status: int = 200
    body: Any = None
    """JSON-able, or raw bytes; None answers an Upload object."""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drop: bool = False
    """Close the connection without answering."""


@dataclass
class Received:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes
    at: float


class ScriptedServer:
    """A real HTTP server on 127.0.0.1 that records requests and answers from a script.

    For what the emulator does not do: echo what arrived, unusual statuses, slow or
    dropped answers at an exact attempt.
    """

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self.replies: deque[Reply] = deque()
        self.default = Reply()
        self.connections = 0
        """How many connections clients opened to it."""
        outer = self
        lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def setup(self) -> None:
                super().setup()
                with lock:
                    outer.connections += 1

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                url = urlsplit(self.path)
                outer.requests.append(
                    Received(
                        self.command,
                        url.path,
                        url.query,
                        {k.lower(): v for k, v in self.headers.items()},
                        body,
                        time.monotonic(),
                    )
                )
                reply = outer.replies.popleft() if outer.replies else outer.default
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.drop:
                    self.close_connection = True
                    return
                body = UPLOAD_JSON if reply.body is None else reply.body
                payload = body if isinstance(body, bytes) else json.dumps(body).encode()
                try:
                    self.send_response(reply.status)
                    headers = {"Content-Type": "application/json", **reply.headers}
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True  # the client gave up (a timeout test)

            do_GET = do_POST = do_DELETE = _handle

        class Server(ThreadingHTTPServer):
            request_queue_size = 128

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def script(self, *replies: Reply) -> None:
        self.replies.extend(replies)


UPLOAD_JSON: dict[str, Any] = {
    "id": "upload_abc",
    "object": "upload",
    "bytes": 3,
    "created_at": 1700000000,
    "expires_at": 1700003600,
    "filename": "a.txt",
    "purpose": "assistants",
    "status": "pending",
}
PART_JSON: dict[str, Any] = {
    "id": "part_abc",
    "object": "upload.part",
    "created_at": 1700000000,
    "upload_id": "upload_abc",
}


@pytest.fixture
def scripted() -> Iterator[ScriptedServer]:
    server = ScriptedServer()
    server.thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()


@pytest.fixture
def scripted_client(scripted: ScriptedServer) -> Iterator[OpenAI]:
    with OpenAI(api_key=TEST_API_KEY, base_url=scripted.base_url, load_plugins=False) as c:
        yield c


@pytest.fixture
async def async_scripted_client(scripted: ScriptedServer) -> Any:
    async with AsyncOpenAI(
        api_key=TEST_API_KEY, base_url=scripted.base_url, load_plugins=False
    ) as c:
        yield c


def serve_handler(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """A loopback ``ThreadingHTTPServer`` of ``handler`` for a fixture: yields its base URL
    (``http://127.0.0.1:PORT/v1``) and shuts it down afterwards."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


# --------------------------------------------------------------------------- forwarding proxy


class ForwardingProxy:
    """A real HTTP forward proxy on 127.0.0.1 that counts the requests it forwards.

    It answers absolute-form requests (``POST http://host:port/path``, what a client
    sends to an ``http://`` proxy for an ``http://`` URL) by making the same request to
    the origin and relaying the answer (a body of known length as it arrives); no
    CONNECT tunnels (the emulator is plain HTTP).
    """

    HOP_BY_HOP = frozenset(
        {"connection", "proxy-connection", "keep-alive", "transfer-encoding", "te", "upgrade"}
    )

    def __init__(self) -> None:
        self.forwarded: list[str] = []
        self._lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _body(self) -> bytes:
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    chunks = []
                    while True:
                        size = int(self.rfile.readline().split(b";")[0], 16)
                        chunk = self.rfile.read(size)
                        self.rfile.readline()
                        if size == 0:
                            break
                        chunks.append(chunk)
                    return b"".join(chunks)
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length) if length else b""

            def _forward(self) -> None:
                target = urlsplit(self.path)
                body = self._body()
                headers = {
                    k: v for k, v in self.headers.items() if k.lower() not in outer.HOP_BY_HOP
                }
                headers["Content-Length"] = str(len(body))
                origin = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
                try:
                    path = target.path + (f"?{target.query}" if target.query else "")
                    origin.request(self.command, path, body=body, headers=headers)
                    answer = origin.getresponse()
                    with outer._lock:
                        outer.forwarded.append(f"{self.command} {target.path}")
                    length = answer.getheader("Content-Length")
                    # A body of known length is relayed as it arrives (a slow origin stays
                    # slow behind the proxy); any other is read whole first.
                    payload = b"" if length is not None else answer.read()
                    self.send_response(answer.status, answer.reason)
                    for name, value in answer.getheaders():
                        if name.lower() not in outer.HOP_BY_HOP | {"content-length"}:
                            self.send_header(name, value)
                    self.send_header("Content-Length", length or str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    while length is not None and (piece := answer.read1(65536)):
                        self.wfile.write(piece)
                        self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True  # the client gave up (a deadline test)
                finally:
                    origin.close()

            do_GET = do_POST = do_DELETE = _forward

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"


@pytest.fixture
def forwarding_proxy() -> Iterator[ForwardingProxy]:
    proxy = ForwardingProxy()
    proxy.thread.start()
    try:
        yield proxy
    finally:
        proxy.httpd.shutdown()
        proxy.httpd.server_close()
