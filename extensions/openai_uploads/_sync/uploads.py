# Generated from openai_uploads/_async/uploads.py by `python scripts/unasync.py`: do not edit.
"""``client.uploads``: create, complete and cancel Uploads (``.parts`` adds the chunks)."""

from __future__ import annotations

import builtins
import os
from collections.abc import Callable, Iterable, Mapping
from functools import cached_property
from typing import IO, TYPE_CHECKING, Unpack

import httpx

from openai_uploads_client.sdk import CancelUploadParams, CompleteUploadParams, CreateUploadParams

from .._params import spec_method
from .._resource import SyncAPIResource, request_options
from .._transfer._bandwidth import TokenBucket, check_bandwidth
from .._transfer._manifest import Manifest
from .._transfer._many import Batch, UploadResult
from .._transfer._options import TransferOptions, check_concurrency
from .._types import NOT_GIVEN, ExpiresAfter, FilePurpose, NotGiven, Omit, Upload, omit
from .._uploads_core import cancel_upload_call, complete_upload_call, create_upload_call
from .many import run_many
from .parts import (
    AsyncPartsWithRawResponse,
    AsyncPartsWithStreamingResponse,
    Parts,
)
from .response import make_request, to_raw_response, to_streamed_response
from .transfer import Shared, run_transfer

if TYPE_CHECKING:
    from .._client import OpenAI

__all__ = ["Uploads", "AsyncUploadsWithRawResponse", "AsyncUploadsWithStreamingResponse"]

DEFAULT_MANY_CONCURRENCY = 48
"""``upload_many``'s requests in flight across all files, when not given."""

_DOC = """Upload a file of up to 8 GB in parts, in parallel, and complete it.

Parts of a regular file, in-memory data or a seekable file object are streamed: each is
read from its offset 512 KiB at a time as it is sent (again on a retry), so memory does
not grow with ``part_size`` or ``max_concurrency``; one sequential read beside them
computes the md5 (and any digest a plugin asks for). A stream (a non-seekable file
object, or a path that is a pipe, ``/dev/stdin``, ``<(cmd)`` or a device) is read once,
in order: with ``bytes``, into one part buffer per part in flight and one read ahead;
without, it is first spooled to a temporary file (at most 8 GiB, deleted at the end).
A stream that ends before ``bytes`` or runs past it fails with ``FileChangedError``.
Each part is retried on its own (``part_retries`` times, within the Upload's hour, as
the server's clock counts it). The md5 of the bytes read is always computed and sent
with ``complete``, so the server checks the assembled bytes.

Args:
    file: a path (``str`` or ``os.PathLike``), ``bytes`` / ``bytearray`` /
        ``memoryview``, or a binary file object (read from its current position).
    mime_type: the file's MIME type, e.g. ``"application/jsonl"``.
    purpose: ``"assistants"``, ``"batch"``, ``"fine-tune"``, ``"vision"``,
        ``"user_data"`` or ``"evals"``.
    filename: required for in-memory data and nameless file objects.
    bytes: the size; required for in-memory data, checked against the real size of a
        file. For a stream, how many bytes it holds: it is then sent as it is read
        (left out, the stream is spooled first).
    part_size: bytes per part, 1 to 64 MiB (default 64 MiB).
    md5: the expected md5 (hex), checked against the bytes read whatever plugins are
        loaded: a mismatch stops before ``complete`` with
        :class:`ChecksumMismatchError` and cancels the Upload; it is sent with
        ``complete`` too. Omitted: the md5 read is sent with ``complete`` so the
        server checks it. ``None``: no md5 is sent.
    max_concurrency: parts in flight at once, fixed. Left out (or ``None``), it adapts
        to the measured throughput: 4 at first, doubled while that raises the rate, up
        to 16 (8 for a non-seekable stream), halved when a part has to be retried.
    expires_after: when the resulting File expires, e.g.
        ``{"anchor": "created_at", "days": 7}``.
    resume: keep a state file so that calling again with the same arguments after an
        interruption sends only the missing parts. The state file is
        ``<path>.openai-upload.json`` next to a path, or ``state_file``. A stream
        cannot be read again, so it cannot be resumed (``ValueError``).
    state_file: where the resume state lives (required with ``resume`` for
        in-memory data and file objects).
    keep_on_failure: leave the Upload pending on failure instead of cancelling it
        (default: the value of ``resume``).
    part_retries: retries per part (default ``max(client.max_retries, 5)``).
    max_bandwidth: bytes per second at most, across every part (a token bucket the
        parts take their bytes from before they start; None: no cap).
    **params: any other request field of ``uploads.create`` that the spec declares
        (``CreateUploadParams``), passed through to it and kept in the resume state.
    extra_headers, extra_query, extra_body, timeout: as for every method, applied to
        every request the call makes (``create``, each part, ``complete``, and a
        ``cancel``, whose timeout is at most 4 s).

Returns:
    The completed Upload; ``upload.file`` is the File.

Raises:
    TypeError: ``filename`` or ``bytes`` missing where required, or an unsupported input.
    ValueError: a bad argument (missing / unreadable path, directory, wrong ``bytes``,
        ``part_size`` outside 1..64 MiB, over 8 GB, malformed ``md5``, unknown
        ``purpose``, ``expires_after`` out of range in days, ``max_concurrency`` < 1,
        ``resume`` with a stream). Nothing is sent.
    APIError: a request failed for good (the same class as any other call raises);
        ``err.upload_id`` names the Upload and ``err.upload_cancelled`` says whether
        it was cancelled.
    UploadError: an engine-level failure (``ChecksumMismatchError``,
        ``UploadVetoedError``, ``UploadExpiredError``, ``FileChangedError`` when the
        file changed while it was uploaded or a stream did not hold ``bytes``), with
        ``upload_id`` and ``upload_cancelled``.
    KeyboardInterrupt, or a cancellation of the async call (asyncio's or trio's):
        re-raised after cancelling the Upload (or leaving it pending for ``resume``),
        with a note naming it.

Example::

    upload = client.uploads.upload_file_chunked(
        file="training.jsonl", mime_type="application/jsonl", purpose="fine-tune",
        resume=True,
    )
    print(upload.file.id)
"""


class Uploads(SyncAPIResource):
    """Uploads: ``client.uploads`` of :class:`OpenAI`. Create one, add ``parts``, then
    complete or cancel it."""

    parts: Parts
    """Add Parts to an Upload."""

    def __init__(self, client: OpenAI) -> None:
        super().__init__(client)
        self.parts = Parts(client)

    @cached_property
    def with_raw_response(self) -> AsyncUploadsWithRawResponse:
        """The same methods (but ``upload_file_chunked``), answering with the response
        (headers, status, body) and its ``parse()`` instead of the parsed result."""
        return AsyncUploadsWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> AsyncUploadsWithStreamingResponse:
        """The same methods (but ``upload_file_chunked``), as context managers of the
        response with its body unread."""
        return AsyncUploadsWithStreamingResponse(self)

    @spec_method("createUpload")
    def create(
        self,
        *,
        bytes: int,
        filename: str,
        mime_type: str,
        purpose: FilePurpose,
        expires_after: ExpiresAfter | Omit = omit,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        **params: Unpack[CreateUploadParams],
    ) -> Upload:
        """Create an Upload of ``bytes`` bytes that accepts Parts for one hour.

        ``expires_after`` sets when the resulting File expires:
        ``{"anchor": "created_at", "seconds": N}`` or ``{"anchor": "created_at", "days": N}``.

        Example::

            upload = client.uploads.create(
                bytes=os.path.getsize(path),
                filename="training.jsonl",
                mime_type="application/jsonl",
                purpose="fine-tune",
            )
        """
        options = request_options(extra_headers, extra_query, extra_body, timeout)
        call = create_upload_call(
            size=bytes,
            filename=filename,
            mime_type=mime_type,
            purpose=purpose,
            expires_after=expires_after,
            params=params,
            options=options,
        )
        return make_request(self._client, call)

    @spec_method("completeUpload")
    def complete(
        self,
        upload_id: str,
        *,
        part_ids: builtins.list[str],
        md5: str | Omit = omit,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        **params: Unpack[CompleteUploadParams],
    ) -> Upload:
        """Complete the Upload: its Parts, in ``part_ids`` order, become a File.

        Example::

            completed = client.uploads.complete(upload.id, part_ids=[p.id for p in parts])
            print(completed.file.id)
        """
        options = request_options(extra_headers, extra_query, extra_body, timeout)
        call = complete_upload_call(
            upload_id, part_ids=part_ids, md5=md5, params=params, options=options
        )
        return make_request(self._client, call)

    @spec_method("cancelUpload")
    def cancel(
        self,
        upload_id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        **params: Unpack[CancelUploadParams],
    ) -> Upload:
        """Cancel the Upload; its Parts are discarded and no more can be added."""
        options = request_options(extra_headers, extra_query, extra_body, timeout)
        return make_request(
            self._client, cancel_upload_call(upload_id, params=params, options=options)
        )

    @spec_method("createUpload")
    def upload_file_chunked(
        self,
        *,
        file: str | os.PathLike[str] | bytes | bytearray | memoryview | IO[bytes],
        mime_type: str,
        purpose: FilePurpose,
        filename: str | None = None,
        bytes: int | None = None,
        part_size: int | None = None,
        md5: str | Omit | None = omit,
        max_concurrency: int | None = None,
        expires_after: ExpiresAfter | Omit = omit,
        resume: bool = False,
        state_file: str | os.PathLike[str] | None = None,
        keep_on_failure: bool | None = None,
        part_retries: int | None = None,
        max_bandwidth: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        **params: Unpack[CreateUploadParams],
    ) -> Upload:
        client = self._client
        rate = check_bandwidth(max_bandwidth)
        options = TransferOptions.from_arguments(
            client_max_retries=client.max_retries,
            filename=filename,
            bytes=bytes,
            state_file=state_file,
            mime_type=mime_type,
            purpose=purpose,
            part_size=part_size,
            md5=md5,
            max_concurrency=max_concurrency,
            expires_after=expires_after,
            resume=resume,
            keep_on_failure=keep_on_failure,
            part_retries=part_retries,
            create_params=params,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
        )
        shared = Shared(bucket=None if rate is None else TokenBucket(rate))
        return run_transfer(client, file, options, shared)

    upload_file_chunked.__doc__ = _DOC

    @spec_method("createUpload")
    def upload_many(
        self,
        files: Iterable[object],
        *,
        purpose: FilePurpose,
        mime_type: str | None = None,
        max_concurrency: int | None = None,
        fail_fast: bool = False,
        manifest: str | os.PathLike[str] | None = None,
        max_bandwidth: int | None = None,
        part_size: int | None = None,
        expires_after: ExpiresAfter | Omit = omit,
        part_retries: int | None = None,
        on_result: Callable[[UploadResult], None] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        **params: Unpack[CreateUploadParams],
    ) -> builtins.list[UploadResult]:
        """Upload many files, each as ``upload_file_chunked`` would, through one budget.

        ``files`` is any iterable of paths, ``(name, data)`` pairs (``data``: bytes or a
        binary file object) and named binary file objects, taken one at a time as room
        frees up (a generator of 100,000 paths is never all in memory). Every file's
        requests (``create``, parts, ``complete``) share ``max_concurrency`` requests
        in flight, so small files overlap: one's ``complete`` while the next ones are
        created and sent. ``mime_type`` left out is guessed from each file's name.

        A file that fails does not stop the others (unless ``fail_fast``): its result
        holds the typed error ``upload_file_chunked`` would raise. With ``manifest``
        (a JSON-lines file, appended and fsync'd as each file completes), a run again
        skips the files it names as uploaded (same path, size, mtime and inode) and
        resumes those it left half-sent. Ctrl-C or a cancellation stops every file:
        each cancels its Upload (with a manifest: keeps it to resume), and the call
        re-raises within 5 s.

        Args:
            max_concurrency: requests in flight at most, across all files and parts,
                fixed. Left out (or ``None``), up to 48, halved while the server
                pushes back (an attempt retried after a 429, a 503, another 5xx, a
                dropped connection or a timeout; once a second at most) and raised
                by one again per run of successes.
            fail_fast: stop every file at the first failure and raise it.
            max_bandwidth: bytes per second at most, across every part of every file.
            on_result: called with each file's :class:`UploadResult` as it ends (in
                the order they end; on the event loop's thread, or the calling one).
            purpose, part_size, expires_after, part_retries, extra_headers,
                extra_query, extra_body, timeout, **params: as for
                ``upload_file_chunked``, for every file.

        Returns:
            One :class:`UploadResult` per file, in input order: ``path``, ``upload``
            (the completed Upload), ``file_id``, or ``error``.

        Raises:
            TypeError / ValueError: a bad argument, before any request (a bad entry of
                ``files`` is that file's result instead).
            The first failure, with ``fail_fast``; KeyboardInterrupt or the
            cancellation that stopped the batch.

        Example::

            results = client.uploads.upload_many(
                sorted(Path("shards").glob("*.jsonl")), purpose="batch", manifest="sent.jsonl"
            )
            failed = [r for r in results if not r.ok]
        """
        client = self._client
        max_concurrency, adaptive = check_concurrency(max_concurrency, DEFAULT_MANY_CONCURRENCY)
        rate = check_bandwidth(max_bandwidth)
        template = TransferOptions.from_arguments(
            client_max_retries=client.max_retries,
            filename=None,
            bytes=None,
            state_file=None,
            mime_type=mime_type or "application/octet-stream",
            purpose=purpose,
            part_size=part_size,
            md5=omit,
            max_concurrency=None,
            expires_after=expires_after,
            resume=False,
            keep_on_failure=None,
            part_retries=part_retries,
            create_params=params,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
        )
        batch = Batch(
            client.plugins,
            files,
            template,
            mime_type=mime_type,
            max_concurrency=max_concurrency,
            max_bandwidth=rate,
            fail_fast=fail_fast,
            manifest=None if manifest is None else Manifest(manifest),
            on_result=on_result,
        )
        return run_many(client, batch, adaptive=adaptive)


class AsyncUploadsWithRawResponse:
    """``client.uploads.with_raw_response`` (``upload_file_chunked``, many calls, is not
    wrapped, as in openai-python)."""

    def __init__(self, uploads: Uploads) -> None:
        self._uploads = uploads
        self.create = to_raw_response(uploads.create)
        self.complete = to_raw_response(uploads.complete)
        self.cancel = to_raw_response(uploads.cancel)

    @cached_property
    def parts(self) -> AsyncPartsWithRawResponse:
        return self._uploads.parts.with_raw_response


class AsyncUploadsWithStreamingResponse:
    """``client.uploads.with_streaming_response``."""

    def __init__(self, uploads: Uploads) -> None:
        self._uploads = uploads
        self.create = to_streamed_response(uploads.create)
        self.complete = to_streamed_response(uploads.complete)
        self.cancel = to_streamed_response(uploads.cancel)

    @cached_property
    def parts(self) -> AsyncPartsWithStreamingResponse:
        return self._uploads.parts.with_streaming_response
