from typing import Literal

FilePurpose = Literal[
    "assistants",
    "assistants_output",
    "batch",
    "batch_output",
    "evals",
    "fine-tune",
    "fine-tune-results",
    "user_data",
    "vision",
]

FILE_PURPOSE_VALUES: set[FilePurpose] = {
    "assistants",
    "assistants_output",
    "batch",
    "batch_output",
    "evals",
    "fine-tune",
    "fine-tune-results",
    "user_data",
    "vision",
}


def check_file_purpose(value: str) -> FilePurpose:
    if value in FILE_PURPOSE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {FILE_PURPOSE_VALUES!r}"
    )
