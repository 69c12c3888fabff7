"""An example openai-uploads plugin, installed through its entry point.

It shows one hook of each family:

* progress: records every event, so a caller can check what it saw;
* retries: retries anything five times without waiting;
* checksums: adds sha256 to the digests, and vetoes completion when the environment
  variable ``EXAMPLE_PLUGIN_EXPECT_SHA256`` names another digest.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping

from openai_uploads import RetryDecision, Veto, hookimpl
from openai_uploads.hookspecs import (
    BytesSent,
    DigestsComputed,
    DigestSetup,
    HasherFactory,
    PartCompleted,
    RetryContext,
    UploadCancelled,
    UploadCompleted,
    UploadStarted,
)

EVENTS: list[object] = []
"""Every progress event this plugin saw, in order."""

RETRY_DECISIONS: list[RetryContext] = []


@hookimpl
def on_upload_started(event: UploadStarted) -> None:
    EVENTS.append(event)


@hookimpl
def on_bytes_sent(event: BytesSent) -> None:
    EVENTS.append(event)


@hookimpl
def on_part_completed(event: PartCompleted) -> None:
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


@hookimpl
def digest_algorithms(event: DigestSetup) -> Mapping[str, HasherFactory]:
    return {"sha256": hashlib.sha256}


@hookimpl
def check_digests(event: DigestsComputed) -> Veto | None:
    expected = os.environ.get("EXAMPLE_PLUGIN_EXPECT_SHA256")
    if expected and event.digests["sha256"] != expected:
        return Veto(reason=f"sha256 {event.digests['sha256']} is not the expected {expected}")
    return None
