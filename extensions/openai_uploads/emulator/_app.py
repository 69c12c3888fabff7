"""The Starlette app: the Uploads routes, with the Files and emulator-only ones
(``_files_routes``, ``_control_routes``), the error handlers and the middleware."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from typing import Final

import anyio.to_thread
from python_multipart.multipart import MultipartParser, MultipartState, parse_options_header
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Match, Route
from starlette.types import ASGIApp

from openai_uploads._constants import MAX_PART_SIZE, MAX_UPLOAD_BYTES
from openai_uploads._utils import is_strict_int as _is_int
from openai_uploads_client.sdk import OPERATIONS

from ._azure import AzureSurface
from ._bodies import PartReceiver, PartWriter
from ._control_routes import ControlRoutes
from ._errors import ApiError, bad_request
from ._faults import FaultInjector, FaultMiddleware
from ._files_routes import FileRoutes
from ._input import check_mime_type
from ._limits import (
    BodyLimitMiddleware,
    BodyTimeoutMiddleware,
    CrashMiddleware,
    ServerLimits,
)
from ._request_rules import (
    check_fields,
    check_purpose,
    check_with_model,
    error_response,
    file_expiry,
    json_object,
    non_empty_str,
    required,
)
from ._store import Store

# The request fields and query parameters each route accepts are the spec's, read from
# the operation table codegen.sh writes (openai_uploads_client.sdk): a field added to
# spec/openapi.yaml is accepted after ./codegen.sh. Fields the emulator has no rule for
# are checked by the generated request model (nested shapes, enums) and then ignored.
_CREATE_FIELDS: Final = frozenset(name for name, _ in OPERATIONS["createUpload"].body_fields)
_COMPLETE_FIELDS: Final = frozenset(name for name, _ in OPERATIONS["completeUpload"].body_fields)
_FLUSH_BYTES: Final = 4 * 1024 * 1024
"""Part bytes gathered before they are written out (and hashed) in a worker thread,
while the next ones are received (bench/emulator_bench.py: 4 MiB costs ~0.2 CPU s/GiB
less than 1 MiB, 8 MiB no less than 4)."""
_IO_THREADS: Final = 8
"""Parts written at the same time, at most (more wait for a thread)."""
_INLINE_WRITE_BYTES: Final = 256 * 1024
"""A part's last bytes are written on the event loop when no more than this."""


class Emulator(FileRoutes, ControlRoutes):
    """The Uploads routes here, the Files and emulator-only ones from their mixins, bound
    to one Store, one FaultInjector and an optional required key."""

    def __init__(self, store: Store, *, api_key: str | None, injector: FaultInjector) -> None:
        self.store = store
        self.api_key = api_key
        self.injector = injector
        self.io_pool = ThreadPoolExecutor(_IO_THREADS, thread_name_prefix="emulator-io")
        """Writes (and hashes) the parts being received."""

    async def create_upload(self, request: Request) -> Response:
        self.authorize(request)
        data = await json_object(request)
        check_fields(data, _CREATE_FIELDS)
        size = required(data, "bytes")
        if not _is_int(size):
            raise bad_request("Invalid type for 'bytes': expected an integer.", param="bytes")
        if size < 0 or size > MAX_UPLOAD_BYTES:
            raise bad_request(
                f"Invalid value for 'bytes': must be between 0 and {MAX_UPLOAD_BYTES}.",
                param="bytes",
            )
        filename = non_empty_str(data, "filename")
        mime_type = non_empty_str(data, "mime_type")
        purpose = non_empty_str(data, "purpose")
        check_purpose(purpose)
        file_expires_seconds = file_expiry(data)
        check_with_model(data, "createUpload")
        check_mime_type(purpose, mime_type)
        record = self.store.create_upload(
            filename=filename,
            bytes=size,
            purpose=purpose,
            mime_type=mime_type,
            file_expires_seconds=file_expires_seconds,
        )
        return JSONResponse(record.to_json())

    async def add_part(self, request: Request) -> Response:
        self.authorize(request)
        upload_id = request.path_params["upload_id"]
        _, received = self.store.check_accepts_parts(upload_id)
        content_type, params = parse_options_header(request.headers.get("content-type"))
        boundary = params.get(b"boundary")
        if content_type != b"multipart/form-data" or not boundary:
            raise bad_request(
                "The request must be multipart/form-data with a 'data' field.", param="data"
            )
        tmp = self.store.tmp_path(".part")
        # Parts are taken up to the 8 GB Upload maximum, not only up to ``bytes``:
        # complete checks that the parts it lists add up to ``bytes`` (as the API does).
        receiver = PartReceiver(tmp, MAX_PART_SIZE, MAX_UPLOAD_BYTES - received, None)
        parser = MultipartParser(boundary, receiver.callbacks())  # type: ignore[arg-type]
        writer = PartWriter(self.io_pool, receiver.write)
        # the md5 for complete, carried on by the part's writes while it is the next
        # part in the order the parts began (else the store's hasher reads it back)
        part = self.store.begin_part(upload_id)
        part.path = tmp
        receiver.md5 = part
        try:
            try:
                async for chunk in request.stream():
                    parser.write(chunk)
                    if receiver.error is not None:
                        raise receiver.error
                    if receiver.pending_bytes >= _FLUSH_BYTES:
                        # written and hashed in a worker thread while the next batch
                        # is received; batched, so that the thread hop is paid per 4 MiB
                        await writer.start(receiver.take())
                parser.finalize()
                if receiver.pending_bytes > _INLINE_WRITE_BYTES:
                    await writer.start(receiver.take())
                await writer.wait()
                receiver.write(receiver.take())
                if parser.state != MultipartState.END:
                    raise bad_request(
                        "Malformed multipart body: it ends before its closing boundary.",
                        param="data",
                    )
            except ApiError:
                raise
            except Exception as exc:
                raise bad_request(f"Malformed multipart body: {exc}", param="data") from None
            finally:
                writer.close()
                receiver.close()
            if not receiver.seen_data:
                raise bad_request("Missing required parameter: 'data'.", param="data")
            record = self.store.commit_part(upload_id, tmp, receiver.size, part)
        finally:
            self.store.end_part(part)
            tmp.unlink(missing_ok=True)
        return JSONResponse(record.to_json())

    async def complete_upload(self, request: Request) -> Response:
        self.authorize(request)
        upload_id = request.path_params["upload_id"]
        data = await json_object(request)
        check_fields(data, _COMPLETE_FIELDS)
        part_ids = required(data, "part_ids")
        if not isinstance(part_ids, list) or not all(isinstance(p, str) for p in part_ids):
            raise bad_request(
                "Invalid type for 'part_ids': expected an array of strings.", param="part_ids"
            )
        md5 = data.get("md5")
        if md5 is not None and not isinstance(md5, str):
            raise bad_request("Invalid type for 'md5': expected a string.", param="md5")
        check_with_model(data, "completeUpload")
        completion = self.store.begin_complete(upload_id, part_ids)
        try:
            if md5:
                # ready at once when the parts are named in the order they were created
                # (hashed as they arrived); else read now, off the event loop
                digest = await anyio.to_thread.run_sync(self.store.md5_of_completion, completion)
                if md5.strip().lower() != digest:
                    raise bad_request(
                        f"The md5 checksum {md5!r} does not match the md5 of the uploaded bytes.",
                        param="md5",
                        code="md5_mismatch",
                    )
            file = self.store.finish_complete(completion)
        finally:
            self.store.abort_complete(upload_id)
        return JSONResponse(self.store.get_upload(upload_id).to_json(file))

    async def cancel_upload(self, request: Request) -> Response:
        self.authorize(request)
        record = self.store.cancel_upload(request.path_params["upload_id"])
        return JSONResponse(record.to_json())

    async def _on_api_error(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return error_response(exc)

    async def _on_http_error(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        message = f"Invalid URL ({request.method} {request.url.path})"
        status = exc.status_code if exc.status_code in (404, 405) else 400
        headers = {}
        if status == 405:
            # every route of the path, not only the first one Starlette tried
            allowed = {
                method
                for route in self.routes()
                if route.matches(request.scope)[0] != Match.NONE
                for method in route.methods or ()
            }
            headers["allow"] = ", ".join(sorted(allowed))
        return error_response(ApiError(status, message, headers=headers))

    def routes(self) -> list[Route]:
        return [
            Route("/v1/uploads", self.create_upload, methods=["POST"]),
            Route("/v1/uploads/{upload_id}/parts", self.add_part, methods=["POST"]),
            Route("/v1/uploads/{upload_id}/complete", self.complete_upload, methods=["POST"]),
            Route("/v1/uploads/{upload_id}/cancel", self.cancel_upload, methods=["POST"]),
            Route("/v1/files", self.create_file, methods=["POST"]),
            Route("/v1/files", self.list_files, methods=["GET"]),
            Route("/v1/files/{file_id}", self.retrieve_file, methods=["GET"]),
            Route("/v1/files/{file_id}", self.delete_file, methods=["DELETE"]),
            Route("/v1/files/{file_id}/content", self.file_content, methods=["GET"]),
            Route("/v1/_sink", self.sink, methods=["POST", "PUT"]),
            Route("/v1/_emulator/faults", self.faults, methods=["GET", "POST", "DELETE"]),
            Route("/v1/_emulator/script", self.fault_script, methods=["GET", "POST"]),
            Route("/v1/_emulator/requests", self.request_log, methods=["GET", "DELETE"]),
        ]


def create_app(
    store: Store,
    *,
    api_key: str | None = None,
    injector: FaultInjector | None = None,
    sweep_interval: float = 30.0,
    limits: ServerLimits | None = None,
) -> ASGIApp:
    """The emulator as an ASGI app over ``store`` (faults and request ids outermost, then
    the Azure surface, ``/openai/...``, mapped onto the OpenAI routes)."""
    injector = injector or FaultInjector()
    emulator = Emulator(store, api_key=api_key, injector=injector)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async def sweep() -> None:
            while True:
                await asyncio.sleep(sweep_interval)
                await anyio.to_thread.run_sync(store.expire_due)

        task = asyncio.create_task(sweep())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            emulator.io_pool.shutdown(wait=False)

    app = Starlette(
        routes=emulator.routes(),
        exception_handlers={
            ApiError: emulator._on_api_error,
            HTTPException: emulator._on_http_error,
        },
        lifespan=lifespan,
        middleware=[Middleware(CrashMiddleware), Middleware(BodyLimitMiddleware)],
    )
    limits = limits or ServerLimits()
    return BodyTimeoutMiddleware(
        FaultMiddleware(AzureSurface(app, api_key=api_key), injector),
        limits.body_timeout,
        min_rate=limits.min_body_rate,
        grace=limits.body_grace,
    )
