"""A local emulator of the OpenAI Uploads API, for tests, demos and benchmarks.

Needs the ``emulator`` extra: ``pip install 'openai-uploads[emulator]'``. It is
independent of the client code in this package, so that it checks the client rather
than sharing its bugs.
"""

from ._app import create_app
from ._errors import ApiError
from ._faults import ENDPOINTS, FaultConfig, FaultInjector
from ._server import EmulatorProcess, EmulatorServer, ManualClock, run_emulator
from ._store import Clock, Store

__all__ = [
    "ENDPOINTS",
    "ApiError",
    "Clock",
    "EmulatorProcess",
    "EmulatorServer",
    "FaultConfig",
    "FaultInjector",
    "ManualClock",
    "Store",
    "create_app",
    "run_emulator",
]
