"""``DefaultAioHttpClient``: an ``httpx.AsyncClient`` that sends through aiohttp.

An async client's ``http_client=DefaultAioHttpClient()`` keeps every behaviour of the
client (retries, hooks, timeouts, typed errors) and swaps only the connection layer for
aiohttp's, through the ``httpx-aiohttp`` transport. That package comes with the
``aiohttp`` extra (``pip install 'openai-uploads[aiohttp]'``); without it, making one
raises a ``RuntimeError`` that says so. Loaded only when the name is first used, so the
package's import never pulls in aiohttp.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx

from ._pool import _sdk_defaults

__all__ = ["DefaultAioHttpClient"]

MISSING_EXTRA = (
    "To use the aiohttp client, install the package with its `aiohttp` extra: "
    "pip install 'openai-uploads[aiohttp]'"
)

if TYPE_CHECKING:
    _Base = httpx.AsyncClient
else:
    try:
        from httpx_aiohttp import HttpxAiohttpClient as _Base
    except ImportError:
        _Base = httpx.AsyncClient


class DefaultAioHttpClient(_Base):
    """An ``httpx.AsyncClient`` on aiohttp's transport, with this SDK's defaults (timeout,
    connection limits, following redirects) for what it is not given. For the async
    clients only.

    Example::

        async with AsyncOpenAI(http_client=DefaultAioHttpClient()) as client:
            page = await client.files.list(limit=10)
    """

    def __init__(self, **kwargs: Any) -> None:
        if _Base is httpx.AsyncClient:  # httpx-aiohttp is not installed
            raise RuntimeError(MISSING_EXTRA)
        super().__init__(**_sdk_defaults(kwargs))
