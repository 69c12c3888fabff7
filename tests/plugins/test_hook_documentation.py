"""Every hook is documented: a docstring with an example, and a mention in docs/plugins.md."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from openai_uploads import hookspecs

PLUGINS_PAGE = Path(__file__).resolve().parents[2] / "docs" / "plugins.md"


def hook_names() -> list[str]:
    return sorted(
        name
        for name, obj in vars(hookspecs).items()
        if inspect.isfunction(obj) and hasattr(obj, f"{hookspecs.PROJECT_NAME}_spec")
    )


def plugin_page() -> str:
    return PLUGINS_PAGE.read_text(encoding="utf-8")


def test_there_are_hooks_of_every_family() -> None:
    assert {"on_bytes_sent", "decide_retry", "digest_algorithms", "check_digests"} <= set(
        hook_names()
    )


@pytest.mark.parametrize("name", hook_names())
def test_hook_is_documented_on_the_plugins_page(name: str) -> None:
    assert f"`{name}`" in plugin_page(), f"docs/plugins.md ('Writing a plugin') lacks `{name}`"


@pytest.mark.parametrize("name", hook_names())
def test_hook_docstring_has_an_example(name: str) -> None:
    doc = inspect.getdoc(getattr(hookspecs, name)) or ""
    assert "Example" in doc
    assert "@hookimpl" in doc


@pytest.mark.parametrize("name", hook_names())
def test_hook_takes_one_event_argument(name: str) -> None:
    assert list(inspect.signature(getattr(hookspecs, name)).parameters) == ["event"]
