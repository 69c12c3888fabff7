# Generated from openai_uploads/_async/azure.py by `python scripts/unasync.py`: do not edit.
"""The Azure client class: the client, with Azure OpenAI's settings and authentication.

What it adds is in :mod:`openai_uploads._azure_core`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Self, Unpack

import httpx

from .._azure_core import (
    AzureADTokenProvider,
    AzureClientChanges,
    _AzureConfig,
    strip_key_on_redirect,
)
from .._calls import Outcome, Send, TimeoutTypes
from .._config import DEFAULT_MAX_RETRIES, constructor_args
from .._credentials import ApiKey
from .._types import NOT_GIVEN, NotGiven
from .client import OpenAI

__all__ = ["AzureOpenAI"]


class AzureOpenAI(_AzureConfig, OpenAI):
    """:class:`~openai_uploads.OpenAI` for Azure OpenAI, safe to share between
    threads (or, with the async client, between tasks).

    Reads ``AZURE_OPENAI_API_KEY``, ``AZURE_OPENAI_AD_TOKEN``, ``AZURE_OPENAI_ENDPOINT``,
    ``OPENAI_API_VERSION``, ``OPENAI_ORG_ID`` and ``OPENAI_PROJECT_ID`` for the options not
    given. Pass at most one credential: ``api_key`` (sent as ``api-key``),
    ``azure_ad_token`` or ``azure_ad_token_provider`` (sent as ``Authorization: Bearer``;
    the provider is called before every attempt, so a long upload keeps a fresh token).
    With the async client, ``azure_ad_token_provider`` may be a coroutine function.

    Example::

        from openai_uploads import AzureOpenAI

        with AzureOpenAI(
            azure_endpoint="https://my-resource.openai.azure.com",
            api_version="2025-04-01-preview",
        ) as client:  # api_key from AZURE_OPENAI_API_KEY
            upload = client.uploads.upload_file_chunked(
                file="train.jsonl", mime_type="application/jsonl", purpose="fine-tune"
            )
    """

    def __init__(
        self,
        *,
        azure_endpoint: str | None = None,
        azure_deployment: str | None = None,
        api_version: str | None = None,
        api_key: ApiKey | None = None,
        azure_ad_token: str | None = None,
        azure_ad_token_provider: AzureADTokenProvider | None = None,
        organization: str | None = None,
        project: str | None = None,
        base_url: str | httpx.URL | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, object] | None = None,
        http_client: httpx.Client | None = None,
        plugins: Iterable[object] = (),
        load_plugins: bool | None = None,
        strict_response_validation: bool = False,
    ) -> None:
        self._configure(constructor_args(locals()), None)

    def copy(
        self,
        **changes: Unpack[AzureClientChanges[httpx.Client, ApiKey, AzureADTokenProvider]],
    ) -> Self:
        """A client with some options changed (see :meth:`OpenAI.copy`), the Azure
        ones included: a new credential replaces the current one (pass at most one), a
        ``base_url`` replaces the endpoint, and the ``api-version`` stays in the query."""
        return self._configure(dict(changes), self)

    with_options = copy

    def _send(self, action: Send) -> Outcome:
        # the pool in use (with the async client, the running loop's: a new loop, a new pool)
        hooks = self._pool.get().event_hooks["request"]
        if strip_key_on_redirect not in hooks:
            hooks.append(strip_key_on_redirect)
        return super()._send(action)
