"""Responses are held to the generated annotations; absent optional fields read as None.

The bodies come from the scripted loopback server: a deliberately broken server (the
emulator answers only well-formed objects).
"""

from __future__ import annotations

import copy

import pytest

from openai_uploads import APIResponseValidationError, OpenAI

from .conftest import UPLOAD_JSON, Reply, ScriptedServer

FILE_JSON = {
    "id": "file-abc",
    "object": "file",
    "bytes": 3,
    "created_at": 1700000000,
    "filename": "a.txt",
    "purpose": "assistants",
}


def _completed(**file_changes: object) -> dict[str, object]:
    body = copy.deepcopy(UPLOAD_JSON)
    body["status"] = "completed"
    body["file"] = {**FILE_JSON, **file_changes}
    return body


def test_nested_object_that_does_not_parse_names_the_field_and_its_cause(
    scripted: ScriptedServer, scripted_client: OpenAI
) -> None:
    broken = _completed()
    del broken["file"]["id"]  # type: ignore[attr-defined]
    scripted.script(Reply(body=broken))
    with pytest.raises(APIResponseValidationError) as caught:
        scripted_client.uploads.cancel("upload_abc")
    assert "Upload.file" in str(caught.value)
    assert "FileObject" in str(caught.value)
    assert "KeyError('id')" in str(caught.value)


def test_field_of_the_wrong_type_names_the_field(
    scripted: ScriptedServer, scripted_client: OpenAI
) -> None:
    scripted.script(Reply(body={**UPLOAD_JSON, "bytes": "3"}))
    with pytest.raises(APIResponseValidationError, match=r"Upload\.bytes: expected int, got str"):
        scripted_client.uploads.cancel("upload_abc")


def test_nested_field_of_the_wrong_type_names_the_nested_field(
    scripted: ScriptedServer, scripted_client: OpenAI
) -> None:
    scripted.script(Reply(body=_completed(bytes=None)))
    with pytest.raises(APIResponseValidationError, match=r"Upload\.file\.bytes: expected int"):
        scripted_client.uploads.cancel("upload_abc")


def test_absent_optional_fields_read_as_none(
    scripted: ScriptedServer, scripted_client: OpenAI
) -> None:
    body = _completed()
    del body["object"]
    scripted.script(Reply(body=body))
    upload = scripted_client.uploads.cancel("upload_abc")
    assert upload.object is None
    assert upload.file is not None
    assert upload.file.status is None
    assert upload.file.status_details is None
    assert upload.file.expires_at is None


def test_unknown_enum_value_is_kept_as_a_string(
    scripted: ScriptedServer, scripted_client: OpenAI
) -> None:
    scripted.script(Reply(body={**UPLOAD_JSON, "status": "archived"}))
    assert scripted_client.uploads.cancel("upload_abc").status == "archived"
