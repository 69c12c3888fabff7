"""Pytest helpers for testing apps against the local Uploads emulator.

Registered as the ``openai_uploads`` pytest plugin, which costs a pytest run next to
nothing: the SDK, the emulator and its extra's packages load only when a fixture is used.
:class:`FastRetries` and :data:`EMULATOR_API_KEY` need no pytest; the fixtures are here
when pytest is installed.

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

from ._constants import EMULATOR_API_KEY
from .hookspecs import RetryContext, RetryDecision, hookimpl

__all__ = ["EMULATOR_API_KEY", "FastRetries", "emulator_fixture", "openai_uploads_emulator"]


class FastRetries:
    """A plugin that retries at once, ``max_retries`` times: no backoff waits in tests.

    ``OpenAI(..., max_retries=2, plugins=[FastRetries()])``.
    """

    @hookimpl
    def decide_retry(self, event: RetryContext) -> RetryDecision:
        if event.attempt >= event.max_retries:
            return RetryDecision.give_up()
        return RetryDecision.after(0)


try:
    from ._testing_fixtures import emulator_fixture, openai_uploads_emulator
except ImportError as _missing:  # FastRetries and EMULATOR_API_KEY work without pytest
    if _missing.name != "pytest":
        raise
