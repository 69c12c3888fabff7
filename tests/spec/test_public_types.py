"""The public response types are the generated ones, and changing them breaks this test.

``openai_uploads.Upload`` & co. are, for type checkers, stubs that ``./codegen.sh`` derives
from the generated models (``openai_uploads_client/sdk.py``): the generated annotations,
an absent optional field read as ``None``. So a type change in the spec changes what
users' type checkers see. ``PUBLIC_TYPES`` pins the published field types: a field whose
type changes or that disappears fails ``test_public_field_type_is_unchanged[<field>]``
(a breaking change: make it on purpose, then update ``PUBLIC_TYPES`` and the
CHANGELOG). New fields are additions and pass.
"""

from __future__ import annotations

import ast
from pathlib import Path

import attrs
import pytest

import openai_uploads_client.sdk as sdk
from openai_uploads import FileDeleted, FileObject, Upload, UploadPart
from openai_uploads_client import models

PUBLIC_TYPES = {
    "Upload.id": "str",
    "Upload.created_at": "int",
    "Upload.filename": "str",
    "Upload.bytes": "int",
    "Upload.purpose": "FilePurpose | str",
    "Upload.status": "str | UploadStatus",
    "Upload.expires_at": "int",
    "Upload.object": "UploadObject | None",
    "Upload.file": "FileObject | None",
    "UploadPart.id": "str",
    "UploadPart.created_at": "int",
    "UploadPart.upload_id": "str",
    "UploadPart.object": "UploadPartObject",
    "FileObject.id": "str",
    "FileObject.bytes": "int",
    "FileObject.created_at": "int",
    "FileObject.filename": "str",
    "FileObject.object": "FileObjectObject",
    "FileObject.purpose": "FilePurpose | str",
    "FileObject.expires_at": "int | None",
    "FileObject.status": "FileStatus | str | None",
    "FileObject.status_details": "None | str",
    "FileDeleted.id": "str",
    "FileDeleted.object": "FileDeletedObject",
    "FileDeleted.deleted": "bool",
    "FileList.object": "FileListObject",
    "FileList.data": "list[FileObject]",
    "FileList.first_id": "None | str",
    "FileList.last_id": "None | str",
    "FileList.has_more": "bool",
}


def derived_types() -> dict[str, str]:
    """``Class.field`` -> annotation of the type-checking stubs in the generated sdk.py.

    A field the generator renamed (``bytes_``) is listed under its API name, which the
    stub exposes as a property of the same type.
    """
    tree = ast.parse(Path(sdk.__file__).read_text(encoding="utf-8"))
    found: dict[str, str] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.ClassDef) or node.name not in sdk.RESPONSE_TYPES.values():
            continue
        for item in node.body:
            if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                name = item.target.id
                if not name.endswith("_"):
                    found[f"{node.name}.{name}"] = ast.unparse(item.annotation)
            elif isinstance(item, ast.FunctionDef) and item.returns is not None:
                found[f"{node.name}.{item.name}"] = ast.unparse(item.returns)
    return found


@pytest.mark.parametrize("field", sorted(PUBLIC_TYPES))
def test_public_field_type_is_unchanged(field: str) -> None:
    derived = derived_types()
    assert field in derived, f"{field} is gone from the public types (a breaking change)"
    assert derived[field] == PUBLIC_TYPES[field], (
        f"{field} is now `{derived[field]}`, was `{PUBLIC_TYPES[field]}`: a breaking change "
        "of the public types"
    )


@pytest.mark.parametrize("generated", sorted(sdk.RESPONSE_TYPES))
def test_every_generated_field_has_a_public_type(generated: str) -> None:
    public = sdk.RESPONSE_TYPES[generated]
    fields = {
        a.name.rstrip("_")
        for a in attrs.fields(getattr(models, generated))
        if a.name != "additional_properties"
    }
    derived = {name.split(".", 1)[1] for name in derived_types() if name.startswith(public + ".")}
    assert fields - derived == set()


def test_public_names_are_the_generated_classes_at_run_time() -> None:
    assert Upload is models.Upload
    assert FileObject is models.FileObject
    assert UploadPart is models.UploadPart
    assert FileDeleted is models.FileDeleted
