"""The generated models read and write the API's JSON faithfully.

What the server sends comes back out of ``to_dict()`` unchanged: nothing is dropped
(unknown fields are kept in ``additional_properties``), nothing is invented (a pending or
cancelled Upload has no ``file`` key), and a ``status`` or ``purpose`` this client does
not know yet is kept as a string instead of failing the parse.
"""

import copy

from openai_uploads_client.models import (
    CompleteUploadRequest,
    CreateUploadRequest,
    ErrorResponse,
    FileExpirationAfter,
    FileObject,
    Upload,
    UploadPart,
)
from openai_uploads_client.types import UNSET

PENDING = {
    "id": "upload_abc123",
    "object": "upload",
    "bytes": 2147483648,
    "created_at": 1719184911,
    "filename": "training_examples.jsonl",
    "purpose": "fine-tune",
    "status": "pending",
    "expires_at": 1719188511,
}
FILE = {
    "id": "file-xyz321",
    "object": "file",
    "bytes": 2147483648,
    "created_at": 1719186911,
    "expires_at": None,
    "filename": "training_examples.jsonl",
    "purpose": "fine-tune",
    "status": "processed",
    "status_details": None,
}
COMPLETED = {**PENDING, "status": "completed", "file": FILE}
CANCELLED = {**PENDING, "status": "cancelled"}
PART = {
    "id": "part_def456",
    "object": "upload.part",
    "created_at": 1719185911,
    "upload_id": "upload_abc123",
}


def test_pending_upload_round_trips():
    upload = Upload.from_dict(copy.deepcopy(PENDING))
    assert upload.status == "pending"
    assert upload.bytes_ == 2147483648
    assert upload.to_dict() == PENDING


def test_pending_upload_has_no_file_key():
    upload = Upload.from_dict(copy.deepcopy(PENDING))
    assert upload.file is UNSET
    assert "file" not in upload.to_dict()


def test_completed_upload_round_trips_with_its_nested_file():
    upload = Upload.from_dict(copy.deepcopy(COMPLETED))
    assert upload.status == "completed"
    assert isinstance(upload.file, FileObject)
    assert upload.file.id == "file-xyz321"
    assert upload.file.status == "processed"
    assert upload.to_dict() == COMPLETED


def test_completed_upload_whose_file_lacks_the_deprecated_status_still_parses():
    # The API's own example of a completed Upload has no file `status`.
    file = {key: value for key, value in FILE.items() if key != "status"}
    upload = Upload.from_dict({**COMPLETED, "file": file})
    assert isinstance(upload.file, FileObject)
    assert upload.file.id == FILE["id"]
    assert upload.to_dict()["file"] == file


def test_cancelled_upload_round_trips():
    upload = Upload.from_dict(copy.deepcopy(CANCELLED))
    assert upload.status == "cancelled"
    assert upload.to_dict() == CANCELLED


def test_cancelled_upload_has_no_file_key():
    upload = Upload.from_dict(copy.deepcopy(CANCELLED))
    assert upload.file is UNSET
    assert "file" not in upload.to_dict()


def test_upload_with_a_null_file_keeps_the_null():
    data = {**PENDING, "file": None}
    upload = Upload.from_dict(copy.deepcopy(data))
    assert upload.file is None
    assert upload.to_dict() == data


def test_upload_part_round_trips():
    part = UploadPart.from_dict(copy.deepcopy(PART))
    assert (part.id, part.upload_id) == ("part_def456", "upload_abc123")
    assert part.to_dict() == PART


def test_unknown_upload_fields_are_kept_in_additional_properties():
    data = {**PENDING, "region": "eu", "labels": {"team": "ml"}}
    upload = Upload.from_dict(copy.deepcopy(data))
    assert upload.additional_properties == {"region": "eu", "labels": {"team": "ml"}}
    assert upload["region"] == "eu"
    assert upload.to_dict() == data


def test_unknown_fields_of_the_nested_file_are_kept():
    data = {**COMPLETED, "file": {**FILE, "checksum": "md5:0f343b"}}
    upload = Upload.from_dict(copy.deepcopy(data))
    assert isinstance(upload.file, FileObject)
    assert upload.file.additional_properties == {"checksum": "md5:0f343b"}
    assert upload.to_dict() == data


def test_unknown_fields_of_an_upload_part_are_kept():
    data = {**PART, "size": 1024}
    part = UploadPart.from_dict(copy.deepcopy(data))
    assert part.additional_properties == {"size": 1024}
    assert part.to_dict() == data


def test_unknown_upload_status_is_kept_as_a_string():
    data = {**PENDING, "status": "archived"}
    upload = Upload.from_dict(copy.deepcopy(data))
    assert upload.status == "archived"
    assert upload.to_dict() == data


def test_unknown_upload_purpose_is_kept_as_a_string():
    data = {**PENDING, "purpose": "realtime_audio"}
    upload = Upload.from_dict(copy.deepcopy(data))
    assert upload.purpose == "realtime_audio"
    assert upload.to_dict() == data


def test_unknown_file_purpose_and_status_are_kept_as_strings():
    data = {**COMPLETED, "file": {**FILE, "purpose": "realtime_audio", "status": "scanning"}}
    upload = Upload.from_dict(copy.deepcopy(data))
    assert isinstance(upload.file, FileObject)
    assert (upload.file.purpose, upload.file.status) == ("realtime_audio", "scanning")
    assert upload.to_dict() == data


def test_error_with_null_param_and_code_round_trips():
    data = {
        "error": {
            "message": "Upload upload_abc123 is already completed.",
            "type": "invalid_request_error",
            "param": None,
            "code": None,
        }
    }
    error = ErrorResponse.from_dict(copy.deepcopy(data))
    assert error.error.param is None
    assert error.error.code is None
    assert error.to_dict() == data


def test_create_upload_request_sends_the_wire_field_names():
    request = CreateUploadRequest(
        filename="training_examples.jsonl",
        purpose="fine-tune",
        bytes_=2147483648,
        mime_type="text/jsonl",
        expires_after=FileExpirationAfter(anchor="created_at", seconds=3600),
    )
    assert request.to_dict() == {
        "filename": "training_examples.jsonl",
        "purpose": "fine-tune",
        "bytes": 2147483648,
        "mime_type": "text/jsonl",
        "expires_after": {"anchor": "created_at", "seconds": 3600},
    }


def test_create_upload_request_omits_an_unset_expires_after():
    request = CreateUploadRequest(
        filename="a.jsonl", purpose="batch", bytes_=10, mime_type="text/jsonl"
    )
    assert "expires_after" not in request.to_dict()


def test_complete_upload_request_keeps_the_part_order_and_omits_an_unset_md5():
    request = CompleteUploadRequest(part_ids=["part_b", "part_a", "part_c"])
    assert request.to_dict() == {"part_ids": ["part_b", "part_a", "part_c"]}


def test_complete_upload_request_sends_the_md5():
    request = CompleteUploadRequest(part_ids=["part_a"], md5="d41d8cd98f00b204e9800998ecf8427e")
    assert request.to_dict() == {"part_ids": ["part_a"], "md5": "d41d8cd98f00b204e9800998ecf8427e"}
