# Generated from tests/client/_async/test_lenient_responses.py by `python scripts/unasync.py`: do not edit.
"""Answers in new shapes: kept as received by default, refused under
``strict_response_validation=True``; the fields the client acts on are always checked.

The bodies come from the scripted loopback server (the emulator answers only in the
documented shapes).
"""

from __future__ import annotations

import copy
import logging
import time
from pathlib import Path
from typing import Any

import pytest

from openai_uploads import (
    APIResponseValidationError,
    AzureOpenAI,
    OpenAI,
    UploadCompletionError,
)

from ..conftest import PART_JSON, TEST_API_KEY, UPLOAD_JSON, Reply, ScriptedServer

DRIFTED_FILE: dict[str, Any] = {
    "id": "file-abc",
    "object": "file.v2",
    "bytes": 3,
    "created_at": 1700000000,
    "filename": "a.txt",
    "purpose": "assistants",
    "status": "scanning",
    "status_details": {"reason": "queued", "eta_seconds": 4},
    "expires_at": None,
    "labels": ["new"],
}
DRIFTED_PENDING: dict[str, Any] = {
    **UPLOAD_JSON,
    "object": "upload.v2",
    "expires_at": None,
    "region": {"name": "eu"},
}
DRIFTED_COMPLETED: dict[str, Any] = {
    **DRIFTED_PENDING,
    "status": "completed",
    "file": DRIFTED_FILE,
}
CREATE = {"bytes": 3, "filename": "a.txt", "mime_type": "text/plain", "purpose": "assistants"}


def _client(server: ScriptedServer, **options: Any) -> OpenAI:
    return OpenAI(api_key=TEST_API_KEY, base_url=server.base_url, load_plugins=False, **options)


def test_retrieve_keeps_a_file_in_a_new_shape(scripted: ScriptedServer) -> None:
    scripted.script(Reply(body=DRIFTED_FILE))
    with _client(scripted) as client:
        file = client.files.retrieve("file-abc")
    assert (file.id, file.bytes, file.object) == ("file-abc", 3, "file.v2")
    assert file.status == "scanning"
    assert file.status_details == {"reason": "queued", "eta_seconds": 4}
    assert file.expires_at is None
    assert file.to_dict()["labels"] == ["new"]


def test_create_keeps_an_upload_in_a_new_shape(scripted: ScriptedServer) -> None:
    scripted.script(Reply(body=DRIFTED_PENDING))
    with _client(scripted) as client:
        upload = client.uploads.create(**CREATE)
    assert (upload.id, upload.status, upload.bytes) == ("upload_abc", "pending", 3)
    assert upload.expires_at is None
    assert upload.object == "upload.v2"
    assert upload.to_dict()["region"] == {"name": "eu"}


def test_complete_keeps_a_completed_upload_in_a_new_shape(scripted: ScriptedServer) -> None:
    scripted.script(Reply(body=DRIFTED_COMPLETED))
    with _client(scripted) as client:
        upload = client.uploads.complete("upload_abc", part_ids=["part_abc"])
    assert upload.status == "completed"
    assert upload.file is not None
    assert (upload.file.id, upload.file.bytes) == ("file-abc", 3)
    assert upload.file.status_details == {"reason": "queued", "eta_seconds": 4}


def test_a_field_kept_as_received_is_logged_at_debug(
    scripted: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    scripted.script(Reply(body=DRIFTED_FILE))
    with caplog.at_level(logging.DEBUG, logger="openai_uploads"):
        with _client(scripted) as client:
            client.files.retrieve("file-abc")
    logged = caplog.text
    assert "FileObject.status_details" in logged
    assert "labels" in logged


def test_chunked_upload_completes_over_answers_in_a_new_shape(
    scripted: ScriptedServer, tmp_path: Path
) -> None:
    source = tmp_path / "a.txt"
    source.write_bytes(b"abc")
    scripted.script(
        Reply(body=DRIFTED_PENDING), Reply(body=PART_JSON), Reply(body=DRIFTED_COMPLETED)
    )
    with _client(scripted) as client:
        upload = client.uploads.upload_file_chunked(
            file=source, mime_type="text/plain", purpose="assistants"
        )
    assert upload.file is not None
    assert upload.file.id == "file-abc"
    assert [r.path.rsplit("/", 1)[-1] for r in scripted.requests] == [
        "uploads",
        "parts",
        "complete",
    ]  # and no cancel


@pytest.mark.parametrize(
    ("field", "value"),
    [("id", None), ("bytes", "3"), ("status", 7)],
)
def test_fields_the_client_acts_on_are_still_checked(
    scripted: ScriptedServer, field: str, value: object
) -> None:
    scripted.script(Reply(body={**DRIFTED_PENDING, field: value}))
    with _client(scripted) as client:
        with pytest.raises(APIResponseValidationError, match=field):
            client.uploads.create(**CREATE)


def test_a_file_without_its_size_is_still_refused(scripted: ScriptedServer) -> None:
    broken = copy.deepcopy(DRIFTED_COMPLETED)
    del broken["file"]["bytes"]
    scripted.script(Reply(body=broken))
    with _client(scripted) as client:
        with pytest.raises(APIResponseValidationError, match="file"):
            client.uploads.complete("upload_abc", part_ids=["part_abc"])


# --------------------------------------------------------------------------- strict


def test_strict_retrieve_refuses_a_file_in_a_new_shape(scripted: ScriptedServer) -> None:
    scripted.script(Reply(body={**DRIFTED_FILE, "object": "file"}))
    client = _client(scripted, strict_response_validation=True)
    with client:
        with pytest.raises(APIResponseValidationError, match="status_details"):
            client.files.retrieve("file-abc")


def test_strict_create_refuses_an_upload_in_a_new_shape(scripted: ScriptedServer) -> None:
    scripted.script(Reply(body=DRIFTED_PENDING))
    client = _client(scripted, strict_response_validation=True)
    with client:
        with pytest.raises(APIResponseValidationError):
            client.uploads.create(**CREATE)


def test_strict_complete_refuses_a_completed_upload_in_a_new_shape(
    scripted: ScriptedServer,
) -> None:
    scripted.script(Reply(body={**DRIFTED_COMPLETED, "object": "upload"}))
    client = _client(scripted).with_options(strict_response_validation=True)
    assert client.strict_response_validation
    with client:
        with pytest.raises(APIResponseValidationError, match="expires_at"):
            client.uploads.complete("upload_abc", part_ids=["part_abc"])


def test_strict_chunked_upload_fails_over_an_answer_in_a_new_shape(
    scripted: ScriptedServer, tmp_path: Path
) -> None:
    source = tmp_path / "a.txt"
    source.write_bytes(b"abc")
    scripted.script(
        Reply(body={**UPLOAD_JSON, "expires_at": int(time.time()) + 3600}),
        Reply(body=PART_JSON),
        Reply(body=DRIFTED_COMPLETED),
    )
    with _client(scripted, strict_response_validation=True) as client:
        with pytest.raises(UploadCompletionError):
            client.uploads.upload_file_chunked(
                file=source, mime_type="text/plain", purpose="assistants"
            )


def test_with_options_turns_strict_checks_off_again(scripted: ScriptedServer) -> None:
    scripted.script(Reply(body=DRIFTED_FILE))
    strict = _client(scripted, strict_response_validation=True)
    with strict:
        lenient = strict.with_options(strict_response_validation=False)
        assert (lenient.files.retrieve("file-abc")).object == "file.v2"


def test_azure_clients_take_the_strict_option(scripted: ScriptedServer) -> None:
    scripted.script(Reply(body=DRIFTED_FILE))
    azure = AzureOpenAI(
        api_key=TEST_API_KEY,
        api_version="2024-10-21",
        base_url=scripted.base_url,
        strict_response_validation=True,
    )
    assert azure.strict_response_validation
    assert not azure.with_options(strict_response_validation=False).strict_response_validation
    with azure:
        with pytest.raises(APIResponseValidationError):
            azure.files.retrieve("file-abc")


def test_strict_option_must_be_a_bool() -> None:
    with pytest.raises(TypeError, match="strict_response_validation"):
        OpenAI(api_key=TEST_API_KEY, strict_response_validation="yes")  # type: ignore[arg-type]
