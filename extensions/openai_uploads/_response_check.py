"""Hold a parsed response to the generated annotations, field by field.

The generated ``from_dict`` keeps whatever the JSON held when a value does not fit: a
nested object that fails to parse stays a plain ``dict``, a string stays where an int
was declared. :func:`check_model` walks a parsed model and raises
:class:`ResponseShapeError`, naming the field (``Upload.file.bytes``) and, for a nested
object, the error its own parse raised. It also turns an absent optional field
(``Unset``) into ``None``, as openai-python reads it.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from typing import Any, Literal, Union

import attrs

import openai_uploads_client.models as _generated_models
from openai_uploads_client.types import Unset

from ._utils import is_strict_int

__all__ = ["ResponseShapeError", "check_model", "fits"]


class ResponseShapeError(ValueError):
    """A parsed response field does not have the type the spec declares."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    hints = _HINTS.get(cls)
    if hints is None:
        namespace = {**vars(_generated_models), "Unset": Unset}
        hints = _HINTS[cls] = typing.get_type_hints(cls, localns=namespace)
    return hints


def _options(hint: Any) -> tuple[Any, ...]:
    if typing.get_origin(hint) in (Union, types.UnionType):
        return typing.get_args(hint)
    return (hint,)


def _models_in(hint: Any) -> list[Any]:
    return [option for option in _options(hint) if attrs.has(option)]


Check = Callable[[Any], bool]
_COMPILED: dict[Any, Check] = {}


def fits(value: Any, hint: Any) -> bool:
    """Whether ``value`` has the (resolved) type ``hint``, as far as JSON values go."""
    return _compile(hint)(value)


def _compile(hint: Any) -> Check:
    """A predicate for ``hint``, built once per hint (responses are checked on every call)."""
    try:
        return _COMPILED[hint]
    except (KeyError, TypeError):
        pass
    check = _build(hint)
    try:
        _COMPILED[hint] = check
    except TypeError:  # an unhashable hint: not cached
        pass
    return check


def _build(hint: Any) -> Check:
    if hint is Any or hint is object:
        return lambda value: True
    if typing.is_typeddict(hint):
        fields = {key: _compile(h) for key, h in typing.get_type_hints(hint).items()}
        return lambda value: (
            isinstance(value, dict)
            and all(key in fields and fields[key](v) for key, v in value.items())
        )
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        options = [_compile(option) for option in typing.get_args(hint)]
        return lambda value: any(option(value) for option in options)
    if origin is Literal:
        allowed = typing.get_args(hint)
        return lambda value: value in allowed
    if hint is None or hint is type(None):
        return lambda value: value is None
    if origin is list:
        (item_hint,) = typing.get_args(hint) or (Any,)
        item = _compile(item_hint)
        return lambda value: isinstance(value, list) and all(item(v) for v in value)
    if origin is dict:
        args = typing.get_args(hint)
        inner = _compile(args[1] if len(args) == 2 else Any)
        return lambda value: isinstance(value, dict) and all(inner(v) for v in value.values())
    if hint is bool:
        return lambda value: isinstance(value, bool)
    if hint is int:
        return is_strict_int
    if hint is float:
        return lambda value: is_strict_int(value) or isinstance(value, float)
    if isinstance(hint, type):
        return lambda value: isinstance(value, hint)
    return lambda value: True  # a construct this check does not know: trust the parser


def _why_not(value: Any, hint: Any) -> str:
    """The error of parsing ``value`` as the object the hint names, else a type mismatch."""
    if isinstance(value, dict):
        for model in _models_in(hint):
            try:
                model.from_dict(value)
            except Exception as exc:
                return f"is not a valid {model.__name__}: {exc!r}"
    shown = repr(value)
    if len(shown) > 80:
        shown = shown[:77] + "..."
    return f"expected {_name(hint)}, got {type(value).__name__} {shown}"


def _name(hint: Any) -> str:
    if isinstance(hint, type):
        return hint.__name__
    return str(hint).replace("typing.", "").replace("openai_uploads_client.types.", "")


_PLANS: dict[type, list[tuple[str, Any, Check]]] = {}


def _plan(cls: type) -> list[tuple[str, Any, Check]]:
    """(attribute, hint, predicate) of each field of a generated model, built once."""
    plan = _PLANS.get(cls)
    if plan is None:
        hints = _hints(cls)
        plan = _PLANS[cls] = [
            (field.name, hints[field.name], _compile(hints[field.name]))
            for field in attrs.fields(cls)
            if field.name != "additional_properties"
        ]
    return plan


def check_model(model: Any, path: str | None = None) -> None:
    """Check ``model`` (a generated attrs instance) in place; see the module docstring."""
    cls = type(model)
    for name, hint, check in _plan(cls):
        value = getattr(model, name)
        if isinstance(value, Unset):
            setattr(model, name, None)
            continue
        if not check(value):
            where = f"{path or cls.__name__}.{name.rstrip('_')}"
            raise ResponseShapeError(where, _why_not(value, hint))
        if isinstance(value, list) or attrs.has(type(value)):
            _check_nested(value, f"{path or cls.__name__}.{name.rstrip('_')}")


def _check_nested(value: Any, where: str) -> None:
    if attrs.has(type(value)):
        check_model(value, where)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_nested(item, f"{where}[{index}]")
