"""The operations whose sync and async forms differ by more than ``await``.

The clients and resources are written once, as async code in :mod:`._async`, and
``scripts/unasync.py`` makes the sync code in :mod:`._sync` from it by renaming: each
async helper here becomes the sync one of the same name without the leading ``a``
(``await asleep(s)`` -> ``sleep(s)``).
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar, TypeVarTuple

import anyio
import anyio.to_thread

__all__ = ["aresolve", "arun_blocking", "asleep", "resolve", "run_blocking", "sleep"]

T = TypeVar("T")
Ts = TypeVarTuple("Ts")


async def asleep(seconds: float) -> None:
    """Wait ``seconds`` without blocking the event loop."""
    await anyio.sleep(seconds)


def sleep(seconds: float) -> None:
    """Wait ``seconds``."""
    time.sleep(seconds)


async def aresolve(value: T | Awaitable[T]) -> T:
    """``value``, awaited if it is awaitable (what a plain or async callable returned)."""
    if inspect.isawaitable(value):
        return await value
    return value


def resolve(value: T) -> T:
    """``value`` itself: a sync callable's result needs no awaiting."""
    return value


async def arun_blocking(func: Callable[[*Ts], T], *args: *Ts) -> T:
    """``func(*args)`` in a worker thread, so that blocking I/O leaves the loop free."""
    return await anyio.to_thread.run_sync(func, *args)


def run_blocking(func: Callable[[*Ts], T], *args: *Ts) -> T:
    """``func(*args)``, here: sync code may block."""
    return func(*args)
