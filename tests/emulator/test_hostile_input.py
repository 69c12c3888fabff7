"""Hostile or broken requests get a 4xx in the API's error shape (never a 500 with
internals), change nothing, and leave the server answering correctly."""

from __future__ import annotations

import json
import secrets
import time

import httpx
import pytest

from openai_uploads.emulator import EmulatorServer, FaultConfig
from openai_uploads.emulator._input import MAX_JSON_BODY, MAX_JSON_DEPTH

from .conftest import API_KEY, md5

AUTH = {"Authorization": f"Bearer {API_KEY}"}
JSON = {**AUTH, "Content-Type": "application/json"}
CREATE = {"bytes": 3, "filename": "x.jsonl", "mime_type": "application/jsonl", "purpose": "batch"}


def assert_serves(server: EmulatorServer) -> None:
    """A whole upload round trip on a fresh connection: the server answers correctly."""
    with httpx.Client(base_url=server.base_url, headers=AUTH, timeout=10) as http:
        created = http.post("/uploads", json=CREATE)
        assert created.status_code == 200, created.text
        upload_id = created.json()["id"]
        part = http.post(f"/uploads/{upload_id}/parts", files={"data": b"abc"})
        assert part.status_code == 200, part.text
        done = http.post(
            f"/uploads/{upload_id}/complete",
            json={"part_ids": [part.json()["id"]], "md5": md5(b"abc")},
        )
        assert done.status_code == 200, done.text
        assert http.get(f"/files/{done.json()['file']['id']}/content").content == b"abc"


def error_of(response: httpx.Response) -> dict[str, object]:
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"message", "type", "param", "code"}
    error: dict[str, object] = body["error"]
    return error


# -- control routes ----------------------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer sk-wrong"}])
def test_fault_route_needs_the_key_when_one_is_set(
    emulator: EmulatorServer, headers: dict[str, str]
) -> None:
    url = f"{emulator.base_url}/_emulator/faults"
    assert httpx.get(url, headers=headers).status_code == 401
    assert httpx.delete(url, headers=headers).status_code == 401
    refused = httpx.post(url, json={"p_500": 1.0}, headers=headers)
    assert refused.status_code == 401
    assert error_of(refused)["type"] == "invalid_request_error"
    assert emulator.faults == FaultConfig()
    assert httpx.get(url, headers=AUTH).status_code == 200
    assert_serves(emulator)


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer sk-wrong"}])
def test_sink_needs_the_key_when_one_is_set(
    emulator: EmulatorServer, headers: dict[str, str]
) -> None:
    octets = {"Content-Type": "application/octet-stream"}
    url = f"{emulator.base_url}/_sink"
    assert httpx.post(url, content=b"x", headers={**headers, **octets}).status_code == 401
    assert httpx.post(url, content=b"x", headers={**AUTH, **octets}).json()["bytes"] == 1
    assert_serves(emulator)


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=b", ""],
)
def test_fault_route_refuses_what_a_browser_page_sends_without_preflight(
    emulator: EmulatorServer, content_type: str
) -> None:
    response = httpx.post(
        f"{emulator.base_url}/_emulator/faults",
        content=json.dumps({"p_500": 1.0}),
        headers={**AUTH, "Content-Type": content_type},
    )
    assert response.status_code == 415
    assert error_of(response)["code"] == "unsupported_media_type"
    assert emulator.faults == FaultConfig()
    assert_serves(emulator)


def test_sink_refuses_text_plain() -> None:
    with EmulatorServer() as server:  # no key: the content type still guards it
        url = f"{server.base_url}/_sink"
        assert httpx.post(
            url, content=b"x", headers={"Content-Type": "text/plain"}
        ).status_code == (415)
        octets = {"Content-Type": "application/octet-stream"}
        assert httpx.post(url, content=b"x", headers=octets).json()["bytes"] == 1


# -- non-finite and out-of-range fault settings ------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        '{"latency": Infinity}',
        '{"latency": NaN}',
        '{"p_500": -Infinity}',
        '{"latency": 1e400}',
        '{"latency": 1e9}',
        '{"bandwidth": 0.001}',
        '{"latency": "slow"}',
        '{"endpoints": "parts"}',
        '{"seed": 1.5}',
    ],
)
def test_bad_fault_settings_are_refused_and_change_nothing(
    emulator: EmulatorServer, body: str
) -> None:
    response = httpx.post(f"{emulator.base_url}/_emulator/faults", content=body, headers=JSON)
    assert response.status_code == 400
    assert error_of(response)["type"] == "invalid_request_error"
    assert emulator.faults == FaultConfig()
    started = time.monotonic()
    assert_serves(emulator)
    assert time.monotonic() - started < 10


@pytest.mark.parametrize("value", [float("inf"), float("nan"), -float("inf")])
def test_fault_config_refuses_non_finite_numbers(value: float) -> None:
    with pytest.raises(ValueError, match="finite"):
        FaultConfig(latency=value)
    with pytest.raises(ValueError, match="finite"):
        FaultConfig(p_drop=value)


# -- body caps ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/uploads", "/_emulator/faults", "/uploads/upload_x/complete"])
def test_json_body_over_the_cap_is_413_before_it_is_read(
    emulator: EmulatorServer, path: str
) -> None:
    body = b'{"filename": "' + b"a" * MAX_JSON_BODY + b'"}'
    response = httpx.post(emulator.base_url + path, content=body, headers=JSON)
    assert response.status_code == 413
    assert error_of(response)["code"] == "request_too_large"
    assert_serves(emulator)


def test_streamed_json_body_over_the_cap_is_413(emulator: EmulatorServer) -> None:
    def chunks() -> object:
        yield b'{"filename": "'
        for _ in range(MAX_JSON_BODY // 65536 + 2):
            yield b"a" * 65536
        yield b'"}'

    response = httpx.post(
        f"{emulator.base_url}/uploads",
        content=chunks(),  # type: ignore[arg-type]  # no Content-Length: chunked
        headers=JSON,
    )
    assert response.status_code == 413
    assert error_of(response)["code"] == "request_too_large"
    assert_serves(emulator)


def test_json_body_under_the_cap_is_read(emulator: EmulatorServer) -> None:
    filename = "f" * (MAX_JSON_BODY - 200)
    response = httpx.post(
        f"{emulator.base_url}/uploads", json={**CREATE, "filename": filename}, headers=AUTH
    )
    assert response.status_code == 200
    assert response.json()["filename"] == filename


# -- Unicode and nesting --------------------------------------------------------------------


@pytest.mark.parametrize("escape", ["\\ud800", "\\udfff", "a\\udc80b"])
def test_lone_surrogate_in_a_filename_is_400_and_the_connection_lives(
    emulator: EmulatorServer, escape: str
) -> None:
    body = json.dumps(CREATE).replace('"x.jsonl"', f'"{escape}"')
    with httpx.Client(base_url=emulator.base_url, headers=JSON) as http:
        response = http.post("/uploads", content=body)
        assert response.status_code == 400
        error = error_of(response)
        assert "surrogate" in str(error["message"])
        assert "Error(" not in str(error["message"])
        # the same keep-alive connection answers the next request
        assert http.post("/uploads", json=CREATE).status_code == 200
    assert_serves(emulator)


def test_invalid_utf8_body_is_400(emulator: EmulatorServer) -> None:
    body = json.dumps(CREATE).encode().replace(b"x.jsonl", b"\xff\xfe")
    response = httpx.post(f"{emulator.base_url}/uploads", content=body, headers=JSON)
    assert response.status_code == 400
    assert_serves(emulator)


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 2000, 100_000])
def test_deeply_nested_json_is_400(emulator: EmulatorServer, depth: int) -> None:
    body = '{"expires_after": ' + "[" * depth + "]" * depth + "}"
    response = httpx.post(f"{emulator.base_url}/uploads", content=body, headers=JSON)
    assert response.status_code == 400
    assert error_of(response)["type"] == "invalid_request_error"
    assert_serves(emulator)


def test_unexpected_failure_is_a_500_without_internals(
    emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(file_id: str) -> None:
        raise RuntimeError("secret internals at /some/path")

    monkeypatch.setattr(emulator.store, "get_file", broken)
    with httpx.Client(base_url=emulator.base_url, headers=AUTH) as http:
        response = http.get("/files/file-x")
        assert response.status_code == 500
        error = error_of(response)
        assert error["type"] == "server_error"
        assert "secret" not in response.text
        assert "RuntimeError" not in response.text
        monkeypatch.undo()
        assert http.get("/files/file-x").status_code == 404  # same connection
    assert_serves(emulator)


# -- multipart ----------------------------------------------------------------------------


def _multipart(boundary: str, data: bytes, *, close: bool) -> bytes:
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="data"; filename="p"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode() + data
    return body + (f"\r\n--{boundary}--\r\n".encode() if close else b"")


@pytest.mark.parametrize("cut", ["no closing boundary", "cut in the headers", "empty"])
def test_multipart_body_that_ends_early_is_400_and_nothing_is_stored(
    emulator: EmulatorServer, cut: str
) -> None:
    boundary = secrets.token_hex(8)
    whole = _multipart(boundary, b"abc", close=True)
    body = {
        "no closing boundary": _multipart(boundary, b"abc", close=False),
        "cut in the headers": whole[:30],
        "empty": b"",
    }[cut]
    with httpx.Client(base_url=emulator.base_url, headers=AUTH) as http:
        upload_id = http.post("/uploads", json=CREATE).json()["id"]
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        response = http.post(f"/uploads/{upload_id}/parts", content=body, headers=headers)
        assert response.status_code == 400
        assert error_of(response)["param"] == "data"
        assert emulator.store.received_bytes(upload_id) == 0
        assert not list((emulator.data_dir / "parts").iterdir())
        # the whole body is then accepted, and completes the Upload
        part = http.post(f"/uploads/{upload_id}/parts", content=whole, headers=headers)
        assert part.status_code == 200
        done = http.post(f"/uploads/{upload_id}/complete", json={"part_ids": [part.json()["id"]]})
        assert done.json()["status"] == "completed"
    assert_serves(emulator)
