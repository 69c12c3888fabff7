"""Every hook is documented: a docstring with an example, and a mention in the README."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from openai_uploads import hookspecs

README = Path(__file__).resolve().parents[2] / "README.md"


def hook_names() -> list[str]:
    return sorted(
        name
        for name, obj in vars(hookspecs).items()
        if inspect.isfunction(obj) and hasattr(obj, f"{hookspecs.PROJECT_NAME}_spec")
    )


def plugin_section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("## Writing a plugin")
    end = text.index("\n## ", start + 1)
    return text[start:end]


def test_there_are_hooks_of_every_family() -> None:
    assert {"on_bytes_sent", "decide_retry", "digest_algorithms", "check_digests"} <= set(
        hook_names()
    )


@pytest.mark.parametrize("name", hook_names())
def test_hook_is_documented_in_the_readme(name: str) -> None:
    assert f"`{name}`" in plugin_section(), f"README's 'Writing a plugin' lacks `{name}`"


@pytest.mark.parametrize("name", hook_names())
def test_hook_docstring_has_an_example(name: str) -> None:
    doc = inspect.getdoc(getattr(hookspecs, name)) or ""
    assert "Example" in doc
    assert "@hookimpl" in doc


@pytest.mark.parametrize("name", hook_names())
def test_hook_takes_one_event_argument(name: str) -> None:
    assert list(inspect.signature(getattr(hookspecs, name)).parameters) == ["event"]
