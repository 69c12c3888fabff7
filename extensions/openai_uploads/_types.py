"""The types users pass and get back: sentinels, request shapes, and the response models.

The response models are the generated attrs classes (``openai_uploads_client.models``),
re-exported under openai-python's names. The generator names two fields ``bytes_`` and
``object_`` (Python builtins); the read-only aliases ``bytes`` and ``object`` are added
to those classes here so that code written for openai-python (``upload.bytes``,
``upload.file.bytes``) works unchanged.
"""

from __future__ import annotations

import os
from typing import IO, TYPE_CHECKING, Any, Literal, Required, TypedDict, final

from openai_uploads_client.models import FileDeleted as _GeneratedFileDeleted
from openai_uploads_client.models import FileList as _GeneratedFileList
from openai_uploads_client.models import FileObject as _GeneratedFile
from openai_uploads_client.models import Upload as _GeneratedUpload
from openai_uploads_client.models import UploadPart as _GeneratedUploadPart
from openai_uploads_client.types import Unset

from ._constants import FilePurpose
from ._models import ModelMethods, install

__all__ = [
    "NOT_GIVEN",
    "ExpiresAfter",
    "FileContent",
    "FileDeleted",
    "FileList",
    "FileObject",
    "FilePurpose",
    "FileTypes",
    "NotGiven",
    "Omit",
    "Upload",
    "UploadPart",
    "not_given",
    "omit",
]


@final
class Omit:
    """Sentinel for a parameter left out of the request (as opposed to sent as ``null``).

    Example::

        client.uploads.complete(upload_id, part_ids=ids, md5=omit)  # same as not passing md5
    """

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "omit"


omit = Omit()


@final
class NotGiven:
    """Sentinel for "use the client's setting" where ``None`` means something (``timeout``).

    Example::

        client.files.retrieve(file_id, timeout=None)       # no timeout at all
        client.files.retrieve(file_id, timeout=NOT_GIVEN)  # the client's timeout
    """

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN = NotGiven()
not_given = NOT_GIVEN
"""The same sentinel under openai-python's newer name."""

FileContent = IO[bytes] | bytes | bytearray | memoryview | os.PathLike[str] | str
"""Bytes, a binary file object, or a path to read."""

FileTypes = (
    FileContent | tuple[str | None, FileContent] | tuple[str | None, FileContent, str | None]
)
"""What ``parts.create(data=...)`` accepts, as in openai-python: the content, or a
``(filename, content)`` / ``(filename, content, mime_type)`` tuple."""


class ExpiresAfter(TypedDict, total=False):
    """When the File an Upload produces expires: ``seconds`` (or ``days``) after ``anchor``.

    Example::

        {"anchor": "created_at", "seconds": 3600}
        {"anchor": "created_at", "days": 7}  # sent as seconds=604800
    """

    anchor: Required[Literal["created_at"]]
    seconds: int
    days: int


# --------------------------------------------------------------------------- models


def _alias(name: str) -> property:
    def get(self: Any) -> Any:
        return getattr(self, name)

    get.__name__ = name.rstrip("_")
    get.__doc__ = f"The ``{name.rstrip('_')}`` field of the API object (alias of ``{name}``)."
    return property(get)


# A copied, deep-copied or unpickled model keeps the one ``UNSET`` (a new ``Unset()``
# would equal nothing), so a model equals its copies, as openai-python's do.
def _the_one(self: Unset, *memo: object) -> Unset:
    return self


def _by_name(self: Unset) -> str:
    return "UNSET"  # pickled as a reference to openai_uploads_client.types.UNSET


Unset.__copy__ = _the_one  # type: ignore[attr-defined]
Unset.__deepcopy__ = _the_one  # type: ignore[attr-defined]
Unset.__reduce__ = _by_name  # type: ignore[method-assign,assignment]

for _cls in (
    _GeneratedUpload,
    _GeneratedFile,
    _GeneratedUploadPart,
    _GeneratedFileDeleted,
    _GeneratedFileList,
):
    # attrs' slotted classes reject new instance attributes, but a class-level property
    # is fine: it lives on the type, not in the instance's slots.
    _fields = {a.name for a in _cls.__attrs_attrs__}
    for _field in ("bytes_", "object_"):
        if _field in _fields:
            setattr(_cls, _field.rstrip("_"), _alias(_field))

    # openai-python's to_dict / to_json / model_dump / model_dump_json and repr.
    install(_cls)

_GeneratedFileDeleted.__doc__ = _GeneratedFileDeleted.__doc__ or "The answer to ``files.delete``."

if TYPE_CHECKING:
    # What type checkers see: stubs that codegen.sh derives from the generated models
    # (spec/sdk_codegen.py): the generated annotations, with an absent optional field
    # read as None, and the ``bytes``/``object`` aliases typed as the fields they alias;
    # plus openai-python's model methods installed above (:class:`._models.ModelMethods`).
    # A type change in the spec therefore changes these types; the public contract is
    # pinned by tests/spec/test_public_types.py. At run time the names below are the
    # generated classes themselves.
    from openai_uploads_client import sdk as _sdk
    from openai_uploads_client.sdk import FileList as FileList

    class FileObject(ModelMethods, _sdk.FileObject):
        """A File stored by the API (openai-python's ``FileObject``)."""

    class Upload(ModelMethods, _sdk.Upload):
        """An Upload; ``file`` is the File once ``status == "completed"``, else None."""

        file: FileObject | None

    class UploadPart(ModelMethods, _sdk.UploadPart):
        """A Part added to an Upload; pass its ``id`` to ``uploads.complete``."""

    class FileDeleted(ModelMethods, _sdk.FileDeleted):
        """The answer to ``files.delete``."""

else:
    FileObject = _GeneratedFile
    Upload = _GeneratedUpload
    UploadPart = _GeneratedUploadPart
    FileDeleted = _GeneratedFileDeleted
    FileList = _GeneratedFileList
