"""Every module logs to ``logging.getLogger(__name__)``, a child of the package logger."""

from __future__ import annotations

import importlib
import logging
import pkgutil
from collections.abc import Iterator
from types import ModuleType

import pytest

import openai_uploads
from openai_uploads.plugins import logging as logging_plugin


def _modules() -> Iterator[ModuleType]:
    yield openai_uploads
    for info in pkgutil.walk_packages(openai_uploads.__path__, prefix="openai_uploads."):
        if info.name.rsplit(".", 1)[-1] == "__main__":
            continue  # running it would start a program
        yield importlib.import_module(info.name)


def _module_loggers() -> list[tuple[str, logging.Logger]]:
    return [
        (module.__name__, value)
        for module in _modules()
        for value in vars(module).values()
        if isinstance(value, logging.Logger)
    ]


def test_every_module_logs_under_its_own_name() -> None:
    loggers = _module_loggers()
    assert len(loggers) >= 7  # the client, plugin host, transfer, logging plugin, emulator
    for module_name, logger in loggers:
        assert logger.name == module_name
        assert logger.name.startswith("openai_uploads.")


@pytest.fixture
def package_logger() -> Iterator[logging.Logger]:
    logger = logging.getLogger("openai_uploads")
    level = logger.level
    yield logger
    logger.setLevel(level)


def test_the_package_logger_level_enables_every_module_logger(
    package_logger: logging.Logger,
) -> None:
    package_logger.setLevel(logging.DEBUG)
    assert all(logger.isEnabledFor(logging.DEBUG) for _, logger in _module_loggers())
    package_logger.setLevel(logging.WARNING)
    assert not any(logger.isEnabledFor(logging.INFO) for _, logger in _module_loggers())


def test_records_of_module_loggers_reach_a_handler_on_the_package_logger(
    package_logger: logging.Logger,
) -> None:
    seen: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = seen.append  # type: ignore[method-assign]
    package_logger.addHandler(handler)
    try:
        package_logger.setLevel(logging.DEBUG)
        logging_plugin.log.debug("a request line")
    finally:
        package_logger.removeHandler(handler)
    assert [record.name for record in seen] == ["openai_uploads.plugins.logging"]
