"""The Azure client class: the client, with Azure OpenAI's settings and authentication.

What it adds is in :mod:`openai_uploads._azure_core`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Self

import httpx

from .._azure_core import (
    API_KEY_PLACEHOLDER,
    AsyncAzureADTokenProvider,
    _AzureConfig,
    api_version_setting,
    astrip_key_on_redirect,
    azure_base_url,
    checked_key,
    checked_token,
    credentials,
)
from .._base_client import DEFAULT_MAX_RETRIES, Outcome, Send, TimeoutTypes
from .._concurrency import aresolve
from .._types import NOT_GIVEN, NotGiven
from .client import AsyncApiKey, AsyncOpenAI

# unasync: sync-only
# from collections.abc import Callable
# unasync: end

__all__ = ["AsyncAzureOpenAI"]


class AsyncAzureOpenAI(_AzureConfig, AsyncOpenAI):
    # unasync: async-only
    """:class:`~openai_uploads.AsyncOpenAI` for Azure OpenAI; the options of
    :class:`AzureOpenAI`, and ``azure_ad_token_provider`` may be a coroutine function.

    Example::

        from azure.identity.aio import DefaultAzureCredential, get_bearer_token_provider

        credential = DefaultAzureCredential()
        token_provider = get_bearer_token_provider(
            credential, "https://cognitiveservices.azure.com/.default"
        )
        async with AsyncAzureOpenAI(
            azure_endpoint="https://my-resource.openai.azure.com",
            api_version="2025-04-01-preview",
            azure_ad_token_provider=token_provider,
        ) as client:
            upload = await client.uploads.upload_file_chunked(
                file="train.jsonl", mime_type="application/jsonl", purpose="fine-tune"
            )
    """

    # unasync: sync-only
    # """:class:`~openai_uploads.OpenAI` for Azure OpenAI, safe to share between threads.
    #
    # Reads ``AZURE_OPENAI_API_KEY``, ``AZURE_OPENAI_AD_TOKEN``, ``AZURE_OPENAI_ENDPOINT``,
    # ``OPENAI_API_VERSION``, ``OPENAI_ORG_ID`` and ``OPENAI_PROJECT_ID`` for the options not
    # given. Pass at most one credential: ``api_key`` (sent as ``api-key``),
    # ``azure_ad_token`` or ``azure_ad_token_provider`` (sent as ``Authorization: Bearer``;
    # the provider is called before every attempt, so a long upload keeps a fresh token).
    #
    # Example::
    #
    #     from openai_uploads import AzureOpenAI
    #
    #     with AzureOpenAI(
    #         azure_endpoint="https://my-resource.openai.azure.com",
    #         api_version="2025-04-01-preview",
    #     ) as client:  # api_key from AZURE_OPENAI_API_KEY
    #         upload = client.uploads.upload_file_chunked(
    #             file="train.jsonl", mime_type="application/jsonl", purpose="fine-tune"
    #         )
    # """
    # unasync: end

    def __init__(
        self,
        *,
        azure_endpoint: str | None = None,
        azure_deployment: str | None = None,
        api_version: str | None = None,
        # unasync: async-only
        api_key: AsyncApiKey | None = None,
        # unasync: sync-only
        # api_key: str | Callable[[], str] | None = None,
        # unasync: end
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
        key, azure_ad_token, provider = credentials(
            api_key, azure_ad_token, azure_ad_token_provider, from_env=True
        )
        version = api_version_setting(api_version)
        url, endpoint = azure_base_url(azure_endpoint, base_url)
        super().__init__(
            api_key=API_KEY_PLACEHOLDER,  # the credential is set by _set_azure
            organization=organization,
            project=project,
            base_url=url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            http_client=http_client,
            plugins=plugins,
            load_plugins=load_plugins,
            strict_response_validation=strict_response_validation,
        )
        self._set_azure(
            api_version=version,
            azure_endpoint=endpoint,
            azure_deployment=azure_deployment,
            api_key=key,
            azure_ad_token=azure_ad_token,
            azure_ad_token_provider=provider,
            default_query=default_query,
        )

    async def _send(self, action: Send) -> Outcome:
        # the pool in use (with the async client, the running loop's: a new loop, a new pool)
        hooks = self._pool.get().event_hooks["request"]
        if astrip_key_on_redirect not in hooks:
            hooks.append(astrip_key_on_redirect)
        return await super()._send(action)

    async def _attempt_auth_headers(self) -> dict[str, str]:
        if self._azure_ad_token_provider is not None:
            token = await aresolve(self._azure_ad_token_provider())
            return {"Authorization": f"Bearer {checked_token(token)}"}
        if self._api_key_provider is not None:
            return {"api-key": checked_key(await aresolve(self._api_key_provider()))}
        return self._auth_headers()

    def with_options(
        self,
        *,
        # unasync: async-only
        api_key: AsyncApiKey | None = None,
        # unasync: sync-only
        # api_key: str | Callable[[], str] | None = None,
        # unasync: end
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
        copy = super().with_options(
            api_key=API_KEY_PLACEHOLDER,  # the credential is set by _azure_copy
            organization=organization,
            project=project,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            strict_response_validation=strict_response_validation,
        )
        return self._azure_copy(
            copy,
            api_key=api_key,
            azure_ad_token=azure_ad_token,
            azure_ad_token_provider=azure_ad_token_provider,
            api_version=api_version,
            base_url=base_url,
            default_query=default_query,
        )
