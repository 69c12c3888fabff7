"""The request builder sends every part of a generated ``_get_kwargs()`` or refuses at once.

Query-string cases run against the scripted loopback server (it records what arrived);
the refusal is checked on the sans-I/O builder, since no generated operation produces an
unknown key today.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

import pytest

from openai_uploads import OpenAI
from openai_uploads._base_client import APICall, RequestOptions, parse_bytes

from .conftest import ScriptedServer

PAGE_JSON = {"object": "list", "data": [], "first_id": None, "last_id": None, "has_more": False}


def _call(kwargs: dict[str, Any], **options: Any) -> APICall[bytes]:
    return APICall(
        operation="probe",
        make_kwargs=lambda: dict(kwargs),
        parse=parse_bytes,
        options=RequestOptions(**options),
    )


def test_generated_query_parameters_reach_the_wire(
    scripted: ScriptedServer, scripted_client: OpenAI
) -> None:
    scripted.default.body = PAGE_JSON
    scripted_client.files.list(purpose="batch", limit=2, order="asc", after="file-x")
    (request,) = scripted.requests
    assert request.path == "/v1/files"
    assert parse_qs(request.query) == {
        "purpose": ["batch"],
        "limit": ["2"],
        "order": ["asc"],
        "after": ["file-x"],
    }


def test_extra_query_joins_the_generated_query(
    scripted: ScriptedServer, scripted_client: OpenAI
) -> None:
    scripted.default.body = PAGE_JSON
    scripted_client.files.list(limit=2, extra_query={"limit": 5, "trace": "1"})
    (request,) = scripted.requests
    assert parse_qs(request.query) == {"limit": ["5"], "trace": ["1"]}


def test_omitted_query_parameters_are_not_sent(
    scripted: ScriptedServer, scripted_client: OpenAI
) -> None:
    scripted.default.body = PAGE_JSON
    scripted_client.files.list()
    assert scripted.requests[0].query == ""


def test_params_cookies_content_and_data_are_built_into_the_request(
    scripted_client: OpenAI,
) -> None:
    kwargs = {
        "method": "post",
        "url": "/things",
        "params": {"a": "1"},
        "cookies": {"session": "s1"},
        "content": b"raw bytes",
        "headers": {"Content-Type": "application/octet-stream"},
    }
    request = scripted_client._build_request(_call(kwargs), attempt=0)
    assert request.url.params["a"] == "1"
    assert request.headers["cookie"] == "session=s1"
    assert request.read() == b"raw bytes"
    form = scripted_client._build_request(
        _call({"method": "post", "url": "/form", "data": {"x": "1"}}, extra_body={"y": 2}),
        attempt=0,
    )
    assert form.read() == b"x=1&y=2"


def test_unknown_generated_key_is_refused_before_sending(scripted_client: OpenAI) -> None:
    kwargs = {"method": "get", "url": "/things", "follow_redirects": True}
    with pytest.raises(TypeError, match=r"probe: the generated request has \['follow_redirects'\]"):
        scripted_client._build_request(_call(kwargs), attempt=0)


def test_extra_body_on_a_raw_body_is_refused(scripted_client: OpenAI) -> None:
    kwargs = {"method": "post", "url": "/raw", "content": b"x"}
    with pytest.raises(TypeError, match="extra_body"):
        scripted_client._build_request(_call(kwargs, extra_body={"y": 1}), attempt=0)
