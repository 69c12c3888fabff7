"""``upload_file_chunked`` on the Uploads resources (sync and async)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, BinaryIO

try:
    from .._types import omit
except ImportError:  # pragma: no cover - until the client's _types lands
    omit: Any = object()  # type: ignore[no-redef]

if TYPE_CHECKING:
    from .._types import FilePurpose, Omit
    from ..types import Upload


class ChunkedUploadMixin:
    """Adds :meth:`upload_file_chunked` to ``client.uploads``; needs ``self._client``."""

    _client: Any

    def upload_file_chunked(
        self,
        *,
        file: str | os.PathLike[str] | bytes | bytearray | memoryview | BinaryIO,
        mime_type: str,
        purpose: FilePurpose,
        filename: str | None = None,
        bytes: int | None = None,
        part_size: int | None = None,
        md5: str | Omit = omit,
        max_concurrency: int = 4,
        expires_after: dict[str, Any] | Omit = omit,
        resume: bool = False,
        state_file: str | os.PathLike[str] | None = None,
        keep_on_failure: bool | None = None,
        part_retries: int | None = None,
    ) -> Upload:
        raise NotImplementedError


class AsyncChunkedUploadMixin:
    """Adds :meth:`upload_file_chunked` to ``client.uploads`` of ``AsyncOpenAI``."""

    _client: Any

    async def upload_file_chunked(
        self,
        *,
        file: str | os.PathLike[str] | bytes | bytearray | memoryview | BinaryIO,
        mime_type: str,
        purpose: FilePurpose,
        filename: str | None = None,
        bytes: int | None = None,
        part_size: int | None = None,
        md5: str | Omit = omit,
        max_concurrency: int = 4,
        expires_after: dict[str, Any] | Omit = omit,
        resume: bool = False,
        state_file: str | os.PathLike[str] | None = None,
        keep_on_failure: bool | None = None,
        part_retries: int | None = None,
    ) -> Upload:
        raise NotImplementedError
