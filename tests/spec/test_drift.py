"""The client follows the spec: every operation has a method and every field is accepted.

The operation table comes from ``openai_uploads_client.sdk`` (written by ``./codegen.sh``
from ``spec/openapi.yaml`` and ``spec/client.yaml``). Each test lists exactly what is
missing, e.g. ``retrieveUpload (GET /uploads/{upload_id}) has no client method``, so that
after a spec change the failure says what to add. docs/regenerating.md explains
the workflow.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from typing import Any

import pytest

from openai_uploads import AsyncOpenAI, OpenAI
from openai_uploads_client.sdk import OPERATIONS, Operation

CLIENTS = {
    "OpenAI": lambda: OpenAI(api_key="sk-drift", base_url="http://127.0.0.1:9/v1"),
    "AsyncOpenAI": lambda: AsyncOpenAI(api_key="sk-drift", base_url="http://127.0.0.1:9/v1"),
}
TRANSFER_METHOD = "uploads.upload_file_chunked"
"""Passes every request field of ``createUpload`` through to ``uploads.create``."""


def _method(client: Any, dotted: str) -> Callable[..., Any] | None:
    target = client
    for name in dotted.split("."):
        target = getattr(target, name, None)
        if target is None:
            return None
    return target  # type: ignore[no-any-return]


def _accepted(method: Callable[..., Any]) -> set[str]:
    return set(inspect.signature(method).parameters)


def _fields(operation: Operation) -> list[str]:
    return [name for name, _ in operation.body_fields] + [
        name for name, *_ in operation.query_params
    ]


def _describe(operation: Operation) -> str:
    return f"{operation.operation_id} ({operation.http_method.upper()} {operation.path})"


def unexposed_without_reason() -> list[str]:
    return [
        f"{_describe(op)} has no client method: add it to spec/client.yaml `operations` "
        "(and write the method) or to `unexposed` with the reason"
        for op in OPERATIONS.values()
        if op.client_method is None and not op.unexposed_reason
    ]


def missing_methods(client_name: str) -> list[str]:
    client = CLIENTS[client_name]()
    return [
        f"{client_name}.{op.client_method} ({_describe(op)}) does not exist"
        for op in OPERATIONS.values()
        if op.client_method is not None and _method(client, op.client_method) is None
    ]


def missing_fields(client_name: str) -> list[str]:
    client = CLIENTS[client_name]()
    problems = []
    for op in OPERATIONS.values():
        method = _method(client, op.client_method) if op.client_method else None
        if method is None:
            continue
        missing = [name for name in _fields(op) if name not in _accepted(method)]
        if missing:
            problems.append(
                f"{client_name}.{op.client_method} does not accept {missing} of {_describe(op)}"
                f": end its signature with **params: Unpack[{op.params_type}] and "
                f'@spec_method("{op.operation_id}")'
            )
        stale = [name for name in op.explicit if name not in _accepted(method)]
        if stale:
            problems.append(
                f"spec/client.yaml lists {stale} as explicit arguments of {op.client_method}, "
                "which it does not declare"
            )
    return problems


def missing_transfer_fields(client_name: str) -> list[str]:
    method = _method(CLIENTS[client_name](), TRANSFER_METHOD)
    assert method is not None
    missing = [f for f in _fields(OPERATIONS["createUpload"]) if f not in _accepted(method)]
    return [f"{client_name}.{TRANSFER_METHOD} does not pass {missing} to uploads.create"] * bool(
        missing
    )


def missing_generated_modules() -> list[str]:
    problems = []
    for op in OPERATIONS.values():
        try:
            module = importlib.import_module(op.module)
        except ImportError:
            problems.append(f"{_describe(op)}: no generated module {op.module}")
            continue
        if not hasattr(module, "_get_kwargs"):
            problems.append(f"{op.module} has no _get_kwargs")
    return problems


def missing_emulator_routes() -> list[str]:
    from openai_uploads.emulator._app import Emulator

    routes = Emulator.__new__(Emulator).routes()
    served = {(method, route.path) for route in routes for method in route.methods or ()}
    return [
        f"the emulator has no route for {_describe(op)}: add one to emulator/_app.py"
        for op in OPERATIONS.values()
        if op.client_method is not None and (op.http_method.upper(), "/v1" + op.path) not in served
    ]


def test_every_operation_has_a_client_method_or_a_reason() -> None:
    assert unexposed_without_reason() == []


@pytest.mark.parametrize("client_name", sorted(CLIENTS))
def test_every_exposed_operation_has_its_method(client_name: str) -> None:
    assert missing_methods(client_name) == []


@pytest.mark.parametrize("client_name", sorted(CLIENTS))
def test_every_request_field_is_an_argument_of_its_method(client_name: str) -> None:
    assert missing_fields(client_name) == []


@pytest.mark.parametrize("client_name", sorted(CLIENTS))
def test_upload_file_chunked_takes_every_create_field(client_name: str) -> None:
    assert missing_transfer_fields(client_name) == []


def test_every_operation_has_its_generated_request_builder() -> None:
    assert missing_generated_modules() == []


def test_every_exposed_operation_has_an_emulator_route() -> None:
    assert missing_emulator_routes() == []
