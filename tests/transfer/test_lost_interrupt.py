"""A Ctrl-C that Python drops on its way (raised inside a finalizer) still stops a sync
upload: the driver raises it again when it next waits for its parts."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from openai_uploads._client import OpenAI
from openai_uploads.emulator import EmulatorServer
from openai_uploads.hookspecs import hookimpl

from .conftest import API_KEY, PART, SLOW, random_bytes, status_of, write

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


class _SwallowsCtrlC:
    """An object whose ``__del__`` is where the Ctrl-C lands: Python prints the
    KeyboardInterrupt as "ignored" and drops it."""

    def __del__(self) -> None:
        signal.raise_signal(signal.SIGINT)  # the handler runs (and raises) right here


class CtrlCInAFinalizer:
    """On part 2, a Ctrl-C arrives while the main thread runs a finalizer."""

    def __init__(self) -> None:
        self.upload_id: str | None = None

    @hookimpl
    def on_upload_started(self, event: Any) -> None:
        self.upload_id = event.upload_id

    @hookimpl
    def on_part_completed(self, event: Any) -> None:
        if event.part_number == 2:
            doomed = _SwallowsCtrlC()
            del doomed


@pytest.fixture
def default_sigint() -> Iterator[None]:
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def _upload(server: EmulatorServer, path: Path, plugin: object) -> object:
    with OpenAI(api_key=API_KEY, base_url=server.base_url, plugins=[plugin]) as client:
        return client.uploads.upload_file_chunked(
            file=path,
            mime_type="application/jsonl",
            purpose="batch",
            part_size=PART,
            max_concurrency=2,
        )


@pytest.mark.usefixtures("default_sigint")
def test_a_ctrl_c_dropped_by_a_finalizer_still_cancels_the_upload(
    server: EmulatorServer, tmp_path: Path
) -> None:
    server.faults = SLOW
    path = write(tmp_path, random_bytes(PART * 32), "big.bin")
    plugin = CtrlCInAFinalizer()
    with pytest.raises(KeyboardInterrupt):
        _upload(server, path, plugin)
    assert plugin.upload_id is not None
    assert status_of(server, plugin.upload_id) == "cancelled"


@pytest.mark.usefixtures("default_sigint")
def test_the_sigint_handler_is_the_callers_again_after_the_upload(
    server: EmulatorServer, tmp_path: Path
) -> None:
    _upload(server, write(tmp_path, random_bytes(PART * 3)), object())
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_an_apps_handler_that_does_not_raise_lets_the_upload_finish(
    server: EmulatorServer, tmp_path: Path
) -> None:
    calls: list[int] = []

    def note(signum: int, frame: FrameType | None) -> None:
        calls.append(signum)

    previous = signal.signal(signal.SIGINT, note)
    try:
        path = write(tmp_path, random_bytes(PART * 4))
        upload: Any = _upload(server, path, CtrlCInAFinalizer())
    finally:
        signal.signal(signal.SIGINT, previous)
    assert upload.status == "completed"
    assert calls == [signal.SIGINT]
