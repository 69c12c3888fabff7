"""One handle for a running emulator, wherever it runs: :class:`EmulatorServer` (a thread
of this process) and :class:`EmulatorProcess` (a subprocess) are driven the same way."""

from __future__ import annotations

import abc
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Self

from ._exposure import check_exposure

if TYPE_CHECKING:
    from ._faults import FaultConfig
    from ._request_log import RecordedRequest
    from ._settings import EmulatorSettings


class EmulatorHandle(abc.ABC):
    """A running emulator: where it listens, the key it requires, its faults and counts.

    ``base_url`` (``http://HOST:PORT/v1``) and ``azure_endpoint`` (``http://HOST:PORT``)
    say where to point a client; ``api_key`` is the key it requires (None: any).
    ``faults`` is the fault config (settable; ``set_faults`` does the same);
    ``set_fault_script`` scripts what the next requests to each endpoint get;
    ``fault_stats()`` counts requests and injected faults since start or
    ``reset_fault_stats()``; ``requests()`` lists what was received.
    ``start``/``stop``/``restart`` keep the data dir; ``close`` (or leaving the ``with``
    block) also removes it if it was a temporary one.

    Both take an :class:`EmulatorSettings` or its fields as keyword arguments (or both:
    the keywords win), e.g. ``EmulatorServer(api_key="sk-test", faults=FaultConfig(...))``.
    """

    def __init__(self, settings: EmulatorSettings) -> None:
        check_exposure(settings.host, settings.api_key, settings.allow_no_key)
        self._own_dir = settings.data_dir is None
        self.data_dir = Path(
            settings.data_dir or tempfile.mkdtemp(prefix="openai-uploads-emulator-")
        )
        self.settings = settings
        self.api_key = settings.api_key
        self.host = settings.host
        self.port = settings.port
        self.allow_no_key = settings.allow_no_key

    @property
    @abc.abstractmethod
    def base_url(self) -> str:
        """``http://HOST:PORT/v1``: the ``base_url`` of an OpenAI client."""

    @property
    def azure_endpoint(self) -> str:
        """The ``azure_endpoint`` of the Azure surface (``/openai/...``, same store)."""
        return self.base_url.removesuffix("/v1")

    @property
    @abc.abstractmethod
    def faults(self) -> FaultConfig:
        """The fault config in force."""

    @faults.setter
    @abc.abstractmethod
    def faults(self, config: FaultConfig) -> None: ...

    def set_faults(self, config: FaultConfig) -> None:
        """Put ``config`` in force (the same as ``handle.faults = config``)."""
        self.faults = config

    @abc.abstractmethod
    def fault_stats(self) -> dict[str, int]:
        """Counts of requests and of each injected fault since start (or the last reset)."""

    @abc.abstractmethod
    def reset_fault_stats(self) -> None:
        """Set the counts of ``fault_stats()`` back to zero."""

    @abc.abstractmethod
    def set_fault_script(self, script: Mapping[str, Sequence[str | int]]) -> None:
        """Script what the next requests to each endpoint get, in order, ahead of the
        random faults; replaces the script in force (``{}`` clears it).

        Example: ``handle.set_fault_script({"parts": ["ok", "503", "drop", "429:retry-after=2"]})``
        answers the 2nd part request with a 503, drops the 3rd and rate-limits the 4th.

        Instructions: ``ok``; a status 400-599, optionally ``:retry-after=SECONDS``;
        ``drop`` (``drop:after=BYTES``); ``slow:SECONDS``. Endpoints: ``create``,
        ``parts``, ``complete``, ``cancel``, ``files``, ``sink``. Each instruction
        consumed counts in ``fault_stats()`` under ``scripted`` and its kind.
        """

    @abc.abstractmethod
    def fault_script(self) -> dict[str, list[str]]:
        """The scripted instructions not yet consumed, per endpoint."""

    @abc.abstractmethod
    def requests(self) -> list[RecordedRequest]:
        """The API requests received since start (or ``clear_requests()``), oldest
        first: method, path, endpoint, status, body bytes, headers (credentials masked)
        and the fault injected, if any. The emulator's own control routes are left out."""

    @abc.abstractmethod
    def clear_requests(self) -> None:
        """Forget the requests received so far."""

    @abc.abstractmethod
    def start(self) -> Self:
        """Start serving (a no-op when running); returns the handle."""

    @abc.abstractmethod
    def stop(self) -> None:
        """Stop serving; the data dir is kept."""

    def restart(self) -> Self:
        """Stop, then start again on the same data dir (and port, where it is free)."""
        self.stop()
        return self.start()

    def close(self) -> None:
        """Stop, and remove the data dir if it was a temporary one."""
        self.stop()
        if self._own_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()
