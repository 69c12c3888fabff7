"""The platform headers: what every request says of the SDK and the machine it runs on.

openai-python sends the same names (``X-Stainless-*``), so a proxy, gateway or test that
reads them sees this SDK as it sees openai-python: the language, the package's version,
the OS, the CPU architecture, the Python runtime and its version, and per client whether
it is async (``async:<library>``, ``false`` for the sync client); per attempt the retry
count and the read timeout (see ``BaseClient._build_request``). None of it is a secret.
"""

from __future__ import annotations

import asyncio
import functools
import platform
import sys
from collections.abc import Callable

__all__ = [
    "ASYNC_HEADER",
    "READ_TIMEOUT_HEADER",
    "RETRY_COUNT_HEADER",
    "async_library",
    "platform_headers",
]

ASYNC_HEADER = "X-Stainless-Async"
READ_TIMEOUT_HEADER = "x-stainless-read-timeout"
RETRY_COUNT_HEADER = "x-stainless-retry-count"
"""The attempt's number (0 for the first), as openai-python names it (the client sends it
under its own older name, ``x-retry-count``, too)."""


@functools.cache
def platform_headers(version: str) -> dict[str, str]:
    """The headers that are the same for every request of this process (computed once:
    the OS name may need a read of ``/etc/os-release``)."""
    return {
        "X-Stainless-Lang": "python",
        "X-Stainless-Package-Version": version,
        "X-Stainless-OS": _os_name(),
        "X-Stainless-Arch": _arch(),
        "X-Stainless-Runtime": _guarded(platform.python_implementation),
        "X-Stainless-Runtime-Version": _guarded(platform.python_version),
    }


def async_library() -> str:
    """The event loop's library running this code (``asyncio``, ``trio``), or ``false``
    outside one: an async client's ``X-Stainless-Async`` is ``async:`` and this."""
    trio = sys.modules.get("trio")
    if trio is not None:
        try:
            trio.lowlevel.current_task()
        except RuntimeError:
            pass
        else:
            return "trio"
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return "false"
    return "asyncio"


def _guarded(read: Callable[[], str]) -> str:
    try:
        return read()
    except Exception:
        return "unknown"


def _os_name() -> str:
    try:
        system = platform.system().lower()
        full = platform.platform().lower()
    except Exception:
        return "Unknown"
    if "iphone" in full or "ipad" in full:
        return "iOS"
    known = {"darwin": "MacOS", "windows": "Windows", "freebsd": "FreeBSD", "openbsd": "OpenBSD"}
    if system in known:
        return known[system]
    if "android" in full:
        return "Android"
    if system == "linux":
        try:
            distro = platform.freedesktop_os_release().get("ID", "").lower()
        except OSError:
            distro = ""
        return {"freebsd": "FreeBSD", "openbsd": "OpenBSD"}.get(distro, "Linux")
    return f"Other:{full}" if full else "Unknown"


def _arch() -> str:
    try:
        machine = platform.machine().lower()
    except Exception:
        return "unknown"
    if machine in ("arm64", "aarch64"):
        return "arm64"
    if machine == "arm":
        return "arm"
    if machine == "x86_64":
        return "x64"
    if sys.maxsize <= 2**32:
        return "x32"
    return f"other:{machine}" if machine else "unknown"
