"""openai-python's model methods for the response models: dumps, JSON and repr.

openai-python's models are pydantic models; code written for them calls ``to_dict()``,
``to_json()``, ``model_dump()`` and ``model_dump_json()`` and reads their ``repr``. The
generated attrs classes get the same methods here (installed by :mod:`._types`), giving
the same keys and values for the same JSON:

- the API's field names (``bytes``, ``object``; never ``bytes_`` / ``object_``), in
  openai-python's field order, then the fields the client does not know;
- ``to_dict()`` / ``to_json()`` leave out the fields the server did not send
  (``exclude_unset=True``), ``model_dump()`` / ``model_dump_json()`` give every field,
  ``None`` for those not sent;
- ``exclude_none`` drops ``None`` values, ``exclude_defaults`` the optional fields left
  at ``None``, ``include`` / ``exclude`` pick top-level fields by name;
- ``model_dump_json()`` is compact, ``to_json()`` indented by 2, as in openai-python.

The values are plain JSON types already, so ``mode="python"`` and ``mode="json"`` give
the same dict.
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal, TypedDict, Unpack

import attrs

from openai_uploads_client.types import Unset

__all__ = ["ModelDumpOptions", "ModelMethods", "ToDictOptions", "install", "set_request_id"]

FIELD_ORDER: dict[str, tuple[str, ...]] = {
    "FileObject": (
        "id",
        "bytes",
        "created_at",
        "filename",
        "object",
        "purpose",
        "status",
        "expires_at",
        "status_details",
    ),
    "Upload": (
        "id",
        "bytes",
        "created_at",
        "expires_at",
        "filename",
        "object",
        "purpose",
        "status",
        "file",
    ),
    "UploadPart": ("id", "created_at", "object", "upload_id"),
    "FileDeleted": ("id", "deleted", "object"),
}
"""openai-python's field order per generated class; other fields follow in spec order."""

_SENT: dict[int, frozenset[str]] = {}
"""id(model) -> the API field names its JSON held (``exclude_unset`` needs to know)."""
_REQUEST_IDS: dict[int, str | None] = {}
"""id(model) -> the ``x-request-id`` of the response a call returned the model from."""


def _remember(registry: dict[int, Any], model: object, value: object) -> None:
    """Keep ``value`` for ``model`` for as long as the model lives (attrs' slotted
    classes take no attributes beside their fields)."""
    registry[id(model)] = value
    weakref.finalize(model, registry.pop, id(model), None)


def _remember_sent(model: object, keys: Iterable[str]) -> None:
    _remember(_SENT, model, frozenset(keys))


def set_request_id(model: object, request_id: str | None) -> None:
    """Give the top-level object a call returns its ``_request_id``."""
    _remember(_REQUEST_IDS, model, request_id)


def _request_id(model: object) -> str | None:
    try:
        return _REQUEST_IDS[id(model)]
    except KeyError:
        name = type(model).__name__
        raise AttributeError(f"{name!r} object has no attribute '_request_id'") from None


def _check_options(options: Mapping[str, object], allowed: type) -> None:
    unknown = sorted(set(options) - set(allowed.__annotations__))
    if unknown:
        raise TypeError(f"unexpected keyword argument(s): {', '.join(unknown)}")


def _fields(model: Any) -> list[tuple[str, str, bool]]:
    """(API name, attribute name, optional) of each declared field, in openai's order."""
    found = {
        attribute.name.rstrip("_"): (attribute.name, attribute.default is not attrs.NOTHING)
        for attribute in type(model).__attrs_attrs__
        if attribute.name != "additional_properties"
    }
    order = FIELD_ORDER.get(type(model).__name__, ())
    names = [n for n in order if n in found] + [n for n in found if n not in order]
    return [(name, *found[name]) for name in names]


def _value(value: Any, dump: Callable[[Any], Any]) -> Any:
    if isinstance(value, Unset):
        return None
    if hasattr(type(value), "__attrs_attrs__"):
        return dump(value)
    if isinstance(value, list):
        return [_value(v, dump) for v in value]
    return value


def _dump(
    model: Any,
    *,
    exclude_unset: bool,
    exclude_defaults: bool,
    exclude_none: bool,
    include: Iterable[str] | None = None,
    exclude: Iterable[str] | None = None,
) -> dict[str, Any]:
    sent = _SENT.get(id(model))
    wanted = None if include is None else set(include)
    unwanted = set() if exclude is None else set(exclude)

    def nested(value: Any) -> Any:
        return _dump(
            value,
            exclude_unset=exclude_unset,
            exclude_defaults=exclude_defaults,
            exclude_none=exclude_none,
        )

    out: dict[str, Any] = {}
    for name, attribute, optional in _fields(model):
        raw = getattr(model, attribute)
        if exclude_unset and (name not in sent if sent is not None else isinstance(raw, Unset)):
            continue
        value = _value(raw, nested)
        if exclude_none and value is None:
            continue
        if exclude_defaults and optional and value is None:
            continue
        out[name] = value
    for name, raw in model.additional_properties.items():
        if exclude_none and raw is None:
            continue
        out[name] = raw
    return {
        name: value
        for name, value in out.items()
        if (wanted is None or name in wanted) and name not in unwanted
    }


def _json(data: Mapping[str, Any], indent: int | None, ensure_ascii: bool = False) -> str:
    separators = (",", ":") if indent is None else (",", ": ")
    return json.dumps(data, indent=indent, ensure_ascii=ensure_ascii, separators=separators)


def _check_mode(mode: str) -> None:
    if mode not in ("python", "json"):
        raise ValueError(f"mode must be 'python' or 'json', got {mode!r}")


class ToDictOptions(TypedDict, total=False):
    """The keyword arguments ``to_dict()`` and ``to_json()`` share (openai-python's)."""

    use_api_names: bool
    exclude_unset: bool
    exclude_defaults: bool
    exclude_none: bool
    warnings: bool


class ModelDumpOptions(TypedDict, total=False):
    """The keyword arguments ``model_dump()`` and ``model_dump_json()`` share (pydantic's)."""

    include: Iterable[str] | None
    exclude: Iterable[str] | None
    context: Any | None
    by_alias: bool | None
    exclude_unset: bool
    exclude_defaults: bool
    exclude_none: bool
    round_trip: bool
    warnings: bool | Literal["none", "warn", "error"]


class ModelMethods:
    """The methods every response model has (see the module docstring)."""

    if TYPE_CHECKING:
        # Installed on the classes by :func:`install` (a property reading the registry).
        _request_id: str | None
        """The ``x-request-id`` of the response this object came from (``None`` when the
        response had none), for a support ticket. Set on the top-level object a call
        returns; a nested object (``upload.file``) has none (``AttributeError``), as
        in openai-python."""

    def to_dict(
        self, *, mode: Literal["json", "python"] = "python", **options: Unpack[ToDictOptions]
    ) -> dict[str, Any]:
        """The object as a dict with the API's field names; by default only the fields
        the server sent (openai-python's ``to_dict``)."""
        _check_mode(mode)
        _check_options(options, ToDictOptions)
        return _dump(
            self,
            exclude_unset=options.get("exclude_unset", True),
            exclude_defaults=options.get("exclude_defaults", False),
            exclude_none=options.get("exclude_none", False),
        )

    def to_json(self, *, indent: int | None = 2, **options: Unpack[ToDictOptions]) -> str:
        """:meth:`to_dict` as JSON, indented by ``indent`` (openai-python's ``to_json``)."""
        return _json(self.to_dict(**options), indent)

    def model_dump(
        self,
        *,
        mode: Literal["json", "python"] | str = "python",
        **options: Unpack[ModelDumpOptions],
    ) -> dict[str, Any]:
        """Every field (``None`` for those not sent), as pydantic's ``model_dump``."""
        _check_mode(mode)
        _check_options(options, ModelDumpOptions)
        return _dump(
            self,
            exclude_unset=options.get("exclude_unset", False),
            exclude_defaults=options.get("exclude_defaults", False),
            exclude_none=options.get("exclude_none", False),
            include=options.get("include"),
            exclude=options.get("exclude"),
        )

    def model_dump_json(
        self,
        *,
        indent: int | None = None,
        ensure_ascii: bool = False,
        **options: Unpack[ModelDumpOptions],
    ) -> str:
        """:meth:`model_dump` as JSON, compact unless ``indent`` is given."""
        return _json(self.model_dump(**options), indent, ensure_ascii)

    def __repr__(self) -> str:
        """``FileObject(id='file-...', bytes=3, ...)``: every field by its API name."""
        model: Any = self
        parts = [
            f"{name}={_repr(getattr(model, attribute))}" for name, attribute, _ in _fields(model)
        ]
        parts += [f"{name}={value!r}" for name, value in model.additional_properties.items()]
        # The generated classes carry openai-python's names (spec/config.yaml).
        return f"{type(model).__name__}({', '.join(parts)})"


def _repr(value: object) -> str:
    return "None" if isinstance(value, Unset) else repr(value)


def install(cls: type) -> None:
    """Give a generated model class the methods of :class:`ModelMethods`, and make its
    ``from_dict`` remember which fields the JSON held."""
    for name in ("to_dict", "to_json", "model_dump", "model_dump_json", "__repr__"):
        setattr(cls, name, ModelMethods.__dict__[name])
    cls._request_id = property(_request_id)  # type: ignore[attr-defined]
    generated = cls.__dict__["from_dict"].__func__

    def from_dict(klass: type, src_dict: Mapping[str, Any]) -> Any:
        model = generated(klass, src_dict)
        _remember_sent(model, src_dict.keys())
        return model

    from_dict.__doc__ = generated.__doc__
    cls.from_dict = classmethod(from_dict)  # type: ignore[attr-defined]
