"""The types of the Uploads and Files calls under openai-python's import paths.

``from openai.types import FileObject`` becomes ``from openai_uploads.types import
FileObject``: the response models (the same classes ``openai_uploads`` exports), the
purpose literal, and the keyword arguments of each call as a ``TypedDict``
(``FileCreateParams``, ``UploadCreateParams``, ...). The ``*Params`` types extend the
ones codegen.sh derives from the spec, so a request field added to the spec is in
them too. Part types are in :mod:`openai_uploads.types.uploads`.

Example::

    from openai_uploads.types import FileObject, FilePurpose, UploadCreateParams

    params: UploadCreateParams = {
        "bytes": 3, "filename": "a.txt", "mime_type": "text/plain", "purpose": "assistants"
    }
    upload = client.uploads.create(**params)
"""

from collections.abc import Sequence

# No ``from __future__ import annotations``: TypedDict reads ``Required`` at run time.
from typing import Required, TypeAlias

from openai_uploads_client.sdk import (
    CompleteUploadParams,
    CreateFileParams,
    CreateUploadParams,
    ListFilesParams,
)

from .._types import ExpiresAfter, FileDeleted, FileList, FileObject, FilePurpose, FileTypes, Upload

__all__ = [
    "FileContent",
    "FileCreateParams",
    "FileDeleted",
    "FileList",
    "FileListParams",
    "FileObject",
    "FilePurpose",
    "Upload",
    "UploadCompleteParams",
    "UploadCreateParams",
]

FileContent: TypeAlias = str
"""The File's content as text (``openai.types.FileContent``, what the deprecated
``retrieve_content`` returned). Not the *input* type ``openai_uploads.FileContent``,
which is what a file to upload may be."""


class FileCreateParams(CreateFileParams, total=False):
    """The keyword arguments of ``files.create``."""

    file: Required[FileTypes]
    purpose: Required[FilePurpose]
    expires_after: ExpiresAfter


class FileListParams(ListFilesParams, total=False):
    """The keyword arguments of ``files.list``: ``purpose``, ``limit``, ``order``, ``after``."""


class UploadCreateParams(CreateUploadParams, total=False):
    """The keyword arguments of ``uploads.create``."""

    bytes: Required[int]
    filename: Required[str]
    mime_type: Required[str]
    purpose: Required[FilePurpose]
    expires_after: ExpiresAfter


class UploadCompleteParams(CompleteUploadParams, total=False):
    """The keyword arguments of ``uploads.complete`` (beside ``upload_id``)."""

    part_ids: Required[Sequence[str]]
    md5: str
