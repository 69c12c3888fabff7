"""Fixtures and the figures of the reliability suite (printed at the end of the session).

Every test here ends each upload it makes in one of two ways, and records which:

* **byte-exact**: the Upload completed and the File's content equals the input;
* **cleanly failed**: a typed exception of this package was raised, naming the Upload,
  and the Upload is cancelled on the server (or never existed).

The faults the emulator injected (its ``fault_stats``) are added up too. The totals go
to a JSON file (``$RELIABILITY_FIGURES``, default ``<tmp>/openai-uploads-reliability.json``)
and into pytest's terminal summary.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from openai_uploads import AsyncOpenAI, OpenAI, RetryContext, RetryDecision, hookimpl
from openai_uploads.emulator import EmulatorServer, FaultConfig
from openai_uploads.testing import FastRetries, emulator_fixture

API_KEY = "sk-emulator-reliability"
FAULT_KINDS = ("500", "503", "429", "drop", "throttled", "latency")
INJECTED = ("500", "503", "429", "drop", "server_crash")


class Figures:
    """Session totals: uploads by outcome and faults injected."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.uploads: Counter[str] = Counter()
        self.faults: Counter[str] = Counter()
        self.requests = 0
        self.started = time.monotonic()

    def upload(self, outcome: str) -> None:
        assert outcome in ("byte_exact", "failed_cleanly")
        with self._lock:
            self.uploads[outcome] += 1

    def count(self, kind: str, n: int = 1) -> None:
        with self._lock:
            self.faults[kind] += n

    def add_faults(self, stats: dict[str, int]) -> None:
        with self._lock:
            self.requests += stats.get("requests", 0)
            for kind in FAULT_KINDS:
                self.faults[kind] += stats.get(kind, 0)

    def to_json(self) -> dict[str, Any]:
        injected = sum(self.faults[k] for k in INJECTED)
        return {
            "uploads_byte_exact": self.uploads["byte_exact"],
            "uploads_failed_cleanly": self.uploads["failed_cleanly"],
            "uploads_lost": 0,
            "requests_served": self.requests,
            "faults_injected": injected,
            "faults_by_kind": dict(self.faults),
            "seconds": round(time.monotonic() - self.started, 1),
        }


FIGURES = Figures()


def figures_path() -> Path:
    default = Path(tempfile.gettempdir()) / "openai-uploads-reliability.json"
    return Path(os.environ.get("RELIABILITY_FIGURES", default))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not (FIGURES.uploads or FIGURES.requests):
        return
    data = FIGURES.to_json()
    path = figures_path()
    try:
        path.write_text(json.dumps(data, indent=2) + "\n")
    except OSError:
        pass
    tr = terminalreporter
    tr.section("reliability figures")
    tr.write_line(
        f"uploads: {data['uploads_byte_exact']} byte-exact, "
        f"{data['uploads_failed_cleanly']} cleanly failed (Upload cancelled), 0 lost"
    )
    kinds = ", ".join(f"{k} {v}" for k, v in data["faults_by_kind"].items() if v)
    tr.write_line(
        f"faults injected: {data['faults_injected']} in {data['requests_served']} requests "
        f"({kinds})"
    )
    tr.write_line(f"written to {path}")


# --------------------------------------------------------------------------- retry policies


class SteadyRetries:
    """Retry every ``delay`` seconds, ``event.max_retries`` times (bridges a restart)."""

    def __init__(self, delay: float) -> None:
        self.delay = delay

    @hookimpl
    def decide_retry(self, event: RetryContext) -> RetryDecision:
        if event.attempt >= event.max_retries:
            return RetryDecision.give_up()
        return RetryDecision.after(self.delay)


# --------------------------------------------------------------------------- fixtures


emulator = emulator_fixture(scope="module", api_key=API_KEY)


@pytest.fixture
def server(emulator: EmulatorServer) -> Iterator[EmulatorServer]:
    """The emulator with faults off, no fault script, counters at zero and an empty
    request log; its counts go to the figures."""
    emulator.faults = FaultConfig()
    emulator.set_fault_script({})
    emulator.reset_fault_stats()
    emulator.clear_requests()
    yield emulator
    FIGURES.add_faults(emulator.fault_stats())
    emulator.faults = FaultConfig()
    emulator.set_fault_script({})


def make_client(base_url: str, *, plugins: list[object] | None = None, **kw: Any) -> OpenAI:
    kw.setdefault("max_retries", 2)
    kw.setdefault("timeout", 30)
    return OpenAI(
        api_key=API_KEY,
        base_url=base_url,
        plugins=[FastRetries()] if plugins is None else plugins,
        **kw,
    )


def make_async_client(
    base_url: str, *, plugins: list[object] | None = None, **kw: Any
) -> AsyncOpenAI:
    kw.setdefault("max_retries", 2)
    kw.setdefault("timeout", 30)
    return AsyncOpenAI(
        api_key=API_KEY,
        base_url=base_url,
        plugins=[FastRetries()] if plugins is None else plugins,
        **kw,
    )
