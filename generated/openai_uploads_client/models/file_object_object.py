from typing import Literal

FileObjectObject = Literal["file"]

FILE_OBJECT_OBJECT_VALUES: set[FileObjectObject] = {
    "file",
}


def check_file_object_object(value: str) -> FileObjectObject:
    if value in FILE_OBJECT_OBJECT_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {FILE_OBJECT_OBJECT_VALUES!r}"
    )
