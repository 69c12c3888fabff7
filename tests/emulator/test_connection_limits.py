"""Idle, slow and stalled connections are cut off, requests beyond the concurrency cap are
turned away on their own while the admitted ones carry on, idle connections make room,
trickling bodies and oversized headers are cut off, and the server stays responsive during
and after such abuse (loopback only, bounded loops, short limits)."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from openai_uploads.emulator import EmulatorServer, FaultConfig
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


def _part_head(upload_id: str, first: bytes, total: int) -> bytes:
    """A part request's headers and the first bytes of a multipart body of ``total``
    data bytes (the rest: :func:`_part_tail`)."""
    body_len = len(_PART_OPEN) + total + len(_PART_CLOSE)
    return (
        (
            f"POST /v1/uploads/{upload_id}/parts HTTP/1.1\r\nHost: x\r\n"
            f"Authorization: Bearer {API_KEY}\r\n"
            f"Content-Type: multipart/form-data; boundary=bb\r\nContent-Length: {body_len}\r\n\r\n"
        ).encode()
        + _PART_OPEN
        + first
    )


_PART_OPEN = b'--bb\r\nContent-Disposition: form-data; name="data"; filename="p"\r\n\r\n'
_PART_CLOSE = b"\r\n--bb--\r\n"


def _reply(sock: socket.socket) -> bytes:
    """What the server sends on ``sock`` until it closes it (or 10 s pass)."""
    sock.settimeout(10)
    reply = b""
    with contextlib.suppress(TimeoutError, ConnectionResetError):
        while chunk := sock.recv(65536):
            reply += chunk
            if b"\r\n\r\n" in reply and reply.endswith(b"}"):
                break
    return reply


def _wait_for(condition: Callable[[], bool], seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def _held_parts(server: EmulatorServer, count: int) -> tuple[str, list[socket.socket]]:
    """``count`` part requests admitted and in progress, their bodies half sent."""
    with httpx.Client(base_url=server.base_url, headers=AUTH) as http:
        upload_id = http.post("/uploads", json={**CREATE, "bytes": 4 * count}).json()["id"]
    server.reset_fault_stats()
    socks = [_connect(server) for _ in range(count)]
    for sock in socks:
        sock.sendall(_part_head(upload_id, b"ab", 4))
    _wait_for(lambda: server.fault_stats()["requests"] == count)
    return upload_id, socks


def _finish(sock: socket.socket) -> bytes:
    sock.sendall(b"cd" + _PART_CLOSE)
    return _reply(sock)


def test_requests_beyond_the_cap_get_503_and_the_admitted_ones_succeed() -> None:
    limits = ServerLimits(max_concurrency=4, body_timeout=30)
    with EmulatorServer(api_key=API_KEY, limits=limits) as server:
        _, held = _held_parts(server, 4)
        try:
            refused = httpx.get(f"{server.base_url}/files/file-x", headers=AUTH)
            assert refused.status_code == 503
            assert refused.json()["error"]["code"] == "server_busy"
            assert refused.headers["retry-after"] == "1"
            replies = [_finish(sock) for sock in held]
        finally:
            for sock in held:
                sock.close()
        assert all(r.startswith(b"HTTP/1.1 200") for r in replies), replies
        assert server.fault_stats()["refused"] == 1
        assert_serves(server)


def test_a_burst_over_the_cap_gets_answers_not_broken_connections() -> None:
    limits = ServerLimits(max_concurrency=8)
    with EmulatorServer(api_key=API_KEY, limits=limits, faults=FaultConfig(latency=0.3)) as server:

        def create(_: int) -> int:
            with httpx.Client(base_url=server.base_url, headers=AUTH, timeout=30) as http:
                return http.post("/uploads", json=CREATE).status_code

        with ThreadPoolExecutor(40) as pool:
            statuses = list(pool.map(create, range(40)))
    assert set(statuses) <= {200, 503}
    assert statuses.count(200) >= 8


def test_idle_connections_beyond_the_connection_cap_do_not_lock_others_out() -> None:
    limits = ServerLimits(max_connections=8, header_timeout=30)
    with EmulatorServer(api_key=API_KEY, limits=limits) as server:
        idle = [_connect(server) for _ in range(20)]
        try:
            assert_serves(server)  # room is made by closing idle connections
            assert sum(_closed_within(s, 0.2) for s in idle) >= 12
        finally:
            for s in idle:
                s.close()


def test_a_connection_beyond_the_cap_with_none_idle_is_refused_alone() -> None:
    limits = ServerLimits(max_connections=4, body_timeout=30)
    with EmulatorServer(api_key=API_KEY, limits=limits) as server:
        _, held = _held_parts(server, 4)
        try:
            refused = httpx.get(f"{server.base_url}/files/file-x", headers=AUTH)
            assert refused.status_code == 503
            assert refused.headers["connection"] == "close"
            replies = [_finish(sock) for sock in held]
        finally:
            for sock in held:
                sock.close()
        assert all(r.startswith(b"HTTP/1.1 200") for r in replies), replies
        assert_serves(server)


def test_request_headers_over_the_cap_get_431_and_the_connection_closes(
    server: EmulatorServer,
) -> None:
    with _connect(server) as sock:
        sock.sendall(b"GET /v1/files HTTP/1.1\r\nHost: x\r\nX-Big: ")
        with contextlib.suppress(ConnectionResetError, BrokenPipeError):
            for _ in range(64):  # 4 MiB offered; the server stops after 64 KiB
                sock.sendall(b"a" * 65536)
        reply = _reply(sock)
    assert reply.startswith(b"HTTP/1.1 431")
    assert b"request_header_fields_too_large" in reply
    assert_serves(server)


def test_a_body_trickling_below_the_minimum_rate_gets_408() -> None:
    limits = ServerLimits(body_timeout=30, body_grace=0.5, min_body_rate=1024)
    with EmulatorServer(api_key=API_KEY, limits=limits) as server:
        with httpx.Client(base_url=server.base_url, headers=AUTH) as http:
            upload_id = http.post("/uploads", json=CREATE).json()["id"]
        with _connect(server) as sock:
            sock.sendall(_part_head(upload_id, b"a", 1000))
            sock.settimeout(0.2)
            reply = b""
            for _ in range(50):  # one byte every 0.2 s, for 10 s at most
                try:
                    sock.sendall(b"a")
                    reply += sock.recv(65536)
                except TimeoutError:
                    continue
                except (ConnectionResetError, BrokenPipeError):
                    break
                if reply:
                    break
        assert reply.startswith(b"HTTP/1.1 408"), reply
        assert b"too slow" in reply
        assert server.store.received_bytes(upload_id) == 0


def test_256_trickling_part_bodies_do_not_stop_a_normal_upload() -> None:
    limits = ServerLimits(body_timeout=30, body_grace=1.0)
    with EmulatorServer(api_key=API_KEY, limits=limits) as server:
        with httpx.Client(base_url=server.base_url, headers=AUTH) as http:
            upload_id = http.post("/uploads", json={**CREATE, "bytes": 10**6}).json()["id"]
        tricklers = [_connect(server) for _ in range(256)]
        stop = threading.Event()

        def trickle() -> None:
            for sock in tricklers:
                sock.sendall(_part_head(upload_id, b"a", 10**6))
            for _ in range(60):  # a byte each, every 0.5 s, for 30 s at most
                for sock in tricklers:
                    with contextlib.suppress(OSError):
                        sock.sendall(b"a")
                if stop.wait(0.5):
                    return

        thread = threading.Thread(target=trickle, daemon=True)
        thread.start()
        try:
            _wait_for(lambda: server.fault_stats()["requests"] >= 257)
            with httpx.Client(base_url=server.base_url, headers=AUTH, timeout=30) as http:
                created = _with_retries(lambda: http.post("/uploads", json=CREATE))
                assert created.status_code == 200, created.text
                new_id = created.json()["id"]
                part = _with_retries(
                    lambda: http.post(f"/uploads/{new_id}/parts", files={"data": b"abc"})
                )
                assert part.status_code == 200, part.text
        finally:
            stop.set()
            thread.join()
            for sock in tricklers:
                sock.close()
        assert server.store.received_bytes(upload_id) == 0


def _with_retries(send: Callable[[], httpx.Response], attempts: int = 60) -> httpx.Response:
    """``send()`` again after each 503 (as a client with retries would), 0.5 s apart."""
    response = send()
    for _ in range(attempts):
        if response.status_code != 503:
            break
        time.sleep(0.5)
        response = send()
    return response


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
