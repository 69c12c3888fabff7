from typing import Literal

UploadPartObject = Literal["upload.part"]

UPLOAD_PART_OBJECT_VALUES: set[UploadPartObject] = {
    "upload.part",
}


def check_upload_part_object(value: str) -> UploadPartObject:
    if value in UPLOAD_PART_OBJECT_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {UPLOAD_PART_OBJECT_VALUES!r}"
    )
