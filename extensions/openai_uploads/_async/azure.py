"""The Azure client class: the client, with Azure OpenAI's settings and authentication.

What it adds is in :mod:`openai_uploads._azure_core`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Self, Unpack

import httpx

from .._azure_core import (
    AsyncAzureADTokenProvider,
    AzureClientChanges,
    _AzureConfig,
    astrip_key_on_redirect,
)
from .._calls import Outcome, Send, TimeoutTypes
from .._config import DEFAULT_MAX_RETRIES, constructor_args
from .._credentials import AsyncApiKey
from .._types import NOT_GIVEN, NotGiven
from .client import AsyncOpenAI

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
        self._configure(constructor_args(locals()), None)

    def copy(
        self,
        **changes: Unpack[
            AzureClientChanges[httpx.AsyncClient, AsyncApiKey, AsyncAzureADTokenProvider]
        ],
    ) -> Self:
        """A client with some options changed (see :meth:`AsyncOpenAI.copy`), the Azure
        ones included: a new credential replaces the current one (pass at most one), a
        ``base_url`` replaces the endpoint, and the ``api-version`` stays in the query."""
        return self._configure(dict(changes), self)

    with_options = copy

    async def _send(self, action: Send) -> Outcome:
        # the pool in use (with the async client, the running loop's: a new loop, a new pool)
        hooks = self._pool.get().event_hooks["request"]
        if astrip_key_on_redirect not in hooks:
            hooks.append(astrip_key_on_redirect)
        return await super()._send(action)
