# Generated from tests/client/_async/test_error_family.py by `python scripts/unasync.py`: do not edit.
"""Every failure of a call is an ``OpenAIError``: broken servers cannot leak httpx errors.

The servers here are ``httpx.MockTransport`` handlers that do exactly one broken thing
each (a bad ``Content-Encoding``, a redirect loop, JSON nested too deeply to decode):
the emulator is a well-behaved server and does none of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from openai_uploads import (
    APIConnectionError,
    APIResponseValidationError,
    InternalServerError,
    OpenAI,
    OpenAIError,
)

from ..conftest import TEST_API_KEY

Handler = Callable[[httpx.Request], httpx.Response]

DEEP_JSON = b"[" * 200_000 + b"]" * 200_000


def bad_encoding(request: httpx.Request) -> httpx.Response:
    return httpx.Response(
        200,
        headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
        content=b"this is not gzip",
    )


def redirect_loop(request: httpx.Request) -> httpx.Response:
    return httpx.Response(302, headers={"Location": str(request.url)})


def deep_json(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, headers={"Content-Type": "application/json"}, content=DEEP_JSON)


def deep_json_error(request: httpx.Request) -> httpx.Response:
    return httpx.Response(500, headers={"Content-Type": "application/json"}, content=DEEP_JSON)


def raises(error: Exception) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        raise error

    return handler


def answers(status: int, body: bytes, content_type: str = "application/json") -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, headers={"Content-Type": content_type}, content=body)

    return handler


class BreaksMidBody(httpx.SyncByteStream):
    """A few bytes of the body, then the peer closes the connection."""

    def __iter__(self) -> Iterator[bytes]:
        yield b'{"id": "file-1", '
        raise httpx.RemoteProtocolError("peer closed connection without sending complete body")


def breaks_mid_body(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, headers={"Content-Length": "500"}, stream=BreaksMidBody())


BROKEN: dict[str, tuple[Handler, type[OpenAIError]]] = {
    "html-instead-of-json": (
        answers(200, b"<html>oops</html>", "text/html"),
        APIResponseValidationError,
    ),
    "a-json-array": (answers(200, b"[1, 2]"), APIResponseValidationError),
    "a-json-string": (answers(200, b'"file-1"'), APIResponseValidationError),
    "invalid-utf8": (answers(200, b'{"id": "\xff\xfe"}'), APIResponseValidationError),
    "an-error-body-not-of-the-api": (
        answers(500, b"<html>502</html>", "text/html"),
        InternalServerError,
    ),
    "an-error-body-of-invalid-utf8": (answers(500, b"\xff\xfe\xfd"), InternalServerError),
    "a-proxy-error": (raises(httpx.ProxyError("proxy refused")), APIConnectionError),
    "a-local-protocol-error": (raises(httpx.LocalProtocolError("bad header")), APIConnectionError),
    "a-body-broken-mid-way": (breaks_mid_body, APIConnectionError),
    "bad-content-encoding": (bad_encoding, APIConnectionError),
    "redirect-loop": (redirect_loop, APIConnectionError),
    "deeply-nested-json": (deep_json, APIResponseValidationError),
    "deeply-nested-json-error-body": (deep_json_error, InternalServerError),
    "httpx-protocol-error": (raises(httpx.RemoteProtocolError("bad")), APIConnectionError),
    "httpx-invalid-url": (raises(httpx.InvalidURL("bad")), APIConnectionError),
    "httpx-stream-consumed": (raises(httpx.StreamConsumed()), APIConnectionError),
}


def broken_client(handler: Handler) -> OpenAI:
    http = httpx.Client(transport=httpx.MockTransport(handler), follow_redirects=True)
    return OpenAI(
        api_key=TEST_API_KEY,
        base_url="http://broken.test/v1",
        http_client=http,
        max_retries=0,
        load_plugins=False,
    )


def calls(client: Any) -> dict[str, Callable[[], Any]]:
    return {
        "retrieve": lambda: client.files.retrieve("file-1"),
        "content": lambda: client.files.content("file-1"),
        "create": lambda: client.uploads.create(
            bytes=3, filename="a.txt", mime_type="text/plain", purpose="batch"
        ),
    }


NOT_JSON_OBJECTS = {
    "deeply-nested-json",
    "html-instead-of-json",
    "a-json-array",
    "a-json-string",
    "invalid-utf8",
}

CASES = [
    (broken, call)
    for broken in BROKEN
    for call in ("retrieve", "content", "create")
    # content returns bytes: a body that is not a JSON object is just a body there.
    if not (call == "content" and broken in NOT_JSON_OBJECTS)
]


@pytest.mark.parametrize(("broken", "call"), CASES)
def test_a_broken_server_raises_an_openai_error(broken: str, call: str) -> None:
    handler, expected = BROKEN[broken]
    with broken_client(handler) as client:
        with pytest.raises(expected):
            calls(client)[call]()


def test_the_error_names_what_went_wrong() -> None:
    with broken_client(bad_encoding) as client:
        with pytest.raises(APIConnectionError) as info:
            client.files.retrieve("file-1")
    assert "decode" in str(info.value)
    assert isinstance(info.value.__cause__, httpx.DecodingError)
    with broken_client(redirect_loop) as client:
        with pytest.raises(APIConnectionError) as info:
            client.files.retrieve("file-1")
    assert "redirect" in str(info.value).lower()


def test_a_decoding_error_is_not_retried() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return bad_encoding(request)

    client = broken_client(handler).with_options(max_retries=3)
    with pytest.raises(APIConnectionError):
        client.files.retrieve("file-1")
    assert len(seen) == 1


BAD_BASE_URL = "http://[::1/v1"
"""A base_url httpx cannot parse (an unclosed IPv6 bracket)."""


def test_a_base_url_httpx_cannot_parse_is_refused_by_the_constructor() -> None:
    # As openai-python: base_url is an httpx.URL, parsed before any request is made.
    with pytest.raises(httpx.InvalidURL):
        OpenAI(api_key=TEST_API_KEY, base_url=BAD_BASE_URL, load_plugins=False)
