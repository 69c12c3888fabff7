from typing import Literal

CreateUploadRequestPurpose = Literal[
    "assistants", "batch", "evals", "fine-tune", "user_data", "vision"
]

CREATE_UPLOAD_REQUEST_PURPOSE_VALUES: set[CreateUploadRequestPurpose] = {
    "assistants",
    "batch",
    "evals",
    "fine-tune",
    "user_data",
    "vision",
}


def check_create_upload_request_purpose(value: str) -> CreateUploadRequestPurpose:
    if value in CREATE_UPLOAD_REQUEST_PURPOSE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {CREATE_UPLOAD_REQUEST_PURPOSE_VALUES!r}"
    )
