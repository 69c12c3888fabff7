"""``files.create`` sends what openai-python's ``files.create`` sends, for the same call.

Both clients run over one mock transport handler (openai-python over httpx2's
``MockTransport``, this package over httpx's): comparing the requests each builds needs
no server. The emulator's answers to the same calls are tested over real sockets in
``tests/client/_async/test_files_create.py``.
"""

from __future__ import annotations

import email.parser
import email.policy
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import httpx2
import openai
import pytest

import openai_uploads

KEY = "sk-parity-5b7e-DO-NOT-LEAK"
BASE_URL = "https://api.example.invalid/v1"
DATA = b'{"prompt": "a"}\n' * 200
FILE = {"id": "file-1", "object": "file", "bytes": len(DATA), "created_at": 1700000000,
        "filename": "train.jsonl", "purpose": "batch", "status": "processed",
        "expires_at": 1700086400}  # fmt: skip
ERROR = {"error": {"message": "bad file", "type": "invalid_request_error", "param": "file",
                   "code": "unsupported_file"}}  # fmt: skip


def fields(request: Any) -> list[tuple[str | None, str | None, str | None, bytes]]:
    """(name, filename, content type, value) of each multipart field, in order."""
    content_type = request.headers["content-type"]
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + request.read()
    )
    out = []
    for part in message.iter_parts():
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        out.append(
            (
                part.get_param("name", header="content-disposition"),
                part.get_filename(),
                part.get("content-type") if "content-type" in part else None,
                payload,
            )
        )
    return out


class Handler:
    """One handler for both clients: records each request, answers with ``reply``."""

    def __init__(self, status: int = 200, body: Any = None) -> None:
        self.seen: list[dict[str, Any]] = []
        self.status = status
        self.body = FILE if body is None else body

    def __call__(self, request: Any) -> Any:
        self.seen.append(
            {
                "method": request.method,
                "url": str(request.url),
                "authorization": request.headers.get("authorization"),
                "content-type": request.headers["content-type"].split(";")[0],
                "fields": fields(request),
            }
        )
        # The response of the library the request came from (httpx2's or httpx's).
        library = httpx2 if isinstance(request, httpx2.Request) else httpx
        return library.Response(self.status, json=self.body)


def ours(handler: Handler) -> openai_uploads.OpenAI:
    http = httpx.Client(transport=httpx.MockTransport(handler))
    return openai_uploads.OpenAI(
        api_key=KEY, base_url=BASE_URL, http_client=http, load_plugins=False, max_retries=0
    )


def theirs(handler: Handler) -> openai.OpenAI:
    http = httpx2.Client(transport=httpx2.MockTransport(handler))
    return openai.OpenAI(api_key=KEY, base_url=BASE_URL, http_client=http, max_retries=0)


def async_ours(handler: Handler) -> openai_uploads.AsyncOpenAI:
    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return openai_uploads.AsyncOpenAI(
        api_key=KEY, base_url=BASE_URL, http_client=http, load_plugins=False, max_retries=0
    )


def async_theirs(handler: Handler) -> openai.AsyncOpenAI:
    http = httpx2.AsyncClient(transport=httpx2.MockTransport(handler))
    return openai.AsyncOpenAI(api_key=KEY, base_url=BASE_URL, http_client=http, max_retries=0)


def path_to(tmp_path: Path) -> Path:
    path = tmp_path / "train.jsonl"
    path.write_bytes(DATA)
    return path


def named_stream(_: Path) -> io.BytesIO:
    stream = io.BytesIO(DATA)
    stream.name = "/somewhere/train.jsonl"
    return stream


INPUTS: dict[str, Callable[[Path], Any]] = {
    "bytes": lambda _: DATA,
    "tuple": lambda _: ("train.jsonl", DATA),
    "tuple with a MIME type": lambda _: ("train.jsonl", DATA, "application/jsonl"),
    "tuple with a file object": lambda _: ("train.jsonl", io.BytesIO(DATA)),
    "path": path_to,
    "named file object": named_stream,
}
CALLS: dict[str, dict[str, Any]] = {
    "purpose only": {"purpose": "batch"},
    "expires_after": {
        "purpose": "batch",
        "expires_after": {"anchor": "created_at", "seconds": 86400},
    },
}


@pytest.mark.parametrize("call", list(CALLS))
@pytest.mark.parametrize("given", list(INPUTS))
def test_sends_the_same_multipart_fields(tmp_path: Path, given: str, call: str) -> None:
    mine, its = Handler(), Handler()
    with ours(mine) as client, theirs(its) as other:
        got = client.files.create(file=INPUTS[given](tmp_path), **CALLS[call])
        expected = other.files.create(file=INPUTS[given](tmp_path), **CALLS[call])
    assert mine.seen == its.seen
    assert len(mine.seen) == 1
    assert mine.seen[0]["fields"][-1][3] == DATA
    assert got.to_dict() == expected.to_dict()
    assert type(got).__name__ == type(expected).__name__ == "FileObject"


@pytest.mark.parametrize("given", list(INPUTS))
async def test_the_async_clients_send_the_same_multipart_fields(tmp_path: Path, given: str) -> None:
    mine, its = Handler(), Handler()
    async with async_ours(mine) as client, async_theirs(its) as other:
        got = await client.files.create(file=INPUTS[given](tmp_path), **CALLS["expires_after"])
        expected = await other.files.create(file=INPUTS[given](tmp_path), **CALLS["expires_after"])
    assert mine.seen == its.seen
    assert got.to_dict() == expected.to_dict()


def test_a_refusal_raises_the_same_error() -> None:
    mine, its = Handler(400, ERROR), Handler(400, ERROR)
    with ours(mine) as client, theirs(its) as other:
        with pytest.raises(openai_uploads.BadRequestError) as got:
            client.files.create(file=("a.pdf", b"%PDF"), purpose="batch")
        with pytest.raises(openai.BadRequestError) as expected:
            other.files.create(file=("a.pdf", b"%PDF"), purpose="batch")
    assert mine.seen == its.seen
    assert (got.value.status_code, got.value.param, got.value.code) == (
        expected.value.status_code,
        expected.value.param,
        expected.value.code,
    )


def test_a_missing_path_raises_file_not_found_error_in_both(tmp_path: Path) -> None:
    mine, its = Handler(), Handler()
    with ours(mine) as client, theirs(its) as other:
        with pytest.raises(FileNotFoundError) as got:
            client.files.create(file=tmp_path / "missing.jsonl", purpose="batch")
        with pytest.raises(FileNotFoundError) as expected:
            other.files.create(file=tmp_path / "missing.jsonl", purpose="batch")
    assert (got.value.errno, got.value.filename) == (expected.value.errno, expected.value.filename)
    assert str(got.value) == str(expected.value)
    assert mine.seen == its.seen == []
