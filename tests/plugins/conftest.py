"""An emulator that also remembers the headers of every request it received."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from openai_uploads.emulator import EmulatorServer, _server

HEADERS_API_KEY = "sk-plugins-headers"


class HeaderLog:
    """ASGI layer outside the emulator's app: records (method, path, headers) per request."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.requests: list[tuple[str, str, dict[str, str]]] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
            self.requests.append((scope["method"], scope["path"], headers))
        await self.app(scope, receive, send)


@pytest.fixture
def header_server(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[EmulatorServer, HeaderLog]]:
    """The real emulator on a loopback port, its app wrapped in a :class:`HeaderLog`."""
    logs: list[HeaderLog] = []
    create_app = _server.create_app

    def recording_app(*args: Any, **kwargs: Any) -> HeaderLog:
        log = HeaderLog(create_app(*args, **kwargs))
        logs.append(log)
        return log

    monkeypatch.setattr(_server, "create_app", recording_app)
    data_dir = tmp_path_factory.mktemp("emulator")
    with EmulatorServer(data_dir=data_dir, api_key=HEADERS_API_KEY) as server:
        yield server, logs[0]
