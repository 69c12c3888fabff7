from typing import Literal

CreateFileRequestPurpose = Literal[
    "assistants", "batch", "evals", "fine-tune", "user_data", "vision"
]

CREATE_FILE_REQUEST_PURPOSE_VALUES: set[CreateFileRequestPurpose] = {
    "assistants",
    "batch",
    "evals",
    "fine-tune",
    "user_data",
    "vision",
}


def check_create_file_request_purpose(value: str) -> CreateFileRequestPurpose:
    if value in CREATE_FILE_REQUEST_PURPOSE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {CREATE_FILE_REQUEST_PURPOSE_VALUES!r}"
    )
