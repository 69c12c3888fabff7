"""``AzureOpenAI`` sends what openai-python's ``AzureOpenAI`` sends, for the same calls.

Both clients run over ``httpx.MockTransport`` (openai-python over its own httpx's mock
transport): the point is to compare the requests each builds byte for byte, which needs
no server; the emulator's Azure routes are exercised over real sockets elsewhere.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
from collections.abc import Callable
from typing import Any

import httpx
import openai
import openai.lib.azure as openai_azure
import pytest

import openai_uploads

httpx2: Any = getattr(openai_azure, "httpx2", httpx)
"""The httpx openai-python is built on (newer releases use the ``httpx2`` fork)."""

ENDPOINT = "https://my-resource.openai.azure.com"
API_VERSION = "2025-04-01-preview"
KEY = "azure-key-1f0c6e0b-DO-NOT-LEAK"
DATA = b"0123456789" * 100

UPLOAD = {
    "id": "upload_abc",
    "object": "upload",
    "bytes": len(DATA),
    "created_at": 1700000000,
    "expires_at": 1700003600,
    "filename": "train.jsonl",
    "purpose": "fine-tune",
    "status": "pending",
}
PART = {
    "id": "part_1",
    "object": "upload.part",
    "created_at": 1700000000,
    "upload_id": "upload_abc",
}
FILE = {
    "id": "file-1",
    "object": "file",
    "bytes": len(DATA),
    "created_at": 1700000000,
    "filename": "train.jsonl",
    "purpose": "fine-tune",
    "status": "processed",
}


def _answer(method: str, path: str) -> dict[str, Any]:
    if path.endswith("/files"):
        return {"object": "list", "data": [FILE], "has_more": False, "first_id": "file-1",
                "last_id": "file-1"}  # fmt: skip
    if path.endswith("/parts"):
        return PART
    if path.endswith("/complete"):
        return {**UPLOAD, "status": "completed", "file": FILE}
    if path.endswith("/cancel"):
        return {**UPLOAD, "status": "cancelled"}
    if "/files/" in path:
        return {"id": "file-1", "object": "file", "deleted": True} if method == "DELETE" else FILE
    return UPLOAD


def _multipart(content_type: str, body: bytes) -> list[tuple[str | None, bytes]]:
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
    )
    fields: list[tuple[str | None, bytes]] = []
    for part in message.iter_parts():
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        fields.append((part.get_param("name", header="content-disposition"), payload))
    return fields


def _summary(method: str, url: str, headers: Any, body: bytes) -> dict[str, Any]:
    """What must be equal: method, URL (with api-version), auth, body / multipart fields."""
    content_type = headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        payload: Any = _multipart(content_type, body)
    elif body:
        payload = json.loads(body)
    else:
        payload = None
    return {
        "method": method,
        "url": url,
        "api-key": headers.get("api-key"),
        "authorization": headers.get("authorization"),
        # openai-python labels an empty POST body application/json; only a body has a type
        "content-type": content_type.split(";")[0] if body else None,
        "body": payload,
    }


def _ours(**options: Any) -> tuple[openai_uploads.AzureOpenAI, list[dict[str, Any]]]:
    seen: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        body = request.read()
        seen.append(_summary(request.method, str(request.url), request.headers, body))
        return httpx.Response(200, json=_answer(request.method, request.url.path))

    http = httpx.Client(transport=httpx.MockTransport(handler))
    client = openai_uploads.AzureOpenAI(http_client=http, load_plugins=False, **options)
    return client, seen


def _theirs(**options: Any) -> tuple[openai.AzureOpenAI, list[dict[str, Any]]]:
    seen: list[dict[str, Any]] = []

    def handler(request: Any) -> Any:
        body = request.read()
        seen.append(_summary(request.method, str(request.url), request.headers, body))
        return httpx2.Response(200, json=_answer(request.method, request.url.path))

    http = httpx2.Client(transport=httpx2.MockTransport(handler))
    return openai.AzureOpenAI(http_client=http, **options), seen


def _calls(client: Any) -> None:
    upload = client.uploads.create(
        bytes=len(DATA), filename="train.jsonl", mime_type="application/jsonl", purpose="fine-tune"
    )
    part = client.uploads.parts.create(upload.id, data=DATA)
    client.uploads.complete(upload.id, part_ids=[part.id], md5="0" * 32)
    client.uploads.cancel(upload.id)
    client.files.retrieve("file-1")
    client.files.delete("file-1")
    client.files.list(limit=2)


def _counting_provider() -> Callable[[], str]:
    calls = 0

    def provider() -> str:
        nonlocal calls
        calls += 1
        return f"entra-token-{calls}"

    return provider


CONFIGS: dict[str, Callable[[], dict[str, Any]]] = {
    "api key": lambda: {"azure_endpoint": ENDPOINT, "api_key": KEY},
    "token provider": lambda: {
        "azure_endpoint": ENDPOINT,
        "azure_ad_token_provider": _counting_provider(),
    },
    "static token": lambda: {"azure_endpoint": ENDPOINT, "azure_ad_token": "entra-static"},
    "api key callable": lambda: {"azure_endpoint": ENDPOINT, "api_key": _counting_provider()},
    "deployment": lambda: {
        "azure_endpoint": ENDPOINT + "/",
        "azure_deployment": "gpt-4o-mini",
        "api_key": KEY,
    },
    "base_url and default_query": lambda: {
        "base_url": ENDPOINT + "/openai",
        "api_key": KEY,
        "default_query": {"tenant": "t1"},
    },
}


@pytest.mark.parametrize("config", list(CONFIGS))
def test_requests_equal_openai_pythons(config: str) -> None:
    ours, ours_seen = _ours(api_version=API_VERSION, **CONFIGS[config]())
    theirs, theirs_seen = _theirs(api_version=API_VERSION, **CONFIGS[config]())
    with ours, theirs:
        _calls(ours)
        _calls(theirs)
    assert len(ours_seen) == 7
    assert ours_seen == theirs_seen
    assert all(f"api-version={API_VERSION}" in seen["url"] for seen in ours_seen)


def test_uploads_go_to_the_openai_path_with_api_version() -> None:
    client, seen = _ours(api_version=API_VERSION, azure_endpoint=ENDPOINT, api_key=KEY)
    with client:
        _calls(client)
    assert [s["url"] for s in seen[:4]] == [
        f"{ENDPOINT}/openai/uploads?api-version={API_VERSION}",
        f"{ENDPOINT}/openai/uploads/upload_abc/parts?api-version={API_VERSION}",
        f"{ENDPOINT}/openai/uploads/upload_abc/complete?api-version={API_VERSION}",
        f"{ENDPOINT}/openai/uploads/upload_abc/cancel?api-version={API_VERSION}",
    ]
    assert {s["api-key"] for s in seen} == {KEY}
    assert {s["authorization"] for s in seen} == {None}


def test_a_token_provider_is_asked_for_every_request() -> None:
    provider = _counting_provider()
    client, seen = _ours(
        api_version=API_VERSION, azure_endpoint=ENDPOINT, azure_ad_token_provider=provider
    )
    with client:
        _calls(client)
    assert [s["authorization"] for s in seen] == [f"Bearer entra-token-{i}" for i in range(1, 8)]
    assert {s["api-key"] for s in seen} == {None}


def test_extra_query_adds_to_the_api_version() -> None:
    client, seen = _ours(api_version=API_VERSION, azure_endpoint=ENDPOINT, api_key=KEY)
    with client:
        client.uploads.cancel("upload_abc", extra_query={"trace": "1"})
    assert seen[0]["url"] == (
        f"{ENDPOINT}/openai/uploads/upload_abc/cancel?api-version={API_VERSION}&trace=1"
    )


def test_a_callable_api_key_is_asked_for_every_request_and_sent_as_api_key() -> None:
    provider = _counting_provider()
    client, seen = _ours(api_version=API_VERSION, azure_endpoint=ENDPOINT, api_key=provider)
    with client:
        _calls(client)
    assert [s["api-key"] for s in seen] == [f"entra-token-{i}" for i in range(1, 8)]
    assert {s["authorization"] for s in seen} == {None}


def test_v1_surface_with_a_token_provider_as_api_key_equals_openai_pythons() -> None:
    """Azure's v1 API with Entra ID: ``OpenAI(base_url=.../openai/v1/, api_key=provider)``."""
    ours_seen: list[dict[str, Any]] = []
    theirs_seen: list[dict[str, Any]] = []

    def ours_handler(request: httpx.Request) -> httpx.Response:
        ours_seen.append(
            _summary(request.method, str(request.url), request.headers, request.read())
        )
        return httpx.Response(200, json=_answer(request.method, request.url.path))

    def theirs_handler(request: Any) -> Any:
        theirs_seen.append(
            _summary(request.method, str(request.url), request.headers, request.read())
        )
        return httpx2.Response(200, json=_answer(request.method, request.url.path))

    base_url = ENDPOINT + "/openai/v1/"
    ours = openai_uploads.OpenAI(
        base_url=base_url,
        api_key=_counting_provider(),
        http_client=httpx.Client(transport=httpx.MockTransport(ours_handler)),
        load_plugins=False,
    )
    theirs = openai.OpenAI(
        base_url=base_url,
        api_key=_counting_provider(),
        http_client=httpx2.Client(transport=httpx2.MockTransport(theirs_handler)),
    )
    with ours, theirs:
        _calls(ours)
        _calls(theirs)
    assert ours_seen == theirs_seen
    assert ours_seen[0]["url"] == f"{ENDPOINT}/openai/v1/uploads"
    assert [s["authorization"] for s in ours_seen] == [
        f"Bearer entra-token-{i}" for i in range(1, 8)
    ]


@pytest.mark.parametrize(
    "changes",
    [
        {"default_query": {"b": "2"}},
        {"api_version": "2024-10-21"},
        {"azure_ad_token": "entra-x"},
        {"base_url": "https://gateway.example.com/azure/openai"},
    ],
    ids=["default_query", "api_version", "azure_ad_token", "base_url"],
)
def test_with_options_requests_equal_openai_pythons(changes: dict[str, Any]) -> None:
    options = {"azure_endpoint": ENDPOINT, "api_key": KEY, "default_query": {"a": "1"}}
    ours, ours_seen = _ours(api_version=API_VERSION, **options)
    theirs, theirs_seen = _theirs(api_version=API_VERSION, **options)
    with ours, theirs:
        ours.with_options(**changes).uploads.cancel("upload_abc")
        theirs.with_options(**changes).uploads.cancel("upload_abc")
    assert ours_seen == theirs_seen
