"""openai-python's documented ``upload_file_chunked`` usage and async examples, as written.

Only the import changed (``openai`` → ``openai_uploads``). The files they name are real
files in a temporary working directory; ``important_data.csv`` holds ``hello``, whose md5
is the one the example passes. The client is configured by the environment.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import pytest

from openai_uploads import OpenAI
from openai_uploads.emulator import EmulatorServer

from .conftest import API_KEY

FILES = {
    "training_data.jsonl": os.urandom(3 * 1024 * 1024 + 1),
    "large_dataset.jsonl": os.urandom(33 * 1024 * 1024),
    "important_data.csv": b"hello",
    "data.jsonl": os.urandom(1024 * 1024 + 7),
}


@pytest.fixture
def example_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, server: EmulatorServer) -> Path:
    for name, data in FILES.items():
        (tmp_path / name).write_bytes(data)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OPENAI_API_KEY", API_KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    return tmp_path


def stored(file_id: str) -> bytes:
    with OpenAI() as client:
        return client.files.content(file_id).content


def test_documented_usage_examples_run_as_written(example_env: Path, capsys: Any) -> None:
    # ---- documented example: "Usage examples" of upload_file_chunked ----
    from pathlib import Path

    from openai_uploads import OpenAI

    client = OpenAI()

    # Upload a file from disk (simplest approach)
    upload = client.uploads.upload_file_chunked(
        file=Path("training_data.jsonl"), mime_type="application/jsonl", purpose="fine-tune"
    )

    print(f"Upload complete! File ID: {upload.file.id}")
    first = upload

    # Upload with custom part size (e.g., 32 MB parts)
    upload = client.uploads.upload_file_chunked(
        file="large_dataset.jsonl",
        mime_type="application/jsonl",
        purpose="batch",
        part_size=32 * 1024 * 1024,
    )
    second = upload

    # Upload in-memory bytes
    file_data = b"..."  # Your file data
    upload = client.uploads.upload_file_chunked(
        file=file_data,
        filename="document.pdf",
        bytes=len(file_data),
        mime_type="application/pdf",
        purpose="assistants",
    )
    third = upload

    # Upload with MD5 verification
    upload = client.uploads.upload_file_chunked(
        file="important_data.csv",
        mime_type="text/csv",
        purpose="assistants",
        md5="5d41402abc4b2a76b9719d911017c592",
    )
    # ---- end of the documented example ----

    assert capsys.readouterr().out == f"Upload complete! File ID: {first.file.id}\n"
    assert stored(first.file.id) == FILES["training_data.jsonl"]
    assert stored(second.file.id) == FILES["large_dataset.jsonl"]
    assert second.file.bytes == 33 * 1024 * 1024
    assert stored(third.file.id) == b"..."
    assert third.file.filename == "document.pdf"
    assert stored(upload.file.id) == b"hello"
    assert hashlib.md5(b"hello").hexdigest() == "5d41402abc4b2a76b9719d911017c592"


def test_documented_async_example_runs_as_written(example_env: Path) -> None:
    # ---- documented example: "Async Usage" (run from a plain function, as a script would) ----
    import asyncio

    from openai_uploads import AsyncOpenAI

    async def upload_file():
        client = AsyncOpenAI()

        # Async upload
        upload = await client.uploads.upload_file_chunked(
            file="data.jsonl", mime_type="application/jsonl", purpose="fine-tune"
        )

        return upload.file.id

    file_id = asyncio.run(upload_file())
    # ---- end of the documented example ----

    assert stored(file_id) == FILES["data.jsonl"]
