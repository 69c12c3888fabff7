"""The Files routes: create (one multipart request), list, retrieve, delete, content."""

from __future__ import annotations

from typing import Final

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from openai_uploads_client.sdk import OPERATIONS

from ._bodies import PiecesResponse
from ._errors import bad_request
from ._file_form import FileForm, boundary_of
from ._input import check_file_type
from ._request_rules import (
    RouteSet,
    check_fields,
    check_purpose,
    check_with_model,
    file_expiry,
    non_empty_str,
)

_CREATE_FILE_FIELDS: Final = frozenset(name for name, _ in OPERATIONS["createFile"].body_fields)
_LIST_FILES_PARAMS: Final = frozenset(name for name, *_ in OPERATIONS["listFiles"].query_params)
_LIST_FILES_MAX: Final = 10_000


class FileRoutes(RouteSet):
    """``/v1/files`` and below."""

    async def create_file(self, request: Request) -> Response:
        """``POST /v1/files``: a file of at most 512 MB in one multipart request."""
        self.authorize(request)
        form = FileForm(self.store.tmp_path(".file"))
        try:
            await form.read(boundary_of(request.headers.get("content-type")), request.stream())
            data = form.fields
            check_fields(data, _CREATE_FILE_FIELDS)
            if not form.seen_file:
                raise bad_request("Missing required parameter: 'file'.", param="file")
            purpose = non_empty_str(data, "purpose")
            check_purpose(purpose)
            expiry = data.get("expires_after")
            if isinstance(expiry, dict) and str(expiry.get("seconds", "")).isdecimal():
                expiry["seconds"] = int(expiry["seconds"])  # form fields are text
            seconds = file_expiry(data)
            check_with_model(data, "createFile")
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
