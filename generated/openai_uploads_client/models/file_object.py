from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.file_object_object import FileObjectObject, check_file_object_object
from ..models.file_purpose import FilePurpose, check_file_purpose
from ..models.file_status import FileStatus, check_file_status
from ..types import UNSET, Unset

T = TypeVar("T", bound="FileObject")


@_attrs_define
class FileObject:
    """A document stored by the API."""

    id: str
    """ The file identifier. """
    bytes_: int
    """ The size of the file, in bytes. """
    created_at: int
    """ The Unix timestamp (in seconds) when the file was created. """
    filename: str
    """ The name of the file. """
    object_: FileObjectObject
    """ The object type, which is always `file`. """
    purpose: FilePurpose | str
    """ The purpose of the file; a value unknown to this client is kept as a string. """
    expires_at: int | None | Unset = UNSET
    """ The Unix timestamp (in seconds) when the file expires. """
    status: FileStatus | str | Unset = UNSET
    """ Deprecated. `uploaded`, `processed` or `error`; an unknown value is kept as a string. """
    status_details: None | str | Unset = UNSET
    """ Deprecated. Details of a validation failure. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        bytes_ = self.bytes_

        created_at = self.created_at

        filename = self.filename

        object_: str = self.object_

        purpose: str
        if isinstance(self.purpose, str):
            purpose = self.purpose
        else:
            purpose = self.purpose

        expires_at: int | None | Unset
        if isinstance(self.expires_at, Unset):
            expires_at = UNSET
        else:
            expires_at = self.expires_at

        status: str | Unset
        if isinstance(self.status, Unset):
            status = UNSET
        elif isinstance(self.status, str):
            status = self.status
        else:
            status = self.status

        status_details: None | str | Unset
        if isinstance(self.status_details, Unset):
            status_details = UNSET
        else:
            status_details = self.status_details

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "bytes": bytes_,
                "created_at": created_at,
                "filename": filename,
                "object": object_,
                "purpose": purpose,
            }
        )
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at
        if status is not UNSET:
            field_dict["status"] = status
        if status_details is not UNSET:
            field_dict["status_details"] = status_details

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        bytes_ = d.pop("bytes")

        created_at = d.pop("created_at")

        filename = d.pop("filename")

        object_ = check_file_object_object(d.pop("object"))

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

        def _parse_expires_at(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        expires_at = _parse_expires_at(d.pop("expires_at", UNSET))

        def _parse_status(data: object) -> FileStatus | str | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                status_type_0 = check_file_status(data)

                return status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(FileStatus | str | Unset, data)

        status = _parse_status(d.pop("status", UNSET))

        def _parse_status_details(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        status_details = _parse_status_details(d.pop("status_details", UNSET))

        file_object = cls(
            id=id,
            bytes_=bytes_,
            created_at=created_at,
            filename=filename,
            object_=object_,
            purpose=purpose,
            expires_at=expires_at,
            status=status,
            status_details=status_details,
        )

        file_object.additional_properties = d
        return file_object

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
