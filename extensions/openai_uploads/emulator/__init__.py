"""A local emulator of the OpenAI Uploads API, for tests, demos and benchmarks.

Needs the ``emulator`` extra: ``pip install 'openai-uploads[emulator]'``. It is
independent of the client code in this package, so that it checks the client rather
than sharing its bugs. Names load lazily, so ``openai_uploads.emulator._cli`` (and the
``openai-uploads`` command) import without the extra's packages.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._app import create_app
    from ._errors import ApiError
    from ._faults import ENDPOINTS, FaultConfig, FaultInjector
    from ._handle import EmulatorHandle
    from ._limits import ServerLimits
    from ._process import EmulatorProcess
    from ._request_log import RecordedRequest
    from ._server import EmulatorServer, ManualClock, run_emulator
    from ._settings import EmulatorSettings
    from ._store import Clock, DataDirInUse, Store

_WHERE = {
    "create_app": "._app",
    "ApiError": "._errors",
    "ENDPOINTS": "._faults",
    "FaultConfig": "._faults",
    "FaultInjector": "._faults",
    "ServerLimits": "._limits",
    "DataDirInUse": "._store",
    "EmulatorHandle": "._handle",
    "EmulatorProcess": "._process",
    "EmulatorSettings": "._settings",
    "RecordedRequest": "._request_log",
    "EmulatorServer": "._server",
    "ManualClock": "._server",
    "run_emulator": "._server",
    "Clock": "._store",
    "Store": "._store",
}

__all__ = [
    "ENDPOINTS",
    "ApiError",
    "Clock",
    "DataDirInUse",
    "EmulatorHandle",
    "EmulatorProcess",
    "EmulatorServer",
    "EmulatorSettings",
    "FaultConfig",
    "FaultInjector",
    "ManualClock",
    "RecordedRequest",
    "ServerLimits",
    "Store",
    "create_app",
    "run_emulator",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    try:
        imported = importlib.import_module(module, __name__)
    except ModuleNotFoundError as exc:
        missing = (exc.name or "").split(".")[0]
        if missing in ("", "openai_uploads"):
            raise
        hint = f"the emulator needs {missing}: pip install 'openai-uploads[emulator]'"
        raise ModuleNotFoundError(hint, name=missing) from None
    value = getattr(imported, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
