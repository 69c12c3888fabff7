"""Models: openai-python's field names, unknown fields kept, new enum values tolerated."""

from __future__ import annotations

from openai_uploads import NOT_GIVEN, FileObject, OpenAI, Upload, omit

from .conftest import Reply, ScriptedServer

FILE = {
    "id": "file-1",
    "object": "file",
    "bytes": 9,
    "created_at": 1,
    "filename": "a.txt",
    "purpose": "assistants",
    "status": "processed",
}


def test_bytes_and_object_aliases_read_the_generated_fields() -> None:
    file = FileObject.from_dict(FILE)
    upload = Upload.from_dict(
        {
            "id": "upload_1",
            "object": "upload",
            "bytes": 9,
            "created_at": 1,
            "expires_at": 2,
            "filename": "a.txt",
            "purpose": "assistants",
            "status": "completed",
            "file": FILE,
        }
    )
    assert (upload.bytes, upload.object) == (9, "upload")
    assert upload.file
    assert (upload.file.id, upload.file.bytes, upload.file.object) == (
        "file-1",
        9,
        "file",
    )
    assert file.bytes == file.bytes_


def test_unknown_fields_and_enum_values_do_not_break_parsing(
    scripted: ScriptedServer, scripted_client: OpenAI
) -> None:
    scripted.script(
        Reply(body={**FILE, "purpose": "brand_new_purpose", "status": "archived", "shiny": True})
    )
    file = scripted_client.files.retrieve("file-1")
    assert file.purpose == "brand_new_purpose"
    assert file.status == "archived"
    assert file.additional_properties == {"shiny": True}


def test_sentinels_are_falsy_and_named() -> None:
    assert not omit
    assert not NOT_GIVEN
    assert (repr(omit), repr(NOT_GIVEN)) == ("omit", "NOT_GIVEN")
