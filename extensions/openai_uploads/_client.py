"""``OpenAI`` and ``AsyncOpenAI``: configuration, the connection pool, and the I/O drivers.

The request logic lives in :mod:`._base_client`; the two classes here only carry out its
``Send`` / ``Sleep`` actions, one with blocking calls and one with ``await``.
"""

# AsyncOpenAI is written once, in openai_uploads/_async/client.py; OpenAI is generated
# from it (scripts/unasync.py).

from __future__ import annotations

from ._async.client import AsyncOpenAI
from ._sync.client import OpenAI

__all__ = ["AsyncOpenAI", "OpenAI"]

for _twin in (AsyncOpenAI, OpenAI):
    _twin.__module__ = __name__  # where they are documented and imported from
