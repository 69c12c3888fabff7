"""Idle, slow and stalled connections are cut off, requests beyond the concurrency cap are
turned away, and the server stays responsive during and after such abuse (loopback only,
bounded loops, short limits)."""

from __future__ import annotations

import contextlib
import os
import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from openai_uploads.emulator import EmulatorServer
from openai_uploads.emulator._limits import ServerLimits

from .conftest import API_KEY
from .test_hostile_input import AUTH, CREATE, assert_serves

SHORT = ServerLimits(header_timeout=0.5, keep_alive=0.5, body_timeout=0.5, max_concurrency=64)


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    with EmulatorServer(api_key=API_KEY, limits=SHORT) as s:
        yield s


def _connect(server: EmulatorServer) -> socket.socket:
    sock = socket.create_connection((server.host, server.port), timeout=10)
    return sock


def _closed_within(sock: socket.socket, seconds: float) -> bool:
    """Whether the server closes ``sock`` within ``seconds`` (reads and drops any reply)."""
    sock.settimeout(0.1)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if sock.recv(65536) == b"":
                return True
        except TimeoutError:
            continue
        except ConnectionResetError:
            return True
    return False


def test_connection_that_sends_nothing_is_closed(server: EmulatorServer) -> None:
    sockets = [_connect(server) for _ in range(20)]
    try:
        assert all(_closed_within(s, 5) for s in sockets)
    finally:
        for s in sockets:
            s.close()
    assert_serves(server)


def test_headers_trickled_byte_by_byte_are_cut_off(server: EmulatorServer) -> None:
    request = b"POST /v1/uploads HTTP/1.1\r\nHost: x\r\n" + b"X-Pad: " + b"a" * 200
    with _connect(server) as sock:
        started = time.monotonic()
        closed = False
        for byte in request:  # bounded: 250 bytes at most, 0.05 s apart
            try:
                sock.sendall(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                closed = True
                break
            time.sleep(0.05)
            if time.monotonic() - started > 3:
                break
        assert closed or _closed_within(sock, 3)
    assert time.monotonic() - started < 5
    assert_serves(server)


def test_idle_keep_alive_connection_is_closed_after_a_response(server: EmulatorServer) -> None:
    with _connect(server) as sock:
        sock.sendall(
            b"GET /v1/files/file-x HTTP/1.1\r\nHost: x\r\n"
            + f"Authorization: Bearer {API_KEY}\r\n\r\n".encode()
        )
        sock.settimeout(5)
        assert sock.recv(65536).startswith(b"HTTP/1.1 404")
        assert _closed_within(sock, 5)
    assert_serves(server)


def test_stalled_part_body_gets_408_and_nothing_is_stored(server: EmulatorServer) -> None:
    with httpx.Client(base_url=server.base_url, headers=AUTH) as http:
        upload_id = http.post("/uploads", json=CREATE).json()["id"]
    head = (
        f"POST /v1/uploads/{upload_id}/parts HTTP/1.1\r\nHost: x\r\n"
        f"Authorization: Bearer {API_KEY}\r\n"
        "Content-Type: multipart/form-data; boundary=bb\r\nContent-Length: 1000\r\n\r\n"
        '--bb\r\nContent-Disposition: form-data; name="data"; filename="p"\r\n\r\nab'
    ).encode()
    with _connect(server) as sock:
        sock.sendall(head)  # ... and then nothing more
        sock.settimeout(5)
        reply = b""
        with contextlib.suppress(TimeoutError, ConnectionResetError):
            while chunk := sock.recv(65536):
                reply += chunk
    assert reply.startswith(b"HTTP/1.1 408")
    assert b'"code":"request_timeout"' in reply.replace(b" ", b"")
    assert server.store.received_bytes(upload_id) == 0
    assert not list((server.data_dir / "parts").iterdir())
    assert_serves(server)


def test_slow_but_moving_body_is_accepted(server: EmulatorServer) -> None:
    def trickle() -> Iterator[bytes]:
        yield b'{"bytes": 3, "filename": "slow.jsonl", '
        for _ in range(6):  # 1.2 s in all, more than the 0.5 s body timeout
            time.sleep(0.2)
            yield b" "
        yield b'"mime_type": "application/jsonl", "purpose": "batch"}'

    response = httpx.post(
        f"{server.base_url}/uploads",
        content=trickle(),
        headers={**AUTH, "Content-Type": "application/json"},
    )
    assert response.status_code == 200
    assert response.json()["filename"] == "slow.jsonl"


def test_slow_download_outlives_the_body_timeout(server: EmulatorServer) -> None:
    data = os.urandom(8 * 1024 * 1024)
    with httpx.Client(base_url=server.base_url, headers=AUTH, timeout=30) as http:
        upload_id = http.post("/uploads", json={**CREATE, "bytes": len(data)}).json()["id"]
        part = http.post(f"/uploads/{upload_id}/parts", files={"data": data}).json()
        done = http.post(f"/uploads/{upload_id}/complete", json={"part_ids": [part["id"]]})
        file_id = done.json()["file"]["id"]
        got = bytearray()
        with http.stream("GET", f"/files/{file_id}/content") as response:
            for i, chunk in enumerate(response.iter_bytes(65536)):
                got += chunk
                if i == 0:
                    time.sleep(1.5)  # three body timeouts: the download must go on
    assert bytes(got) == data


def test_requests_beyond_the_concurrency_cap_get_503_then_service_resumes() -> None:
    limits = ServerLimits(header_timeout=30, max_concurrency=4)
    with EmulatorServer(api_key=API_KEY, limits=limits) as server:
        hogs = [_connect(server) for _ in range(4)]
        try:
            time.sleep(0.2)
            refused = httpx.get(f"{server.base_url}/files/file-x", headers=AUTH)
            assert refused.status_code == 503
        finally:
            for s in hogs:
                s.close()
        time.sleep(0.2)
        assert_serves(server)


def test_server_answers_while_slow_clients_hold_connections(server: EmulatorServer) -> None:
    slow = [_connect(server) for _ in range(30)]
    try:
        for s in slow:
            s.sendall(b"POST /v1/uploads HTTP/1.1\r\n")
        started = time.monotonic()
        assert_serves(server)  # during the abuse
        assert time.monotonic() - started < 5
        assert all(_closed_within(s, 5) for s in slow)
    finally:
        for s in slow:
            s.close()
    assert_serves(server)  # and after it
