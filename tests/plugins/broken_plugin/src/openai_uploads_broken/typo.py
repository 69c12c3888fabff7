"""A misspelled hook name."""

from openai_uploads import hookimpl


@hookimpl
def on_bytes_snt(event: object) -> None:
    pass
