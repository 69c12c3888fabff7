"""The command fails (exit 1, one line naming the Upload) when ``complete`` answers with
anything but this Upload, completed, with a File of the file's size.

The server is a real loopback ``http.server`` faking the Uploads API, whose
``complete`` answers one wrong thing: the emulator always answers right.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from .conftest import cli_env, make_file, one_line, run_cli

UPLOAD_ID = "upload_mine"
SIZE = 1000


def upload_json(**changes: Any) -> dict[str, Any]:
    return {
        "id": UPLOAD_ID,
        "object": "upload",
        "bytes": SIZE,
        "created_at": 1,
        "expires_at": 4_000_000_000,
        "filename": "a.jsonl",
        "purpose": "batch",
        "status": "pending",
        "file": None,
        **changes,
    }


FILE = {
    "id": "file-1",
    "object": "file",
    "bytes": SIZE - 1,
    "created_at": 1,
    "filename": "a.jsonl",
    "purpose": "batch",
}
ANSWERS = {
    "cancelled": (upload_json(status="cancelled"), "left it 'cancelled'"),
    "a-file-of-another-size": (
        upload_json(status="completed", file=FILE),
        f"of {SIZE - 1} bytes, not the {SIZE} declared",
    ),
    "still-pending": (upload_json(status="pending"), "left it 'pending'"),
    "expired": (upload_json(status="expired"), "left it 'expired'"),
    "a-file-that-is-not-an-object": (
        upload_json(status="completed", file="file-1"),
        "gave an answer that is not an Upload",
    ),
}
CANCELLED_AFTER = {"still-pending", "a-file-that-is-not-an-object"}
"""Answers after which the Upload may still be pending: the command cancels it."""


@pytest.fixture
def fake_api(request: pytest.FixtureRequest) -> Iterator[tuple[str, list[str]]]:
    answer, _ = ANSWERS[request.param]
    calls: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            path = self.path.split("?")[0]
            if path.endswith("/uploads"):
                calls.append("create")
                body: dict[str, Any] = upload_json()
            elif path.endswith("/parts"):
                calls.append("part")
                body = {"id": "part_1", "object": "upload.part", "created_at": 1}
                body["upload_id"] = UPLOAD_ID
            elif path.endswith("/complete"):
                calls.append("complete")
                body = answer
            else:
                calls.append("cancel")
                body = upload_json(status="cancelled")
            payload = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/v1", calls
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


@pytest.mark.parametrize("fake_api", list(ANSWERS), indirect=True)
def test_a_wrong_answer_to_complete_fails_the_upload_in_one_line(
    fake_api: tuple[str, list[str]], request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    base_url, calls = fake_api
    _, says = ANSWERS[request.node.callspec.params["fake_api"]]
    data = make_file(tmp_path / "a.jsonl", SIZE)
    result = run_cli(
        "upload", str(data), "--purpose", "batch", "--resume",
        env=cli_env(base_url=base_url, api_key="sk-test"),
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stdout == ""
    line = one_line(result.stderr)
    assert UPLOAD_ID in line
    assert says in line
    if request.node.callspec.params["fake_api"] in CANCELLED_AFTER:
        assert calls[-1] == "cancel"
    else:
        assert "cancel" not in calls
        assert "resume" not in line  # nothing is left to resume
