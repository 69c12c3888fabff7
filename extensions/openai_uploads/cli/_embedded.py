"""``--local``: the embedded emulator on a loopback port, with a throwaway key."""

from __future__ import annotations

import contextlib
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ._interrupt import InterruptGuard
from ._output import fail


@contextlib.contextmanager
def local_emulator(data_dir: Path | None, guard: InterruptGuard) -> Iterator[tuple[str, str]]:
    """The embedded emulator on a loopback port: yields (base_url, throwaway api key).

    Without ``data_dir`` its data lives in a temporary directory, removed on exit (also
    by the interrupt guard's hard exit)."""
    try:
        from ..emulator import run_emulator
    except ModuleNotFoundError as exc:
        fail(f"--local needs {exc.name}: pip install 'openai-uploads[emulator]'")
    own_dir = data_dir is None
    directory = data_dir or Path(tempfile.mkdtemp(prefix="openai-uploads-local-"))
    if own_dir:
        guard.cleanup.append(lambda: shutil.rmtree(directory, ignore_errors=True))
    api_key = "sk-local-" + secrets.token_hex(16)
    try:
        with run_emulator(data_dir=directory, api_key=api_key) as server:
            yield server.base_url, api_key
    finally:
        if own_dir:
            shutil.rmtree(directory, ignore_errors=True)
