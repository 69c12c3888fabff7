"""The two acceptable ends of an upload, checked and counted."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from openai_uploads import BadRequestError, OpenAIError, UploadError

from .conftest import FIGURES

MIME = "application/jsonl"


def upload_kwargs(data: bytes, part_size: int, concurrency: int, **extra: Any) -> dict[str, Any]:
    return {
        "file": data,
        "filename": "data.bin",
        "bytes": len(data),
        "mime_type": MIME,
        "purpose": "batch",
        "part_size": part_size,
        "max_concurrency": concurrency,
        **extra,
    }


def byte_exact(upload: Any, data: bytes, content: Callable[[str], Any]) -> None:
    """The Upload completed and its File holds exactly ``data``; ``content`` is
    ``files.content`` (or gives the File's bytes)."""
    assert upload.status == "completed"
    assert upload.file is not None
    assert upload.file.bytes == len(data)
    stored = content(upload.file.id)
    assert (stored if isinstance(stored, bytes) else stored.content) == data
    FIGURES.upload("byte_exact")


def cleanly_failed(
    error: BaseException, expected: type[BaseException], status_of: Callable[[str], str]
) -> str | None:
    """A typed error naming the Upload, which is cancelled on the server (or never existed).

    ``status_of(upload_id)`` gives the Upload's status as the server sees it.
    """
    assert isinstance(error, expected), f"expected {expected.__name__}, got {error!r}"
    assert isinstance(error, OpenAIError)
    upload_id: str | None = getattr(error, "upload_id", None)
    if upload_id is not None:
        cancelled = (
            error.cancelled if isinstance(error, UploadError) else error.upload_cancelled  # type: ignore[attr-defined]
        )
        assert cancelled is True, f"{upload_id} was not cancelled: {error!r}"
        assert status_of(upload_id) == "cancelled"
        assert any(upload_id in note for note in getattr(error, "__notes__", [])) or (
            upload_id in str(error)
        )
    FIGURES.upload("failed_cleanly")
    return upload_id


def status_by_cancelling(cancel: Callable[[str], Any]) -> Callable[[str], str]:
    """``status_of`` for a server in another process: cancelling a cancelled Upload is
    refused with its status in the message."""

    def status_of(upload_id: str) -> str:
        try:
            cancel(upload_id)
        except BadRequestError as exc:
            if "'cancelled'" in exc.message:
                return "cancelled"
            if "'completed'" in exc.message:
                return "completed"
            raise
        return "pending (cancelled only now)"

    return status_of
