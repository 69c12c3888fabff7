"""Pytest fixtures for testing apps against the local Uploads emulator.

Registered as the ``openai_uploads`` pytest plugin. Importing this module is cheap: the
emulator (and its extra's packages) load only when a fixture is used.

``openai_uploads_emulator`` yields a running :class:`~openai_uploads.emulator.EmulatorServer`
with ``.base_url`` (and ``.azure_endpoint`` for the Azure surface), ``.api_key``,
``.data_dir``, ``.faults`` (settable FaultConfig), ``.fault_stats()``, ``.clock`` and
``.restart()``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from openai_uploads.emulator import EmulatorServer

EMULATOR_API_KEY = "sk-emulator-test"


def _load_emulator() -> type[EmulatorServer]:
    try:
        from openai_uploads.emulator import EmulatorServer
    except ModuleNotFoundError as exc:  # pragma: no cover - depends on the installed extras
        pytest.skip(f"the emulator needs {exc.name}: pip install 'openai-uploads[emulator]'")
    return EmulatorServer


@pytest.fixture
def openai_uploads_emulator(tmp_path: Path) -> Iterator[EmulatorServer]:
    """A fresh emulator on a free loopback port, with its data dir under ``tmp_path``.

    It requires the key ``server.api_key``; point a client at ``server.base_url``.
    """
    server_cls = _load_emulator()
    with server_cls(data_dir=tmp_path / "emulator", api_key=EMULATOR_API_KEY) as server:
        yield server
