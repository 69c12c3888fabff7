"""Per-part retries under injected faults, and a bounded, cancelled failure when they never stop."""

from __future__ import annotations

import time

import pytest

from openai_uploads._client import AsyncOpenAI
from openai_uploads._exceptions import InternalServerError
from openai_uploads.emulator import EmulatorServer
from openai_uploads.emulator._faults import FaultConfig

from ..conftest import PART, Recorder, random_bytes, status_of

SOME_FAULTS = FaultConfig(
    p_500=0.07, p_429=0.07, p_drop=0.06, retry_after=0, endpoints=frozenset({"parts"}), seed=7
)
ALL_FAULTS = FaultConfig(p_500=1.0, endpoints=frozenset({"parts"}))


async def _upload(client: AsyncOpenAI, data: bytes) -> object:
    return await client.uploads.upload_file_chunked(
        file=data,
        filename="f.bin",
        bytes=len(data),
        mime_type="application/jsonl",
        purpose="batch",
        part_size=PART,
        max_concurrency=4,
    )


async def test_upload_completes_byte_exact_with_20_percent_of_part_requests_failing(
    server: EmulatorServer, async_client: AsyncOpenAI
) -> None:
    server.faults = SOME_FAULTS
    data = random_bytes(PART * 25 + 17)
    upload = await _upload(async_client, data)
    stats = server.fault_stats()
    assert stats["500"] + stats["429"] + stats["drop"] > 0
    assert (await async_client.files.content(upload.file.id)).content == data  # type: ignore[attr-defined]


async def test_persistent_faults_fail_fast_cancel_the_upload_and_name_it(
    server: EmulatorServer, async_client: AsyncOpenAI, recorder: Recorder
) -> None:
    server.faults = ALL_FAULTS
    started = time.monotonic()
    with pytest.raises(InternalServerError) as caught:
        await _upload(async_client, random_bytes(PART * 6))
    assert time.monotonic() - started < 10
    err = caught.value
    upload_id = err.upload_id  # type: ignore[attr-defined]
    assert upload_id.startswith("upload_")
    assert err.upload_cancelled is True  # type: ignore[attr-defined]
    assert any(upload_id in note for note in err.__notes__)
    assert status_of(server, upload_id) == "cancelled"
    assert [e.upload_id for e in recorder.of("cancelled")] == [upload_id]
    assert recorder.of("failed")[0].error.args == err.args  # a copy: no credentials


async def test_each_part_gets_part_retries_attempts_on_its_own(
    server: EmulatorServer, async_client: AsyncOpenAI
) -> None:
    server.faults = ALL_FAULTS
    with pytest.raises(InternalServerError):
        await async_client.uploads.upload_file_chunked(
            file=random_bytes(PART),
            filename="f.bin",
            bytes=PART,
            mime_type="application/jsonl",
            purpose="batch",
            part_retries=3,
        )
    assert server.fault_stats()["500"] == 4  # the first try and three retries


async def test_a_failed_cancel_is_logged_and_the_original_error_raised(
    server: EmulatorServer, async_client: AsyncOpenAI, caplog: pytest.LogCaptureFixture
) -> None:
    server.faults = FaultConfig(p_500=1.0, endpoints=frozenset({"parts", "cancel"}))
    with pytest.raises(InternalServerError) as caught:
        await _upload(async_client, random_bytes(PART))
    assert caught.value.upload_cancelled is False  # type: ignore[attr-defined]
    assert "could not cancel" in caplog.text
