from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.create_upload_request_purpose import (
    CreateUploadRequestPurpose,
    check_create_upload_request_purpose,
)
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.file_expiration_after import FileExpirationAfter


T = TypeVar("T", bound="CreateUploadRequest")


@_attrs_define
class CreateUploadRequest:
    filename: str
    """ The name of the file to upload. """
    purpose: CreateUploadRequestPurpose
    """ The intended purpose of the uploaded file. """
    bytes_: int
    """ The number of bytes in the file you are uploading. """
    mime_type: str
    """ The MIME type of the file; it must be supported for the purpose. """
    expires_after: FileExpirationAfter | Unset = UNSET
    """ When the File that the Upload produces expires. By default, files with
    `purpose=batch` expire after 30 days and all others persist until deleted.
     """

    def to_dict(self) -> dict[str, Any]:
        filename = self.filename

        purpose: str = self.purpose

        bytes_ = self.bytes_

        mime_type = self.mime_type

        expires_after: dict[str, Any] | Unset = UNSET
        if not isinstance(self.expires_after, Unset):
            expires_after = self.expires_after.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "filename": filename,
                "purpose": purpose,
                "bytes": bytes_,
                "mime_type": mime_type,
            }
        )
        if expires_after is not UNSET:
            field_dict["expires_after"] = expires_after

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.file_expiration_after import FileExpirationAfter

        d = dict(src_dict)
        filename = d.pop("filename")

        purpose = check_create_upload_request_purpose(d.pop("purpose"))

        bytes_ = d.pop("bytes")

        mime_type = d.pop("mime_type")

        _expires_after = d.pop("expires_after", UNSET)
        expires_after: FileExpirationAfter | Unset
        if isinstance(_expires_after, Unset):
            expires_after = UNSET
        else:
            expires_after = FileExpirationAfter.from_dict(_expires_after)

        create_upload_request = cls(
            filename=filename,
            purpose=purpose,
            bytes_=bytes_,
            mime_type=mime_type,
            expires_after=expires_after,
        )

        return create_upload_request
