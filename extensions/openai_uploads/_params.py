"""Keyword arguments that come from the spec, not from the hand-written signatures.

Each resource method ends in ``**params: Unpack[<Operation>Params]``: a TypedDict that
codegen.sh writes into ``openai_uploads_client.sdk`` holding every request field and query
parameter of the operation that the method does not declare itself (``spec/client.yaml``
lists those). A field added to the spec is therefore a typed keyword argument after
``./codegen.sh``, with no hand edit: type checkers see it through ``Unpack``,
``inspect.signature`` and ``help()`` through :func:`spec_method`, and :func:`split_params`
checks it at run time and routes it to the request body or the query string.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import openai_uploads_client.models as _models
import openai_uploads_client.sdk as _sdk
from openai_uploads_client.sdk import OPERATIONS

from ._response_check import fits
from ._types import Omit, omit

__all__ = ["REQUEST_OPTION_NAMES", "SpecParams", "request_body", "spec_method", "split_params"]

F = TypeVar("F", bound=Callable[..., Any])

REQUEST_OPTION_NAMES = ("extra_headers", "extra_query", "extra_body", "timeout")
"""Where the spec-derived arguments go in a signature: just before these."""


def params_type(operation_id: str) -> Any:
    name = OPERATIONS[operation_id].params_type
    assert name is not None, f"{operation_id} is not exposed (spec/client.yaml)"
    return getattr(_sdk, name)


def _hints(operation_id: str) -> dict[str, Any]:
    return typing.get_type_hints(params_type(operation_id), localns=vars(_sdk))


class SpecParams:
    """The checked spec-derived arguments of one call."""

    def __init__(self, body: dict[str, object], query: dict[str, object]) -> None:
        self.body = body
        """Request body fields, by wire name."""
        self.query = query
        """Query parameters, by the generated ``_get_kwargs`` argument name."""


def split_params(operation_id: str, params: Mapping[str, object]) -> SpecParams:
    """Check ``params`` against the spec (names, required, types) before any request.

    Raises ``TypeError`` as Python does for a call with a wrong keyword argument.
    """
    operation = OPERATIONS[operation_id]
    method = operation.client_method
    hints = _hints(operation_id)
    required = params_type(operation_id).__required_keys__
    for name in params:
        if name not in hints:
            raise TypeError(f"{method}() got an unexpected keyword argument {name!r}")
    given = {name: value for name, value in params.items() if not isinstance(value, Omit)}
    missing = sorted(set(required) - set(given))
    if missing:
        raise TypeError(f"{method}() missing required keyword argument(s): {missing}")
    for name, value in given.items():
        if not fits(value, hints[name]):
            raise TypeError(
                f"{method}(): {name} must be {_type_name(hints[name])}, "
                f"got {type(value).__name__} {value!r:.60}"
            )
    query_names = {wire: python for wire, python, _ in operation.query_params}
    body = {name: value for name, value in given.items() if name not in query_names}
    query = {query_names[name]: value for name, value in given.items() if name in query_names}
    return SpecParams(body, query)


def request_body(operation_id: str, fields: Mapping[str, object]) -> Any:
    """The operation's generated request model, from wire-named ``fields``.

    The generated ``from_dict`` builds nested models and checks enums; what it rejects
    is a ``TypeError`` naming the method, raised before any request.
    """
    operation = OPERATIONS[operation_id]
    assert operation.body_model is not None, f"{operation_id} takes no request body"
    model = getattr(_models, operation.body_model)
    try:
        return model.from_dict(dict(fields))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise TypeError(f"{operation.client_method}(): invalid request: {exc}") from exc


def _type_name(hint: Any) -> str:
    return str(hint).replace("typing.", "").replace("openai_uploads_client.sdk.", "")


def spec_method(operation_id: str) -> Callable[[F], F]:
    """Show the spec-derived keyword arguments in the method's run-time signature.

    ``**params`` is replaced, in ``inspect.signature`` and ``help()``, by one keyword-only
    parameter per field of the operation's TypedDict (default ``omit`` unless required),
    placed before the request options.
    """

    def decorate(func: F) -> F:
        signature = inspect.signature(func)
        typed = params_type(operation_id)
        annotations = typed.__annotations__
        fields = [
            inspect.Parameter(
                name,
                inspect.Parameter.KEYWORD_ONLY,
                default=inspect.Parameter.empty if name in typed.__required_keys__ else omit,
                annotation=annotations[name],
            )
            for name in annotations
        ]
        own = [
            p for p in signature.parameters.values() if p.kind is not inspect.Parameter.VAR_KEYWORD
        ]
        at = next(
            (i for i, p in enumerate(own) if p.name in REQUEST_OPTION_NAMES),
            len(own),
        )
        func.__signature__ = signature.replace(  # type: ignore[attr-defined]
            parameters=[*own[:at], *fields, *own[at:]]
        )
        func.__spec_operation__ = operation_id  # type: ignore[attr-defined]
        return func

    return decorate
