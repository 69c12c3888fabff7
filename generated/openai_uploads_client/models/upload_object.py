from typing import Literal

UploadObject = Literal["upload"]

UPLOAD_OBJECT_VALUES: set[UploadObject] = {
    "upload",
}


def check_upload_object(value: str) -> UploadObject:
    if value in UPLOAD_OBJECT_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {UPLOAD_OBJECT_VALUES!r}"
    )
