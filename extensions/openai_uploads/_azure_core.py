"""What ``AzureOpenAI`` and ``AsyncAzureOpenAI`` share: their settings and credential.

The helpers read the arguments and the environment the way openai-python's Azure clients
do, into the client's :class:`~._config.ClientOptions` (an :class:`~._config.AzureSettings`
and one :class:`~._credentials.Credential`); :class:`_AzureConfig` reads them back and
marks each request's origin (the module docstring of :mod:`openai_uploads._azure` says
what differs from ``OpenAI``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Generic, TypeVar

import httpx

from ._base_client import APICall, BaseClient
from ._config import (
    ApiKeyT,
    AzureSettings,
    ClientChanges,
    ClientOptions,
    HttpClientT,
    env,
)
from ._credentials import AzureKey, Credential, EntraToken, EntraTokenProvider, KeyProvider
from ._exceptions import OpenAIError

__all__ = [
    "AsyncAzureADTokenProvider",
    "AzureADTokenProvider",
    "MutuallyExclusiveAuthError",
    "_AzureConfig",
    "api_version_setting",
    "astrip_key_on_redirect",
    "AzureClientChanges",
    "azure_args",
    "azure_base_url",
    "azure_credential",
    "credentials",
    "strip_key_on_redirect",
]

AzureADTokenProvider = Callable[[], str]
"""Returns a Microsoft Entra ID token; called before every attempt of every request."""
AsyncAzureADTokenProvider = Callable[[], "str | Awaitable[str]"]
"""For the async client: a provider returning a token or an awaitable of one."""

_ORIGIN_EXTENSION = "openai_uploads.azure_origin"

ProviderT = TypeVar("ProviderT")


class AzureClientChanges(
    ClientChanges[HttpClientT, ApiKeyT], Generic[HttpClientT, ApiKeyT, ProviderT], total=False
):
    """What the Azure clients' constructors add to :class:`~._config.ClientArgs`, and so
    what their ``copy`` / ``with_options`` may change too (``ProviderT`` is the side's
    ``azure_ad_token_provider``)."""

    azure_endpoint: str | None
    azure_deployment: str | None
    api_version: str | None
    azure_ad_token: str | None
    azure_ad_token_provider: ProviderT | None


class MutuallyExclusiveAuthError(OpenAIError):
    """More than one of ``api_key``, ``azure_ad_token`` and ``azure_ad_token_provider``."""

    def __init__(self) -> None:
        super().__init__(
            "The `api_key`, `azure_ad_token` and `azure_ad_token_provider` arguments are "
            "mutually exclusive; Only one can be passed at a time"
        )


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
        azure_ad_token = env("AZURE_OPENAI_AD_TOKEN")
        if azure_ad_token is None:
            api_key = env("AZURE_OPENAI_API_KEY")
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


def azure_credential(
    api_key: str | Callable[[], object] | None,
    azure_ad_token: str | None,
    provider: Callable[[], object] | None,
    *,
    from_env: bool,
) -> Credential:
    """The one credential of an Azure client (see :func:`credentials`)."""
    api_key, azure_ad_token, provider = credentials(
        api_key, azure_ad_token, provider, from_env=from_env
    )
    if azure_ad_token is not None:
        return EntraToken(azure_ad_token)
    if isinstance(api_key, str):
        return AzureKey(api_key)
    if api_key is not None:
        return KeyProvider(api_key, sent_as="api-key")
    assert provider is not None
    return EntraTokenProvider(provider)


def azure_args(
    args: Mapping[str, Any], base: ClientOptions | None
) -> tuple[dict[str, Any], Credential | None, AzureSettings]:
    """An Azure client's constructor (``base`` None) or ``copy`` arguments, as the
    arguments of :func:`~._config.client_options`: the base URL made from the endpoint,
    the ``api-version`` added to the query (keeping its place in a copy, as in
    openai-python), with the credential and the Azure settings they give. A copy keeps
    the current credential unless given one (at most one), and a ``base_url`` replaces
    the endpoint and the deployment."""
    secrets = (args.get("api_key"), args.get("azure_ad_token"), args.get("azure_ad_token_provider"))
    credential = None
    if base is None or any(secret is not None for secret in secrets):
        credential = azure_credential(*secrets, from_env=base is None)
    old = None if base is None else base.azure
    version = args.get("api_version")
    if version is None and old is not None:
        version = old.api_version
    version = api_version_setting(version)
    endpoint, deployment = args.get("azure_endpoint"), args.get("azure_deployment")
    url = args.get("base_url")
    if base is None or endpoint is not None or url is not None:
        url, endpoint = azure_base_url(endpoint, url)
        deployment = deployment if endpoint is not None else None
    else:
        assert old is not None
        endpoint = old.azure_endpoint
        deployment = deployment or old.azure_deployment if endpoint is not None else None
    replaced = args.get("set_default_query") is not None
    query_arg = "set_default_query" if replaced else "default_query"
    changed = {
        **args,
        "base_url": url,
        query_arg: {**(args.get(query_arg) or {}), "api-version": version},
    }
    return changed, credential, AzureSettings(version, endpoint, deployment)


def api_version_setting(api_version: str | None) -> str:
    if api_version is None:
        api_version = env("OPENAI_API_VERSION")
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
        azure_endpoint = env("AZURE_OPENAI_ENDPOINT")
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
    """The Azure settings shared by both Azure clients, and the origin of each request
    (:func:`strip_key_on_redirect` reads it)."""

    def _read_args(
        self, args: Mapping[str, Any], base: ClientOptions | None
    ) -> tuple[Mapping[str, Any], Credential | None, AzureSettings | None]:
        return azure_args(args, base)

    @property
    def _azure(self) -> AzureSettings:
        assert self._options.azure is not None
        return self._options.azure

    @property
    def api_version(self) -> str:
        return self._azure.api_version

    @property
    def azure_endpoint(self) -> str | None:
        return self._azure.azure_endpoint

    @property
    def azure_deployment(self) -> str | None:
        return self._azure.azure_deployment

    def _build_request(
        self, call: APICall[Any], attempt: int, auth: Mapping[str, str] | None = None
    ) -> httpx.Request:
        request = super()._build_request(call, attempt, auth)
        request.extensions[_ORIGIN_EXTENSION] = _origin(request.url)
        return request

    def __repr__(self) -> str:
        # Never the key or a token.
        return (
            f"{type(self).__name__}(base_url={str(self.base_url)!r}, "
            f"api_version={self.api_version!r}, organization={self.organization!r}, "
            f"project={self.project!r}, max_retries={self.max_retries}, "
            f"{self._options.credential.shown})"
        )
