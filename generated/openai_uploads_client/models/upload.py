from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.file_purpose import FilePurpose, check_file_purpose
from ..models.upload_object import UploadObject, check_upload_object
from ..models.upload_status import UploadStatus, check_upload_status
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.file_object import FileObject


T = TypeVar("T", bound="Upload")


@_attrs_define
class Upload:
    """The Upload object accepts byte chunks in the form of Parts."""

    id: str
    """ The Upload's unique identifier. """
    created_at: int
    """ The Unix timestamp (in seconds) when the Upload was created. """
    filename: str
    """ The name of the file to be uploaded. """
    bytes_: int
    """ The intended number of bytes to be uploaded. """
    purpose: FilePurpose | str
    """ The intended purpose of the file; a value unknown to this client is kept as a string. """
    status: str | UploadStatus
    """ The status of the Upload; a value unknown to this client is kept as a string. """
    expires_at: int
    """ The Unix timestamp (in seconds) when the Upload expires. """
    object_: UploadObject | Unset = UNSET
    """ The object type, which is always "upload". """
    file: FileObject | None | Unset = UNSET
    """ The File created when the Upload completed; absent or null otherwise. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.file_object import FileObject

        id = self.id

        created_at = self.created_at

        filename = self.filename

        bytes_ = self.bytes_

        purpose: str
        if isinstance(self.purpose, str):
            purpose = self.purpose
        else:
            purpose = self.purpose

        status: str
        if isinstance(self.status, str):
            status = self.status
        else:
            status = self.status

        expires_at = self.expires_at

        object_: str | Unset = UNSET
        if not isinstance(self.object_, Unset):
            object_ = self.object_

        file: dict[str, Any] | None | Unset
        if isinstance(self.file, Unset):
            file = UNSET
        elif isinstance(self.file, FileObject):
            file = self.file.to_dict()
        else:
            file = self.file

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "created_at": created_at,
                "filename": filename,
                "bytes": bytes_,
                "purpose": purpose,
                "status": status,
                "expires_at": expires_at,
            }
        )
        if object_ is not UNSET:
            field_dict["object"] = object_
        if file is not UNSET:
            field_dict["file"] = file

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.file_object import FileObject

        d = dict(src_dict)
        id = d.pop("id")

        created_at = d.pop("created_at")

        filename = d.pop("filename")

        bytes_ = d.pop("bytes")

        def _parse_purpose(data: object) -> FilePurpose | str:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                purpose_type_0 = check_file_purpose(data)

                return purpose_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(FilePurpose | str, data)

        purpose = _parse_purpose(d.pop("purpose"))

        def _parse_status(data: object) -> str | UploadStatus:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                status_type_0 = check_upload_status(data)

                return status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(str | UploadStatus, data)

        status = _parse_status(d.pop("status"))

        expires_at = d.pop("expires_at")

        _object_ = d.pop("object", UNSET)
        object_: UploadObject | Unset
        if isinstance(_object_, Unset):
            object_ = UNSET
        else:
            object_ = check_upload_object(_object_)

        def _parse_file(data: object) -> FileObject | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                file_type_0 = FileObject.from_dict(data)

                return file_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(FileObject | None | Unset, data)

        file = _parse_file(d.pop("file", UNSET))

        upload = cls(
            id=id,
            created_at=created_at,
            filename=filename,
            bytes_=bytes_,
            purpose=purpose,
            status=status,
            expires_at=expires_at,
            object_=object_,
            file=file,
        )

        upload.additional_properties = d
        return upload

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
