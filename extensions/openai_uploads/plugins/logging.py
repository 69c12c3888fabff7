"""Log requests and transfers to the ``openai_uploads.plugins.logging`` logger.

Registered by default; silent unless the logger is enabled (``INFO`` for transfers,
``DEBUG`` for each request and part). Only ids, sizes, statuses and timings are logged:
never headers, bodies or the API key.

Enable it with ``logging.getLogger("openai_uploads").setLevel(logging.DEBUG)``: like every
module's logger (``logging.getLogger(__name__)``) it is a child of ``openai_uploads``,
whose level and handlers apply to it.
"""

from __future__ import annotations

import asyncio
import logging

from ..hookspecs import (
    PartCompleted,
    RequestFinished,
    RequestStarted,
    UploadCancelled,
    UploadCompleted,
    UploadFailed,
    UploadStarted,
    hookimpl,
)

log = logging.getLogger(__name__)


@hookimpl
def on_request_start(event: RequestStarted) -> None:
    if log.isEnabledFor(logging.DEBUG):
        log.debug("%s %s %s (attempt %d)", event.operation, event.method, event.url, event.attempt)


@hookimpl
def on_request_end(event: RequestFinished) -> None:
    if not log.isEnabledFor(logging.DEBUG):
        return
    outcome = event.status_code if event.error is None else type(event.error).__name__
    log.debug(
        "%s %s %s -> %s in %.3fs (request id %s)",
        event.operation,
        event.method,
        event.url,
        outcome,
        event.elapsed,
        event.request_id,
    )


@hookimpl
def on_upload_started(event: UploadStarted) -> None:
    log.info(
        "upload %s started: %s, %d bytes in %d parts of %d bytes%s",
        event.upload_id,
        event.filename,
        event.total_bytes,
        event.part_count,
        event.part_size,
        f", {event.resumed_bytes} already sent" if event.resumed_bytes else "",
    )


@hookimpl
def on_part_completed(event: PartCompleted) -> None:
    if log.isEnabledFor(logging.DEBUG):
        log.debug(
            "upload %s part %d/%d (%s, %d bytes) done in %.3fs after %d attempt(s)",
            event.upload_id,
            event.part_number,
            event.part_count,
            event.part_id,
            event.size,
            event.elapsed,
            event.attempts,
        )


@hookimpl
def on_upload_completed(event: UploadCompleted) -> None:
    log.info(
        "upload %s completed as %s: %d bytes in %.2fs",
        event.upload_id,
        event.file_id,
        event.total_bytes,
        event.elapsed,
    )


@hookimpl
def on_upload_failed(event: UploadFailed) -> None:
    upload = event.upload_id or "(not created)"
    kept = "kept for resume" if event.kept_for_resume else "not kept"
    error = event.error
    if isinstance(error, KeyboardInterrupt | asyncio.CancelledError):
        # Stopped by the caller, not failed; and these carry no message of their own.
        how = "interrupted (KeyboardInterrupt)"
        if isinstance(error, asyncio.CancelledError):
            how = "cancelled (asyncio.CancelledError: its task was cancelled)"
        log.info("upload %s stopped: %s (%s)", upload, how, kept)
        return
    log.warning("upload %s failed (%s): %s", upload, kept, str(error) or type(error).__name__)


@hookimpl
def on_upload_cancelled(event: UploadCancelled) -> None:
    log.info("upload %s cancelled: %s", event.upload_id, event.reason)
