"""Errors have openai-python's classes, attributes and messages: the same answers through
both packages (sync and async, see conftest) raise the same, and the Azure clients'
configuration errors read as openai-python's."""

from __future__ import annotations

import inspect
import typing
from typing import Any

import pytest

import openai_uploads
from openai_uploads._async.azure import AsyncAzureOpenAI
from openai_uploads._async.client import AsyncOpenAI
from openai_uploads._azure_core import AzureClientChanges
from openai_uploads._config import ClientArgs, ClientChanges

from .conftest import KEY, Reply, Side, Wire, run

ERROR = {"message": "Incorrect API key provided", "type": "invalid_request_error",
         "param": None, "code": "invalid_api_key"}  # fmt: skip

ANSWERS = {
    "400": Reply(400, json={"error": {**ERROR, "param": "purpose", "code": None}}),
    "401": Reply(401, json={"error": ERROR}, headers={"x-request-id": "req_123"}),
    "403": Reply(403, json={"error": ERROR}),
    "404": Reply(404, json={"error": {**ERROR, "code": 404}}),
    "409": Reply(409, json={"error": ERROR}),
    "422": Reply(422, json={"error": ERROR}),
    "429": Reply(429, json={"error": ERROR}),
    "500": Reply(500, json={"error": ERROR}),
    "418 unlisted": Reply(418, json={"error": ERROR}),
    "no error object": Reply(400, json={"message": "top-level message", "type": "x"}),
    "error without message": Reply(400, json={"error": {"type": "x"}}),
    "error is a string": Reply(400, json={"error": "just a string"}),
    "a JSON list": Reply(400, json=[1, 2]),
    "not JSON": Reply(502, text="<html>Bad gateway</html>"),
    "empty": Reply(400, text=""),
}


def raised(client: Any) -> Exception:
    with pytest.raises(Exception, match=r"^Error code: \d{3}") as info:
        run(client.copy(max_retries=0).files.retrieve("file-abc"))
    return info.value


@pytest.mark.parametrize("answer", list(ANSWERS))
def test_status_errors_match_openai(side: Side, answer: str) -> None:
    reply = ANSWERS[answer]
    theirs, ours, _, _ = side.pair(Wire(lambda sent: reply))
    mine, expected = raised(ours), raised(theirs)
    assert type(mine).__name__ == type(expected).__name__
    assert isinstance(mine, getattr(openai_uploads, type(expected).__name__))
    assert str(mine) == str(expected)
    for name in ("message", "status_code", "request_id", "body", "code", "param", "type"):
        assert getattr(mine, name) == getattr(expected, name), name
    assert mine.response.status_code == expected.response.status_code
    assert str(mine.request.url) == str(expected.request.url)


def test_the_message_names_the_status_code_first(side: Side) -> None:
    _, ours, _, _ = side.pair(Wire(lambda sent: ANSWERS["401"]))
    assert str(raised(ours)) == "Error code: 401 - Incorrect API key provided"


# --------------------------------------------------------------------------- Azure


AZURE = {"azure_endpoint": "https://res.openai.azure.com", "api_version": "2025-04-01-preview"}


def configured(cls: Any, **options: Any) -> tuple[str, str]:
    try:
        cls(**AZURE, **options)
    except Exception as exc:
        return type(exc).__name__, str(exc)
    return "", ""


@pytest.mark.parametrize(
    "options",
    [
        {},  # no credential at all
        {"api_key": KEY, "azure_ad_token": "t"},
        {"api_key": KEY, "max_retries": None},
        {"api_key": KEY, "max_retries": -1},
    ],
    ids=["missing credentials", "two credentials", "max_retries None", "max_retries -1"],
)
def test_azure_configuration_errors_match_openai(
    side: Side, options: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("AZURE_OPENAI_API_KEY", "AZURE_OPENAI_AD_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    expected = configured(side.their_azure, **options)
    assert expected[0]
    assert configured(side.our_azure, load_plugins=False, **options) == expected


@pytest.mark.parametrize("token", ["", None, 42], ids=repr)
def test_an_azure_token_provider_returning_no_token_fails_as_in_openai(
    side: Side, token: Any
) -> None:
    def make(which: str) -> Any:
        cls = side.their_azure if which == "theirs" else side.our_azure
        extra = {"load_plugins": False} if which == "ours" else {}
        http = side.http(which, Wire())
        return cls(**AZURE, azure_ad_token_provider=lambda: token, http_client=http, **extra)

    errors = []
    for which in ("theirs", "ours"):
        with pytest.raises(ValueError, match="azure_ad_token_provider") as info:
            run(make(which).copy(max_retries=0).files.retrieve("file-abc"))
        errors.append((type(info.value).__name__, str(info.value)))
    assert errors[1] == errors[0]


# --------------------------------------------------------------------------- one option list


def keyword_names(function: Any) -> set[str]:
    return {
        p.name
        for p in inspect.signature(function).parameters.values()
        if p.kind is inspect.Parameter.KEYWORD_ONLY
    }


def test_the_constructors_take_exactly_the_listed_options() -> None:
    # The constructors keep explicit signatures; ClientArgs is the list copy() reads.
    assert keyword_names(AsyncOpenAI.__init__) == set(typing.get_type_hints(ClientArgs))
    azure_only = set(typing.get_type_hints(AzureClientChanges)) - set(
        typing.get_type_hints(ClientChanges)
    )
    assert keyword_names(AsyncAzureOpenAI.__init__) == keyword_names(AsyncOpenAI.__init__) | (
        azure_only
    )


def test_copy_takes_every_constructor_option() -> None:
    changes = set(typing.get_type_hints(AzureClientChanges))
    assert keyword_names(openai_uploads.AzureOpenAI.__init__) <= changes
    assert {"set_default_headers", "set_default_query"} <= changes
