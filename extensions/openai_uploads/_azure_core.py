"""What ``AzureOpenAI`` and ``AsyncAzureOpenAI`` share: settings, credentials, auth headers.

The helpers read the arguments and the environment the way openai-python's Azure clients
do; :class:`_AzureConfig` keeps the settings on the client and makes the auth headers
(the module docstring of :mod:`openai_uploads._azure` says what differs from ``OpenAI``).
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Self

import httpx

from ._base_client import (
    APICall,
    BaseClient,
    checked_secret,
)
from ._exceptions import OpenAIError

__all__ = [
    "API_KEY_PLACEHOLDER",
    "AsyncAzureADTokenProvider",
    "AzureADTokenProvider",
    "MutuallyExclusiveAuthError",
    "_AzureConfig",
    "api_version_setting",
    "astrip_key_on_redirect",
    "azure_base_url",
    "checked_key",
    "checked_token",
    "credentials",
    "strip_key_on_redirect",
]

AzureADTokenProvider = Callable[[], str]
"""Returns a Microsoft Entra ID token; called before every attempt of every request."""
AsyncAzureADTokenProvider = Callable[[], "str | Awaitable[str]"]
"""For the async client: a provider returning a token or an awaitable of one."""

API_KEY_PLACEHOLDER = "<missing API key>"
"""``client.api_key`` when the client authenticates with Entra ID (never sent)."""

_ORIGIN_EXTENSION = "openai_uploads.azure_origin"


class MutuallyExclusiveAuthError(OpenAIError):
    """More than one of ``api_key``, ``azure_ad_token`` and ``azure_ad_token_provider``."""

    def __init__(self) -> None:
        super().__init__(
            "The `api_key`, `azure_ad_token` and `azure_ad_token_provider` arguments are "
            "mutually exclusive; Only one can be passed at a time"
        )


def _env(name: str) -> str | None:
    value = os.environ.get(name)
    return value if value else None


def credentials(
    api_key: str | Callable[[], object] | None,
    azure_ad_token: str | None,
    provider: Callable[[], object] | None,
    *,
    from_env: bool,
) -> tuple[str | Callable[[], object] | None, str | None, Callable[[], object] | None]:
    """The one credential to use: explicit arguments first, then (if none) the environment,
    where ``AZURE_OPENAI_AD_TOKEN`` wins over ``AZURE_OPENAI_API_KEY``."""
    given = sum(x is not None for x in (api_key, azure_ad_token, provider))
    if given > 1:
        raise MutuallyExclusiveAuthError()
    if given == 0 and from_env:
        azure_ad_token = _env("AZURE_OPENAI_AD_TOKEN")
        if azure_ad_token is None:
            api_key = _env("AZURE_OPENAI_API_KEY")
    if api_key is None and azure_ad_token is None and provider is None:
        raise OpenAIError(
            "Missing credentials. Please pass one of `api_key`, `azure_ad_token`, "
            "`azure_ad_token_provider`, or the `AZURE_OPENAI_API_KEY` or "
            "`AZURE_OPENAI_AD_TOKEN` environment variables."
        )
    if api_key is not None and not isinstance(api_key, str) and callable(api_key):
        pass  # a key provider, asked before every attempt
    elif api_key is not None and (not isinstance(api_key, str) or not api_key):
        raise OpenAIError("api_key must be a non-empty string or a callable returning one.")
    if azure_ad_token is not None and (not isinstance(azure_ad_token, str) or not azure_ad_token):
        raise OpenAIError("azure_ad_token must be a non-empty string.")
    if provider is not None and not callable(provider):
        raise TypeError(f"azure_ad_token_provider must be callable, got {type(provider)!r}")
    return api_key, azure_ad_token, provider


def api_version_setting(api_version: str | None) -> str:
    if api_version is None:
        api_version = _env("OPENAI_API_VERSION")
    if api_version is None:
        raise ValueError(
            "Must provide either the `api_version` argument or the `OPENAI_API_VERSION` "
            "environment variable"
        )
    if not isinstance(api_version, str) or not api_version.strip():
        raise ValueError(f"api_version must be a non-empty string, got {api_version!r}")
    return api_version


def azure_base_url(
    azure_endpoint: str | None, base_url: str | httpx.URL | None
) -> tuple[str, str | None]:
    """``(base_url, azure_endpoint)``: ``{azure_endpoint}/openai``, or ``base_url`` as given."""
    if base_url is not None:
        if azure_endpoint is not None:
            raise ValueError("base_url and azure_endpoint are mutually exclusive")
        return str(base_url), None
    if azure_endpoint is None:
        azure_endpoint = _env("AZURE_OPENAI_ENDPOINT")
    if azure_endpoint is None:
        raise ValueError(
            "Must provide one of the `base_url` or `azure_endpoint` arguments, or the "
            "`AZURE_OPENAI_ENDPOINT` environment variable"
        )
    _check_endpoint(azure_endpoint)
    return f"{azure_endpoint.rstrip('/')}/openai", azure_endpoint


def _check_endpoint(azure_endpoint: object) -> None:
    """An endpoint without ``https://`` would only fail at the first request, after retries."""
    try:
        url = httpx.URL(azure_endpoint) if isinstance(azure_endpoint, str) else None
    except httpx.InvalidURL:
        url = None
    if url is None or url.scheme not in ("http", "https") or not url.host:
        raise ValueError(
            "azure_endpoint must be an http(s) URL such as "
            f"https://my-resource.openai.azure.com, got {azure_endpoint!r}"
        )


def checked_token(token: object) -> str:
    return checked_secret(token, "azure_ad_token_provider")


def checked_key(key: object) -> str:
    return checked_secret(key, "the api_key callable")


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return url.scheme, url.host, url.port or {"http": 80, "https": 443}.get(url.scheme)


def strip_key_on_redirect(request: httpx.Request) -> None:
    """httpx drops ``Authorization`` when a redirect leaves the origin; do so for ``api-key``."""
    origin = request.extensions.get(_ORIGIN_EXTENSION)
    if origin is not None and origin != _origin(request.url):
        request.headers.pop("api-key", None)


async def astrip_key_on_redirect(request: httpx.Request) -> None:
    strip_key_on_redirect(request)


class _AzureConfig(BaseClient):
    """The Azure settings and auth shared by both Azure clients."""

    api_version: str
    azure_endpoint: str | None
    azure_deployment: str | None
    _azure_api_key: str | None
    _azure_ad_token: str | None
    _azure_ad_token_provider: Callable[[], object] | None

    def _set_azure(
        self,
        *,
        api_version: str,
        azure_endpoint: str | None,
        azure_deployment: str | None,
        api_key: str | Callable[[], object] | None,
        azure_ad_token: str | None,
        azure_ad_token_provider: Callable[[], object] | None,
        default_query: Mapping[str, object] | None,
    ) -> None:
        self.api_version = api_version
        self.azure_endpoint = azure_endpoint
        self.azure_deployment = azure_deployment if azure_endpoint is not None else None
        if api_key is None or isinstance(api_key, str):
            self._azure_api_key = api_key
            self._api_key_provider = None
            self.api_key = api_key or API_KEY_PLACEHOLDER
        else:
            self._azure_api_key = None
            self._api_key_provider = api_key
            self.api_key = ""  # asked for before every attempt, never kept
        self._azure_ad_token = azure_ad_token
        self._azure_ad_token_provider = azure_ad_token_provider
        # api-version keeps its place if the query has one (a copy's does), as in openai-python
        self._default_query = {**(default_query or {}), "api-version": api_version}
        self._authorize_each_attempt = (
            azure_ad_token_provider is not None or self._api_key_provider is not None
        )

    def _auth_headers(self) -> dict[str, str]:
        if self._azure_ad_token is not None:
            return {"Authorization": f"Bearer {self._azure_ad_token}"}
        if self._azure_api_key is not None:
            return {"api-key": self._azure_api_key}
        return {}  # a token or key provider: Authorize, before every attempt

    def _build_request(
        self, call: APICall[Any], attempt: int, auth: Mapping[str, str] | None = None
    ) -> httpx.Request:
        request = super()._build_request(call, attempt, auth)
        request.extensions[_ORIGIN_EXTENSION] = _origin(request.url)
        return request

    def __repr__(self) -> str:
        # Never the key or a token.
        if self._azure_api_key is not None:
            auth = "api_key='<hidden>'"
        elif self._api_key_provider is not None:
            auth = "api_key=<provider>"
        elif self._azure_ad_token is not None:
            auth = "azure_ad_token='<hidden>'"
        else:
            auth = "azure_ad_token_provider=<provider>"
        return (
            f"{type(self).__name__}(base_url={self.base_url!r}, "
            f"api_version={self.api_version!r}, organization={self.organization!r}, "
            f"project={self.project!r}, max_retries={self.max_retries}, {auth})"
        )

    def _azure_copy(
        self,
        copy: Self,
        *,
        api_key: str | Callable[[], object] | None,
        azure_ad_token: str | None,
        azure_ad_token_provider: Callable[[], object] | None,
        api_version: str | None,
        base_url: str | httpx.URL | None,
        default_query: Mapping[str, object] | None,
    ) -> Self:
        if api_key is None and azure_ad_token is None and azure_ad_token_provider is None:
            api_key = self._azure_api_key or self._api_key_provider
            azure_ad_token = self._azure_ad_token
            azure_ad_token_provider = self._azure_ad_token_provider
        else:
            api_key, azure_ad_token, azure_ad_token_provider = credentials(
                api_key, azure_ad_token, azure_ad_token_provider, from_env=False
            )
        query = {**self._default_query, **(default_query or {})}
        copy._set_azure(
            api_version=api_version or self.api_version,
            azure_endpoint=self.azure_endpoint if base_url is None else None,
            azure_deployment=self.azure_deployment,
            api_key=api_key,
            azure_ad_token=azure_ad_token,
            azure_ad_token_provider=azure_ad_token_provider,
            default_query=query,
        )
        return copy
