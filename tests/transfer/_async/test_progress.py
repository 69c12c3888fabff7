"""Progress events: monotonic, summing to the file size, retries included."""

from __future__ import annotations

from openai_uploads._client import AsyncOpenAI
from openai_uploads.emulator import EmulatorServer
from openai_uploads.emulator._faults import FaultConfig

from ..conftest import PART, Recorder, random_bytes

DROPS = FaultConfig(p_drop=0.3, p_500=0.1, retry_after=0, endpoints=frozenset({"parts"}), seed=3)


def _check(recorder: Recorder, size: int, parts: int) -> None:
    totals = [e.bytes_sent for e in recorder.of("bytes")]
    assert totals, "no BytesSent event"
    assert totals == sorted(totals), "progress went backwards"
    assert totals[-1] == size
    assert all(e.total_bytes == size for e in recorder.of("bytes"))
    completed = recorder.of("part")
    assert sorted(e.part_number for e in completed) == list(range(1, parts + 1))
    assert sum(e.size for e in completed) == size
    started = recorder.of("started")
    assert len(started) == 1
    assert started[0].total_bytes == size
    assert started[0].part_count == parts


async def test_progress_is_monotonic_and_sums_to_the_file_size(
    async_client: AsyncOpenAI, recorder: Recorder
) -> None:
    data = random_bytes(PART * 10 + 5)
    await async_client.uploads.upload_file_chunked(
        file=data,
        filename="f",
        bytes=len(data),
        mime_type="application/jsonl",
        purpose="batch",
        part_size=PART,
    )
    _check(recorder, len(data), 11)


async def test_progress_stays_monotonic_when_parts_are_retried(
    server: EmulatorServer, async_client: AsyncOpenAI, recorder: Recorder
) -> None:
    server.faults = DROPS
    data = random_bytes(PART * 12)
    await async_client.uploads.upload_file_chunked(
        file=data,
        filename="f",
        bytes=len(data),
        mime_type="application/jsonl",
        purpose="batch",
        part_size=PART,
        part_retries=10,
    )
    assert server.fault_stats()["drop"] > 0
    _check(recorder, len(data), 12)


async def test_upload_completed_carries_the_file_id_and_digests(
    async_client: AsyncOpenAI, recorder: Recorder
) -> None:
    import hashlib

    data = random_bytes(1000)
    upload = await async_client.uploads.upload_file_chunked(
        file=data,
        filename="f",
        bytes=len(data),
        mime_type="application/jsonl",
        purpose="batch",
    )
    (event,) = recorder.of("completed")
    assert event.file_id == upload.file.id
    assert event.digests == {"md5": hashlib.md5(data).hexdigest()}


async def test_part_completed_counts_every_attempt_including_retries(
    server: EmulatorServer, async_client: AsyncOpenAI, recorder: Recorder
) -> None:
    data = random_bytes(PART * 6)
    server.faults = FaultConfig(p_500=0.4, endpoints=frozenset({"parts"}), seed=7)
    await async_client.uploads.upload_file_chunked(
        file=data,
        filename="a.bin",
        bytes=len(data),
        mime_type="application/jsonl",
        purpose="batch",
        part_size=PART,
        part_retries=20,
    )
    stats = server.fault_stats()
    part_requests = stats["requests"] - 2  # one create, one complete
    attempts = [event.attempts for event in recorder.of("part")]
    assert stats["500"] > 0
    assert sum(attempts) == part_requests
    assert max(attempts) > 1
