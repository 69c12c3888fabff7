"""``client.post(path, content=...)`` sends raw bytes as openai-python's does.

Both clients over one mock handler (see ``conftest``): the bodies and content types each
sent, what each returns, warns and raises, compared.
"""

from __future__ import annotations

from typing import Any

import httpx
import httpx2
import pytest

from .conftest import KEY, Side, Wire, outcome, run

DATA = b"Hello, this is a test file."
RAW_BODY = r"Passing raw bytes as `body` is deprecated"
OCTETS = {"headers": {"Content-Type": "application/octet-stream"}}


class Echo:
    """Both clients' mock server for raw bodies (``conftest``'s Wire decodes JSON): each
    request's method, content type and body, recorded; the body echoed back."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str | None, bytes]] = []

    def client(self, side: Side, which: str) -> Any:
        lib = httpx2 if which == "theirs" else httpx

        def handle(request: Any) -> Any:
            body = request.read()
            self.sent.append((request.method, request.headers.get("content-type"), body))
            return lib.Response(200, content=body)

        http = side.http_client_class(which)(transport=lib.MockTransport(handle))
        cls = side.theirs if which == "theirs" else side.ours
        extra = {"load_plugins": False} if which == "ours" else {}
        return cls(api_key=KEY, http_client=http, **extra), lib.Response


def chunks_of(side: Side) -> Any:
    parts = [DATA[:5], DATA[5:]]
    if side.name == "sync":
        return iter(parts)

    async def agen() -> Any:
        for part in parts:
            yield part

    return agen()


@pytest.mark.parametrize("kind", ["bytes", "iterable"])
def test_post_sends_content_as_the_raw_body(side: Side, kind: str) -> None:
    echoes = []
    for which in ("theirs", "ours"):
        echo = Echo()
        client, response_type = echo.client(side, which)
        content = DATA if kind == "bytes" else chunks_of(side)
        response = run(
            client.post("/upload", content=content, cast_to=response_type, options=OCTETS)
        )
        assert response.content == DATA
        echoes.append(echo.sent)
    assert echoes[0] == echoes[1] == [("POST", "application/octet-stream", DATA)]


def test_bytes_as_body_are_sent_as_content_with_a_deprecation_warning(side: Side) -> None:
    echoes = []
    for which in ("theirs", "ours"):
        echo = Echo()
        client, response_type = echo.client(side, which)
        with pytest.deprecated_call(match=RAW_BODY):
            run(client.post("/upload", body=DATA, cast_to=response_type, options=OCTETS))
        echoes.append(echo.sent)
    assert echoes[0] == echoes[1] == [("POST", "application/octet-stream", DATA)]


def test_body_and_content_together_are_refused_before_any_request(side: Side) -> None:
    theirs, ours, their_wire, our_wire = side.pair(Wire())
    errors = [
        outcome(lambda c=c: c.post("/upload", body={"a": 1}, content=DATA, cast_to=object))
        for c in (theirs, ours)
    ]
    assert errors[0] == errors[1]
    assert errors[0][0] == "TypeError"
    assert their_wire.sent == our_wire.sent == []
