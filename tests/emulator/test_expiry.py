"""An Upload past its hour reports expired, loses its parts and refuses more."""

from __future__ import annotations

import openai
import pytest

from openai_uploads.emulator import EmulatorServer, ManualClock

from .conftest import new_upload


def test_expired_upload_loses_parts_and_refuses_more(
    emulator: EmulatorServer, client: openai.OpenAI, clock: ManualClock
) -> None:
    upload_id = new_upload(client, 6)
    part = client.uploads.parts.create(upload_id, data=b"abc")
    assert list((emulator.data_dir / "parts").iterdir())
    clock.advance(3600)
    with pytest.raises(openai.BadRequestError) as info:
        client.uploads.parts.create(upload_id, data=b"def")
    assert "expired" in info.value.message
    assert emulator.store.get_upload(upload_id).status == "expired"
    assert not list((emulator.data_dir / "parts").iterdir())
    with pytest.raises(openai.BadRequestError):
        client.uploads.complete(upload_id, part_ids=[part.id])


def test_upload_just_before_its_hour_still_accepts_parts(
    client: openai.OpenAI, clock: ManualClock
) -> None:
    upload_id = new_upload(client, 3)
    clock.advance(3599)
    part = client.uploads.parts.create(upload_id, data=b"abc")
    assert client.uploads.complete(upload_id, part_ids=[part.id]).status == "completed"


def test_sweep_expires_pending_uploads_and_frees_disk(
    emulator: EmulatorServer, client: openai.OpenAI, clock: ManualClock
) -> None:
    upload_id = new_upload(client, 6)
    client.uploads.parts.create(upload_id, data=b"abc")
    clock.advance(7200)
    assert emulator.store.expire_due() == 1
    assert not list((emulator.data_dir / "parts").iterdir())
    assert emulator.store.get_upload(upload_id).status == "expired"


def test_file_past_expires_after_is_gone(client: openai.OpenAI, clock: ManualClock) -> None:
    upload = client.uploads.create(
        bytes=3,
        filename="x",
        mime_type="text/jsonl",
        purpose="batch",
        expires_after={"anchor": "created_at", "seconds": 3600},
    )
    part = client.uploads.parts.create(upload.id, data=b"abc")
    done = client.uploads.complete(upload.id, part_ids=[part.id])
    assert done.file is not None
    clock.advance(3600)
    with pytest.raises(openai.NotFoundError):
        client.files.retrieve(done.file.id)
