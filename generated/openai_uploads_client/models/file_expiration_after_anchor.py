from typing import Literal

FileExpirationAfterAnchor = Literal["created_at"]

FILE_EXPIRATION_AFTER_ANCHOR_VALUES: set[FileExpirationAfterAnchor] = {
    "created_at",
}


def check_file_expiration_after_anchor(value: str) -> FileExpirationAfterAnchor:
    if value in FILE_EXPIRATION_AFTER_ANCHOR_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {FILE_EXPIRATION_AFTER_ANCHOR_VALUES!r}"
    )
