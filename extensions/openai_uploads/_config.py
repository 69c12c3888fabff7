"""A client's options as one frozen value: :class:`ClientOptions`, and the one list of them.

:class:`ClientArgs` lists what every client's constructor takes (the constructors keep
their explicit signatures for ``help()`` and IDEs; a test holds the two to each other),
and :class:`ClientChanges` what ``copy`` / ``with_options`` takes besides. Both the
constructors and ``copy`` read their arguments into a ``ClientOptions`` through
:func:`client_options`: a new client from the environment and the defaults, a copy from
the options of the client it copies. Nothing changes an options value once made (but
``client.base_url = ...``, which replaces it).
"""

from __future__ import annotations

import dataclasses
import inspect
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Generic, TypedDict, TypeVar

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
    "ClientArgs",
    "ClientChanges",
    "ClientOptions",
    "TimeoutTypes",
    "as_timeout",
    "base_url_setting",
    "check_max_retries",
    "client_options",
    "constructor_args",
    "env",
    "openai_credential",
]

DEFAULT_TIMEOUT = httpx.Timeout(600, connect=5.0)
DEFAULT_MAX_RETRIES = 2
HTTPX_DEFAULT_TIMEOUT = httpx.Timeout(5.0)

HttpClientT = TypeVar("HttpClientT")
ApiKeyT = TypeVar("ApiKeyT")


class ClientArgs(TypedDict, Generic[HttpClientT, ApiKeyT], total=False):
    """What every client's constructor takes (the Azure clients add theirs), and so what
    ``copy`` / ``with_options`` may change. ``HttpClientT`` is ``httpx.AsyncClient`` or
    ``httpx.Client``, ``ApiKeyT`` the side's ``api_key`` (a key or a callable)."""

    api_key: ApiKeyT | None
    organization: str | None
    project: str | None
    base_url: str | httpx.URL | None
    timeout: TimeoutTypes | NotGiven
    max_retries: int
    default_headers: Mapping[str, str] | None
    default_query: Mapping[str, object] | None
    http_client: HttpClientT | None
    plugins: Iterable[object]
    load_plugins: bool | None
    strict_response_validation: bool


class ClientChanges(ClientArgs[HttpClientT, ApiKeyT], total=False):
    """What ``copy`` / ``with_options`` takes: every constructor argument (``None``, or not
    given: unchanged; ``default_headers`` and ``default_query`` are added to the current
    ones), and these, which replace the current headers or query instead (at most one of
    each pair)."""

    set_default_headers: Mapping[str, str] | None
    set_default_query: Mapping[str, object] | None


def constructor_args(frame: Mapping[str, Any]) -> dict[str, Any]:
    """A constructor's arguments from its ``locals()``, taken as its first statement: the
    option list is written once in the signature and once in :class:`ClientArgs`."""
    return {name: value for name, value in frame.items() if name not in ("self", "__class__")}


def copy_signature(init: Callable[..., object]) -> inspect.Signature:
    """``copy``'s signature as ``inspect`` and ``help()`` show it: the constructor's
    options, each defaulting to "unchanged", plus ``set_default_headers`` and
    ``set_default_query`` (``copy`` itself takes ``**changes``, typed by
    :class:`ClientChanges`, so the list is not written out again)."""
    signature = inspect.signature(init)
    parameters = [signature.parameters["self"]]
    for name, parameter in signature.parameters.items():
        if parameter.kind is not inspect.Parameter.KEYWORD_ONLY:
            continue
        # None where None is an option's "unchanged"; NOT_GIVEN where None is no value.
        optional = "None" in str(parameter.annotation) and parameter.default is not NOT_GIVEN
        unchanged = None if optional else NOT_GIVEN
        parameters.append(parameter.replace(default=unchanged))
        if name in ("default_headers", "default_query"):
            parameters.append(parameter.replace(name=f"set_{name}", default=None))
    return signature.replace(parameters=parameters, return_annotation="Self")


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
    """Everything a client is configured with; ``copy`` makes a changed copy."""

    credential: Credential
    base_url: httpx.URL
    """Always ending in ``/`` (:func:`base_url_setting`)."""
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
        check_max_retries(self.max_retries)
        if not isinstance(self.strict_response_validation, bool):
            raise TypeError(
                "strict_response_validation must be a bool, "
                f"got {type(self.strict_response_validation)!r}"
            )


def check_max_retries(value: object) -> None:
    """``max_retries`` must be an int of 0 or more (openai-python's messages)."""
    if value is None:
        raise TypeError(
            "max_retries cannot be None. Use 0 to disable retries or a large integer for a "
            "larger retry budget."
        )
    if not is_strict_int(value):
        raise TypeError("max_retries must be a non-negative integer")
    assert isinstance(value, int)
    if value < 0:
        raise ValueError("max_retries must be a non-negative integer")


def base_url_setting(url: str | httpx.URL) -> httpx.URL:
    """``url`` as an ``httpx.URL`` ending in ``/``, to which request paths are appended."""
    url = url if isinstance(url, httpx.URL) else httpx.URL(str(url))
    path, separator, query = url.raw_path.partition(b"?")
    if not path.endswith(b"/"):
        path += b"/"
    # Rebuilt even when it ends in "/": "http://host:8080" has the path "/" but its text
    # has none, and request paths are appended to the text.
    return url.copy_with(raw_path=path + separator + query)


def as_timeout(value: object) -> TimeoutTypes:
    """A ``timeout`` argument as httpx takes it: a number, None, an ``httpx.Timeout``, or
    any object with a Timeout's four fields (openai-python's ``httpx2.Timeout``)."""
    if value is None or isinstance(value, httpx.Timeout):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    fields = ("connect", "read", "write", "pool")
    if all(hasattr(value, name) for name in fields):
        return httpx.Timeout(**{name: getattr(value, name) for name in fields})
    raise TypeError(
        f"timeout must be a number of seconds, None, or an httpx.Timeout, got {type(value)!r}"
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


def _merged(
    args: Mapping[str, Any], name: str, current: Mapping[str, Any]
) -> MappingProxyType[str, Any]:
    """``default_headers`` / ``default_query``: added to the current ones, or (``set_...``)
    in their place."""
    add, replace = args.get(name), args.get(f"set_{name}")
    if add is not None and replace is not None:
        raise ValueError(f"The `{name}` and `set_{name}` arguments are mutually exclusive")
    if replace is not None:
        return MappingProxyType(dict(replace))
    return MappingProxyType({**current, **(add or {})})


def client_options(
    args: Mapping[str, Any],
    base: ClientOptions | None,
    *,
    credential: Credential | None,
    http_client_timeout: httpx.Timeout | None = None,
    azure: AzureSettings | None = None,
) -> ClientOptions:
    """The options of a new client (``base`` None: the environment's ``OPENAI_ORG_ID``,
    ``OPENAI_PROJECT_ID``, ``OPENAI_BASE_URL`` and the defaults fill in what ``args``
    leaves out) or of a copy of the client whose options are ``base`` (what ``args``
    leaves out, or gives as None, stays as it is)."""
    given = {name: value for name, value in args.items() if value is not None}
    if base is None:
        assert credential is not None
        timeout = args.get("timeout", NotGiven())
        if isinstance(timeout, NotGiven):
            custom = http_client_timeout not in (None, HTTPX_DEFAULT_TIMEOUT)
            timeout = http_client_timeout if custom else DEFAULT_TIMEOUT
        return ClientOptions(
            credential=credential,
            organization=given.get("organization", env("OPENAI_ORG_ID")),
            project=given.get("project", env("OPENAI_PROJECT_ID")),
            base_url=base_url_setting(
                given.get("base_url") or env("OPENAI_BASE_URL") or DEFAULT_BASE_URL
            ),
            timeout=as_timeout(timeout),
            max_retries=args.get("max_retries", DEFAULT_MAX_RETRIES),
            default_headers=_merged(args, "default_headers", {}),
            default_query=_merged(args, "default_query", {}),
            strict_response_validation=args.get("strict_response_validation", False),
            azure=azure,
        )
    changes: dict[str, Any] = {
        name: given[name]
        for name in ("organization", "project", "strict_response_validation")
        if name in given
    }
    if "max_retries" in args:  # None included: an error, as for the constructor
        changes["max_retries"] = args["max_retries"]
    if "base_url" in given:
        changes["base_url"] = base_url_setting(given["base_url"])
    if not isinstance(args.get("timeout", NotGiven()), NotGiven):
        changes["timeout"] = as_timeout(args["timeout"])
    return dataclasses.replace(
        base,
        **changes,
        credential=credential or base.credential,
        default_headers=_merged(args, "default_headers", base.default_headers),
        default_query=_merged(args, "default_query", base.default_query),
        azure=azure or base.azure,
    )
