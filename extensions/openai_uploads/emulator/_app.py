"""The Starlette app: the Uploads and Files routes, with the API's rules and error shape."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO, Any, Final

import anyio.to_thread
from python_multipart.multipart import MultipartParser, MultipartState, parse_options_header
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Match, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from openai_uploads._constants import (
    MAX_FILE_EXPIRY_SECONDS,
    MAX_PART_SIZE,
    MAX_UPLOAD_BYTES,
    MIN_FILE_EXPIRY_SECONDS,
    UPLOAD_PURPOSES,
)
from openai_uploads._utils import is_strict_int as _is_int
from openai_uploads_client import models as _request_models
from openai_uploads_client.sdk import OPERATIONS

from ._azure import AzureSurface
from ._errors import ApiError, bad_request
from ._faults import FaultInjector, FaultMiddleware
from ._file_form import FileForm, boundary_of
from ._input import check_file_type, check_mime_type, parse_json
from ._limits import (
    BodyLimitMiddleware,
    BodyTimeoutMiddleware,
    CrashMiddleware,
    ServerLimits,
)
from ._store import PartMd5, Store, open_private

# The request fields and query parameters each route accepts are the spec's, read from
# the operation table codegen.sh writes (openai_uploads_client.sdk): a field added to
# spec/openapi.yaml is accepted after ./codegen.sh. Fields the emulator has no rule for
# are checked by the generated request model (nested shapes, enums) and then ignored.
_CREATE_FIELDS: Final = frozenset(name for name, _ in OPERATIONS["createUpload"].body_fields)
_COMPLETE_FIELDS: Final = frozenset(name for name, _ in OPERATIONS["completeUpload"].body_fields)
_CREATE_FILE_FIELDS: Final = frozenset(name for name, _ in OPERATIONS["createFile"].body_fields)
_LIST_FILES_PARAMS: Final = frozenset(name for name, *_ in OPERATIONS["listFiles"].query_params)
_LIST_FILES_MAX: Final = 10_000
_READ_BYTES: Final = 4 * 1024 * 1024
"""Bytes read per thread hop when a File's content is sent."""
_FLUSH_BYTES: Final = 4 * 1024 * 1024
"""Part bytes gathered before they are written out (and hashed) in a worker thread,
while the next ones are received (bench/emulator_bench.py: 4 MiB costs ~0.2 CPU s/GiB
less than 1 MiB, 8 MiB no less than 4)."""
_IO_THREADS: Final = 8
"""Parts written at the same time, at most (more wait for a thread)."""
_INLINE_WRITE_BYTES: Final = 256 * 1024
"""A part's last bytes are written on the event loop when no more than this."""


def _error_response(error: ApiError) -> Response:
    return JSONResponse(error.body(), status_code=error.status, headers=error.headers)


async def _json_object(request: Request) -> dict[str, Any]:
    """The body as a JSON object (strict: see ``_input.parse_json``)."""
    raw = await request.body()
    data = parse_json(raw) if raw else None
    if not isinstance(data, dict):
        raise bad_request("The request body must be a JSON object.")
    return data


def _check_fields(data: dict[str, Any], allowed: frozenset[str]) -> None:
    for key in data:
        if key not in allowed:
            raise bad_request(f"Unrecognized request argument supplied: {key}", param=key)


def _check_with_model(data: dict[str, Any], operation_id: str) -> None:
    """After the route's own rules: the generated request model must accept the body."""
    model_name = OPERATIONS[operation_id].body_model
    assert model_name is not None
    try:
        getattr(_request_models, model_name).from_dict(data)
    except KeyError:
        pass  # a missing required field: the route's own checks name it
    except (TypeError, ValueError, AttributeError) as exc:
        raise bad_request(f"Invalid request: {exc}") from None


def _required(data: dict[str, Any], name: str) -> Any:
    if name not in data or data[name] is None:
        raise bad_request(f"Missing required parameter: '{name}'.", param=name)
    return data[name]


def _non_empty_str(data: dict[str, Any], name: str) -> str:
    value = _required(data, name)
    if not isinstance(value, str):
        raise bad_request(f"Invalid type for '{name}': expected a string.", param=name)
    if not value:
        raise bad_request(f"'{name}' must not be empty.", param=name)
    return value


def _file_expiry(data: dict[str, Any]) -> int | None:
    value = data.get("expires_after")
    if value is None:
        return None
    if not isinstance(value, dict):
        raise bad_request(
            "Invalid type for 'expires_after': expected an object.", param="expires_after"
        )
    for key in value:
        if key not in ("anchor", "seconds"):
            raise bad_request(
                f"Unrecognized request argument supplied: expires_after.{key}",
                param=f"expires_after.{key}",
            )
    if value.get("anchor") != "created_at":
        raise bad_request(
            "Invalid value for 'expires_after.anchor': the only supported anchor is 'created_at'.",
            param="expires_after.anchor",
        )
    seconds: Any = value.get("seconds")
    if not _is_int(seconds) or not MIN_FILE_EXPIRY_SECONDS <= seconds <= MAX_FILE_EXPIRY_SECONDS:
        raise bad_request(
            f"Invalid value for 'expires_after.seconds': expected an integer between "
            f"{MIN_FILE_EXPIRY_SECONDS} and {MAX_FILE_EXPIRY_SECONDS}.",
            param="expires_after.seconds",
        )
    return int(seconds)


class _PartReceiver:
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
            field = (name or b"").decode("utf-8", "replace")
            self.error = bad_request(
                f"Unrecognized request argument supplied: {field}", param=field or None
            )
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


class _Writer:
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


class Emulator:
    """The routes, bound to one Store, one FaultInjector and an optional required key."""

    def __init__(self, store: Store, *, api_key: str | None, injector: FaultInjector) -> None:
        self.store = store
        self.api_key = api_key
        self.injector = injector
        self.io_pool = ThreadPoolExecutor(_IO_THREADS, thread_name_prefix="emulator-io")
        """Writes (and hashes) the parts being received."""

    def authorize(self, request: Request) -> None:
        header = request.headers.get("authorization", "")
        scheme, _, key = header.partition(" ")
        key = key.strip()
        if scheme.lower() != "bearer" or not key:
            raise ApiError(
                401,
                "You didn't provide an API key. You need to provide your API key in an "
                "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
            )
        if self.api_key is not None and key != self.api_key:
            raise ApiError(
                401,
                "Incorrect API key provided. You can find your API key at "
                "https://platform.openai.com/account/api-keys.",
                code="invalid_api_key",
            )

    async def create_upload(self, request: Request) -> Response:
        self.authorize(request)
        data = await _json_object(request)
        _check_fields(data, _CREATE_FIELDS)
        size = _required(data, "bytes")
        if not _is_int(size):
            raise bad_request("Invalid type for 'bytes': expected an integer.", param="bytes")
        if size < 0 or size > MAX_UPLOAD_BYTES:
            raise bad_request(
                f"Invalid value for 'bytes': must be between 0 and {MAX_UPLOAD_BYTES}.",
                param="bytes",
            )
        filename = _non_empty_str(data, "filename")
        mime_type = _non_empty_str(data, "mime_type")
        purpose = _non_empty_str(data, "purpose")
        if purpose not in UPLOAD_PURPOSES:
            raise bad_request(
                f"Invalid value for 'purpose': {purpose!r}. Supported values are: "
                + ", ".join(repr(p) for p in UPLOAD_PURPOSES)
                + ".",
                param="purpose",
            )
        file_expires_seconds = _file_expiry(data)
        _check_with_model(data, "createUpload")
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
        receiver = _PartReceiver(tmp, MAX_PART_SIZE, MAX_UPLOAD_BYTES - received, None)
        parser = MultipartParser(boundary, receiver.callbacks())  # type: ignore[arg-type]
        writer = _Writer(self.io_pool, receiver.write)
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
        data = await _json_object(request)
        _check_fields(data, _COMPLETE_FIELDS)
        part_ids = _required(data, "part_ids")
        if not isinstance(part_ids, list) or not all(isinstance(p, str) for p in part_ids):
            raise bad_request(
                "Invalid type for 'part_ids': expected an array of strings.", param="part_ids"
            )
        md5 = data.get("md5")
        if md5 is not None and not isinstance(md5, str):
            raise bad_request("Invalid type for 'md5': expected a string.", param="md5")
        _check_with_model(data, "completeUpload")
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

    async def create_file(self, request: Request) -> Response:
        """``POST /v1/files``: a file of at most 512 MB in one multipart request."""
        self.authorize(request)
        form = FileForm(self.store.tmp_path(".file"))
        try:
            await form.read(boundary_of(request.headers.get("content-type")), request.stream())
            data = form.fields
            _check_fields(data, _CREATE_FILE_FIELDS)
            if not form.seen_file:
                raise bad_request("Missing required parameter: 'file'.", param="file")
            purpose = _non_empty_str(data, "purpose")
            if purpose not in UPLOAD_PURPOSES:
                raise bad_request(
                    f"Invalid value for 'purpose': {purpose!r}. Supported values are: "
                    + ", ".join(repr(p) for p in UPLOAD_PURPOSES)
                    + ".",
                    param="purpose",
                )
            expiry = data.get("expires_after")
            if isinstance(expiry, dict) and str(expiry.get("seconds", "")).isdecimal():
                expiry["seconds"] = int(expiry["seconds"])  # form fields are text
            seconds = _file_expiry(data)
            _check_with_model(data, "createFile")
            filename = form.filename or "file"
            check_file_type(purpose, filename, form.content_type)
            file = self.store.create_file(
                tmp=form.tmp,
                size=form.size,
                filename=filename,
                purpose=purpose,
                expires_seconds=seconds,
            )
        finally:
            form.tmp.unlink(missing_ok=True)
        return JSONResponse(file.to_json())

    async def list_files(self, request: Request) -> Response:
        self.authorize(request)
        query = request.query_params
        for key in query:
            if key not in _LIST_FILES_PARAMS:
                raise bad_request(f"Unrecognized request argument supplied: {key}", param=key)
        limit_text = query.get("limit", str(_LIST_FILES_MAX))
        try:
            limit = int(limit_text)
        except ValueError:
            limit = 0
        if not 1 <= limit <= _LIST_FILES_MAX:
            raise bad_request(
                f"Invalid value for 'limit': expected an integer between 1 and {_LIST_FILES_MAX}.",
                param="limit",
            )
        order = query.get("order", "desc")
        if order not in ("asc", "desc"):
            raise bad_request("Invalid value for 'order': expected 'asc' or 'desc'.", param="order")
        files, has_more = self.store.list_files(
            purpose=query.get("purpose"), limit=limit, order=order, after=query.get("after")
        )
        return JSONResponse(
            {
                "object": "list",
                "data": [file.to_json() for file in files],
                "first_id": files[0].id if files else None,
                "last_id": files[-1].id if files else None,
                "has_more": has_more,
            }
        )

    async def retrieve_file(self, request: Request) -> Response:
        self.authorize(request)
        return JSONResponse(self.store.get_file(request.path_params["file_id"]).to_json())

    async def delete_file(self, request: Request) -> Response:
        self.authorize(request)
        file_id = request.path_params["file_id"]
        self.store.get_file(file_id)
        self.store.delete_file(file_id)
        return JSONResponse({"id": file_id, "object": "file", "deleted": True})

    async def file_content(self, request: Request) -> Response:
        self.authorize(request)
        file = self.store.get_file(request.path_params["file_id"])
        return PiecesResponse(self.store.file_pieces(file.id), file.bytes)

    def authorize_control(self, request: Request, *content_types: str) -> None:
        """Emulator-only routes: the key when one is set, and (for a body) only the given
        content types, none of which a browser page may send without a CORS preflight
        (which the emulator never grants)."""
        if self.api_key is not None:
            self.authorize(request)
        if request.method in ("POST", "PUT"):
            content_type = request.headers.get("content-type", "")
            essence = content_type.split(";", 1)[0].strip().lower()
            if essence not in content_types:
                raise ApiError(
                    415,
                    f"Unsupported Content-Type {content_type!r}: this route accepts only "
                    + " or ".join(content_types)
                    + ".",
                    code="unsupported_media_type",
                )

    async def sink(self, request: Request) -> Response:
        """Emulator only: read a body of any size, discard it, report its length."""
        self.authorize_control(request, "application/octet-stream", "application/json")
        total = 0
        async for chunk in request.stream():
            total += len(chunk)
        return JSONResponse({"object": "emulator.sink", "bytes": total})

    async def faults(self, request: Request) -> Response:
        """Emulator only: GET the fault config and counts; POST a new config (JSON)."""
        self.authorize_control(request, "application/json")
        if request.method == "POST":
            from ._faults import FaultConfig

            try:
                self.injector.configure(FaultConfig.from_json(await _json_object(request)))
            except (TypeError, ValueError) as exc:
                raise bad_request(str(exc)) from None
        elif request.method == "DELETE":
            self.injector.reset_stats()
        return JSONResponse(
            {"config": self.injector.config.to_json(), "stats": self.injector.stats()}
        )

    async def fault_script(self, request: Request) -> Response:
        """Emulator only: GET the script's remaining instructions; POST a new script."""
        self.authorize_control(request, "application/json")
        if request.method == "POST":
            try:
                self.injector.set_script(await _json_object(request))
            except (TypeError, ValueError) as exc:
                raise bad_request(str(exc)) from None
        return JSONResponse({"script": self.injector.script()})

    async def request_log(self, request: Request) -> Response:
        """Emulator only: GET the request log; DELETE clears it."""
        self.authorize_control(request)
        if request.method == "DELETE":
            self.injector.log.clear()
        records = [r.to_json() for r in self.injector.log.records()]
        return JSONResponse({"requests": records})

    async def _on_api_error(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return _error_response(exc)

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
        return _error_response(ApiError(status, message, headers=headers))

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
