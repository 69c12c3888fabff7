"""An emulator whose request log shows the headers of every request it received."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from openai_uploads.emulator import EmulatorServer

HEADERS_API_KEY = "sk-plugins-headers"


class HeaderLog:
    """(method, path, headers) of each request the emulator received, from its request
    log (credentials masked there: ``Bearer ***``)."""

    def __init__(self, server: EmulatorServer) -> None:
        self.server = server

    @property
    def requests(self) -> list[tuple[str, str, dict[str, str]]]:
        return [(r.method, r.path, r.headers) for r in self.server.requests()]


@pytest.fixture
def header_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[EmulatorServer, HeaderLog]]:
    """The real emulator on a loopback port, and a :class:`HeaderLog` of what it received."""
    data_dir = tmp_path_factory.mktemp("emulator")
    with EmulatorServer(data_dir=data_dir, api_key=HEADERS_API_KEY) as server:
        yield server, HeaderLog(server)
