"""The public methods have the signatures openai-python documents for them, sync and async.

The expected signatures are transcribed from openai-python's Uploads documentation: names,
kinds (``*`` makes keyword-only) and defaults. ``upload_file_chunked`` may add
keyword-only parameters after the documented ones.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import pytest

from openai_uploads import NOT_GIVEN, AsyncOpenAI, OpenAI, omit

P = inspect.Parameter
POS, KW = P.POSITIONAL_OR_KEYWORD, P.KEYWORD_ONLY
REQUIRED = P.empty

REQUEST_OPTIONS = [
    ("extra_headers", KW, None),
    ("extra_query", KW, None),
    ("extra_body", KW, None),
    ("timeout", KW, NOT_GIVEN),
]

DOCUMENTED: dict[str, list[tuple[str, Any, Any]]] = {
    "uploads.create": [
        ("bytes", KW, REQUIRED),
        ("filename", KW, REQUIRED),
        ("mime_type", KW, REQUIRED),
        ("purpose", KW, REQUIRED),
        ("expires_after", KW, omit),
        *REQUEST_OPTIONS,
    ],
    "uploads.complete": [
        ("upload_id", POS, REQUIRED),
        ("part_ids", KW, REQUIRED),
        ("md5", KW, omit),
        *REQUEST_OPTIONS,
    ],
    "uploads.cancel": [("upload_id", POS, REQUIRED), *REQUEST_OPTIONS],
    "uploads.upload_file_chunked": [
        ("file", KW, REQUIRED),
        ("mime_type", KW, REQUIRED),
        ("purpose", KW, REQUIRED),
        ("filename", KW, None),
        ("bytes", KW, None),
        ("part_size", KW, None),
        ("md5", KW, omit),
    ],
    "uploads.parts.create": [
        ("upload_id", POS, REQUIRED),
        ("data", KW, REQUIRED),
        *REQUEST_OPTIONS,
    ],
}
EXTENSIBLE = {"uploads.upload_file_chunked"}


def _method(client: Any, path: str) -> Callable[..., Any]:
    target = client
    for name in path.split("."):
        target = getattr(target, name)
    return target  # type: ignore[no-any-return]


@pytest.fixture(params=["sync", "async"])
def any_client(request: pytest.FixtureRequest) -> Any:
    cls = OpenAI if request.param == "sync" else AsyncOpenAI
    return cls(api_key="sk-signature", base_url="http://127.0.0.1:9/v1", load_plugins=False)


@pytest.mark.parametrize("path", sorted(DOCUMENTED))
def test_method_matches_the_documented_signature(any_client: Any, path: str) -> None:
    method = _method(any_client, path)
    params = [(p.name, p.kind, p.default) for p in inspect.signature(method).parameters.values()]
    expected = DOCUMENTED[path]
    if path in EXTENSIBLE:
        extra = params[len(expected) :]
        params = params[: len(expected)]
        assert all(kind == KW and default is not REQUIRED for _, kind, default in extra), extra
    assert params == expected


@pytest.mark.parametrize("path", sorted(DOCUMENTED))
def test_async_client_methods_are_coroutine_functions(path: str) -> None:
    client = AsyncOpenAI(api_key="sk-signature", base_url="http://127.0.0.1:9/v1")
    assert inspect.iscoroutinefunction(_method(client, path))
    sync = OpenAI(api_key="sk-signature", base_url="http://127.0.0.1:9/v1")
    assert not inspect.iscoroutinefunction(_method(sync, path))
