"""``AzureOpenAI`` and ``AsyncAzureOpenAI``: the same clients, speaking to Azure OpenAI.

What differs from :class:`~._client.OpenAI` is only configuration and authentication:

- the URL: ``{azure_endpoint}/openai/uploads...`` (or any ``base_url``), with an
  ``api-version`` query parameter on every request;
- the credential: an API key goes in an ``api-key`` header; a Microsoft Entra ID token
  (``azure_ad_token``, or ``azure_ad_token_provider`` asked again before every attempt)
  goes in ``Authorization: Bearer``.

Constructor arguments, environment variables and errors follow openai-python's Azure
clients. The Uploads and Files endpoints are not deployment-scoped, so ``azure_deployment``
does not change their URLs (as in openai-python).
"""

# AsyncAzureOpenAI is written once, in openai_uploads/_async/azure.py; AzureOpenAI is
# generated from it (scripts/unasync.py). What both add to the clients is in ._azure_core.

from __future__ import annotations

from ._async.azure import AsyncAzureOpenAI
from ._azure_core import (
    AsyncAzureADTokenProvider,
    AzureADTokenProvider,
    MutuallyExclusiveAuthError,
    _AzureConfig,
)
from ._sync.azure import AzureOpenAI

__all__ = [
    "AsyncAzureADTokenProvider",
    "AsyncAzureOpenAI",
    "AzureADTokenProvider",
    "AzureOpenAI",
    "MutuallyExclusiveAuthError",
]

for _moved in (AsyncAzureOpenAI, AzureOpenAI, MutuallyExclusiveAuthError, _AzureConfig):
    _moved.__module__ = __name__  # where they are documented and imported from
