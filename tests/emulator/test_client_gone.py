"""A client that goes away or stalls in the middle of a part: one log line, no
traceback, and no part kept (the in-process emulator, over real sockets)."""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Callable, Iterator

import httpx
import pytest

from openai_uploads.emulator import EmulatorServer, ServerLimits

API_KEY = "sk-client-gone"
AUTH = {"Authorization": f"Bearer {API_KEY}"}
CREATE = {"bytes": 1000, "filename": "x", "mime_type": "text/jsonl", "purpose": "batch"}
OPEN = b'--bb\r\nContent-Disposition: form-data; name="data"; filename="p"\r\n\r\n'


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    limits = ServerLimits(body_timeout=0.5)
    with EmulatorServer(api_key=API_KEY, limits=limits) as s:
        yield s


def _half_a_part(server: EmulatorServer) -> tuple[str, socket.socket]:
    with httpx.Client(base_url=server.base_url, headers=AUTH) as http:
        upload_id = http.post("/uploads", json=CREATE).json()["id"]
    head = (
        f"POST /v1/uploads/{upload_id}/parts HTTP/1.1\r\nHost: x\r\n"
        f"Authorization: Bearer {API_KEY}\r\n"
        "Content-Type: multipart/form-data; boundary=bb\r\n"
        f"Content-Length: {len(OPEN) + 1000 + 8}\r\n\r\n"
    ).encode()
    sock = socket.create_connection((server.host, server.port), timeout=10)
    sock.sendall(head + OPEN + b"x" * 500)
    return upload_id, sock


def _wait_for(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def _parts_logged(server: EmulatorServer) -> bool:
    return any(r.endpoint == "parts" for r in server.requests())


def test_a_client_gone_mid_part_is_one_line_and_no_part(
    server: EmulatorServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    upload_id, sock = _half_a_part(server)
    _wait_for(lambda: server.store.received_bytes(upload_id) == 0 and _in_progress(server))
    sock.close()
    _wait_for(lambda: _parts_logged(server))
    lines = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.getMessage() for r in lines] == [
        f"POST /v1/uploads/{upload_id}/parts: the client went away after {len(OPEN) + 500} "
        "body bytes; the request was abandoned"
    ]
    assert all(r.exc_info is None for r in caplog.records)
    assert server.store.received_bytes(upload_id) == 0
    assert not list((server.data_dir / "parts").iterdir())


def test_a_client_stalled_mid_part_is_one_line_and_no_part(
    server: EmulatorServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    upload_id, sock = _half_a_part(server)
    with sock:
        _wait_for(lambda: _parts_logged(server))
    (record,) = [r for r in server.requests() if r.endpoint == "parts"]
    assert record.status == 408
    lines = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.getMessage() for r in lines] == [
        f"POST /v1/uploads/{upload_id}/parts: the client sent its body too slowly "
        f"({len(OPEN) + 500} bytes received); answered 408"
    ]
    assert all(r.exc_info is None for r in caplog.records)
    assert server.store.received_bytes(upload_id) == 0


def _in_progress(server: EmulatorServer) -> bool:
    return server.fault_stats()["requests"] >= 2
