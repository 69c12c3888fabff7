from __future__ import annotations

import json
from collections.abc import Mapping
from io import BytesIO
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

from .. import types
from ..models.create_file_request_purpose import (
    CreateFileRequestPurpose,
    check_create_file_request_purpose,
)
from ..types import UNSET, File, Unset

if TYPE_CHECKING:
    from ..models.file_expiration_after import FileExpirationAfter


T = TypeVar("T", bound="CreateFileRequest")


@_attrs_define
class CreateFileRequest:
    file: File
    """ The File object (not file name) to be uploaded. """
    purpose: CreateFileRequestPurpose
    """ The intended purpose of the uploaded file. """
    expires_after: FileExpirationAfter | Unset = UNSET
    """ When the File that the Upload produces expires. By default, files with
    `purpose=batch` expire after 30 days and all others persist until deleted.
     """

    def to_dict(self) -> dict[str, Any]:
        file = self.file.to_tuple()

        purpose: str = self.purpose

        expires_after: dict[str, Any] | Unset = UNSET
        if not isinstance(self.expires_after, Unset):
            expires_after = self.expires_after.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "file": file,
                "purpose": purpose,
            }
        )
        if expires_after is not UNSET:
            field_dict["expires_after"] = expires_after

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("file", self.file.to_tuple()))

        files.append(("purpose", (None, str(self.purpose).encode(), "text/plain")))

        if not isinstance(self.expires_after, Unset):
            files.append(
                (
                    "expires_after",
                    (
                        None,
                        json.dumps(self.expires_after.to_dict()).encode(),
                        "application/json",
                    ),
                )
            )

        return files

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.file_expiration_after import FileExpirationAfter

        d = dict(src_dict)
        file = File(payload=BytesIO(d.pop("file")))

        purpose = check_create_file_request_purpose(d.pop("purpose"))

        _expires_after = d.pop("expires_after", UNSET)
        expires_after: FileExpirationAfter | Unset
        if isinstance(_expires_after, Unset):
            expires_after = UNSET
        else:
            expires_after = FileExpirationAfter.from_dict(_expires_after)

        create_file_request = cls(
            file=file,
            purpose=purpose,
            expires_after=expires_after,
        )

        return create_file_request
