"""The examples of openai-python's Uploads documentation, run as written against the live emulator.

Only the import changed (``openai`` → ``openai_uploads``), ``import os`` added (the
example uses it without importing it), and ``large_file.pdf`` is a real temporary file. The
client is configured by the environment, as ``OpenAI()`` in the documentation.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from openai_uploads import OpenAI

from .conftest import TEST_API_KEY

FILE_SIZE = 3 * 1024 * 1024 + 12345


@pytest.fixture
def large_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, emulator: Any) -> bytes:
    data = os.urandom(FILE_SIZE)
    (tmp_path / "large_file.pdf").write_bytes(data)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OPENAI_API_KEY", TEST_API_KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", emulator.base_url)
    return data


def _content(file_id: str) -> bytes:
    with OpenAI() as client:
        return client.files.content(file_id).content


def test_advanced_manual_upload_example_produces_an_identical_file(large_file: bytes) -> None:
    # ---- documented example: "Advanced manual upload example" ----
    from openai_uploads import OpenAI

    client = OpenAI()

    # Step 1: Create the Upload
    file_path = "large_file.pdf"
    file_size = os.path.getsize(file_path)

    upload = client.uploads.create(
        bytes=file_size,
        filename="large_file.pdf",
        mime_type="application/pdf",
        purpose="assistants",
    )

    print(f"Created upload: {upload.id}")

    # Step 2: Upload parts
    part_size = 64 * 1024 * 1024  # 64 MB
    part_ids = []

    with open(file_path, "rb") as f:
        while True:
            chunk = f.read(part_size)
            if not chunk:
                break

            part = client.uploads.parts.create(upload_id=upload.id, data=chunk)
            part_ids.append(part.id)
            print(f"Uploaded part {len(part_ids)}: {part.id}")

    # Step 3: Complete the Upload
    completed = client.uploads.complete(upload_id=upload.id, part_ids=part_ids)

    print(f"Upload complete! File ID: {completed.file.id}")
    # ---- end of the documented example ----
    assert completed.file.bytes == len(large_file)
    assert _content(completed.file.id) == large_file


def test_parallel_upload_example_produces_an_identical_file(large_file: bytes) -> None:
    # ---- documented example: "Parallel upload example" ----
    from concurrent.futures import ThreadPoolExecutor

    from openai_uploads import OpenAI

    client = OpenAI()

    def upload_part(upload_id: str, part_data: bytes) -> str:
        """Upload a single part and return its ID."""
        part = client.uploads.parts.create(upload_id=upload_id, data=part_data)
        return part.id

    # Create upload
    file_path = "large_file.pdf"
    file_size = os.path.getsize(file_path)

    upload = client.uploads.create(
        bytes=file_size,
        filename="large_file.pdf",
        mime_type="application/pdf",
        purpose="assistants",
    )

    # Split file into chunks
    part_size = 64 * 1024 * 1024
    chunks = []

    with open(file_path, "rb") as f:
        while True:
            chunk = f.read(part_size)
            if not chunk:
                break
            chunks.append(chunk)

    # Upload parts in parallel
    with ThreadPoolExecutor(max_workers=4) as executor:
        part_ids = list(executor.map(lambda chunk: upload_part(upload.id, chunk), chunks))

    # Complete upload
    completed = client.uploads.complete(upload_id=upload.id, part_ids=part_ids)

    print(f"Parallel upload complete! File ID: {completed.file.id}")
    # ---- end of the documented example ----
    assert _content(completed.file.id) == large_file


def test_parallel_parts_from_one_shared_client_assemble_in_order(large_file: bytes) -> None:
    # The documented parallel pattern with many small parts, so threads really overlap.
    from concurrent.futures import ThreadPoolExecutor

    client = OpenAI()
    part_size = 256 * 1024
    chunks = [large_file[i : i + part_size] for i in range(0, len(large_file), part_size)]
    upload = client.uploads.create(
        bytes=len(large_file), filename="f.bin", mime_type="application/pdf", purpose="assistants"
    )
    with ThreadPoolExecutor(max_workers=8) as executor:
        part_ids = list(
            executor.map(lambda c: client.uploads.parts.create(upload.id, data=c).id, chunks)
        )
    completed = client.uploads.complete(upload.id, part_ids=part_ids)
    assert completed.file
    assert _content(completed.file.id) == large_file


def test_cancel_example_cancels_the_upload(large_file: bytes) -> None:
    from openai_uploads import OpenAI

    client = OpenAI()
    upload = client.uploads.create(
        bytes=len(large_file),
        filename="large_file.pdf",
        mime_type="application/pdf",
        purpose="assistants",
    )
    # ---- documented example: "Handle errors by cancelling" ----
    try:
        # ... upload process ...
        raise RuntimeError("simulated failure")
    except Exception as e:
        print(f"Error during upload: {e}")
        client.uploads.cancel(upload_id=upload.id)
        print("Upload cancelled")
    # ---- end of the documented example ----
    with OpenAI() as check:
        from openai_uploads import BadRequestError

        with pytest.raises(BadRequestError):
            check.uploads.parts.create(upload_id=upload.id, data=b"late")
