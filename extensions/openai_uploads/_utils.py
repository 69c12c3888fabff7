"""Small checks shared by the client, the transfer layer and the emulator."""

from __future__ import annotations

from typing import TypeGuard

__all__ = ["is_strict_int"]


def is_strict_int(value: object) -> TypeGuard[int]:
    """Whether ``value`` is an ``int`` and not a ``bool`` (``True`` is an ``int`` in Python)."""
    return isinstance(value, int) and not isinstance(value, bool)
