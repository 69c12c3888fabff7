"""The observer and decision tables are read from ``hookspecs``: every hook has exactly
one kind, and an observer returns nothing a guard could lose by ignoring its fault."""

from __future__ import annotations

import inspect

from openai_uploads import hookspecs
from openai_uploads._plugins import DECISION_HOOKS, HOOKS, OBSERVER_HOOKS


def spec_names() -> set[str]:
    return {
        name
        for name, obj in vars(hookspecs).items()
        if inspect.isfunction(obj) and hasattr(obj, f"{hookspecs.PROJECT_NAME}_spec")
    }


def test_every_hook_spec_is_in_the_tables() -> None:
    assert spec_names() == HOOKS


def test_every_hook_has_exactly_one_kind() -> None:
    assert OBSERVER_HOOKS | DECISION_HOOKS == HOOKS
    assert not OBSERVER_HOOKS & DECISION_HOOKS


def test_observers_return_nothing() -> None:
    for name in OBSERVER_HOOKS:
        assert inspect.signature(getattr(hookspecs, name)).return_annotation == "None", name


def test_every_hook_is_in_the_protocol_for_type_checkers() -> None:
    assert {name for name in HOOKS if hasattr(hookspecs.UploadsPlugin, name)} == HOOKS
