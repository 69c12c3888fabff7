"""What the plugin host says: a selection naming no plugin is one warning line naming the
known ones, plugins turned off are listed with why, and a failing observer's traceback is
logged at debug level beside its one-line warning."""

from __future__ import annotations

import logging

import pytest

from openai_uploads import _plugins
from openai_uploads._plugins import (
    DECISION_HOOKS,
    DISABLE_AUTOLOAD_ENV,
    OBSERVER_HOOKS,
    PLUGINS_ENV,
    PluginHost,
)
from openai_uploads.hookspecs import UploadsPlugin, UploadStarted, hookimpl

PLUGINS_LOGGER = "openai_uploads._plugins"


@pytest.fixture(autouse=True)
def fresh_reports(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with no line reported yet (they are said once per process)."""
    monkeypatch.setattr(_plugins._loading, "_REPORTED", set())


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name.startswith(PLUGINS_LOGGER) and r.levelno == logging.WARNING
    ]


def host_with(monkeypatch: pytest.MonkeyPatch, selection: str) -> PluginHost:
    monkeypatch.setenv(PLUGINS_ENV, selection)
    return PluginHost(load_entrypoints=False)


def test_a_misspelled_no_name_is_one_warning_line_naming_the_known_plugins(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="openai_uploads"):
        host = host_with(monkeypatch, "no:retryy")
    [line] = warnings_of(caplog)
    assert "\n" not in line
    assert f"{PLUGINS_ENV} names 'retryy', which is not a plugin" in line
    assert "known plugins: retry, logging, otel" in line
    # Not a crash, and the name it meant is still on.
    assert "openai_uploads.builtin.retry" in host.list_plugin_names()


def test_the_retired_checksum_name_is_one_line_saying_the_md5_is_core(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="openai_uploads"):
        host_with(monkeypatch, "no:checksum")
    [line] = warnings_of(caplog)
    assert "\n" not in line
    assert f"{PLUGINS_ENV} names 'checksum': the md5 is core behaviour, not a plugin" in line
    assert "md5=None" in line


def test_an_allow_list_naming_a_plugin_that_is_not_installed_is_a_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="openai_uploads"):
        host_with(monkeypatch, "*,not-installed,otel")
    [line] = warnings_of(caplog)
    assert "'not-installed', which is not a plugin in this environment (ignored)" in line


def test_several_unknown_names_share_one_line(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="openai_uploads"):
        host_with(monkeypatch, "no:retyr,no:loging")
    [line] = warnings_of(caplog)
    assert "names 'loging', 'retyr', which are not plugins" in line


@pytest.mark.parametrize(
    "selection",
    ["no:retry", "no:openai_uploads.builtin.logging", "*,otel", "no:*", "*", ""],
)
def test_a_selection_of_known_names_says_nothing(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, selection: str
) -> None:
    with caplog.at_level(logging.DEBUG, logger="openai_uploads"):
        host_with(monkeypatch, selection)
    assert warnings_of(caplog) == []


def test_the_unknown_name_warning_is_said_once_per_process(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="openai_uploads"):
        host_with(monkeypatch, "no:retryy")
        host_with(monkeypatch, "no:retryy")
    assert len(warnings_of(caplog)) == 1


def test_a_builtin_turned_off_is_listed_as_disabled_with_why(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    host = host_with(monkeypatch, "no:logging")
    [info] = [i for i in host.list_plugins() if i.name == "openai_uploads.builtin.logging"]
    assert info.status == "disabled"
    assert info.note == f"turned off by {PLUGINS_ENV}"


def test_otel_is_listed_as_disabled_with_how_to_turn_it_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(DISABLE_AUTOLOAD_ENV, raising=False)
    monkeypatch.delenv(PLUGINS_ENV, raising=False)
    [info] = [i for i in PluginHost(load_entrypoints=True).list_plugins() if i.name == "otel"]
    assert info.status == "disabled"
    assert info.note == f"off unless named in {PLUGINS_ENV}, e.g. '*,otel'"


def test_a_failing_observer_logs_one_warning_line_and_its_traceback_at_debug(
    caplog: pytest.LogCaptureFixture,
) -> None:
    class Broken:
        @hookimpl
        def on_upload_started(self, event: UploadStarted) -> None:
            raise RuntimeError("boom")

    host = PluginHost([Broken()], load_entrypoints=False)
    with caplog.at_level(logging.DEBUG, logger="openai_uploads"):
        host.upload_started(
            UploadStarted(
                upload_id="upload_1", filename="a", total_bytes=1, part_size=1, part_count=1
            )
        )
    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert "\n" not in warning.getMessage()
    assert warning.exc_info is None
    [debug] = [r for r in caplog.records if r.levelno == logging.DEBUG and r.exc_info]
    assert "'Broken'" in debug.getMessage()
    assert debug.exc_info is not None
    assert isinstance(debug.exc_info[1], RuntimeError)
    assert 'raise RuntimeError("boom")' in logging.Formatter().format(debug)


def test_every_hook_is_an_observer_or_a_decision_hook() -> None:
    hooks = {name for name in vars(UploadsPlugin) if not name.startswith("_")}
    assert hooks == OBSERVER_HOOKS | DECISION_HOOKS
    assert not OBSERVER_HOOKS & DECISION_HOOKS
    assert sorted(DECISION_HOOKS) == [
        "check_digests",
        "decide_retry",
        "digest_algorithms",
        "prepare_request",
    ]
