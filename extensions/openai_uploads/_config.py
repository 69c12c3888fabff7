"""A client's options as one frozen value: :class:`ClientOptions`.

The constructors read their arguments and the environment into a ``ClientOptions``
(:func:`openai_options`; the Azure clients' in :mod:`._azure_core`); ``with_options``
is :meth:`ClientOptions.replace` and a copy of the client around the new value, sharing
the connection pool and the plugins. Nothing changes an options value once made.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import httpx

from ._calls import TimeoutTypes
from ._constants import DEFAULT_BASE_URL
from ._credentials import BearerKey, Credential, KeyProvider
from ._exceptions import OpenAIError
from ._types import NOT_GIVEN, NotGiven
from ._utils import is_strict_int

__all__ = [
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "AzureSettings",
    "ClientOptions",
    "TimeoutTypes",
    "client_timeout",
    "env",
    "openai_credential",
    "openai_options",
]

DEFAULT_TIMEOUT = httpx.Timeout(600.0, connect=5.0)
DEFAULT_MAX_RETRIES = 2
HTTPX_DEFAULT_TIMEOUT = httpx.Timeout(5.0)


def env(name: str) -> str | None:
    """An environment variable, None when unset or empty."""
    value = os.environ.get(name)
    return value if value else None


@dataclass(frozen=True, slots=True)
class AzureSettings:
    """What the Azure clients add: the API version sent on every request, and where."""

    api_version: str
    azure_endpoint: str | None
    """None when the client was given a ``base_url`` instead."""
    azure_deployment: str | None


@dataclass(frozen=True, kw_only=True, slots=True)
class ClientOptions:
    """Everything a client is configured with; ``with_options`` makes a changed copy."""

    credential: Credential
    base_url: str
    """Without a trailing slash."""
    organization: str | None
    project: str | None
    timeout: TimeoutTypes
    max_retries: int
    default_headers: Mapping[str, str]
    """The caller's headers, sent with every request (after the SDK's own)."""
    default_query: Mapping[str, object]
    """Query parameters sent with every request (``extra_query`` adds to them)."""
    strict_response_validation: bool
    """Hold every response field to the spec (see :mod:`._response_check`); by default
    only the fields the client acts on are checked."""
    azure: AzureSettings | None = None

    def __post_init__(self) -> None:
        if not is_strict_int(self.max_retries) or self.max_retries < 0:
            raise ValueError(f"max_retries must be a non-negative int, got {self.max_retries!r}")
        if not isinstance(self.strict_response_validation, bool):
            raise TypeError(
                "strict_response_validation must be a bool, "
                f"got {type(self.strict_response_validation)!r}"
            )

    def replace(
        self,
        *,
        credential: Credential | None = None,
        organization: str | None = None,
        project: str | None = None,
        base_url: str | httpx.URL | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | None = None,
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, object] | None = None,
        strict_response_validation: bool | None = None,
        azure: AzureSettings | None = None,
    ) -> ClientOptions:
        """These options with the given ones changed (None and NOT_GIVEN: unchanged).

        ``default_headers`` and ``default_query`` are added to the current ones.
        """
        changes: dict[str, Any] = {
            "credential": credential,
            "organization": organization,
            "project": project,
            "base_url": None if base_url is None else str(base_url).rstrip("/"),
            "max_retries": max_retries,
            "strict_response_validation": strict_response_validation,
            "azure": azure,
        }
        if default_headers is not None:
            changes["default_headers"] = MappingProxyType(
                {**self.default_headers, **default_headers}
            )
        if default_query is not None:
            changes["default_query"] = MappingProxyType({**self.default_query, **default_query})
        if not isinstance(timeout, NotGiven):
            changes["timeout"] = timeout
        return dataclasses.replace(
            self, **{name: value for name, value in changes.items() if value is not None}
        )


def openai_credential(api_key: str | Callable[[], object] | None) -> Credential:
    """``OpenAI``'s ``api_key`` (else ``OPENAI_API_KEY``) as a credential."""
    if api_key is None:
        api_key = env("OPENAI_API_KEY")
    if not api_key:
        raise OpenAIError(
            "The api_key client option must be set either by passing api_key to the "
            "client or by setting the OPENAI_API_KEY environment variable."
        )
    if isinstance(api_key, str):
        return BearerKey(api_key)
    if callable(api_key):
        return KeyProvider(api_key)
    raise TypeError(f"api_key must be a str or a callable, got {type(api_key)!r}")


def client_timeout(
    timeout: TimeoutTypes | NotGiven, http_client_timeout: httpx.Timeout | None
) -> TimeoutTypes:
    """The timeout given, else a caller's own ``http_client``'s (unless it is httpx's
    default), else :data:`DEFAULT_TIMEOUT`."""
    if not isinstance(timeout, NotGiven):
        return timeout
    if http_client_timeout is not None and http_client_timeout != HTTPX_DEFAULT_TIMEOUT:
        return http_client_timeout
    return DEFAULT_TIMEOUT


def openai_options(
    *,
    credential: Credential,
    organization: str | None,
    project: str | None,
    base_url: str | httpx.URL | None,
    timeout: TimeoutTypes | NotGiven,
    max_retries: int,
    default_headers: Mapping[str, str] | None,
    http_client_timeout: httpx.Timeout | None,
    strict_response_validation: bool,
    default_query: Mapping[str, object] | None = None,
    azure: AzureSettings | None = None,
) -> ClientOptions:
    """A client's options from its constructor's arguments and the environment
    (``OPENAI_ORG_ID``, ``OPENAI_PROJECT_ID``, ``OPENAI_BASE_URL``)."""
    if base_url is None:
        base_url = env("OPENAI_BASE_URL") or DEFAULT_BASE_URL
    return ClientOptions(
        credential=credential,
        organization=organization if organization is not None else env("OPENAI_ORG_ID"),
        project=project if project is not None else env("OPENAI_PROJECT_ID"),
        base_url=str(base_url).rstrip("/"),
        timeout=client_timeout(timeout, http_client_timeout),
        max_retries=max_retries,
        default_headers=MappingProxyType(dict(default_headers or {})),
        default_query=MappingProxyType(dict(default_query or {})),
        strict_response_validation=strict_response_validation,
        azure=azure,
    )
