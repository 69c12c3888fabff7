"""The Part types under openai-python's import path (``openai.types.uploads``).

Example::

    from openai_uploads.types.uploads import PartCreateParams, UploadPart
"""

# No ``from __future__ import annotations``: TypedDict reads ``Required`` at run time.
from typing import Required

from openai_uploads_client.sdk import AddUploadPartParams

from ..._types import FileTypes, UploadPart

__all__ = ["PartCreateParams", "UploadPart"]


class PartCreateParams(AddUploadPartParams, total=False):
    """The keyword arguments of ``uploads.parts.create`` (beside ``upload_id``)."""

    data: Required[FileTypes]
