"""Both packages side by side: the installed ``openai`` and this SDK, over one mock handler.

A :class:`Side` is the sync or the async pair of clients. Each client gets an HTTP client
of its own library (openai-python's ``httpx2``, this SDK's ``httpx``) whose
``MockTransport`` calls the same Python handler, which records what was sent in one shape
and answers from the same script; so a test makes the same calls through both and
compares what each returns, raises and sends. A mock transport is used because the point
is the two clients' behaviour on identical answers, which needs no server (the emulator
tests cover the real sockets).
"""

from __future__ import annotations

import asyncio
import inspect
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import openai
import pytest

import openai_uploads

httpx2: Any = pytest.importorskip("httpx2")

KEY = "sk-parity-0b5e-DO-NOT-LEAK"

FILE = {
    "id": "file-abc",
    "object": "file",
    "bytes": 3,
    "created_at": 1719184911,
    "filename": "a.jsonl",
    "purpose": "batch",
    "status": "processed",
}


@dataclass
class Sent:
    """A request as either library sent it."""

    method: str
    url: str
    headers: dict[str, str]
    body: Any


@dataclass
class Reply:
    status: int = 200
    json: Any = None
    text: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Wire:
    """One mock server: the script both clients are answered from, and what each sent."""

    replies: Callable[[Sent], Reply] = lambda sent: Reply(json=FILE)
    sent: list[Sent] = field(default_factory=list)

    def handler(self, lib: Any) -> Callable[[Any], Any]:
        def handle(request: Any) -> Any:
            raw = request.read()
            sent = Sent(
                request.method,
                str(request.url),
                {k.lower(): v for k, v in request.headers.items()},
                json.loads(raw) if raw else None,
            )
            self.sent.append(sent)
            reply = self.replies(sent)
            if reply.text is not None:
                return lib.Response(reply.status, text=reply.text, headers=reply.headers)
            return lib.Response(reply.status, json=reply.json, headers=reply.headers)

        return handle


@dataclass(frozen=True)
class Side:
    """The sync or the async pair: the clients of both packages and their HTTP clients."""

    name: str
    theirs: Any
    ours: Any
    their_http: Any
    our_http: Any
    their_azure: Any
    our_azure: Any
    our_default_http: Any
    their_default_http: Any

    def http_client_class(self, which: str) -> Any:
        """``which`` package's HTTP client class (httpx2's or httpx's) for this side."""
        return self.their_http if which == "theirs" else self.our_http

    def http(self, which: str, wire: Wire) -> Any:
        """An HTTP client of ``which`` package's library over ``wire``."""
        if which == "theirs":
            return self.their_http(transport=httpx2.MockTransport(wire.handler(httpx2)))
        return self.our_http(transport=httpx.MockTransport(wire.handler(httpx)))

    def client(self, which: str, wire: Wire, **options: Any) -> Any:
        cls = self.theirs if which == "theirs" else self.ours
        if which == "ours":
            options.setdefault("load_plugins", False)
        return cls(api_key=KEY, http_client=self.http(which, wire), **options)

    def pair(self, wire: Wire | None = None, **options: Any) -> tuple[Any, Any, Wire, Wire]:
        """Both clients with ``options``, each over a wire of its own with the same script."""
        theirs_wire = Wire(wire.replies) if wire else Wire()
        ours_wire = Wire(wire.replies) if wire else Wire()
        return (
            self.client("theirs", theirs_wire, **options),
            self.client("ours", ours_wire, **options),
            theirs_wire,
            ours_wire,
        )


SIDES = {
    "sync": Side(
        "sync",
        openai.OpenAI,
        openai_uploads.OpenAI,
        httpx2.Client,
        httpx.Client,
        openai.AzureOpenAI,
        openai_uploads.AzureOpenAI,
        openai_uploads.DefaultHttpxClient,
        openai.DefaultHttpxClient,
    ),
    "async": Side(
        "async",
        openai.AsyncOpenAI,
        openai_uploads.AsyncOpenAI,
        httpx2.AsyncClient,
        httpx.AsyncClient,
        openai.AsyncAzureOpenAI,
        openai_uploads.AsyncAzureOpenAI,
        openai_uploads.DefaultAsyncHttpxClient,
        openai.DefaultAsyncHttpxClient,
    ),
}


@pytest.fixture(params=list(SIDES))
def side(request: pytest.FixtureRequest) -> Side:
    return SIDES[request.param]


def run(value: Any) -> Any:
    """``value``, awaited when it is an awaitable (the async clients' calls)."""
    if inspect.isawaitable(value):

        async def wait() -> Any:
            return await value

        return asyncio.run(wait())
    return value


def outcome(call: Callable[[], Any]) -> tuple[str, str]:
    """What a call raised, as ``(type name, str)``; ``("", "")`` when it raised nothing."""
    try:
        run(call())
    except Exception as exc:
        return type(exc).__name__, str(exc)
    return "", ""


def without_sdk_headers(headers: dict[str, str]) -> dict[str, str]:
    """The headers the caller controls: neither library's own (user agent, platform,
    retry count, content length) nor the key."""
    own = ("x-stainless", "user-agent", "x-retry-count", "accept", "content-length", "host")
    return {
        k: v
        for k, v in headers.items()
        if not k.startswith(own) and k not in ("authorization", "connection", "accept-encoding")
    }
