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
from typing import Any, Literal, Union

import attrs

import openai_uploads_client.models as _generated_models
from openai_uploads_client.types import Unset

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


def fits(value: Any, hint: Any) -> bool:
    """Whether ``value`` has the (resolved) type ``hint``, as far as JSON values go."""
    if hint is Any or hint is object:
        return True
    if typing.is_typeddict(hint):
        if not isinstance(value, dict):
            return False
        fields = typing.get_type_hints(hint)
        return all(key in fields and fits(v, fields[key]) for key, v in value.items())
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        return any(fits(value, option) for option in typing.get_args(hint))
    if origin is Literal:
        return value in typing.get_args(hint)
    if hint is None or hint is type(None):
        return value is None
    if origin is list:
        (item,) = typing.get_args(hint) or (Any,)
        return isinstance(value, list) and all(fits(v, item) for v in value)
    if origin is dict:
        args = typing.get_args(hint)
        value_hint = args[1] if len(args) == 2 else Any
        return isinstance(value, dict) and all(fits(v, value_hint) for v in value.values())
    if hint is bool:
        return isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if isinstance(hint, type):
        return isinstance(value, hint)
    return True  # a construct this check does not know: trust the generated parser


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


def check_model(model: Any, path: str | None = None) -> None:
    """Check ``model`` (a generated attrs instance) in place; see the module docstring."""
    cls = type(model)
    path = path or cls.__name__
    hints = _hints(cls)
    for field in attrs.fields(cls):
        if field.name == "additional_properties":
            continue
        hint = hints[field.name]
        value = getattr(model, field.name)
        where = f"{path}.{field.name.rstrip('_')}"
        if isinstance(value, Unset):
            setattr(model, field.name, None)
            continue
        if not fits(value, hint):
            raise ResponseShapeError(where, _why_not(value, hint))
        _check_nested(value, where)


def _check_nested(value: Any, where: str) -> None:
    if attrs.has(type(value)):
        check_model(value, where)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_nested(item, f"{where}[{index}]")
