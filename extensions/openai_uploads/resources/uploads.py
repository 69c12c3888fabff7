"""``client.uploads``: create, complete and cancel Uploads (``.parts`` adds the chunks)."""

# AsyncUploads is written once, in openai_uploads/_async/uploads.py; Uploads is generated
# from it (scripts/unasync.py). The requests both send are built in ._uploads_core.

from __future__ import annotations

from .._async.uploads import AsyncUploads
from .._sync.uploads import Uploads

__all__ = ["AsyncUploads", "Uploads"]

for _twin in (AsyncUploads, Uploads):
    _twin.__module__ = __name__  # where they are documented and imported from
