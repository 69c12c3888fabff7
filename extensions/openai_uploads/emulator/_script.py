"""Scripted faults: a list of instructions per endpoint, consumed one per request, in order.

A test says "the third part request gets a 503" instead of choosing a seed: the script
``{"parts": ["ok", "ok", "503"]}`` answers the first two part requests normally and the
third with a 503; once an endpoint's list is used up, its requests meet the random faults
of the :class:`~openai_uploads.emulator.FaultConfig` again. The instructions:

==========================  ==============================================================
``ok``                      handled normally (no random fault either)
``500``, ``503``, ``404``…  that status (400-599), with a body in the API's error shape
``429:retry-after=2``       any status with a ``Retry-After`` (and ``retry-after-ms``) of
                            2 s; ``429`` alone uses the FaultConfig's ``retry_after``
``drop``                    the connection is closed part-way through the request body
                            (``drop:after=N``: after N body bytes; default: half)
``slow:S``                  handled normally after S seconds (at most 60)
==========================  ==============================================================

A status may be given as an integer too (``[200, 503]`` is not allowed: ``ok`` is the
normal answer). Each instruction consumed is counted in the fault stats under
``scripted`` and under its kind (``503``, ``drop``, ``slow``...).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

SCRIPT_ENDPOINTS: Final = frozenset({"create", "parts", "complete", "cancel", "files", "sink"})
"""The endpoint names a script may name (the fault endpoints, and the sink)."""

MAX_SLOW: Final = 60.0
MAX_INSTRUCTIONS: Final = 10_000
"""Instructions one script may hold, over all endpoints."""


@dataclass(frozen=True)
class Instruction:
    """One parsed script instruction; ``text`` is its canonical spelling."""

    kind: str
    """``ok``, ``status``, ``drop`` or ``slow``."""
    text: str
    status: int | None = None
    retry_after: float | None = None
    drop_after: int | None = None
    seconds: float = 0.0

    @property
    def stat(self) -> str:
        """The fault stats key this instruction is counted under."""
        return str(self.status) if self.kind == "status" else self.kind


def _number(text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{what} must be a number, not {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{what} must be a finite number of at least 0, not {text!r}")
    return value


def parse_instruction(raw: object) -> Instruction:
    """One instruction from its text (or an int status); ValueError names what is wrong."""
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        raise TypeError(f"a script instruction must be a string or a status code, not {raw!r}")
    text = str(raw).strip().lower()
    head, _, option = text.partition(":")
    if head == "ok" and not option:
        return Instruction("ok", "ok")
    if head == "slow":
        seconds = _number(option, "slow:SECONDS")
        if seconds > MAX_SLOW:
            raise ValueError(f"slow:SECONDS must be at most {MAX_SLOW:g}")
        return Instruction("slow", f"slow:{seconds:g}", seconds=seconds)
    if head == "drop":
        if not option:
            return Instruction("drop", "drop")
        name, _, value = option.partition("=")
        if name != "after" or not value.isdigit():
            raise ValueError(f"expected drop or drop:after=BYTES, not {raw!r}")
        return Instruction("drop", f"drop:after={int(value)}", drop_after=int(value))
    if head.isdigit() and 400 <= int(head) <= 599:
        status = int(head)
        if not option:
            return Instruction("status", str(status), status=status)
        name, _, value = option.partition("=")
        if name != "retry-after":
            raise ValueError(f"expected {status} or {status}:retry-after=SECONDS, not {raw!r}")
        seconds = _number(value, "retry-after")
        return Instruction(
            "status", f"{status}:retry-after={seconds:g}", status=status, retry_after=seconds
        )
    raise ValueError(
        f"unknown script instruction {raw!r}: expected ok, a status code 400-599 "
        "(optionally :retry-after=SECONDS), drop[:after=BYTES] or slow:SECONDS"
    )


def parse_script(script: Mapping[str, Sequence[object]]) -> dict[str, list[Instruction]]:
    """A whole script, ``{endpoint: [instruction, ...]}``, checked."""
    if not isinstance(script, Mapping):
        raise TypeError("a fault script must be an object of endpoint: [instructions]")
    unknown = set(script) - SCRIPT_ENDPOINTS
    if unknown:
        raise ValueError(
            f"unknown endpoint names in the fault script: {sorted(unknown)} "
            f"(known: {', '.join(sorted(SCRIPT_ENDPOINTS))})"
        )
    parsed: dict[str, list[Instruction]] = {}
    for endpoint, instructions in script.items():
        if isinstance(instructions, str | bytes) or not isinstance(instructions, Sequence):
            raise TypeError(f"the script for {endpoint!r} must be a list of instructions")
        parsed[endpoint] = [parse_instruction(i) for i in instructions]
    if sum(len(i) for i in parsed.values()) > MAX_INSTRUCTIONS:
        raise ValueError(f"a fault script holds at most {MAX_INSTRUCTIONS} instructions")
    return parsed


def load_script(text: str) -> dict[str, list[str]]:
    """A script from JSON text, or from a file named ``@PATH`` (for the command line)."""
    if text.startswith("@"):
        text = Path(text[1:]).read_text(encoding="utf-8")
    data: Any = json.loads(text)
    return {
        endpoint: [i.text for i in instructions]
        for endpoint, instructions in parse_script(data).items()
    }
