"""The base of every resource: a reference to the client that sends its calls."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar, cast

import httpx

from ._calls import APICall, RequestOptions
from ._types import NotGiven

if TYPE_CHECKING:
    from ._client import AsyncOpenAI, OpenAI

T = TypeVar("T")
U = TypeVar("U")


class SyncAPIResource:
    _client: OpenAI

    def __init__(self, client: OpenAI) -> None:
        self._client = client


class AsyncAPIResource:
    _client: AsyncOpenAI

    def __init__(self, client: AsyncOpenAI) -> None:
        self._client = client


def request_options(
    extra_headers: Mapping[str, str] | None,
    extra_query: Mapping[str, object] | None,
    extra_body: Mapping[str, object] | None,
    timeout: float | httpx.Timeout | NotGiven | None,
) -> RequestOptions:
    """The per-request options every resource method takes, in one value."""
    return RequestOptions(
        extra_headers=extra_headers,
        extra_query=extra_query,
        extra_body=extra_body,
        timeout=timeout,
    )


def then(call: APICall[T], post: Callable[[T], U]) -> APICall[U]:
    """``call`` whose result is ``post`` of its parsed result (a list's page made of the
    list response, so that a raw response's ``parse()`` gives the page too)."""
    parse = call.parse
    return cast("APICall[U]", replace(cast("APICall[Any]", call), parse=lambda r: post(parse(r))))


def require_id(name: str, value: object) -> str:
    """Reject an empty or non-string id before it becomes a confusing URL."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {type(value).__name__}")
    if not value:
        raise ValueError(f"Expected a non-empty value for `{name}` but received {value!r}")
    return value


__all__ = ["AsyncAPIResource", "SyncAPIResource", "request_options", "require_id", "then"]
