"""A Ctrl-C that CPython turns into a lock error is still a Ctrl-C."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from openai_uploads import _concurrency as _sync
from openai_uploads._client import OpenAI
from openai_uploads.emulator import EmulatorServer
from openai_uploads.emulator._faults import FaultConfig

from .conftest import PART, Recorder, random_bytes, status_of

SLOW = FaultConfig(bandwidth=256 * 1024, endpoints=frozenset())


def _lock_error_after_ctrl_c(*args: Any, **kwargs: Any) -> Any:
    try:
        raise KeyboardInterrupt
    except KeyboardInterrupt:
        raise RuntimeError("release unlocked lock") from None


def test_ctrl_c_surfacing_as_a_lock_error_cancels_the_upload_and_raises_keyboard_interrupt(
    server: EmulatorServer,
    client: OpenAI,
    recorder: Recorder,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Mock: the race (SIGINT landing inside a lock's wait) cannot be triggered on
    demand, so the driver's blocking wait for its jobs is patched to raise what CPython
    raises then."""
    server.faults = SLOW
    path = tmp_path / "big.bin"
    path.write_bytes(random_bytes(PART * 8))
    real_wait = _sync.Workers.wait

    def wait(self: _sync.Workers, seconds: float | None) -> Any:
        if seconds != 0:
            _lock_error_after_ctrl_c()
        return real_wait(self, seconds)

    monkeypatch.setattr(_sync.Workers, "wait", wait)
    with pytest.raises(KeyboardInterrupt):
        client.uploads.upload_file_chunked(
            file=path, mime_type="text/plain", purpose="assistants", part_size=PART
        )
    (started,) = recorder.of("started")
    assert status_of(server, started.upload_id) == "cancelled"
