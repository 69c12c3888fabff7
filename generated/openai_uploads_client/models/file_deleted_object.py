from typing import Literal

FileDeletedObject = Literal["file"]

FILE_DELETED_OBJECT_VALUES: set[FileDeletedObject] = {
    "file",
}


def check_file_deleted_object(value: str) -> FileDeletedObject:
    if value in FILE_DELETED_OBJECT_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {FILE_DELETED_OBJECT_VALUES!r}"
    )
