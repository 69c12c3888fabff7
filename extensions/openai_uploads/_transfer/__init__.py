"""The chunked upload engine behind ``uploads.upload_file_chunked``.

A sans-I/O core shared by two thin drivers that only do I/O: :mod:`._sync` (a thread
pool) and :mod:`._async` (asyncio tasks). The core is split by concern:

* :mod:`._options`: the arguments, checked once into a frozen :class:`TransferOptions`;
* :mod:`._source`: what ``file=`` may be, and how its bytes are read (files, streams,
  spooling);
* :mod:`._plan`: which parts exist, which are done, progress accounting;
* :mod:`._job`: one call's plan, digests and events (what the drivers share);
* :mod:`._clock`: when the Upload expires, measured on the server's clock;
* :mod:`._resume`: the resume state file and the record in it;
* :mod:`._errors`: whether to cancel on failure, and which exception the caller sees;
* :mod:`._protocols`: the client the drivers drive (``OpenAI`` / ``AsyncOpenAI``).

The resource classes inherit the mixins below.
"""

from ._mixin import AsyncChunkedUploadMixin, ChunkedUploadMixin

__all__ = ["AsyncChunkedUploadMixin", "ChunkedUploadMixin"]
