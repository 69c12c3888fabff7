from typing import Literal

FileListObject = Literal["list"]

FILE_LIST_OBJECT_VALUES: set[FileListObject] = {
    "list",
}


def check_file_list_object(value: str) -> FileListObject:
    if value in FILE_LIST_OBJECT_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {FILE_LIST_OBJECT_VALUES!r}"
    )
