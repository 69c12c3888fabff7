"""``openai_uploads.plugins.list_plugins()``: what ``openai-uploads plugins`` prints, as
values a program can read."""

from __future__ import annotations

import pytest

from openai_uploads._plugins import PLUGINS_ENV, PluginHost
from openai_uploads.plugins import PluginInfo, list_plugins


def test_it_lists_what_a_new_client_gets() -> None:
    infos = list_plugins()
    assert all(isinstance(info, PluginInfo) for info in infos)
    assert [info.to_dict() for info in infos] == [i.to_dict() for i in PluginHost().list_plugins()]


def test_the_built_ins_are_loaded_with_their_hooks() -> None:
    loaded = {info.name: info for info in list_plugins() if info.status == "loaded"}
    assert "decide_retry" in loaded["openai_uploads.builtin.retry"].hooks
    assert loaded["openai_uploads.builtin.retry"].kind == "built-in"


def test_it_reads_the_selection_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PLUGINS_ENV, "no:retry")
    (retry,) = [info for info in list_plugins() if info.name.endswith(".retry")]
    assert retry.status == "disabled"
    assert retry.note == f"turned off by {PLUGINS_ENV}"
