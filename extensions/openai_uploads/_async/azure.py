"""The Azure client class: the client, with Azure OpenAI's settings and authentication.

What it adds is in :mod:`openai_uploads._azure_core`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Self

import httpx

from .._azure_core import (
    AsyncAzureADTokenProvider,
    _AzureConfig,
    astrip_key_on_redirect,
    azure_changes,
    azure_credential,
    azure_settings,
)
from .._calls import Outcome, Send, TimeoutTypes
from .._config import DEFAULT_MAX_RETRIES, openai_options
from .._credentials import AsyncApiKey
from .._types import NOT_GIVEN, NotGiven
from .client import AsyncOpenAI, checked_http_client

__all__ = ["AsyncAzureOpenAI"]


class AsyncAzureOpenAI(_AzureConfig, AsyncOpenAI):
    """:class:`~openai_uploads.AsyncOpenAI` for Azure OpenAI, safe to share between
    threads (or, with the async client, between tasks).

    Reads ``AZURE_OPENAI_API_KEY``, ``AZURE_OPENAI_AD_TOKEN``, ``AZURE_OPENAI_ENDPOINT``,
    ``OPENAI_API_VERSION``, ``OPENAI_ORG_ID`` and ``OPENAI_PROJECT_ID`` for the options not
    given. Pass at most one credential: ``api_key`` (sent as ``api-key``),
    ``azure_ad_token`` or ``azure_ad_token_provider`` (sent as ``Authorization: Bearer``;
    the provider is called before every attempt, so a long upload keeps a fresh token).
    With the async client, ``azure_ad_token_provider`` may be a coroutine function.

    Example::

        from openai_uploads import AsyncAzureOpenAI

        async with AsyncAzureOpenAI(
            azure_endpoint="https://my-resource.openai.azure.com",
            api_version="2025-04-01-preview",
        ) as client:  # api_key from AZURE_OPENAI_API_KEY
            upload = await client.uploads.upload_file_chunked(
                file="train.jsonl", mime_type="application/jsonl", purpose="fine-tune"
            )
    """

    def __init__(
        self,
        *,
        azure_endpoint: str | None = None,
        azure_deployment: str | None = None,
        api_version: str | None = None,
        api_key: AsyncApiKey | None = None,
        azure_ad_token: str | None = None,
        azure_ad_token_provider: AsyncAzureADTokenProvider | None = None,
        organization: str | None = None,
        project: str | None = None,
        base_url: str | httpx.URL | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, object] | None = None,
        http_client: httpx.AsyncClient | None = None,
        plugins: Iterable[object] = (),
        load_plugins: bool | None = None,
        strict_response_validation: bool = False,
    ) -> None:
        credential = azure_credential(
            api_key, azure_ad_token, azure_ad_token_provider, from_env=True
        )
        azure, url = azure_settings(api_version, azure_endpoint, azure_deployment, base_url)
        options = openai_options(
            credential=credential,
            organization=organization,
            project=project,
            base_url=url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            http_client_timeout=checked_http_client(http_client),
            strict_response_validation=strict_response_validation,
            default_query={**(default_query or {}), "api-version": azure.api_version},
            azure=azure,
        )
        self._start(options, http_client, plugins, load_plugins)

    async def _send(self, action: Send) -> Outcome:
        # the pool in use (with the async client, the running loop's: a new loop, a new pool)
        hooks = self._pool.get().event_hooks["request"]
        if astrip_key_on_redirect not in hooks:
            hooks.append(astrip_key_on_redirect)
        return await super()._send(action)

    def with_options(
        self,
        *,
        api_key: AsyncApiKey | None = None,
        azure_ad_token: str | None = None,
        azure_ad_token_provider: AsyncAzureADTokenProvider | None = None,
        api_version: str | None = None,
        organization: str | None = None,
        project: str | None = None,
        base_url: str | httpx.URL | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | None = None,
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, object] | None = None,
        strict_response_validation: bool | None = None,
    ) -> Self:
        """A copy with some options changed, sharing the connection pool and the plugins.

        A new credential replaces the old one (pass at most one).
        """
        credential = None
        if api_key is not None or azure_ad_token is not None or azure_ad_token_provider is not None:
            credential = azure_credential(
                api_key, azure_ad_token, azure_ad_token_provider, from_env=False
            )
        azure, query = azure_changes(
            self._options, api_version=api_version, base_url=base_url, default_query=default_query
        )
        return self._copy(
            self._options.replace(
                credential=credential,
                organization=organization,
                project=project,
                base_url=base_url,
                timeout=timeout,
                max_retries=max_retries,
                default_headers=default_headers,
                default_query=query,
                strict_response_validation=strict_response_validation,
                azure=azure,
            )
        )
