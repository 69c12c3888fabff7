"""Helpers shared by the benchmarks: random files, worker processes, CPU and memory figures.

The benchmarks run each measured job in a process of its own (``python SCRIPT --worker
JSON``) so that its CPU time and peak RSS are its own; the worker prints one JSON line
last, which :func:`run_worker` parses.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MiB = 1024 * 1024
GiB = 1024 * MiB
API_KEY = "sk-bench"
RESULT_PREFIX = "BENCH-RESULT "


def write_random_file(path: Path, size: int) -> Path:
    """``size`` random bytes at ``path`` (written in 1 MiB blocks, never whole in memory)."""
    block = os.urandom(MiB)
    with open(path, "wb") as f:
        left = size
        while left > 0:
            n = min(MiB, left)
            # A fresh block every 64 MiB keeps parts distinct without os.urandom's cost.
            if (size - left) % (64 * MiB) == 0:
                block = os.urandom(MiB)
            f.write(block[:n])
            left -= n
    return path


def cpu_seconds() -> tuple[float, float]:
    """(user, sys) CPU seconds of this process so far, all threads."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime, usage.ru_stime


def peak_rss_bytes() -> int:
    """This process's peak resident set size (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


@dataclass
class Measure:
    """Wall time and CPU of a block: ``with Measure() as m: ...``."""

    elapsed: float = 0.0
    user: float = 0.0
    sys: float = 0.0

    def __enter__(self) -> Measure:
        self._t = time.perf_counter()
        self._u, self._s = cpu_seconds()
        return self

    def __exit__(self, *_: object) -> None:
        self.elapsed = time.perf_counter() - self._t
        u, s = cpu_seconds()
        self.user, self.sys = u - self._u, s - self._s

    def result(self, nbytes: int, **extra: Any) -> dict[str, Any]:
        return {
            "bytes": nbytes,
            "elapsed": self.elapsed,
            "cpu_user": self.user,
            "cpu_sys": self.sys,
            "cpu": self.user + self.sys,
            "peak_rss": peak_rss_bytes(),
            **extra,
        }


def report(result: dict[str, Any]) -> None:
    """Print a worker's result (the last line of its output)."""
    print(RESULT_PREFIX + json.dumps(result), flush=True)


def run_worker(
    script: str, spec: dict[str, Any], *, timeout: float = 1800, env: dict[str, str] | None = None
) -> dict[str, Any]:
    """Run ``script --worker SPEC`` in a new process and return its result dict.

    A worker that fails returns ``{"error": ...}`` rather than raising, so one broken
    runner does not lose the rest of a long benchmark.
    """
    try:
        proc = subprocess.run(
            [sys.executable, script, "--worker", json.dumps(spec)],
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, **(env or {})},
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(RESULT_PREFIX):
            result: dict[str, Any] = json.loads(line[len(RESULT_PREFIX) :])
            return result
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
    return {"error": f"exit {proc.returncode}: " + " | ".join(tail)}


def worker_main(argv: Sequence[str], workers: dict[str, Callable[[dict[str, Any]], None]]) -> bool:
    """If ``argv`` is ``--worker SPEC``, run ``workers[SPEC["kind"]](SPEC)`` and return True."""
    if len(argv) >= 2 and argv[0] == "--worker":
        spec = json.loads(argv[1])
        workers[spec["kind"]](spec)
        return True
    return False


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def machine_summary() -> dict[str, Any]:
    load = os.getloadavg()
    return {
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "cpu_count": os.cpu_count(),
        "python": sys.version.split()[0],
        "loadavg": [round(x, 2) for x in load],
        "platform": sys.platform,
    }
