from typing import Literal

FileStatus = Literal["error", "processed", "uploaded"]

FILE_STATUS_VALUES: set[FileStatus] = {
    "error",
    "processed",
    "uploaded",
}


def check_file_status(value: str) -> FileStatus:
    if value in FILE_STATUS_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {FILE_STATUS_VALUES!r}"
    )
