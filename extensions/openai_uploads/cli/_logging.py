"""The SDK's log records on stderr: one prefixed line each, above the progress bar."""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Iterator
from typing import Any

from ..plugins import logging as logging_plugin
from ._output import PROG

PACKAGE_LOGGER = "openai_uploads"

FAILURE_LOGGER = logging_plugin.log.name
"""The logger of the logging plugin, whose line about a failed transfer the CLI replaces
with its own."""


class _NotTheFailureLog(logging.Filter):
    """Drops the logging plugin's own lines unless ``--verbose``: the CLI reports the
    failure itself. Told apart by logger name (every module logs to its own)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.name != FAILURE_LOGGER


class _ConsoleHandler(logging.Handler):
    """Log lines through the progress bar's rich console: printed above the bar, never
    into its line."""

    def __init__(self, console: Any) -> None:
        super().__init__()
        self.console = console

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.console.print(self.format(record), markup=False, highlight=False, soft_wrap=True)
        except Exception:  # pragma: no cover - logging must never raise
            self.handleError(record)


def setup_logging(quiet: bool, verbose: bool, console: Any = None) -> None:
    """The SDK's warnings as one prefixed line each on stderr (errors only with --quiet;
    the logging plugin's request and part lines with --verbose); with a progress bar,
    through its ``console`` so that they print above the bar."""
    logger = logging.getLogger(PACKAGE_LOGGER)
    for old in [h for h in logger.handlers if getattr(h, "_openai_uploads_cli", False)]:
        logger.removeHandler(old)
    handler: logging.Handler = (
        logging.StreamHandler(sys.stderr) if console is None else _ConsoleHandler(console)
    )
    handler.setFormatter(logging.Formatter(f"{PROG}: %(levelname)s: %(message)s"))
    handler._openai_uploads_cli = True  # type: ignore[attr-defined]
    if not verbose:
        handler.addFilter(_NotTheFailureLog())
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if verbose else logging.ERROR if quiet else logging.WARNING)
    logger.propagate = False


@contextlib.contextmanager
def restored_logging() -> Iterator[None]:
    """The package logger's handlers, level and propagation as they were before a command
    (which sets them for its own output), for callers that run the command in-process."""
    logger = logging.getLogger(PACKAGE_LOGGER)
    saved = (list(logger.handlers), logger.level, logger.propagate)
    try:
        yield
    finally:
        logger.handlers[:], logger.level, logger.propagate = saved
