"""Fair under load, attacked as a stranger would, at the emulator's default admission
limits: a burst beyond the request cap is refused on its own while the admitted requests
are served, hundreds of idle connections lock nobody out, hundreds of part bodies
trickling a byte every 2 s do not stop a normal client's upload, and a 32 MiB request
head is cut off after the header cap (real sockets on loopback; the assertions are on
outcomes, and every loop is bounded, so a slow machine makes a test slower, not red)."""

from __future__ import annotations

import contextlib
import select
import socket
import threading
from collections.abc import Callable, Iterator

import httpx
import pytest

from openai_uploads.emulator import EmulatorServer
from openai_uploads.emulator._limits import ServerLimits

from .conftest import API_KEY, md5
from .test_connection_limits import _closed_within, _connect, _finish, _part_head, _reply, _wait_for
from .test_hostile_input import AUTH, CREATE, assert_serves

DEFAULT_CAP = ServerLimits().max_concurrency


def _readable(socks: list[socket.socket]) -> set[socket.socket]:
    """The sockets with something to read (a reply, or the server's close) right now."""
    poller = select.poll()
    by_fd = {s.fileno(): s for s in socks}
    for fd in by_fd:
        poller.register(fd, select.POLLIN)
    return {by_fd[fd] for fd, _ in poller.poll(0)}


def _open_connections(server: EmulatorServer) -> int:
    """Connections the server has accepted and not closed (uvicorn's count)."""
    assert server._server is not None
    return len(server._server.server_state.connections)


@contextlib.contextmanager
def _sockets(server: EmulatorServer, count: int) -> Iterator[list[socket.socket]]:
    socks = [_connect(server) for _ in range(count)]
    try:
        yield socks
    finally:
        for sock in socks:
            sock.close()


@pytest.mark.parametrize("burst", [DEFAULT_CAP + 1, 300])
def test_a_burst_beyond_the_request_cap_refuses_only_the_excess(burst: int) -> None:
    # only the body deadlines are lengthened: the burst is held in progress while checked
    limits = ServerLimits(body_timeout=60, body_grace=60)
    with EmulatorServer(api_key=API_KEY, limits=limits) as server:
        with httpx.Client(base_url=server.base_url, headers=AUTH) as http:
            upload_id = http.post("/uploads", json={**CREATE, "bytes": 4 * burst}).json()["id"]
        server.reset_fault_stats()
        with _sockets(server, burst) as socks:
            _wait_for(lambda: _open_connections(server) == burst, 30)  # all accepted, then:
            for sock in socks:  # every request of the burst in progress at once
                sock.sendall(_part_head(upload_id, b"ab", 4))
            excess = burst - DEFAULT_CAP
            _wait_for(lambda: len(_readable(socks)) == excess, 30)
            refused = _readable(socks)
            refusals = [_reply(sock) for sock in refused]
            admitted = [_finish(sock) for sock in socks if sock not in refused]
        assert all(r.startswith(b"HTTP/1.1 503") and b"server_busy" in r for r in refusals)
        assert len(admitted) == DEFAULT_CAP
        assert all(r.startswith(b"HTTP/1.1 200") for r in admitted)
        assert server.fault_stats()["refused"] == excess
        assert server.store.received_bytes(upload_id) == 4 * DEFAULT_CAP
        assert_serves(server)


@pytest.mark.parametrize("max_connections", [ServerLimits().max_connections, 256])
def test_500_idle_connections_do_not_lock_others_out(max_connections: int) -> None:
    # idle connections are never closed by a timeout here: only admission can let
    # the normal client in
    limits = ServerLimits(header_timeout=120, keep_alive=120, max_connections=max_connections)
    with EmulatorServer(api_key=API_KEY, limits=limits) as server, _sockets(server, 500) as idle:
        request = f"GET /v1/files HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {API_KEY}\r\n\r\n"
        for sock in idle[:250]:  # half idle after a request (kept alive), half silent
            with contextlib.suppress(OSError):
                sock.sendall(request.encode())
        for sock in idle[:250]:
            with contextlib.suppress(OSError):
                sock.settimeout(10)
                sock.recv(65536)
        assert_serves(server)
        assert_serves(server)


def _upload_retrying_503(server: EmulatorServer, data: bytes) -> bytes:
    """A normal client's whole upload, each request sent again after a 503 (as a client
    with retries does); returns the File's content."""

    def send(http: httpx.Client, call: Callable[[], httpx.Response]) -> httpx.Response:
        for _ in range(40):  # 20 s at most
            response = call()
            if response.status_code != 503:
                assert response.status_code == 200, response.text
                return response
            threading.Event().wait(0.5)
        raise AssertionError("still refused")

    with httpx.Client(base_url=server.base_url, headers=AUTH, timeout=30) as http:
        create = {**CREATE, "bytes": len(data)}
        upload_id = send(http, lambda: http.post("/uploads", json=create)).json()["id"]
        part = send(http, lambda: http.post(f"/uploads/{upload_id}/parts", files={"data": data}))
        body = {"part_ids": [part.json()["id"]], "md5": md5(data)}
        done = send(http, lambda: http.post(f"/uploads/{upload_id}/complete", json=body))
        file_id = done.json()["file"]["id"]
        return send(http, lambda: http.get(f"/files/{file_id}/content")).content


@pytest.mark.parametrize("tricklers", [DEFAULT_CAP, 300])
def test_part_bodies_trickling_a_byte_every_2s_do_not_stop_a_normal_upload(
    tricklers: int,
) -> None:
    # the default minimum body rate, after a shorter grace than the default 10 s
    limits = ServerLimits(body_grace=2.0)
    with EmulatorServer(api_key=API_KEY, limits=limits) as server:
        with httpx.Client(base_url=server.base_url, headers=AUTH) as http:
            upload_id = http.post("/uploads", json={**CREATE, "bytes": 10**6}).json()["id"]
        with _sockets(server, tricklers) as socks:
            for sock in socks:
                sock.sendall(_part_head(upload_id, b"a", 10**6))
            stop = threading.Event()

            def trickle() -> None:
                while not stop.wait(2.0):  # a byte on each, every 2 s
                    for sock in socks:
                        with contextlib.suppress(OSError):
                            sock.sendall(b"a")

            thread = threading.Thread(target=trickle, daemon=True)
            thread.start()
            try:
                _wait_for(lambda: server.fault_stats()["requests"] >= tricklers + 1, 30)
                data = b"normal client " * 1000
                assert _upload_retrying_503(server, data) == data
                # the tricklers did not get in by trickling: each was cut off or refused
                assert all(_closed_within(sock, 10) for sock in socks)
            finally:
                stop.set()
                thread.join()
        assert server.store.received_bytes(upload_id) == 0


_BIG = 32 * 1024 * 1024


def _big_request_parts(where: str) -> Iterator[bytes]:
    """A 32 MiB request head, 64 KiB at a time: one long URL, one long header, or many
    short headers."""
    chunk = 64 * 1024
    if where == "url":
        yield b"GET /v1/files?x="
        for _ in range(_BIG // chunk):
            yield b"a" * chunk
        return
    yield b"GET /v1/files HTTP/1.1\r\nHost: x\r\n"
    if where == "header":
        yield b"X-Big: "
        for _ in range(_BIG // chunk):
            yield b"a" * chunk
        return
    line = b"X-Many: " + b"a" * 1014 + b"\r\n"  # 1 KiB each
    for _ in range(_BIG // chunk):
        yield line * 64


@pytest.mark.parametrize("where", ["url", "header", "many headers"])
def test_a_32_mib_request_head_gets_431_and_is_not_read_to_its_end(where: str) -> None:
    with EmulatorServer(api_key=API_KEY) as server:
        with _connect(server) as sock:
            sent = 0
            with contextlib.suppress(ConnectionResetError, BrokenPipeError):
                for piece in _big_request_parts(where):
                    sock.sendall(piece)
                    sent += len(piece)
            # the server stopped reading after its cap: the 32 MiB could not all be sent
            assert sent < _BIG
            reply = _reply(sock)
        assert reply.startswith(b"HTTP/1.1 431"), reply[:100]
        assert b"request_header_fields_too_large" in reply
        assert_serves(server)
