"""``--verify``: the md5 of the local file against that of the stored File's content."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .. import OpenAI


def file_md5(path: Path) -> str:
    """md5 of a local file, read in 4 MiB chunks."""
    digest = hashlib.md5()
    with path.open("rb") as f:
        while chunk := f.read(4 * 1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def stored_md5(client: OpenAI, file_id: str) -> tuple[str, int]:
    """md5 and size of a stored File's content, streamed from the API (bounded memory)."""
    digest = hashlib.md5()

    class _Sink:
        def write(self, data: bytes) -> None:
            digest.update(data)

    size = client.files.download(file_id, _Sink())
    return digest.hexdigest(), size
