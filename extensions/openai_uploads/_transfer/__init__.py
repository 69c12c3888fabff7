"""The chunked upload engine behind ``uploads.upload_file_chunked``.

A sans-I/O core (:mod:`._plan`: which parts exist, which are done, progress accounting)
shared by two thin drivers that only do I/O: :mod:`._sync` (a thread pool) and
:mod:`._async` (asyncio tasks). The resource classes inherit the mixins below.
"""

from ._mixin import AsyncChunkedUploadMixin, ChunkedUploadMixin

__all__ = ["AsyncChunkedUploadMixin", "ChunkedUploadMixin"]
