"""``openai_uploads.types`` has what ``openai.types`` has for uploads and files.

The names are read from the installed openai-python's ``types/__init__.py`` (every name
imported from a module about files or uploads) and ``types/uploads/__init__.py``: each
must exist here under the same name, or be listed in ``KNOWN_DIFFERENCES`` with the
reason.
"""

from __future__ import annotations

import ast
import importlib
import typing
from pathlib import Path
from typing import Any

import openai.types
import openai.types.uploads
import pytest

import openai_uploads.types
import openai_uploads.types.uploads
from openai_uploads import FileDeleted, FileObject, Upload, UploadPart

VECTOR_STORES = "how a vector store chunks files: not a type of the Files or Uploads API"
KNOWN_DIFFERENCES: dict[str, str] = {
    "FileChunkingStrategy": VECTOR_STORES,
    "FileChunkingStrategyParam": VECTOR_STORES,
    "StaticFileChunkingStrategy": VECTOR_STORES,
    "StaticFileChunkingStrategyParam": VECTOR_STORES,
    "StaticFileChunkingStrategyObject": VECTOR_STORES,
    "StaticFileChunkingStrategyObjectParam": VECTOR_STORES,
    "AutoFileChunkingStrategyParam": VECTOR_STORES,
    "OtherFileChunkingStrategyObject": VECTOR_STORES,
}
"""openai.types names about files that this package leaves out, with the reason."""


def exported(package: Any, about: tuple[str, ...] = ()) -> set[str]:
    """The names ``package/__init__.py`` imports from its modules whose name has one of
    ``about`` in it (all of them when ``about`` is empty)."""
    tree = ast.parse(Path(package.__file__).read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if not (isinstance(node, ast.ImportFrom) and node.level == 1 and node.module):
            continue
        if not about or any(word in node.module for word in about):
            names.update(alias.asname or alias.name for alias in node.names)
    return names


def required(params: Any) -> set[str]:
    """The keys a TypedDict marks ``Required`` (read from its hints: under ``from
    __future__ import annotations``, ``__required_keys__`` does not see them)."""
    hints = typing.get_type_hints(params, include_extras=True)
    return {
        key
        for key, hint in hints.items()
        if getattr(typing.get_origin(hint), "__name__", None) == "Required"
        or key in params.__required_keys__
    }


THEIR_TYPES = exported(openai.types, about=("file", "upload"))
THEIR_UPLOAD_TYPES = exported(openai.types.uploads)


def test_openai_python_exports_the_expected_names() -> None:
    # A guard on the reading above: these are certainly among them.
    assert {"FileObject", "Upload", "FilePurpose", "FileCreateParams"} <= THEIR_TYPES
    assert {"UploadPart", "PartCreateParams"} <= THEIR_UPLOAD_TYPES


@pytest.mark.parametrize("name", sorted(THEIR_TYPES))
def test_every_files_and_uploads_type_of_openai_types_is_here(name: str) -> None:
    if name in KNOWN_DIFFERENCES:
        assert not hasattr(openai_uploads.types, name), f"{name} is here now: unlist it"
        return
    assert name in openai_uploads.types.__all__
    assert hasattr(openai_uploads.types, name)


@pytest.mark.parametrize("name", sorted(THEIR_UPLOAD_TYPES))
def test_every_type_of_openai_types_uploads_is_here(name: str) -> None:
    assert name in openai_uploads.types.uploads.__all__
    assert hasattr(openai_uploads.types.uploads, name)


def test_known_differences_are_all_still_in_openai_types() -> None:
    assert set(KNOWN_DIFFERENCES) <= THEIR_TYPES


@pytest.mark.parametrize(
    ("module", "name"),
    [("openai_uploads.types", n) for n in sorted(THEIR_TYPES - set(KNOWN_DIFFERENCES))]
    + [("openai_uploads.types.uploads", n) for n in sorted(THEIR_UPLOAD_TYPES)],
)
def test_a_class_is_named_as_it_is_exported(module: str, name: str) -> None:
    value = getattr(importlib.import_module(module), name)
    if isinstance(value, type) and value.__module__.startswith("openai_uploads"):
        assert value.__name__ == name


def test_the_models_are_the_ones_the_calls_return() -> None:
    assert openai_uploads.types.FileObject is FileObject
    assert openai_uploads.types.FileDeleted is FileDeleted
    assert openai_uploads.types.Upload is Upload
    assert openai_uploads.types.uploads.UploadPart is UploadPart


@pytest.mark.parametrize(
    "name", ["FileCreateParams", "FileListParams", "UploadCreateParams", "UploadCompleteParams"]
)
def test_params_take_the_same_keys_as_openai_pythons(name: str) -> None:
    ours, theirs = getattr(openai_uploads.types, name), getattr(openai.types, name)
    assert required(ours) == required(theirs)
    assert set(theirs.__annotations__) <= set(ours.__annotations__)


def test_part_create_params_take_the_same_keys_as_openai_pythons() -> None:
    ours = openai_uploads.types.uploads.PartCreateParams
    theirs = openai.types.uploads.PartCreateParams
    assert required(ours) == required(theirs) == {"data"}


def test_file_purpose_has_openai_pythons_values() -> None:
    ours = typing.get_args(openai_uploads.types.FilePurpose)
    theirs = typing.get_args(openai.types.FilePurpose)
    assert set(ours) == set(theirs)


def test_file_content_is_text_as_in_openai_types() -> None:
    assert openai_uploads.types.FileContent is openai.types.FileContent is str


FILE = {"id": "file-1", "object": "file", "bytes": 3, "created_at": 1, "filename": "a.txt",
        "purpose": "assistants", "status": "processed"}  # fmt: skip
UPLOAD = {"id": "upload_1", "object": "upload", "bytes": 3, "created_at": 1, "expires_at": 2,
          "filename": "a.txt", "purpose": "assistants", "status": "completed",
          "file": FILE}  # fmt: skip
PART = {"id": "part_1", "object": "upload.part", "created_at": 1, "upload_id": "upload_1"}
DELETED = {"id": "file-1", "object": "file", "deleted": True}
MODELS = {
    "FileObject": (FileObject, openai.types.FileObject, FILE),
    "FileDeleted": (FileDeleted, openai.types.FileDeleted, DELETED),
    "Upload": (Upload, openai.types.Upload, UPLOAD),
    "UploadPart": (UploadPart, openai.types.uploads.UploadPart, PART),
}


@pytest.mark.parametrize("name", list(MODELS))
def test_runtime_class_names_match_openai_pythons(name: str) -> None:
    ours, theirs, data = MODELS[name]
    mine, its = ours.from_dict(data), theirs.model_validate(data)
    assert type(mine).__name__ == type(its).__name__
    assert repr(mine).split("(", 1)[0] == repr(its).split("(", 1)[0]


def _modules_about_files_and_uploads() -> list[str]:
    """openai-python's per-type modules of the Files and Uploads APIs
    (``openai.types.file_object``, ``openai.types.uploads.upload_part``, ...), by name."""
    found = []
    for package in (openai.types, openai.types.uploads):
        folder = Path(str(package.__file__)).parent
        for path in sorted(folder.glob("*.py")):
            name = path.stem
            if name.startswith(("file_", "upload", "part_")) and "chunking" not in name:
                found.append(f"{package.__name__}.{name}")
    return found


@pytest.mark.parametrize("module", _modules_about_files_and_uploads())
def test_each_per_type_module_of_openai_python_has_a_twin_with_its_public_names(
    module: str,
) -> None:
    theirs = importlib.import_module(module)
    ours = importlib.import_module(module.replace("openai.", "openai_uploads.", 1))
    defined = getattr(theirs, "__all__", None) or [
        name for name, value in vars(theirs).items() if getattr(value, "__module__", "") == module
    ]
    public = {name for name in defined if name not in KNOWN_DIFFERENCES}
    assert public, module
    assert public <= set(vars(ours)), sorted(public - set(vars(ours)))
