"""An example openai-uploads plugin, installed through its entry point.

It shows one hook of each family, and the pluggy features plugins rely on:

* progress: records every event, so a caller can check what it saw; a new-style
  wrapper (``wrapper=True``) around ``on_part_completed``; an impl that takes no
  argument (``on_upload_started``);
* requests: records every attempt's start and end;
* retries: retries anything five times without waiting (within the caller's cap);
* checksums: adds sha256, and a CRC-32 whose hasher, like ``google_crc32c``, refuses
  writable buffers; vetoes completion when the environment variable
  ``EXAMPLE_PLUGIN_EXPECT_SHA256`` names another digest.
"""

from __future__ import annotations

import hashlib
import os
import threading
import zlib
from collections.abc import Generator, Mapping

from openai_uploads import RetryDecision, Veto, hookimpl
from openai_uploads.hookspecs import (
    BytesSent,
    DigestsComputed,
    DigestSetup,
    HasherFactory,
    PartCompleted,
    RequestFinished,
    RequestStarted,
    RetryContext,
    UploadCancelled,
    UploadCompleted,
)

EVENTS: list[object] = []
"""Every progress event this plugin saw, in order."""

RETRY_DECISIONS: list[RetryContext] = []

REQUESTS: list[RequestStarted | RequestFinished] = []
"""Every request attempt's start and end (appended from the transfer's threads)."""
WRAPPED: list[tuple[str, int]] = []
"""What the wrapper around ``on_part_completed`` saw: before and after, per part."""
UPLOADS_STARTED: list[int] = []
"""One entry per call of the argument-less ``on_upload_started``."""

_lock = threading.Lock()


@hookimpl
def on_upload_started() -> None:
    UPLOADS_STARTED.append(1)


@hookimpl(wrapper=True)
def on_part_completed(event: PartCompleted) -> Generator[None, object, object]:
    WRAPPED.append(("before", event.part_number))
    result = yield
    WRAPPED.append(("after", event.part_number))
    return result


@hookimpl
def on_request_start(event: RequestStarted) -> None:
    with _lock:
        REQUESTS.append(event)


@hookimpl
def on_request_end(event: RequestFinished) -> None:
    with _lock:
        REQUESTS.append(event)


@hookimpl
def on_bytes_sent(event: BytesSent) -> None:
    EVENTS.append(event)


@hookimpl(specname="on_part_completed")
def record_part_completed(event: PartCompleted) -> None:
    EVENTS.append(event)


@hookimpl
def on_upload_completed(event: UploadCompleted) -> None:
    EVENTS.append(event)


@hookimpl
def on_upload_cancelled(event: UploadCancelled) -> None:
    EVENTS.append(event)


@hookimpl
def decide_retry(event: RetryContext) -> RetryDecision:
    RETRY_DECISIONS.append(event)
    if event.attempt < 5:
        return RetryDecision.after(0)
    return RetryDecision.give_up()


class StrictCrc32:
    """CRC-32 that, like ``google_crc32c.Checksum``, refuses writable buffers."""

    def __init__(self) -> None:
        self.value = 0

    def update(self, data: memoryview) -> None:
        if not memoryview(data).readonly:
            raise TypeError("a read-only bytes-like object is required")
        self.value = zlib.crc32(data, self.value)

    def hexdigest(self) -> str:
        return f"{self.value:08x}"


@hookimpl
def digest_algorithms(event: DigestSetup) -> Mapping[str, HasherFactory]:
    return {"sha256": hashlib.sha256, "crc32": StrictCrc32}


@hookimpl
def check_digests(event: DigestsComputed) -> Veto | None:
    expected = os.environ.get("EXAMPLE_PLUGIN_EXPECT_SHA256")
    if expected and event.digests["sha256"] != expected:
        return Veto(reason=f"sha256 {event.digests['sha256']} is not the expected {expected}")
    return None
