"""A received part's bytes reach its file and its md5 whole, in order, even when the
operating system writes less than asked (which a regular file on a local disk never
does here, so a file object that writes at most 3 bytes a call stands in for it)."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from openai_uploads.emulator import Store
from openai_uploads.emulator._bodies import PartReceiver


class ShortWrites(io.BytesIO):
    def write(self, data: bytes | memoryview) -> int:  # type: ignore[override]
        return super().write(bytes(data)[:3])


def test_a_short_write_is_continued_where_it_stopped(tmp_path: Path) -> None:
    store = Store(tmp_path / "d")
    try:
        upload = store.create_upload(
            filename="f",
            bytes=0,
            purpose="batch",
            mime_type="text/jsonl",
            file_expires_seconds=None,
        )
        part_md5 = store.begin_part(upload.id)
        assert part_md5.hashing
        receiver = PartReceiver(tmp_path / "part", 1 << 20, 1 << 20, part_md5)
        receiver.file = ShortWrites()
        chunks = [b"0123456789", b"", b"abcdefgh"]
        receiver.write([memoryview(c) for c in chunks])
        assert receiver.file.getvalue() == b"".join(chunks)
        assert part_md5._md5.hexdigest() == hashlib.md5(b"".join(chunks)).hexdigest()
    finally:
        store.close()
