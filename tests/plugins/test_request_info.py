"""The three request events share one base, ``RequestInfo``, and look to a plugin exactly
as they did before it: the same fields, constructor keywords and reprs."""

from __future__ import annotations

import dataclasses

import pytest

import openai_uploads
from openai_uploads.hookspecs import (
    OutgoingRequest,
    RequestFinished,
    RequestInfo,
    RequestStarted,
)

SHARED = {
    "operation": "add_part",
    "method": "POST",
    "url": "https://api.example/v1/uploads/upload_1/parts",
    "attempt": 1,
    "upload_id": "upload_1",
    "part_number": 2,
    "body_size": 10,
}
OUTCOME = {"elapsed": 0.5, "status_code": 200, "request_id": "req_1", "error": None}


def field_names(cls: type) -> list[str]:
    return [f.name for f in dataclasses.fields(cls)]


@pytest.mark.parametrize("event", [RequestStarted, OutgoingRequest, RequestFinished])
def test_every_request_event_is_a_request_info(event: type) -> None:
    assert issubclass(event, RequestInfo)
    assert field_names(event)[: len(SHARED)] == list(SHARED)


def test_request_info_is_public() -> None:
    assert openai_uploads.RequestInfo is RequestInfo
    assert "RequestInfo" in openai_uploads.__all__


def test_each_event_keeps_its_own_fields() -> None:
    assert set(field_names(RequestStarted)) == set(SHARED)
    assert set(field_names(OutgoingRequest)) == {*SHARED, "headers"}
    assert set(field_names(RequestFinished)) == {*SHARED, *OUTCOME}


def test_the_optional_fields_keep_their_defaults() -> None:
    event = RequestStarted(operation="create_upload", method="POST", url="u", attempt=0)
    assert (event.upload_id, event.part_number, event.body_size) == (None, None, 0)


def test_events_are_frozen_and_keyword_only() -> None:
    event = RequestStarted(**SHARED)
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.attempt = 2  # type: ignore[misc]
    with pytest.raises(TypeError):
        RequestStarted("add_part", "POST", "u", 0)  # type: ignore[misc]


def test_reprs_are_unchanged() -> None:
    shared = (
        "operation='add_part', method='POST', "
        "url='https://api.example/v1/uploads/upload_1/parts', attempt=1"
    )
    optional = "upload_id='upload_1', part_number=2, body_size=10"
    assert repr(RequestStarted(**SHARED)) == f"RequestStarted({shared}, {optional})"
    assert (
        repr(OutgoingRequest(**SHARED, headers={"x-a": "b"}))
        == f"OutgoingRequest({shared}, {optional}, headers={{'x-a': 'b'}})"
    )
    assert repr(RequestFinished(**SHARED, **OUTCOME)) == (
        f"RequestFinished({shared}, elapsed=0.5, status_code=200, request_id='req_1', "
        f"error=None, {optional})"
    )


def test_events_compare_by_type_and_value() -> None:
    assert RequestStarted(**SHARED) == RequestStarted(**SHARED)
    assert RequestStarted(**SHARED) != RequestInfo(**SHARED)
