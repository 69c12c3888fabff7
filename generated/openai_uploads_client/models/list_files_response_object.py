from typing import Literal

ListFilesResponseObject = Literal["list"]

LIST_FILES_RESPONSE_OBJECT_VALUES: set[ListFilesResponseObject] = {
    "list",
}


def check_list_files_response_object(value: str) -> ListFilesResponseObject:
    if value in LIST_FILES_RESPONSE_OBJECT_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {LIST_FILES_RESPONSE_OBJECT_VALUES!r}"
    )
