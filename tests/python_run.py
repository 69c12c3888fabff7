"""Run Python in a subprocess as a user would from a shell (the docs' and examples' tests)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def run_python(
    *args: str | Path, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``python ARGS...`` in ``cwd``; fails the test, showing its output, unless it exits 0."""
    result = subprocess.run(
        [sys.executable, *map(str, args)],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result
