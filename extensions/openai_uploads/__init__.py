"""openai-uploads: a Python SDK for the OpenAI Uploads API.

Example::

    from openai_uploads import OpenAI

    client = OpenAI()  # reads OPENAI_API_KEY
    upload = client.uploads.create(
        bytes=size, filename="data.jsonl", mime_type="application/jsonl", purpose="batch"
    )
    part = client.uploads.parts.create(upload_id=upload.id, data=chunk)
    completed = client.uploads.complete(upload_id=upload.id, part_ids=[part.id])

Logging: every module logs to a child of the ``openai_uploads`` logger, which has a
``NullHandler`` and nothing else, so the package prints nothing unless the app
configures logging (``logging.basicConfig()``, or a handler of its own) or sets
``OPENAI_LOG=info`` (or ``debug``), which, as in openai-python, sets that logger's level
and gives the root logger a stderr handler (``logging.basicConfig``) at import.
"""

import logging as _logging
import os as _os
from importlib import import_module as _import_module
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .hookspecs import (
    BytesSent,
    DigestsComputed,
    DigestSetup,
    OutgoingRequest,
    PartCompleted,
    RequestFinished,
    RequestInfo,
    RequestStarted,
    RetryContext,
    RetryDecision,
    TransferStarted,
    UploadCancelled,
    UploadCompleted,
    UploadFailed,
    UploadsPlugin,
    UploadStarted,
    Veto,
    hookimpl,
)

if TYPE_CHECKING:
    from ._aiohttp import DefaultAioHttpClient
    from ._azure import (
        AsyncAzureADTokenProvider,
        AsyncAzureOpenAI,
        AzureADTokenProvider,
        AzureOpenAI,
        MutuallyExclusiveAuthError,
    )
    from ._client import AsyncOpenAI, OpenAI
    from ._exceptions import (
        APIConnectionError,
        APIError,
        APIResponseValidationError,
        APIStatusError,
        APITimeoutError,
        AuthenticationError,
        BadRequestError,
        ChecksumMismatchError,
        ConflictError,
        FileChangedError,
        FileTooLargeError,
        InternalServerError,
        MissingFileError,
        NotFoundError,
        OpenAIError,
        PermissionDeniedError,
        PluginError,
        RateLimitError,
        UnprocessableEntityError,
        UploadCompletionError,
        UploadError,
        UploadExpiredError,
        UploadVetoedError,
    )
    from ._pool import DefaultAsyncHttpxClient, DefaultHttpxClient
    from ._transfer._many import UploadResult
    from ._types import (
        NOT_GIVEN,
        ExpiresAfter,
        FileContent,
        FileDeleted,
        FileList,
        FileObject,
        FilePurpose,
        FileTypes,
        NotGiven,
        Omit,
        Upload,
        UploadPart,
        not_given,
        omit,
    )
# The clients, types and errors load on first use (PEP 562), not with the package, so the
# pytest plugin (``openai_uploads.testing``) and ``hookspecs`` are cheap to import in a
# process that never makes a client; ``from openai_uploads import OpenAI`` is as ever.
# A name of ``__all__`` not defined here comes from the first of these modules with it.
_LAZY_MODULES = (
    "._azure",
    "._client",
    "._exceptions",
    "._pool",
    "._transfer._many",
    "._types",
    "._aiohttp",
)


def __getattr__(name: str) -> Any:
    if name in __all__:
        for module_name in _LAZY_MODULES:
            module = _import_module(module_name, __name__)
            if hasattr(module, name):
                value = getattr(module, name)
                globals()[name] = value  # later look-ups do not come here
                return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


# Quiet by default: without a handler of its own, a warning the app never asked to see
# (e.g. about a failure it catches) would go to stderr through logging's last resort.
_logging.getLogger(__name__).addHandler(_logging.NullHandler())

_LOG_LEVELS = {
    "debug": _logging.DEBUG,
    "info": _logging.INFO,
    "warning": _logging.WARNING,
    "error": _logging.ERROR,
    "critical": _logging.CRITICAL,
}


def _setup_logging() -> None:
    """``OPENAI_LOG``: the same switch, levels and line format as openai-python's."""
    level = _LOG_LEVELS.get(_os.environ.get("OPENAI_LOG", ""))
    if level is None:
        return
    _logging.basicConfig(
        format="[%(asctime)s - %(name)s:%(lineno)d - %(levelname)s] %(message)s",
        datefmt="%Y-%m-%d %H:%M:%S",
    )
    _logging.getLogger(__name__).setLevel(level)


_setup_logging()

__all__ = [
    "__version__",
    # clients
    "OpenAI",
    "AsyncOpenAI",
    "AzureOpenAI",
    "AsyncAzureOpenAI",
    "AzureADTokenProvider",
    "AsyncAzureADTokenProvider",
    "DefaultHttpxClient",
    "DefaultAsyncHttpxClient",
    "DefaultAioHttpClient",
    # types
    "Upload",
    "UploadResult",
    "UploadPart",
    "FileObject",
    "FileDeleted",
    "FileList",
    "FilePurpose",
    "FileTypes",
    "FileContent",
    "ExpiresAfter",
    # sentinels
    "Omit",
    "omit",
    "NotGiven",
    "NOT_GIVEN",
    "not_given",
    # errors
    "OpenAIError",
    "APIError",
    "APIStatusError",
    "APIResponseValidationError",
    "APIConnectionError",
    "APITimeoutError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "UnprocessableEntityError",
    "RateLimitError",
    "InternalServerError",
    "PluginError",
    "UploadError",
    "ChecksumMismatchError",
    "UploadVetoedError",
    "UploadCompletionError",
    "UploadExpiredError",
    "FileChangedError",
    "MissingFileError",
    "FileTooLargeError",
    "MutuallyExclusiveAuthError",
    # plugins
    "hookimpl",
    "UploadsPlugin",
    "RetryContext",
    "RetryDecision",
    "Veto",
    "TransferStarted",
    "UploadStarted",
    "BytesSent",
    "PartCompleted",
    "UploadCompleted",
    "UploadFailed",
    "UploadCancelled",
    "RequestInfo",
    "RequestStarted",
    "OutgoingRequest",
    "RequestFinished",
    "DigestSetup",
    "DigestsComputed",
]
