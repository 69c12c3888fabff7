"""What an emulator is started with, in one object shared by every way of running it:
:class:`EmulatorServer` (a thread), :class:`EmulatorProcess` (a subprocess),
``run_emulator`` and ``openai-uploads serve`` (the foreground)."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Final, TypedDict

from ._faults import FaultConfig
from ._limits import ServerLimits
from ._script import parse_script

LOG_LEVELS: Final = ("critical", "error", "warning", "info", "debug", "trace")


@dataclass(frozen=True)
class EmulatorSettings:
    """Where the emulator listens, what it requires, and the faults and limits it starts
    with. Checked when made: a ValueError names the setting that is wrong.

    Example::

        settings = EmulatorSettings(api_key="sk-test", fault_script={"parts": ["ok", "503"]})
        with EmulatorServer(settings) as server:  # or EmulatorProcess(settings)
            ...
    """

    host: str = "127.0.0.1"
    port: int = 0
    """0 picks a free port."""
    data_dir: str | os.PathLike[str] | None = None
    """Where uploads and files are kept; None: a temporary dir, removed on close."""
    api_key: str | None = None
    """The only bearer key accepted (None: any)."""
    allow_no_key: bool = False
    """Serve a non-loopback ``host`` without a key."""
    faults: FaultConfig = field(default_factory=FaultConfig)
    fault_script: Mapping[str, Sequence[str | int]] = field(default_factory=dict)
    """Scripted faults, consumed ahead of the random ones (see ``set_fault_script``)."""
    limits: ServerLimits = field(default_factory=ServerLimits)
    log_level: str = "warning"
    """uvicorn's log level: critical, error, warning, info, debug or trace."""

    def __post_init__(self) -> None:
        if isinstance(self.port, bool) or not isinstance(self.port, int):
            raise ValueError(f"port must be an integer, not {self.port!r}")
        if not 0 <= self.port <= 65535:
            raise ValueError(f"port must be between 0 and 65535, not {self.port}")
        if self.log_level.lower() not in LOG_LEVELS:
            raise ValueError(
                f"unknown log level {self.log_level!r}: expected one of {', '.join(LOG_LEVELS)}"
            )
        object.__setattr__(self, "log_level", self.log_level.lower())
        parse_script(self.fault_script)

    def but(self, **changes: object) -> EmulatorSettings:
        """A copy with ``changes`` (the names of the fields)."""
        return replace(self, **changes)  # type: ignore[arg-type]


class SettingsOptions(TypedDict, total=False):
    """The fields of :class:`EmulatorSettings`, as keyword arguments of the handles."""

    host: str
    port: int
    data_dir: str | os.PathLike[str] | None
    api_key: str | None
    allow_no_key: bool
    faults: FaultConfig | None
    fault_script: Mapping[str, Sequence[str | int]]
    limits: ServerLimits
    log_level: str


def make_settings(
    settings: EmulatorSettings | None, options: Mapping[str, object]
) -> EmulatorSettings:
    """``settings`` (or the defaults) with the keyword ``options`` applied over them."""
    names = {f.name for f in fields(EmulatorSettings)}
    unknown = set(options) - names
    if unknown:
        raise TypeError(f"unknown emulator settings: {sorted(unknown)}")
    if "faults" in options and options["faults"] is None:  # None: the default config
        options = {k: v for k, v in options.items() if k != "faults"}
    return (settings or EmulatorSettings()).but(**options)
