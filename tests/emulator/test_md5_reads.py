"""A committed part read back for the md5 (mapped, or read in pieces where it cannot be
mapped) adds exactly its bytes."""

from __future__ import annotations

import hashlib
import mmap
import os
from pathlib import Path

import pytest

from openai_uploads.emulator import _md5


@pytest.mark.parametrize("size", [0, 1, 4096, _md5.READ_SIZE + 3])
@pytest.mark.parametrize("mappable", [True, False])
def test_a_part_read_back_adds_exactly_its_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: int, mappable: bool
) -> None:
    if not mappable:

        def refuse(*args: object, **kwargs: object) -> mmap.mmap:
            raise OSError("not mappable here")

        monkeypatch.setattr(_md5.mmap, "mmap", refuse)
    data = os.urandom(size)
    path = tmp_path / "part"
    path.write_bytes(data)
    prefix = b"before"
    digest = _md5.new_md5()
    digest.update(prefix)
    assert _md5.update_md5(digest, path) == size
    assert digest.hexdigest() == hashlib.md5(prefix + data).hexdigest()
