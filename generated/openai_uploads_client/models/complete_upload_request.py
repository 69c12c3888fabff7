from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="CompleteUploadRequest")


@_attrs_define
class CompleteUploadRequest:
    part_ids: list[str]
    """ The ordered list of Part IDs. """
    md5: str | Unset = UNSET
    """ The hex md5 of the whole file, checked against the bytes uploaded. """

    def to_dict(self) -> dict[str, Any]:
        part_ids = self.part_ids

        md5 = self.md5

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "part_ids": part_ids,
            }
        )
        if md5 is not UNSET:
            field_dict["md5"] = md5

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        part_ids = cast(list[str], d.pop("part_ids"))

        md5 = d.pop("md5", UNSET)

        complete_upload_request = cls(
            part_ids=part_ids,
            md5=md5,
        )

        return complete_upload_request
