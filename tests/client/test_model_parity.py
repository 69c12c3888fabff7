"""The response models answer openai-python's model methods with openai-python's output.

Each JSON below is parsed by both packages (``openai`` is in the dev dependency group); the dumps,
the JSON strings and the repr must be the same, argument for argument.
"""

from __future__ import annotations

import copy
import pickle
from typing import Any

import pytest
from openai.types import FileDeleted as TheirFileDeleted
from openai.types import FileObject as TheirFileObject
from openai.types import Upload as TheirUpload
from openai.types.uploads import UploadPart as TheirUploadPart

from openai_uploads import FileDeleted, FileObject, OpenAI, Upload, UploadPart

FILE = {
    "id": "file-abc",
    "object": "file",
    "bytes": 120000,
    "created_at": 1719184911,
    "filename": "training_examples.jsonl",
    "purpose": "fine-tune",
    "status": "processed",
    "expires_at": None,
}
PENDING = {
    "id": "upload_abc",
    "object": "upload",
    "bytes": 2147483648,
    "created_at": 1719184911,
    "filename": "training_examples.jsonl",
    "purpose": "fine-tune",
    "status": "pending",
    "expires_at": 1719127296,
    "file": None,
}
SAMPLES: dict[str, tuple[type, type, dict[str, Any]]] = {
    "file": (FileObject, TheirFileObject, FILE),
    "file-with-an-unknown-field": (FileObject, TheirFileObject, {**FILE, "region": "eu"}),
    "file-without-optional-fields": (
        FileObject,
        TheirFileObject,
        {k: v for k, v in FILE.items() if k != "expires_at"},
    ),
    "file-non-ascii-name": (FileObject, TheirFileObject, {**FILE, "filename": "données.jsonl"}),
    "pending-upload": (Upload, TheirUpload, PENDING),
    "completed-upload": (
        Upload,
        TheirUpload,
        {**PENDING, "status": "completed", "file": {**FILE, "status_details": "ok"}},
    ),
    "part": (
        UploadPart,
        TheirUploadPart,
        {"id": "part_def", "object": "upload.part", "created_at": 1, "upload_id": "upload_abc"},
    ),
    "deleted": (
        FileDeleted,
        TheirFileDeleted,
        {"id": "file-abc", "object": "file", "deleted": True},
    ),
}
DUMP_ARGS: list[dict[str, Any]] = [
    {},
    {"exclude_unset": True},
    {"exclude_unset": False},
    {"exclude_none": True},
    {"exclude_defaults": True},
    {"mode": "json"},
]
MODEL_DUMP_ARGS: list[dict[str, Any]] = [
    *DUMP_ARGS,
    {"include": {"id", "bytes"}},
    {"exclude": {"id", "object"}},
]


def both(sample: str) -> tuple[Any, Any]:
    ours, theirs, data = SAMPLES[sample]
    return ours.from_dict(copy.deepcopy(data)), theirs.model_validate(copy.deepcopy(data))


@pytest.mark.parametrize("args", DUMP_ARGS, ids=repr)
@pytest.mark.parametrize("sample", list(SAMPLES))
def test_to_dict_matches_openai(sample: str, args: dict[str, Any]) -> None:
    ours, theirs = both(sample)
    assert ours.to_dict(**args) == theirs.to_dict(**args)


@pytest.mark.parametrize("args", [{}, {"indent": None}, {"indent": 4}, {"exclude_unset": False}])
@pytest.mark.parametrize("sample", list(SAMPLES))
def test_to_json_matches_openai(sample: str, args: dict[str, Any]) -> None:
    ours, theirs = both(sample)
    assert ours.to_json(**args) == theirs.to_json(**args)


@pytest.mark.parametrize("args", MODEL_DUMP_ARGS, ids=repr)
@pytest.mark.parametrize("sample", list(SAMPLES))
def test_model_dump_matches_openai(sample: str, args: dict[str, Any]) -> None:
    ours, theirs = both(sample)
    assert ours.model_dump(**args) == theirs.model_dump(**args)


@pytest.mark.parametrize("args", [{}, {"indent": 2}, {"exclude_unset": True}])
@pytest.mark.parametrize("sample", list(SAMPLES))
def test_model_dump_json_matches_openai(sample: str, args: dict[str, Any]) -> None:
    ours, theirs = both(sample)
    assert ours.model_dump_json(**args) == theirs.model_dump_json(**args)


@pytest.mark.parametrize("sample", list(SAMPLES))
def test_repr_matches_openai(sample: str) -> None:
    ours, theirs = both(sample)
    assert repr(ours) == repr(theirs)
    assert "bytes_=" not in repr(ours)
    assert "object_=" not in repr(ours)


@pytest.mark.parametrize("sample", list(SAMPLES))
def test_models_of_the_same_json_are_equal(sample: str) -> None:
    first, _ = both(sample)
    second, _ = both(sample)
    assert first == second
    assert first.to_dict() == second.to_dict()


def test_models_of_different_json_are_not_equal() -> None:
    pending, _ = both("pending-upload")
    completed, _ = both("completed-upload")
    assert pending != completed


def test_an_unknown_mode_is_refused() -> None:
    ours, _ = both("file")
    with pytest.raises(ValueError, match="mode"):
        ours.model_dump(mode="yaml")


def test_models_from_the_emulator_dump_like_openai(client: OpenAI) -> None:
    data = b"hello parity\n"
    upload = client.uploads.upload_file_chunked(
        file=data, filename="p.txt", bytes=len(data), mime_type="application/jsonl", purpose="batch"
    )
    theirs = TheirUpload.model_validate(upload.to_dict())
    assert upload.model_dump() == theirs.model_dump()
    assert upload.model_dump_json() == theirs.model_dump_json()
    assert repr(upload) == repr(theirs)


@pytest.mark.parametrize("sample", list(SAMPLES))
def test_a_copied_or_unpickled_model_equals_the_original(sample: str) -> None:
    ours, theirs = both(sample)
    for duplicate in (copy.copy(ours), copy.deepcopy(ours), pickle.loads(pickle.dumps(ours))):
        assert duplicate == ours
        assert duplicate.model_dump_json() == theirs.model_dump_json()
