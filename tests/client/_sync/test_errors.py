# Generated from tests/client/_async/test_errors.py by `python scripts/unasync.py`: do not edit.
"""Every non-2xx becomes the typed exception; transport failures and bad bodies too."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from openai_uploads import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    OpenAI,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)

from ..conftest import TEST_API_KEY, Reply, ScriptedServer

CREATE = {"bytes": 3, "filename": "a.txt", "mime_type": "text/plain", "purpose": "assistants"}

# The emulator produces these statuses itself (API rules or fault injection).
EMULATOR_STATUSES = {
    400: BadRequestError,
    401: AuthenticationError,
    404: NotFoundError,
    429: RateLimitError,
    500: InternalServerError,
    503: InternalServerError,
}
# The emulator never answers these; the scripted loopback server does (real sockets).
SCRIPTED_STATUSES = {403: PermissionDeniedError, 409: ConflictError, 422: UnprocessableEntityError}


def _provoke(status: int, emulator: Any) -> None:
    from openai_uploads.emulator import FaultConfig

    key = "sk-wrong" if status == 401 else TEST_API_KEY
    with OpenAI(api_key=key, base_url=emulator.base_url, max_retries=0) as client:
        if status == 400:
            client.uploads.create(**{**CREATE, "bytes": -1})
        elif status == 404:
            client.files.retrieve("file-missing")
        else:
            if status != 401:
                emulator.faults = FaultConfig(**{f"p_{status}": 1.0}, retry_after=0)
            client.uploads.create(**CREATE)


@pytest.mark.parametrize("status", sorted(EMULATOR_STATUSES))
def test_emulator_status_raises_its_exception_class(status: int, emulator: Any) -> None:
    with pytest.raises(APIStatusError) as info:
        _provoke(status, emulator)
    assert type(info.value) is EMULATOR_STATUSES[status]
    assert info.value.status_code == status
    assert info.value.response.status_code == status
    assert info.value.request_id == info.value.response.headers["x-request-id"]
    assert info.value.message
    assert info.value.type


@pytest.mark.parametrize("status", sorted(SCRIPTED_STATUSES))
def test_other_status_raises_its_exception_class(
    status: int, scripted: ScriptedServer, scripted_client: OpenAI
) -> None:
    error = {"message": f"nope {status}", "type": "some_error", "param": "purpose", "code": "c1"}
    scripted.script(Reply(status=status, body={"error": error}, headers={"x-request-id": "req_1"}))
    with pytest.raises(APIStatusError) as info:
        scripted_client.with_options(max_retries=0).uploads.create(**CREATE)
    exc = info.value
    assert type(exc) is SCRIPTED_STATUSES[status]
    assert (exc.status_code, exc.message, exc.type, exc.param, exc.code, exc.request_id) == (
        status,
        f"Error code: {status} - nope {status}",
        "some_error",
        "purpose",
        "c1",
        "req_1",
    )


def test_error_body_that_is_not_json_still_raises_the_status_error(
    scripted: ScriptedServer, scripted_client: OpenAI
) -> None:
    scripted.script(Reply(status=502, body=b"<html>bad gateway</html>"))
    with pytest.raises(InternalServerError, match="502"):
        scripted_client.with_options(max_retries=0).files.retrieve("file-1")


def test_unparsable_success_body_raises_response_validation_error(
    scripted: ScriptedServer, scripted_client: OpenAI
) -> None:
    scripted.script(Reply(status=200, body={"id": "upload_1"}))
    with pytest.raises(APIResponseValidationError) as info:
        scripted_client.uploads.create(**CREATE)
    assert info.value.status_code == 200


def test_non_json_success_body_raises_response_validation_error(
    scripted: ScriptedServer, scripted_client: OpenAI
) -> None:
    scripted.script(Reply(status=200, body=b"not json"))
    with pytest.raises(APIResponseValidationError):
        scripted_client.files.retrieve("file-1")


def test_refused_connection_raises_api_connection_error() -> None:
    client = OpenAI(api_key=TEST_API_KEY, base_url="http://127.0.0.1:9/v1", max_retries=0)
    with client:
        with pytest.raises(APIConnectionError) as info:
            client.files.retrieve("file-1")
    assert not isinstance(info.value, APITimeoutError)
    assert isinstance(info.value.__cause__, httpx.ConnectError)


def test_slow_answer_raises_api_timeout_error(
    scripted: ScriptedServer, scripted_client: OpenAI
) -> None:
    scripted.script(Reply(delay=1.0))
    with pytest.raises(APITimeoutError):
        scripted_client.with_options(max_retries=0).uploads.cancel("upload_abc", timeout=0.2)
