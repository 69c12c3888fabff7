"""Hold a parsed response to the generated annotations, field by field.

The generated ``from_dict`` keeps whatever the JSON held when a value does not fit: a
nested object that fails to parse stays a plain ``dict``, a string stays where an int
was declared. :func:`check_model` walks a parsed model and raises
:class:`ResponseShapeError`, naming the field (``Upload.file.bytes``) and, for a nested
object, the error its own parse raised. It also turns an absent optional field
(``Unset``) into ``None``, as openai-python reads it.

Strict and lenient: a strict check (``strict_response_validation=True``) holds every
field to its annotation. The default, lenient one holds only the fields the client acts
on (:data:`ACTED_ON`: ids, statuses, sizes, the File, a page's items and ``has_more``);
any other field whose value does not fit -- a new shape, ``null``, an unknown literal --
is kept as the server sent it and logged at debug level, as openai-python reads it.
:func:`build_model` is ``from_dict`` that, when lenient, also builds an object whose
unused fields ``from_dict`` rejects.
"""

from __future__ import annotations

import logging
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, Literal, Union

import attrs

import openai_uploads_client.models as _generated_models
from openai_uploads_client.types import Unset

from ._models import _remember_sent
from ._utils import is_strict_int

__all__ = ["ACTED_ON", "ResponseShapeError", "build_model", "check_model", "fits"]

log = logging.getLogger(__name__)

ACTED_ON: Mapping[str, frozenset[str]] = {
    "Upload": frozenset({"id", "status", "bytes_", "file"}),
    "FileObject": frozenset({"id", "bytes_"}),
    "UploadPart": frozenset({"id"}),
    "FileList": frozenset({"data", "has_more"}),
    "FileDeleted": frozenset({"id", "deleted"}),
}
"""The fields (attribute names) of each response model that the client reads to decide
something; they are checked even when the check is lenient."""


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


def check_model(model: Any, path: str | None = None, *, strict: bool = True) -> None:
    """Check ``model`` (a generated attrs instance) in place; see the module docstring."""
    cls = type(model)
    acted_on = ACTED_ON.get(cls.__name__, frozenset())
    for name, hint, check in _plan(cls):
        value = getattr(model, name)
        if isinstance(value, Unset):
            setattr(model, name, None)
            continue
        where = f"{path or cls.__name__}.{name.rstrip('_')}"
        if not check(value):
            if not strict:
                # Objects that from_dict refused (a new shape of a field the client does
                # not use): built leniently, then checked like any other.
                try:
                    built = _build_nested(value, hint)
                except (KeyError, TypeError, ValueError, AttributeError, RecursionError):
                    if name in acted_on:
                        raise ResponseShapeError(where, _why_not(value, hint)) from None
                else:
                    if built is not value:
                        value = built
                        setattr(model, name, value)
            if not check(value):
                if strict or name in acted_on:
                    raise ResponseShapeError(where, _why_not(value, hint))
                log.debug("response field %s kept as received: %s", where, _why_not(value, hint))
                continue
        if isinstance(value, list) or attrs.has(type(value)):
            _check_nested(value, where, strict)
    if not strict and model.additional_properties:
        log.debug(
            "response fields unknown to %s kept as received: %s",
            path or cls.__name__,
            sorted(model.additional_properties),
        )


def _build_nested(value: Any, hint: Any) -> Any:
    """``value`` with the plain dicts where ``hint`` declares objects built leniently."""
    if isinstance(value, dict):
        models = _models_in(hint)
        return build_model(models[0], value, strict=False) if models else value
    if isinstance(value, list):
        for option in _options(hint):
            if typing.get_origin(option) is list and typing.get_args(option):
                (item,) = typing.get_args(option)
                return [_build_nested(v, item) for v in value]
    return value


def _check_nested(value: Any, where: str, strict: bool) -> None:
    if attrs.has(type(value)):
        check_model(value, where, strict=strict)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_nested(item, f"{where}[{index}]", strict)


def build_model(cls: Any, data: Mapping[str, Any], *, strict: bool) -> Any:
    """``cls.from_dict(data)``; when lenient and that fails, the object built anyway.

    ``from_dict`` rejects a whole object over one field (an ``object`` literal it does not
    know, a nested object of a new shape). Leniently, each declared field takes the
    value the JSON holds (nested objects are then built by :func:`check_model`), a field
    the client does not act on may be missing, and the rest goes to
    ``additional_properties``; a missing field the client acts on is a ``KeyError``.
    """
    try:
        return cls.from_dict(data)
    except (KeyError, TypeError, ValueError, AttributeError):
        if strict:
            raise
    acted_on = ACTED_ON.get(cls.__name__, frozenset())
    rest = dict(data)
    values: dict[str, Any] = {}
    for attribute in attrs.fields(cls):
        if attribute.name == "additional_properties":
            continue
        key = attribute.name.rstrip("_")
        if key in rest:
            values[attribute.name] = rest.pop(key)
        elif attribute.default is attrs.NOTHING:
            if attribute.name in acted_on:
                raise KeyError(key)
            values[attribute.name] = None
    model = cls(**values)
    model.additional_properties = rest
    _remember_sent(model, data.keys())
    return model
