"""The exceptions this package raises.

The HTTP family mirrors openai-python's, so code written against it catches the same
names: :class:`APIError` → :class:`APIStatusError` (one subclass per status) and
:class:`APIConnectionError` → :class:`APITimeoutError`. Transfer-level failures of
``upload_file_chunked`` are :class:`UploadError` subclasses carrying the Upload id.
"""

from __future__ import annotations

import errno
import os
import warnings
from typing import Any, Literal

import httpx


class OpenAIError(Exception):
    """The base of every exception this package raises on purpose.

    When ``upload_file_chunked`` fails, the error it raises (an API error, a
    :class:`PluginError` or an :class:`UploadError`) names the Upload it worked on:

    Attributes:
        upload_id: the Upload's id (None when none was created, or outside a transfer).
        upload_cancelled: whether that Upload was cancelled on the server; False when it
            was kept for resuming (``resume=True`` / ``keep_on_failure=True``).
    """

    upload_id: str | None = None
    upload_cancelled: bool = False


class APIError(OpenAIError):
    """A request failed: no usable response, or an error response."""

    message: str
    request: httpx.Request
    body: object | None
    """The decoded error body (the ``error`` object), when the server sent JSON."""
    code: str | None
    param: str | None
    type: str | None

    def __init__(self, message: str, request: httpx.Request, *, body: object | None) -> None:
        super().__init__(message)
        self.message = message
        self.request = request
        self.body = body
        if isinstance(body, dict):
            self.code = _str_or_none(body.get("code"))
            self.param = _str_or_none(body.get("param"))
            self.type = _str_or_none(body.get("type"))
        else:
            self.code = self.param = self.type = None


class APIResponseValidationError(APIError):
    """A 2xx response whose body does not have the documented shape."""

    response: httpx.Response
    status_code: int

    def __init__(
        self, response: httpx.Response, body: object | None, *, message: str | None = None
    ) -> None:
        super().__init__(
            message or "The response body does not match the expected schema.",
            response.request,
            body=body,
        )
        self.response = response
        self.status_code = response.status_code


class APIStatusError(APIError):
    """The server answered with a 4xx or 5xx status."""

    response: httpx.Response
    status_code: int
    request_id: str | None

    def __init__(self, message: str, *, response: httpx.Response, body: object | None) -> None:
        super().__init__(message, response.request, body=body)
        self.response = response
        self.status_code = response.status_code
        self.request_id = response.headers.get("x-request-id")


class APIConnectionError(APIError):
    """No response arrived: the connection failed or broke."""

    def __init__(self, *, message: str = "Connection error.", request: httpx.Request) -> None:
        super().__init__(message, request, body=None)


class APITimeoutError(APIConnectionError):
    """The request timed out."""

    def __init__(self, request: httpx.Request) -> None:
        super().__init__(message="Request timed out.", request=request)


class BadRequestError(APIStatusError):
    """400: the request broke a rule of the API (wrong md5, byte count, part size...)."""

    status_code: Literal[400] = 400


class AuthenticationError(APIStatusError):
    """401: no valid API key."""

    status_code: Literal[401] = 401


class PermissionDeniedError(APIStatusError):
    """403: the key may not do this."""

    status_code: Literal[403] = 403


class NotFoundError(APIStatusError):
    """404: no Upload or File has that id."""

    status_code: Literal[404] = 404


class ConflictError(APIStatusError):
    """409: the object is not in a state that allows the request."""

    status_code: Literal[409] = 409


class UnprocessableEntityError(APIStatusError):
    """422: well-formed but not processable."""

    status_code: Literal[422] = 422


class RateLimitError(APIStatusError):
    """429: too many requests; retried after ``Retry-After`` by default."""

    status_code: Literal[429] = 429


class InternalServerError(APIStatusError):
    """Any 5xx status."""


_STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def status_error_class(status_code: int) -> type[APIStatusError]:
    """The exception class for an error status (``APIStatusError`` for unlisted 4xx)."""
    if status_code >= 500:
        return InternalServerError
    return _STATUS_ERRORS.get(status_code, APIStatusError)


class PluginError(OpenAIError):
    """A plugin is at fault: it could not be loaded or registered, it raised in a
    decision hook (retry, request headers, digests, veto), or it returned a result of
    the wrong kind. The message names the plugin (and its distribution when installed).

    Attributes:
        plugin: the plugin's registered name (None when no single plugin is to blame).
        distribution: ``"name version"`` of the installed package it comes from, if any.
        hook: the hook it failed in (None when it failed to load or register).
    """

    def __init__(
        self,
        message: str,
        *,
        hook: str | None = None,
        plugin: str | None = None,
        distribution: str | None = None,
    ) -> None:
        super().__init__(message)
        self.hook = hook
        self.plugin = plugin
        self.distribution = distribution


class UploadError(OpenAIError):
    """``upload_file_chunked`` failed; ``upload_id`` names the Upload it worked on.

    ``upload_cancelled`` says whether that Upload was cancelled on the server; when the
    caller asked to keep it (resume), it is left ``pending`` and ``upload_cancelled`` is
    False.
    """

    def __init__(
        self,
        message: str,
        *,
        upload_id: str | None,
        upload_cancelled: bool = False,
        **details: Any,
    ) -> None:
        super().__init__(message)
        if "cancelled" in details:  # the former name of upload_cancelled
            warnings.warn(
                "UploadError(cancelled=...) is deprecated; use upload_cancelled=",
                DeprecationWarning,
                stacklevel=2,
            )
            upload_cancelled = bool(details.pop("cancelled"))
        self.upload_id = upload_id
        self.upload_cancelled = upload_cancelled
        self.details = details

    @property
    def cancelled(self) -> bool:
        """Deprecated: the same as :attr:`upload_cancelled`, which every error carries."""
        warnings.warn(
            "UploadError.cancelled is deprecated; use upload_cancelled",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.upload_cancelled

    def __str__(self) -> str:
        text = super().__str__()
        if self.upload_id and self.upload_id not in text:
            state = "cancelled" if self.upload_cancelled else "left pending"
            text = f"{text} (Upload {self.upload_id}, {state})"
        return text


class ChecksumMismatchError(UploadError):
    """A digest differs from the one expected (the md5 the caller gave, or another
    plugin's :class:`~openai_uploads.hookspecs.ChecksumVeto`); nothing completed."""


class UploadVetoedError(UploadError):
    """A plugin's ``check_digests`` vetoed completion."""


class UploadExpiredError(UploadError):
    """The Upload expired (one hour after creation) before it could complete."""


class UploadCompletionError(UploadError):
    """``complete`` answered with something other than this Upload, ``completed``, with a
    File of the declared ``bytes`` (a cancelled or still pending Upload, no File, another
    Upload's id, a File of another size).

    ``status`` is the status the answer gave. When the Upload may still be pending it is
    cancelled (``upload_cancelled`` says whether that worked).
    """

    status: str | None

    def __init__(
        self,
        message: str,
        *,
        upload_id: str | None,
        status: str | None = None,
        still_pending: bool = False,
        **details: Any,
    ) -> None:
        super().__init__(message, upload_id=upload_id, **details)
        self.status = status
        self.still_pending = still_pending


class FileChangedError(UploadError):
    """The file changed while it was being uploaded (it ended early, or its size or
    modification time moved), or a stream did not hold the ``bytes=`` declared (it ended
    early or went on past them): the bytes sent may not be the input's, so the Upload
    is cancelled and nothing completes."""


def _str_or_none(value: object) -> str | None:
    return None if value is None else str(value)


# --------------------------------------------------------------------------- input files


class MissingFileError(FileNotFoundError, ValueError):
    """A path given as the file to upload does not exist; nothing was sent.

    Both a ``FileNotFoundError`` (what openai-python lets through) and a ``ValueError``
    (what this package documents for a path it cannot read), so either ``except``
    clause catches it. ``errno``, ``strerror`` and ``filename`` are set as
    ``open()``'s would be.
    """

    def __init__(self, path: str) -> None:
        super().__init__(errno.ENOENT, os.strerror(errno.ENOENT), path)


class FileTooLargeError(ValueError):
    """The file is larger than the call takes (``files.create``: 512 MB); nothing was
    sent. ``size`` and ``limit`` are in bytes; larger files go through an Upload."""

    def __init__(self, message: str, *, size: int, limit: int) -> None:
        super().__init__(message)
        self.size = size
        self.limit = limit
