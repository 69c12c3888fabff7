"""The client's surface behaves as openai-python's: the same calls through both packages
(sync and async) over one mock handler (see conftest) return, raise and send the same."""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
from typing import Any

import httpx
import openai
import pytest

import openai_uploads

from .conftest import FILE, KEY, Reply, Side, Wire, httpx2, outcome, run, without_sdk_headers


def sent_after(side: Side, call: Any, **options: Any) -> tuple[Any, Any]:
    """What each client sent for ``call(client)`` (its custom headers and URL)."""
    theirs, ours, their_wire, our_wire = side.pair(**options)
    run(call(theirs))
    run(call(ours))
    return (
        [(s.method, s.url, without_sdk_headers(s.headers)) for s in their_wire.sent],
        [(s.method, s.url, without_sdk_headers(s.headers)) for s in our_wire.sent],
    )


def retrieve(client: Any) -> Any:
    return client.files.retrieve("file-abc")


# --------------------------------------------------------------------------- copy


@pytest.mark.parametrize(
    "changes",
    [
        {"default_headers": {"x-b": "2"}},
        {"set_default_headers": {"x-b": "2"}},
        {"default_query": {"b": "2"}},
        {"set_default_query": {"b": "2"}},
        {"organization": "org-2", "project": "proj-2"},
        {"base_url": "https://example.test/v2"},
        {"api_key": "sk-other"},
    ],
    ids=repr,
)
def test_copy_sends_what_openai_copy_sends(side: Side, changes: dict[str, Any]) -> None:
    theirs, ours = sent_after(
        side,
        lambda client: retrieve(client.copy(**changes)),
        default_headers={"x-a": "1"},
        default_query={"a": "1"},
        organization="org-1",
    )
    assert ours == theirs


def test_with_options_is_copy(side: Side) -> None:
    assert side.ours.with_options is side.ours.copy
    assert side.our_azure.with_options is side.our_azure.copy
    assert side.theirs.with_options is side.theirs.copy


@pytest.mark.parametrize("name", ["headers", "query"])
def test_copy_refuses_both_add_and_replace(side: Side, name: str) -> None:
    theirs, ours, _, _ = side.pair()
    both = {f"default_{name}": {"a": "1"}, f"set_default_{name}": {"a": "2"}}
    assert outcome(lambda: ours.copy(**both)) == outcome(lambda: theirs.copy(**both))
    assert outcome(lambda: ours.copy(**both))[0] == "ValueError"


@pytest.mark.parametrize("value", [None, -1, "2"], ids=repr)
def test_max_retries_errors_match(side: Side, value: Any) -> None:
    theirs, ours, _, _ = side.pair()
    expected = outcome(lambda: theirs.copy(max_retries=value))
    assert expected[0]
    assert outcome(lambda: ours.copy(max_retries=value)) == expected
    assert outcome(lambda: side.client("ours", Wire(), max_retries=value)) == outcome(
        lambda: side.client("theirs", Wire(), max_retries=value)
    )


def test_copy_keeps_the_options_it_is_not_given(side: Side) -> None:
    theirs, ours, _, _ = side.pair(max_retries=5, timeout=12.0, organization="org-1")
    for original in (theirs, ours):
        copy = original.copy(project="p")
        assert (copy.max_retries, copy.organization, copy.project) == (5, "org-1", "p")
    assert ours.copy().timeout == 12.0 == theirs.copy().timeout


def test_a_copy_shares_the_http_client_unless_given_one(side: Side) -> None:
    for which in ("theirs", "ours"):
        first, second = Wire(), Wire()
        client = side.client(which, first)
        run(retrieve(client.copy(max_retries=1)))
        run(retrieve(client.copy(http_client=side.http(which, second))))
        assert (len(first.sent), len(second.sent)) == (1, 1), which


def test_a_copy_given_plugins_has_its_own(side: Side) -> None:
    calls: list[str] = []

    class Plugin:
        @openai_uploads.hookimpl
        def on_request_start(self, event: Any) -> None:
            calls.append(event.operation)

    client = side.client("ours", Wire())
    run(retrieve(client.copy(plugins=[Plugin()])))
    run(retrieve(client.copy(max_retries=1)))
    assert calls == ["retrieve_file"]


# --------------------------------------------------------------------------- default_query


def test_default_query_and_extra_query_are_sent_as_openai_sends_them(side: Side) -> None:
    theirs, ours = sent_after(
        side,
        lambda client: client.files.retrieve("file-abc", extra_query={"b": "2", "a": "3"}),
        default_query={"a": "1", "c": "4"},
    )
    assert ours == theirs


# --------------------------------------------------------------------------- http clients


def test_default_httpx_client_has_openai_defaults(side: Side) -> None:
    ours, theirs = side.our_default_http(), side.their_default_http()
    assert isinstance(ours, side.our_http)
    assert ours.timeout.as_dict() == theirs.timeout.as_dict()
    assert ours.follow_redirects == theirs.follow_redirects
    pool, their_pool = ours._transport._pool, theirs._transport._pool
    assert (pool._max_connections, pool._max_keepalive_connections) == (
        their_pool._max_connections,
        their_pool._max_keepalive_connections,
    )


def test_a_client_on_default_httpx_client_keeps_the_sdk_timeout(side: Side) -> None:
    ours = side.ours(api_key=KEY, http_client=side.our_default_http(), load_plugins=False)
    theirs = side.theirs(api_key=KEY, http_client=side.their_default_http())
    assert ours.timeout.as_dict() == theirs.timeout.as_dict()


def test_an_httpx2_timeout_is_read(side: Side) -> None:
    timeout = httpx2.Timeout(10.0, connect=2.0)
    ours = side.client("ours", Wire(), timeout=timeout)
    theirs = side.client("theirs", Wire(), timeout=timeout)
    assert isinstance(ours.timeout, httpx.Timeout)
    assert ours.timeout.as_dict() == theirs.timeout.as_dict()
    ours.copy(timeout=httpx2.Timeout(3.0))  # a copy reads it too
    assert ours.copy(timeout=httpx2.Timeout(3.0)).timeout == httpx.Timeout(3.0)


def test_an_httpx2_client_is_refused_in_one_line_saying_what_to_pass(side: Side) -> None:
    kind, message = outcome(lambda: side.ours(api_key=KEY, http_client=side.their_http()))
    assert kind == "TypeError"
    assert "\n" not in message
    assert "httpx2" in message
    assert "DefaultHttpxClient" in message or "DefaultAsyncHttpxClient" in message


def test_an_http_client_of_the_wrong_kind_is_refused_with_openai_words(side: Side) -> None:
    wrong = httpx.AsyncClient() if side.name == "sync" else httpx.Client()
    their_kind, their_message = outcome(lambda: side.theirs(api_key=KEY, http_client=wrong))
    kind, message = outcome(lambda: side.ours(api_key=KEY, http_client=wrong))
    assert kind == their_kind == "TypeError"
    expected = "Invalid `http_client` argument; Expected an instance of `httpx."
    for text in (message, their_message):
        assert text.startswith(expected)
        assert text.endswith(f"but got {type(wrong)}")


# --------------------------------------------------------------------------- state


def test_is_closed_is_a_method_as_in_openai(side: Side) -> None:
    # Each with its own pool: a caller's http_client is closed by openai-python's close()
    # but left open by this SDK's (a documented difference).
    ours, theirs = side.ours(api_key=KEY, load_plugins=False), side.theirs(api_key=KEY)
    assert (ours.is_closed(), theirs.is_closed()) == (False, False)
    for client in (ours, theirs):
        run(client.close())
    assert (ours.is_closed(), theirs.is_closed()) == (True, True)


def test_base_url_is_a_url_ending_in_a_slash(side: Side) -> None:
    theirs, ours, _, _ = side.pair(base_url="https://example.test/v9")
    assert isinstance(ours.base_url, httpx.URL)
    assert str(ours.base_url) == str(theirs.base_url) == "https://example.test/v9/"


@pytest.mark.parametrize("base_url", ["http://proxy.test:4010", "http://proxy.test:4010/"])
def test_a_base_url_without_a_path_gets_requests_under_its_root(side: Side, base_url: str) -> None:
    def call(client: Any) -> Any:
        client.base_url = base_url
        return retrieve(client)

    theirs, ours = sent_after(side, call)
    assert ours == theirs
    assert ours[0][1] == "http://proxy.test:4010/files/file-abc"


def test_a_base_url_without_a_path_reads_back_ending_in_a_slash(side: Side) -> None:
    _, ours, _, _ = side.pair(base_url="http://proxy.test:4010")
    assert str(ours.base_url) == "http://proxy.test:4010/"


def test_setting_base_url_moves_the_requests_as_in_openai(side: Side) -> None:
    def call(client: Any) -> Any:
        client.base_url = "https://other.test/v2"
        assert str(client.base_url) == "https://other.test/v2/"
        return retrieve(client)

    theirs, ours = sent_after(side, call)
    assert ours == theirs
    assert ours[0][1] == "https://other.test/v2/files/file-abc"


# --------------------------------------------------------------------------- low-level calls


LOW_LEVEL: dict[str, Any] = {
    "get object": lambda c, cast: c.get("/files/file-abc", cast_to=cast),
    "get with params": lambda c, cast: c.get(
        "files", cast_to=cast, options={"params": {"limit": 2}, "headers": {"x-h": "1"}}
    ),
    "post body": lambda c, cast: c.post("/files/file-abc", cast_to=cast, body={"a": [1, 2]}),
    "post extra_json": lambda c, cast: c.post(
        "/files/file-abc", cast_to=cast, body={"a": 1}, options={"extra_json": {"b": 2}}
    ),
    "delete": lambda c, cast: c.delete(
        "/files/file-abc", cast_to=cast, options={"params": {"a": 1}}
    ),
}


@pytest.mark.parametrize("call", list(LOW_LEVEL))
def test_low_level_calls_send_and_return_what_openai_does(side: Side, call: str) -> None:
    make = LOW_LEVEL[call]
    theirs, ours, their_wire, our_wire = side.pair()
    assert run(make(ours, object)) == run(make(theirs, object)) == FILE
    assert [shown(s) for s in our_wire.sent] == [shown(s) for s in their_wire.sent]


def shown(sent: Any) -> tuple[Any, ...]:
    headers = without_sdk_headers(sent.headers)
    if sent.body is None:  # openai-python labels a DELETE without a body application/json
        headers.pop("content-type", None)
    return sent.method, sent.url, sent.body, headers


def test_low_level_cast_to_a_model_or_the_response(side: Side) -> None:
    theirs, ours, _, _ = side.pair()
    model = run(ours.get("/files/file-abc", cast_to=openai_uploads.FileObject))
    their_model = run(theirs.get("/files/file-abc", cast_to=openai.types.FileObject))
    assert model.model_dump() == their_model.model_dump()
    response = run(ours.get("/files/file-abc", cast_to=httpx.Response))
    their_response = run(theirs.get("/files/file-abc", cast_to=httpx2.Response))
    assert isinstance(response, httpx.Response)
    assert (response.status_code, response.json()) == (
        their_response.status_code,
        their_response.json(),
    )


def test_low_level_calls_retry_and_raise_like_every_method(side: Side) -> None:
    answers = iter([Reply(503, json={"error": {"message": "busy"}}), Reply(json=FILE)])
    wire = Wire(lambda sent: next(answers))
    client = side.client("ours", wire, max_retries=1)
    client = client.copy()
    openai_uploads_retry_fast(client)
    assert run(client.get("/files/file-abc", cast_to=object)) == FILE
    assert len(wire.sent) == 2


def openai_uploads_retry_fast(client: Any) -> None:
    from openai_uploads.testing import FastRetries

    client.plugins.register(FastRetries())


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize("name", ["NOT_GIVEN", "not_given", "NotGiven", "omit", "Omit"])
def test_sentinels_have_openai_names(name: str) -> None:
    ours, theirs = getattr(openai_uploads, name), getattr(openai, name)
    assert bool(ours) is bool(theirs)
    if name in ("NOT_GIVEN", "not_given"):
        assert repr(ours) == repr(theirs)
        assert isinstance(ours, openai_uploads.NotGiven)


@pytest.mark.parametrize("level", ["debug", "info"])
def test_openai_log_sets_the_level_as_openai_does(level: str) -> None:
    script = (
        "import logging, openai, openai_uploads;"
        "print(logging.getLogger('openai').level, logging.getLogger('openai_uploads').level,"
        " len(logging.getLogger().handlers))"
    )
    env = {**os.environ, "OPENAI_LOG": level}
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    theirs, ours, handlers = out.stdout.split()
    assert ours == theirs != "0"
    assert handlers == "1"


def test_openai_log_debug_logs_each_request() -> None:
    script = (
        "import httpx, openai_uploads as o;"
        "h = httpx.Client(transport=httpx.MockTransport("
        "lambda r: httpx.Response(200, json=" + repr(FILE) + ")));"
        "o.OpenAI(api_key='k', http_client=h).files.retrieve('file-abc')"
    )
    env = {**os.environ, "OPENAI_LOG": "debug"}
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert "retrieve_file GET" in out.stderr
    assert "DEBUG" in out.stderr


@pytest.mark.parametrize(
    "client_class",
    [
        openai_uploads.OpenAI,
        openai_uploads.AsyncOpenAI,
        openai_uploads.AzureOpenAI,
        openai_uploads.AsyncAzureOpenAI,
    ],
)
def test_copy_shows_every_constructor_option_as_openai_does(client_class: type) -> None:
    """``inspect.signature(client.copy)`` names what the constructor takes (as openai-python's
    does), and the two replacing forms, although ``copy`` is written with ``**changes``."""
    init = inspect.signature(client_class.__init__).parameters
    copy = inspect.signature(client_class.copy).parameters
    assert set(init) - set(copy) == set()
    assert set(copy) - set(init) == {"set_default_headers", "set_default_query"}
    assert inspect.signature(client_class.with_options) == inspect.signature(client_class.copy)
