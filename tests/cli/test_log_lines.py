"""Which of the SDK's log records the command line prints: records are told apart by
logger name, and the logging plugin's own line about a failed transfer gives way to the
CLI's one-line error unless --verbose."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

import pytest
from click.testing import CliRunner

from openai_uploads import _plugins
from openai_uploads.cli import _setup_logging, main
from openai_uploads.hookspecs import UploadFailed
from openai_uploads.plugins import logging as logging_plugin


@pytest.fixture
def stderr(capsys: pytest.CaptureFixture[str]) -> Iterator[Callable[[], str]]:
    """What the CLI's handler writes to stderr; the package logger restored afterwards."""
    logger = logging.getLogger("openai_uploads")
    saved = (list(logger.handlers), logger.level, logger.propagate)
    try:
        yield lambda: capsys.readouterr().err
    finally:
        logger.handlers[:], logger.level, logger.propagate = saved


def _plugin_reports_a_failure() -> None:
    logging_plugin.on_upload_failed(
        UploadFailed(upload_id="upload_abc", error=RuntimeError("boom"), kept_for_resume=False)
    )


def test_the_logging_plugins_failure_line_is_left_to_the_cli(stderr: Callable[[], str]) -> None:
    _setup_logging(quiet=False, verbose=False)
    _plugin_reports_a_failure()
    assert "upload_abc" not in stderr()


def test_the_logging_plugins_failure_line_prints_with_verbose(stderr: Callable[[], str]) -> None:
    _setup_logging(quiet=False, verbose=True)
    _plugin_reports_a_failure()
    assert "openai-uploads: WARNING: upload upload_abc failed (not kept): boom" in (stderr())


@pytest.mark.parametrize("name", ["openai_uploads", "openai_uploads._transfer._sync"])
def test_other_sdk_warnings_print_as_one_prefixed_line(
    stderr: Callable[[], str], name: str
) -> None:
    _setup_logging(quiet=False, verbose=False)
    logging.getLogger(name).warning("file changed; starting a new Upload")
    assert stderr() == "openai-uploads: WARNING: file changed; starting a new Upload\n"


def test_a_command_run_in_process_leaves_the_package_logger_as_it_was() -> None:
    # As CliRunner or an app calling main() does: the CLI's handler is for its own run.
    logger = logging.getLogger("openai_uploads")
    before = (list(logger.handlers), logger.level, logger.propagate)
    result = CliRunner().invoke(main, ["plugins"])
    assert result.exit_code == 0
    assert (list(logger.handlers), logger.level, logger.propagate) == before


def test_every_command_prints_the_sdks_warnings_as_one_prefixed_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_plugins._loading, "_REPORTED", set())
    monkeypatch.setenv(_plugins.PLUGINS_ENV, "no:loggin")
    result = CliRunner().invoke(main, ["plugins"])
    assert result.exit_code == 0
    assert result.stderr.startswith(
        f"openai-uploads: WARNING: {_plugins.PLUGINS_ENV} names 'loggin', which is not a plugin"
    )
    assert result.stderr.count("\n") == 1
