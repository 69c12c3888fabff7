"""``upload_file_chunked`` on the Uploads resources (sync and async)."""

# AsyncChunkedUploadMixin is written once, in openai_uploads/_async/mixin.py;
# ChunkedUploadMixin is generated from it (scripts/unasync.py).

from __future__ import annotations

from .._async.mixin import AsyncChunkedUploadMixin
from .._sync.mixin import ChunkedUploadMixin

__all__ = ["AsyncChunkedUploadMixin", "ChunkedUploadMixin"]

for _twin in (AsyncChunkedUploadMixin, ChunkedUploadMixin):
    _twin.__module__ = __name__  # where they are documented and imported from
