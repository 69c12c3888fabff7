"""One handle for a running emulator, wherever it runs: :class:`EmulatorServer` (a thread
of this process) and :class:`EmulatorProcess` (a subprocess) are driven the same way."""

from __future__ import annotations

import abc
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Self

from ._cli import check_exposure

if TYPE_CHECKING:
    from ._faults import FaultConfig


class EmulatorHandle(abc.ABC):
    """A running emulator: where it listens, the key it requires, its faults and counts.

    ``base_url`` (``http://HOST:PORT/v1``) and ``azure_endpoint`` (``http://HOST:PORT``)
    say where to point a client; ``api_key`` is the key it requires (None: any).
    ``faults`` is the fault config (settable; ``set_faults`` does the same);
    ``fault_stats()`` counts requests and injected faults since start or
    ``reset_fault_stats()``. ``start``/``stop``/``restart`` keep the data dir; ``close``
    (or leaving the ``with`` block) also removes it if it was a temporary one.
    """

    def __init__(
        self,
        *,
        data_dir: str | os.PathLike[str] | None,
        api_key: str | None,
        host: str,
        port: int,
        allow_no_key: bool,
    ) -> None:
        check_exposure(host, api_key, allow_no_key)
        self._own_dir = data_dir is None
        self.data_dir = Path(data_dir or tempfile.mkdtemp(prefix="openai-uploads-emulator-"))
        self.api_key = api_key
        self.host = host
        self.port = port
        self.allow_no_key = allow_no_key

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
