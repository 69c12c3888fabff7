"""Strict input: JSON bodies (size, numbers, nesting, Unicode) and MIME types per purpose.

Every refusal is an :class:`ApiError` in the API's error shape, never a 500.
"""

from __future__ import annotations

import json
import math
import mimetypes
import os
from typing import Any, Final, NoReturn

from ._errors import ApiError, bad_request

MAX_JSON_BODY: Final = 1024 * 1024
"""Largest JSON request body accepted (bytes); larger ones get a 413."""
MAX_JSON_DEPTH: Final = 32
"""Deepest nesting of arrays and objects accepted in a JSON body."""

_JSONL: Final = frozenset(
    {
        "application/jsonl",
        "application/json-lines",
        "application/jsonlines",
        "application/x-jsonl",
        "application/x-jsonlines",
        "application/x-ndjson",
        "application/ndjson",
        "text/jsonl",
        "text/x-jsonl",
    }
)
_IMAGES: Final = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
_ASSISTANTS: Final = frozenset(
    {
        # file search
        "text/x-c",
        "text/x-c++",
        "text/x-csharp",
        "text/css",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "text/x-golang",
        "text/html",
        "text/x-java",
        "text/javascript",
        "application/json",
        "text/markdown",
        "application/pdf",
        "text/x-php",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "text/x-python",
        "text/x-script.python",
        "text/x-ruby",
        "application/x-sh",
        "text/x-tex",
        "application/typescript",
        "text/plain",
        # code interpreter, besides the above
        "text/csv",
        "application/csv",
        "application/octet-stream",
        "application/x-tar",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/xml",
        "text/xml",
        "application/zip",
        *_IMAGES,
        # JSONL: a text format the tools read (and the purpose the Files list filters on)
        *_JSONL,
    }
)
SUPPORTED_MIME_TYPES: Final[dict[str, frozenset[str] | None]] = {
    "assistants": _ASSISTANTS,
    "vision": _IMAGES,
    "batch": _JSONL,
    "fine-tune": _JSONL,
    "evals": _JSONL,
    "user_data": None,
}
"""The MIME types each purpose accepts (None: any). Parameters such as ``; charset=utf-8``
and letter case are ignored."""


_EXTENSIONS: Final = {
    # what the standard library's table lacks or names otherwise
    ".jsonl": "application/jsonl",
    ".md": "text/markdown",
    ".py": "text/x-python",
    ".go": "text/x-golang",
    ".rb": "text/x-ruby",
    ".php": "text/x-php",
    ".ts": "application/typescript",
    ".tex": "text/x-tex",
    ".java": "text/x-java",
    ".c": "text/x-c",
    ".cpp": "text/x-c++",
    ".cs": "text/x-csharp",
    ".sh": "application/x-sh",
}
_UNSAID: Final = frozenset({"", "application/octet-stream"})


def _essence(mime_type: str) -> str:
    return mime_type.split(";", 1)[0].strip().lower()


def check_mime_type(purpose: str, mime_type: str) -> None:
    """Refuse a MIME type outside the supported types of ``purpose``."""
    supported = SUPPORTED_MIME_TYPES.get(purpose)
    if supported is None:
        return
    if _essence(mime_type) not in supported:
        raise bad_request(
            f"Invalid value for 'mime_type': {mime_type!r} is not supported for purpose "
            f"{purpose!r}. Supported types: {', '.join(sorted(supported))}.",
            param="mime_type",
            code="unsupported_mime_type",
        )


def check_file_type(purpose: str, filename: str, content_type: str | None) -> None:
    """Refuse a ``POST /v1/files`` file whose type is not supported for ``purpose``: the
    type its part declares, or, where that says nothing (absent or
    ``application/octet-stream``, as clients send for an extension they do not know),
    the type its filename's extension names."""
    supported = SUPPORTED_MIME_TYPES.get(purpose)
    if supported is None:
        return
    declared = _essence(content_type or "")
    if declared in supported:
        return
    extension = os.path.splitext(filename)[1].lower()
    guessed = _EXTENSIONS.get(extension) or mimetypes.guess_type("f" + extension)[0] or ""
    if declared in _UNSAID and _essence(guessed) in supported:
        return
    shown = declared if declared not in _UNSAID else (guessed or "unknown")
    raise bad_request(
        f"Invalid file {filename!r}: its type ({shown}) is not supported for purpose "
        f"{purpose!r}. Supported types: {', '.join(sorted(supported))}.",
        param="file",
        code="unsupported_file",
    )


def _unparseable() -> NoReturn:
    raise bad_request(
        "We could not parse the JSON body of your request. (HINT: This likely means you "
        "aren't using your HTTP library correctly.)"
    )


def _no_constant(name: str) -> NoReturn:
    raise bad_request(f"Invalid JSON: {name} is not a number the API accepts.")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        _no_constant(text)
    return value


def _check_tree(data: Any) -> None:
    """Nesting at most MAX_JSON_DEPTH deep; every string encodable as UTF-8."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            _check_text(value)
        elif isinstance(value, dict | list):
            if depth > MAX_JSON_DEPTH:
                raise bad_request(f"Invalid JSON: nested more than {MAX_JSON_DEPTH} levels deep.")
            if isinstance(value, dict):
                for key, item in value.items():
                    _check_text(key)
                    stack.append((item, depth + 1))
            else:
                stack.extend((item, depth + 1) for item in value)


def _check_text(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise bad_request(
            "Invalid JSON: a string holds an unpaired surrogate (\\ud800-\\udfff), which is "
            "not valid Unicode."
        ) from None


def parse_json(raw: bytes) -> Any:
    """``raw`` as JSON, refusing NaN/Infinity, deep nesting and invalid Unicode."""
    try:
        data = json.loads(raw, parse_constant=_no_constant, parse_float=_finite_float)
    except ApiError:
        raise
    except (ValueError, RecursionError):
        _unparseable()
    _check_tree(data)
    return data


def too_large(limit: int = MAX_JSON_BODY) -> ApiError:
    return ApiError(
        413,
        f"The request body is larger than the {limit} bytes this endpoint accepts.",
        code="request_too_large",
    )
