"""Pytest helpers for testing apps against the local Uploads emulator.

Registered as the ``openai_uploads`` pytest plugin. The emulator (and its extra's
packages) load only when a fixture is used.

- ``openai_uploads_emulator``: a fixture that yields a fresh, running
  :class:`~openai_uploads.emulator.EmulatorServer` for each test, with ``.base_url`` (and
  ``.azure_endpoint`` for the Azure surface), ``.api_key``, ``.data_dir``, ``.faults``
  (settable FaultConfig), ``.fault_stats()``, ``.clock`` and ``.restart()``.
- :func:`emulator_fixture`: the same as a fixture of your own, e.g. one emulator for a
  whole module or session, with your key or a :class:`~openai_uploads.emulator.ManualClock`.
- :class:`FastRetries`: a plugin that retries at once, so that tests of retries do not
  wait out the backoff.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Literal

import pytest

from openai_uploads.hookspecs import RetryContext, RetryDecision, hookimpl

if TYPE_CHECKING:
    from openai_uploads.emulator import EmulatorServer

__all__ = ["EMULATOR_API_KEY", "FastRetries", "emulator_fixture", "openai_uploads_emulator"]

EMULATOR_API_KEY = "sk-emulator-test"
"""The key the emulator of :func:`emulator_fixture` requires unless told otherwise."""


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


class FastRetries:
    """A plugin that retries at once, ``max_retries`` times: no backoff waits in tests.

    ``OpenAI(..., max_retries=2, plugins=[FastRetries()])``.
    """

    @hookimpl
    def decide_retry(self, event: RetryContext) -> RetryDecision:
        if event.attempt >= event.max_retries:
            return RetryDecision.give_up()
        return RetryDecision.after(0)
