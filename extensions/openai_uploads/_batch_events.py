"""The events of ``upload_many`` (public as :mod:`openai_uploads.hookspecs`' own).

:class:`InBatch` is the base of every per-file event: which file of how many it is
about. :class:`BatchStarted` and :class:`BatchFinished` surround the whole call.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["BatchFinished", "BatchStarted", "InBatch"]


@dataclass(frozen=True, kw_only=True, slots=True)
class InBatch:
    """Where a per-file event's file stands in ``upload_many`` (both None otherwise)."""

    file_index: int | None = None
    """In ``upload_many``: the file's 0-based position in the input."""
    file_count: int | None = None
    """In ``upload_many``: how many files the input holds, when it has a length."""


@dataclass(frozen=True, kw_only=True, slots=True)
class BatchStarted:
    """``upload_many`` checked its arguments; no file was opened yet."""

    file_count: int | None
    """How many files the input holds, when it has a length (None for a generator)."""
    max_concurrency: int
    """The requests in flight at most, across every file and part."""
    max_bandwidth: int | None
    """The bandwidth cap in bytes per second (None: none)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class BatchFinished:
    """``upload_many`` ended: every file was uploaded, skipped, or failed (or the batch
    was stopped: ``interrupted``)."""

    files_done: int
    """Files uploaded by this call."""
    files_skipped: int
    """Files the manifest already names as uploaded (nothing sent)."""
    files_failed: int
    bytes_sent: int
    """The bytes of the files uploaded by this call."""
    elapsed: float
    interrupted: bool
    """True when Ctrl-C, a cancellation or ``fail_fast`` stopped the batch early."""
