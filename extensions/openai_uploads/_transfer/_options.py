"""The arguments of one ``upload_file_chunked`` call, checked once, before any request.

:class:`TransferOptions` is built once by :meth:`TransferOptions.from_arguments` (the
only place the keyword arguments are checked) and is read-only from then on: the job,
the drivers and the resume state all see the same values.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypedDict

import httpx

from .._constants import DEFAULT_MAX_CONCURRENCY, MAX_PART_SIZE
from .._params import split_params
from .._types import NOT_GIVEN, ExpiresAfter, FilePurpose, NotGiven, Omit
from .._uploads_core import check_purpose, expiration
from .._utils import is_strict_int

_MD5_RE = re.compile(r"[0-9a-fA-F]{32}")

MIN_PART_RETRIES = 5
"""A part is cheap to retry, so it gets at least this many retries."""

DEFAULT_STREAM_CONCURRENCY = 8
"""The cap for a non-seekable stream when ``max_concurrency`` is left out: its parts go
through ``cap + 1`` part-sized buffers, so memory grows with it (9 x 64 MiB at most)."""


Timeout = float | httpx.Timeout | None


class RequestArguments(TypedDict, total=False):
    """The per-request options of ``upload_file_chunked``, as given: passed to every
    request it makes (``create``, each part, ``complete``, ``cancel``). Left out when
    not given, so each request keeps the client's defaults."""

    extra_headers: Mapping[str, str]
    extra_query: Mapping[str, object]
    extra_body: Mapping[str, object]
    timeout: Timeout


def check_concurrency(max_concurrency: object, default: int) -> tuple[int, bool]:
    """``max_concurrency`` checked: ``(the cap, whether it adapts)``; ``None`` is
    ``default``, adapted. TypeError / ValueError say what is wrong."""
    if max_concurrency is None:
        return default, True
    if not is_strict_int(max_concurrency):
        raise TypeError("max_concurrency must be an int (or None: adapt it)")
    if max_concurrency < 1:
        raise ValueError(f"max_concurrency must be at least 1; got {max_concurrency}")
    return max_concurrency, False


@dataclass(frozen=True, slots=True, kw_only=True)
class TransferOptions:
    """The caller's arguments, checked (everything but ``file`` itself)."""

    filename: str | None
    """As given; the source checks it (required for in-memory data)."""
    declared_bytes: int | None
    """The ``bytes=`` argument, as given; the source checks it against the real size."""
    state_file: str | os.PathLike[str] | None
    mime_type: str
    purpose: FilePurpose
    part_size: int | None
    """As given (None: the default, or the recorded one when resuming)."""
    expected_md5: str | None
    """The md5 the caller expects (lower-case hex), if any."""
    send_md5: bool
    """False when the caller passed ``md5=None``: complete without an md5."""
    max_concurrency: int
    """Parts in flight at most (the cap when :attr:`adaptive`)."""
    adaptive: bool
    """True when the caller left ``max_concurrency`` out: the number of parts in flight
    adapts to the measured throughput, up to ``max_concurrency``. An explicit value is
    used as given, fixed."""
    expires_after: ExpiresAfter | Omit
    resume: bool
    keep_on_failure: bool
    part_retries: int
    create_params: Mapping[str, Any] = field(default_factory=dict)
    """The spec-derived keyword arguments of ``uploads.create`` (``CreateUploadParams``),
    checked, passed through as given and kept in the resume state."""
    request: RequestArguments = field(default_factory=lambda: RequestArguments())
    """``extra_headers``, ``extra_query``, ``extra_body`` and ``timeout``, for every request."""

    @classmethod
    def from_arguments(
        cls,
        *,
        client_max_retries: int,
        filename: str | None,
        bytes: int | None,
        state_file: str | os.PathLike[str] | None,
        mime_type: object,
        purpose: object,
        part_size: object,
        md5: object,
        max_concurrency: object,
        expires_after: ExpiresAfter | Omit,
        resume: bool,
        keep_on_failure: bool | None,
        part_retries: int | None,
        create_params: Mapping[str, object] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
    ) -> TransferOptions:
        """Check the arguments; raises ``TypeError`` / ``ValueError`` before any request."""
        spec_body = split_params("createUpload", create_params or {}).body
        if not isinstance(mime_type, str) or not mime_type:
            raise ValueError("mime_type must be a non-empty string such as 'application/pdf'")
        checked_purpose = check_purpose(purpose)
        if not isinstance(expires_after, Omit):
            expiration(expires_after)  # its shape, and days in range: before any request
        if part_size is not None:
            if not is_strict_int(part_size):
                raise TypeError(f"part_size must be an int, got {type(part_size).__name__}")
            if not 1 <= part_size <= MAX_PART_SIZE:
                raise ValueError(
                    f"part_size must be between 1 and {MAX_PART_SIZE} bytes (64 MiB); "
                    f"got {part_size}"
                )
        expected_md5: str | None = None
        if isinstance(md5, str):
            if not _MD5_RE.fullmatch(md5):
                raise ValueError(f"md5 must be 32 hexadecimal characters; got {md5!r}")
            expected_md5 = md5.lower()
        elif md5 is not None and not isinstance(md5, Omit):
            raise TypeError(f"md5 must be a hex string or None, got {type(md5).__name__}")
        max_concurrency, adaptive = check_concurrency(max_concurrency, DEFAULT_MAX_CONCURRENCY)
        if part_retries is None:
            part_retries = max(int(client_max_retries), MIN_PART_RETRIES)
        elif part_retries < 0:
            raise ValueError(f"part_retries must not be negative; got {part_retries}")
        return cls(
            filename=filename,
            declared_bytes=bytes,
            state_file=state_file,
            mime_type=mime_type,
            purpose=checked_purpose,
            part_size=part_size,
            expected_md5=expected_md5,
            send_md5=md5 is not None,
            max_concurrency=max_concurrency,
            adaptive=adaptive,
            expires_after=expires_after,
            resume=resume,
            keep_on_failure=resume if keep_on_failure is None else keep_on_failure,
            part_retries=part_retries,
            create_params=spec_body,
            request=_request_arguments(extra_headers, extra_query, extra_body, timeout),
        )


def _request_arguments(
    extra_headers: Mapping[str, str] | None,
    extra_query: Mapping[str, object] | None,
    extra_body: Mapping[str, object] | None,
    timeout: Timeout | NotGiven,
) -> RequestArguments:
    request = RequestArguments()
    for name, value in (
        ("extra_headers", extra_headers),
        ("extra_query", extra_query),
        ("extra_body", extra_body),
    ):
        if value is None:
            continue
        if not isinstance(value, Mapping):
            raise TypeError(f"{name} must be a mapping, got {type(value).__name__}")
        request[name] = dict(value)  # type: ignore[literal-required]
    if not isinstance(timeout, NotGiven):
        request["timeout"] = timeout
    return request


def capped_timeout(timeout: Timeout | None, cap: float) -> float | httpx.Timeout:
    """``timeout`` (the caller's, None: none given) with every phase at most ``cap``."""
    if timeout is None:
        return cap
    if isinstance(timeout, httpx.Timeout):
        return httpx.Timeout(
            connect=_at_most(timeout.connect, cap),
            read=_at_most(timeout.read, cap),
            write=_at_most(timeout.write, cap),
            pool=_at_most(timeout.pool, cap),
        )
    return min(float(timeout), cap)


def _at_most(value: float | None, cap: float) -> float:
    return cap if value is None else min(value, cap)
