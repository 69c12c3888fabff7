"""An ``async def`` hook: hooks are called synchronously, so it would never run."""

from openai_uploads import hookimpl


@hookimpl
async def on_upload_completed(event: object) -> None:
    pass
