from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.file_expiration_after_anchor import (
    FileExpirationAfterAnchor,
    check_file_expiration_after_anchor,
)

T = TypeVar("T", bound="FileExpirationAfter")


@_attrs_define
class FileExpirationAfter:
    """When the File that the Upload produces expires. By default, files with
    `purpose=batch` expire after 30 days and all others persist until deleted.

    """

    anchor: FileExpirationAfterAnchor
    """ The timestamp the expiry counts from. Supported anchors: `created_at`. """
    seconds: int
    """ Seconds after the anchor at which the file expires (1 hour to 30 days). """

    def to_dict(self) -> dict[str, Any]:
        anchor: str = self.anchor

        seconds = self.seconds

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "anchor": anchor,
                "seconds": seconds,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        anchor = check_file_expiration_after_anchor(d.pop("anchor"))

        seconds = d.pop("seconds")

        file_expiration_after = cls(
            anchor=anchor,
            seconds=seconds,
        )

        return file_expiration_after
