"""What the engine needs of a client: the calls it makes, and nothing else.

``OpenAI`` and ``AsyncOpenAI`` satisfy these protocols structurally (mypy checks it where
the resources hand their client to a driver), so the drivers are typed end to end and a
test double only has to provide these few members.
"""

# The async protocols are written once, in openai_uploads/_async/protocols.py; the sync
# ones are generated from them (scripts/unasync.py).

from __future__ import annotations

from .._async.protocols import AsyncPartsAPI, AsyncTransferClient, AsyncUploadsAPI
from .._sync.protocols import SyncPartsAPI, SyncTransferClient, SyncUploadsAPI

__all__ = [
    "AsyncPartsAPI",
    "AsyncTransferClient",
    "AsyncUploadsAPI",
    "SyncPartsAPI",
    "SyncTransferClient",
    "SyncUploadsAPI",
]

for _twin in (
    AsyncPartsAPI,
    AsyncTransferClient,
    AsyncUploadsAPI,
    SyncPartsAPI,
    SyncTransferClient,
    SyncUploadsAPI,
):
    _twin.__module__ = __name__  # where they are documented and imported from
