"""The pytest half of :mod:`openai_uploads.testing`: the emulator fixtures.

Imported by ``testing`` when pytest is installed. What a fixture needs (the emulator, the
SDK) loads when the fixture is used, never when the plugin registers.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Literal

import pytest

from ._constants import EMULATOR_API_KEY

if TYPE_CHECKING:
    from openai_uploads.emulator import EmulatorServer

__all__ = ["emulator_fixture", "openai_uploads_emulator"]


def _load_emulator() -> type[EmulatorServer]:
    try:
        from openai_uploads.emulator import EmulatorServer
    except ModuleNotFoundError as exc:  # pragma: no cover - depends on the installed extras
        pytest.skip(str(exc))  # names the missing module and the install command
    return EmulatorServer


def emulator_fixture(
    *,
    scope: Literal["function", "class", "module", "package", "session"] = "function",
    api_key: str | None = EMULATOR_API_KEY,
    clock: str | None = None,
    data_dir: str = "emulator",
    name: str | None = None,
    **options: Any,
) -> Any:
    """A pytest fixture that yields a running emulator on a free loopback port; assign it
    to a name in a ``conftest.py`` or test module::

        from openai_uploads.testing import emulator_fixture

        emulator = emulator_fixture(scope="module", api_key="sk-my-tests")

    Its data lives in ``tmp_path / data_dir`` (a fresh ``data_dir`` temporary directory
    for wider scopes). ``api_key`` is the key it requires (None: any); ``clock`` names a
    fixture whose value (a :class:`~openai_uploads.emulator.ManualClock`, say) is its
    clock; ``options`` go to :class:`~openai_uploads.emulator.EmulatorServer` (``faults``,
    ``limits``, ...).
    """

    @pytest.fixture(scope=scope, name=name)
    def emulator(
        request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
    ) -> Iterator[EmulatorServer]:
        server_cls = _load_emulator()
        if scope == "function":
            directory = request.getfixturevalue("tmp_path") / data_dir
        else:
            directory = tmp_path_factory.mktemp(data_dir)
        settings = dict(options)
        if clock is not None:
            settings["clock"] = request.getfixturevalue(clock)
        with server_cls(data_dir=directory, api_key=api_key, **settings) as server:
            yield server

    return emulator


openai_uploads_emulator = emulator_fixture()
"""A fresh emulator for each test, with its data dir under ``tmp_path``.

It requires the key ``server.api_key``; point a client at ``server.base_url``."""
