"""The package is quiet by default: its logger has a NullHandler, so a failure an app
catches prints nothing on stderr, while an app that configures logging still sees the
SDK's warnings; the logging plugin's line about a transfer stopped by the caller says
what stopped it."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

import openai_uploads
from openai_uploads import AsyncOpenAI
from openai_uploads.emulator import EmulatorServer, FaultConfig
from openai_uploads.hookspecs import UploadFailed, UploadStarted, hookimpl
from openai_uploads.plugins import logging as logging_plugin
from openai_uploads.testing import emulator_fixture

emulator = emulator_fixture(scope="module")

# An app that uploads with a key the server rejects and catches the error.
APP = """
import logging, sys
from openai_uploads import AuthenticationError, OpenAI

if sys.argv[3] == "configured":
    logging.basicConfig(format="%(levelname)s %(name)s: %(message)s")
client = OpenAI(base_url=sys.argv[1], api_key="sk-wrong", max_retries=0)
try:
    client.uploads.upload_file_chunked(
        file=sys.argv[2], mime_type="application/jsonl", purpose="batch"
    )
except AuthenticationError:
    print("caught")
"""


def run_app(
    server: EmulatorServer, tmp_path: Path, logging_setup: str
) -> subprocess.CompletedProcess[str]:
    data = tmp_path / "data.jsonl"
    data.write_bytes(b'{"a": 1}\n' * 100)
    env = dict(os.environ, OPENAI_UPLOADS_DISABLE_PLUGIN_AUTOLOAD="1")
    return subprocess.run(
        [sys.executable, "-c", APP, server.base_url, str(data), logging_setup],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_the_package_logger_has_a_null_handler() -> None:
    handlers = logging.getLogger(openai_uploads.__name__).handlers
    assert any(isinstance(h, logging.NullHandler) for h in handlers)


def test_an_app_that_catches_a_failure_prints_nothing_on_stderr(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    result = run_app(emulator, tmp_path, "unconfigured")
    assert result.stdout == "caught\n"
    assert result.stderr == ""


def test_an_app_that_configures_logging_sees_the_failure_in_one_line(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    result = run_app(emulator, tmp_path, "configured")
    assert result.stdout == "caught\n"
    [line] = result.stderr.splitlines()
    assert line.startswith("WARNING openai_uploads.plugins.logging: upload (not created) failed")
    assert "Incorrect API key" in line


def _failed_by(error: BaseException, *, kept: bool = False) -> UploadFailed:
    return UploadFailed(upload_id="upload_abc", error=error, kept_for_resume=kept)


@pytest.mark.parametrize(
    ("error", "kept", "line"),
    [
        pytest.param(
            KeyboardInterrupt(),
            False,
            "upload upload_abc stopped: interrupted (KeyboardInterrupt) (not kept)",
            id="ctrl-c",
        ),
        pytest.param(
            asyncio.CancelledError(),
            True,
            "upload upload_abc stopped: cancelled (asyncio.CancelledError: its task was "
            "cancelled) (kept for resume)",
            id="task-cancelled",
        ),
    ],
)
def test_a_transfer_stopped_by_the_caller_is_logged_as_what_stopped_it(
    caplog: pytest.LogCaptureFixture, error: BaseException, kept: bool, line: str
) -> None:
    with caplog.at_level(logging.DEBUG, logger="openai_uploads"):
        logging_plugin.on_upload_failed(_failed_by(error, kept=kept))
    [record] = caplog.records
    assert record.getMessage() == line
    assert record.levelno == logging.INFO  # the caller stopped it: not a failure


def test_a_failure_without_a_message_is_logged_with_its_type(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.DEBUG, logger="openai_uploads"):
        logging_plugin.on_upload_failed(_failed_by(TimeoutError()))
    [record] = caplog.records
    assert record.getMessage() == "upload upload_abc failed (not kept): TimeoutError"
    assert record.levelno == logging.WARNING


async def test_a_cancelled_task_logs_that_its_transfer_was_cancelled(
    emulator: EmulatorServer, caplog: pytest.LogCaptureFixture
) -> None:
    started: list[UploadStarted] = []

    class Started:
        @hookimpl
        def on_upload_started(self, event: UploadStarted) -> None:
            started.append(event)

    # A slow link keeps the transfer going until the task is cancelled.
    emulator.faults = FaultConfig(bandwidth=256 * 1024, endpoints=frozenset())
    client = AsyncOpenAI(base_url=emulator.base_url, api_key=emulator.api_key, plugins=[Started()])
    async with client:
        with caplog.at_level(logging.INFO, logger="openai_uploads"):
            task = asyncio.create_task(
                client.uploads.upload_file_chunked(
                    file=os.urandom(1024 * 1024),
                    filename="data.bin",
                    bytes=1024 * 1024,
                    mime_type="application/octet-stream",
                    purpose="assistants",
                    part_size=64 * 1024,
                )
            )
            while not started and not task.done():  # noqa: ASYNC110 - a plugin's list
                await asyncio.sleep(0.01)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
    emulator.faults = FaultConfig()
    [line] = [r.getMessage() for r in caplog.records if "stopped" in r.getMessage()]
    assert line.endswith(
        "stopped: cancelled (asyncio.CancelledError: its task was cancelled) (not kept)"
    )
    assert not [
        r for r in caplog.records if r.levelno >= logging.WARNING and "failed" in r.getMessage()
    ]
