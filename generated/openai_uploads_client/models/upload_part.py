from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.upload_part_object import UploadPartObject, check_upload_part_object

T = TypeVar("T", bound="UploadPart")


@_attrs_define
class UploadPart:
    """A chunk of bytes added to an Upload."""

    id: str
    """ The Part's unique identifier. """
    created_at: int
    """ The Unix timestamp (in seconds) when the Part was created. """
    upload_id: str
    """ The ID of the Upload this Part was added to. """
    object_: UploadPartObject
    """ The object type, which is always `upload.part`. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        created_at = self.created_at

        upload_id = self.upload_id

        object_: str = self.object_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "created_at": created_at,
                "upload_id": upload_id,
                "object": object_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        created_at = d.pop("created_at")

        upload_id = d.pop("upload_id")

        object_ = check_upload_part_object(d.pop("object"))

        upload_part = cls(
            id=id,
            created_at=created_at,
            upload_id=upload_id,
            object_=object_,
        )

        upload_part.additional_properties = d
        return upload_part

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
