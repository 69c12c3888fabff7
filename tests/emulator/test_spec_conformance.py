"""The emulator answers in the shapes the spec declares, and accepts the fields it declares.

Each answer is parsed by the generated model and held to its annotations, like the client
does; a complete object must carry every field the spec declares, so that a response
field added to the spec without emulator support fails here (or is listed in
``NOT_EMULATED`` with the reason). Request fields come from the spec's operation table.
"""

from __future__ import annotations

from typing import Any

import attrs
import httpx
import pytest

from openai_uploads._response_check import check_model
from openai_uploads.emulator import EmulatorServer
from openai_uploads.emulator._app import _COMPLETE_FIELDS, _CREATE_FIELDS
from openai_uploads.emulator._files_routes import _CREATE_FILE_FIELDS, _LIST_FILES_PARAMS
from openai_uploads_client import models
from openai_uploads_client.sdk import OPERATIONS

from .conftest import API_KEY, md5

NOT_EMULATED: dict[str, dict[str, str]] = {}
"""Response model -> fields the emulator leaves out, with the reason."""


@pytest.fixture
def answers(emulator: EmulatorServer) -> dict[str, dict[str, Any]]:
    """One answer of each kind, by the generated model it must parse as."""
    headers = {"Authorization": f"Bearer {API_KEY}"}
    with httpx.Client(base_url=emulator.base_url, headers=headers) as http:
        create = {
            "bytes": 3,
            "filename": "a.txt",
            "mime_type": "application/jsonl",
            "purpose": "batch",
        }
        upload = http.post("/uploads", json=create).json()
        part = http.post(f"/uploads/{upload['id']}/parts", files={"data": b"abc"}).json()
        done = http.post(
            f"/uploads/{upload['id']}/complete", json={"part_ids": [part["id"]], "md5": md5(b"abc")}
        ).json()
        file = http.get(f"/files/{done['file']['id']}").json()
        page = http.get("/files", params={"limit": 1}).json()
        other = http.post("/uploads", json=create).json()
        cancelled = http.post(f"/uploads/{other['id']}/cancel").json()
        deleted = http.delete(f"/files/{file['id']}").json()
        created = http.post(
            "/files", files={"file": ("a.jsonl", b"{}\n")}, data={"purpose": "batch"}
        ).json()
    return {
        "Upload": done,
        "Upload (pending)": upload,
        "Upload (cancelled)": cancelled,
        "UploadPart": part,
        "FileObject": file,
        "FileObject (created)": created,
        "FileList": page,
        "FileDeleted": deleted,
    }


KINDS = [
    "Upload",
    "Upload (pending)",
    "Upload (cancelled)",
    "UploadPart",
    "FileObject",
    "FileObject (created)",
    "FileList",
    "FileDeleted",
]


@pytest.mark.parametrize("kind", KINDS)
def test_answer_parses_as_the_generated_model_field_by_field(
    answers: dict[str, dict[str, Any]], kind: str
) -> None:
    model = getattr(models, kind.split(" ")[0])
    check_model(model.from_dict(answers[kind]))


@pytest.mark.parametrize("kind", ["Upload", "UploadPart", "FileObject", "FileDeleted"])
def test_complete_answer_carries_every_field_the_spec_declares(
    answers: dict[str, dict[str, Any]], kind: str
) -> None:
    declared = {a.name.rstrip("_") for a in attrs.fields(getattr(models, kind))} - {
        "additional_properties"
    }
    missing = declared - set(answers[kind]) - set(NOT_EMULATED.get(kind, {}))
    assert missing == set(), f"the emulator's {kind} lacks {sorted(missing)}"


def test_emulator_accepts_exactly_the_request_fields_the_spec_declares() -> None:
    def names(fields: tuple[tuple[Any, ...], ...]) -> set[str]:
        return {field[0] for field in fields}

    assert names(OPERATIONS["createUpload"].body_fields) == _CREATE_FIELDS
    assert names(OPERATIONS["completeUpload"].body_fields) == _COMPLETE_FIELDS
    assert names(OPERATIONS["listFiles"].query_params) == _LIST_FILES_PARAMS
    assert names(OPERATIONS["createFile"].body_fields) == _CREATE_FILE_FIELDS
