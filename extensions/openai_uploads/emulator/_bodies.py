"""Request and response bodies streamed in large pieces: a part's multipart body to its
file and md5 (a receiver the parser calls, and a writer that does the blocking writes in a
worker thread), and a File's content sent from its pieces."""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO, Final

import anyio.to_thread
from python_multipart.multipart import parse_options_header
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from openai_uploads._constants import MAX_UPLOAD_BYTES

from ._errors import ApiError, bad_request, unknown_field
from ._store import PartMd5, open_private

_READ_BYTES: Final = 4 * 1024 * 1024
"""Bytes read per thread hop when a File's content is sent."""


class PartReceiver:
    """Callbacks for the streaming multipart parser: the ``data`` field goes straight to
    a temp file, chunk by chunk; nothing is held whole in memory."""

    def __init__(self, tmp: Path, limit: int, remaining: int, md5: PartMd5 | None) -> None:
        self.tmp = tmp
        self.md5 = md5
        self.limit = limit
        self.remaining = remaining
        self.size = 0
        self.file: IO[bytes] | None = None
        self.pending: list[memoryview] = []
        self.pending_bytes = 0
        self.seen_data = False
        self.error: ApiError | None = None
        self._in_data = False
        self._header_field = bytearray()
        self._header_value = bytearray()
        self._disposition: bytes | None = None

    def callbacks(self) -> dict[str, Callable[..., None]]:
        return {
            "on_part_begin": self.on_part_begin,
            "on_header_field": self.on_header_field,
            "on_header_value": self.on_header_value,
            "on_header_end": self.on_header_end,
            "on_headers_finished": self.on_headers_finished,
            "on_part_data": self.on_part_data,
            "on_part_end": self.on_part_end,
        }

    def on_part_begin(self) -> None:
        self._disposition = None
        self._in_data = False

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        if bytes(self._header_field).lower() == b"content-disposition":
            self._disposition = bytes(self._header_value)
        self._header_field.clear()
        self._header_value.clear()

    def on_headers_finished(self) -> None:
        _, params = parse_options_header(self._disposition or b"")
        if self.error is not None:
            return
        name = params.get(b"name")
        if name != b"data":
            # as the JSON routes refuse an unknown field (python-multipart gives bytes)
            self.error = unknown_field((name or b"").decode("utf-8", "replace"))
            return
        if self.seen_data:
            self.error = bad_request("The field 'data' was given more than once.", param="data")
            return
        self.seen_data = True
        self._in_data = True
        self.file = open_private(self.tmp)

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if not self._in_data or self.error is not None or self.file is None:
            return
        self.size += end - start
        if self.size > self.limit:
            self.error = bad_request(
                f"The part is larger than the maximum part size of {self.limit} bytes.",
                param="data",
                code="part_too_large",
            )
        elif self.size > self.remaining:
            self.error = bad_request(
                f"The part would make the Upload exceed the maximum of {MAX_UPLOAD_BYTES} bytes.",
                param="data",
            )
        else:
            self.pending.append(memoryview(data)[start:end])
            self.pending_bytes += end - start

    def take(self) -> list[memoryview]:
        """The pending slices of received chunks, for :meth:`write`."""
        views, self.pending = self.pending, []
        self.pending_bytes = 0
        return views

    def write(self, views: list[memoryview]) -> None:
        """Write slices to the file and the md5 (blocking: in a worker thread when large;
        hashlib lets go of the GIL for them). Never two at once for one receiver."""
        file, md5 = self.file, self.md5
        if file is None:
            return
        for view in views:
            # one slice at a time into the file and the md5, while it is in the CPU cache
            written = file.write(view)
            while written < len(view):
                written += file.write(view[written:])
            if md5 is not None:
                md5.update(view)

    def on_part_end(self) -> None:
        self._in_data = False

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None


class PartWriter:
    """Runs a receiver's writes one at a time in a worker thread, each overlapping with
    the receiving of the next batch."""

    def __init__(self, pool: ThreadPoolExecutor, write: Callable[[list[memoryview]], None]) -> None:
        self.pool = pool
        self.write = write
        self.running: concurrent.futures.Future[None] | None = None

    async def start(self, views: list[memoryview]) -> None:
        """Wait for the previous write, then start writing ``views``."""
        await self.wait()
        self.running = self.pool.submit(self.write, views)

    async def wait(self) -> None:
        running, self.running = self.running, None
        if running is not None:
            await asyncio.wrap_future(running)

    def close(self) -> None:
        """Block until a write still running ends (after an error or a cancellation:
        the file must not be closed under it); its outcome no longer matters."""
        running, self.running = self.running, None
        if running is not None:
            concurrent.futures.wait([running])


class PiecesResponse(Response):
    """Streams a File's bodies one after the other, in large reads off the event loop.

    The bodies are opened before the first byte is sent, so a File deleted meanwhile is
    still sent whole."""

    def __init__(self, pieces: list[tuple[Path, int]], size: int) -> None:
        super().__init__(media_type="application/octet-stream")
        self.raw_headers = [(k, v) for k, v in self.raw_headers if k != b"content-length"]
        self.raw_headers.append((b"content-length", str(size).encode()))
        self.pieces = pieces

    def _open(self) -> list[IO[bytes]]:
        files: list[IO[bytes]] = []
        try:
            for path, _ in self.pieces:
                files.append(open(path, "rb", buffering=0))  # noqa: SIM115 - closed by caller
        except BaseException:
            for f in files:
                f.close()
            raise
        return files

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        files = await anyio.to_thread.run_sync(self._open)
        try:
            await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
            for f in files:
                while chunk := await anyio.to_thread.run_sync(f.read, _READ_BYTES):
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            for f in files:
                f.close()
