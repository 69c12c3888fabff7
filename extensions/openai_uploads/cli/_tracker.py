"""What the transfer said about its Upload, for the CLI's messages at the end."""

from __future__ import annotations

from ..hookspecs import (
    UploadCancelled,
    UploadCompleted,
    UploadFailed,
    UploadStarted,
    hookimpl,
)


class Tracker:
    """A plugin that remembers the Upload's id, how far a resume got, and how it ended."""

    def __init__(self) -> None:
        self.upload_id: str | None = None
        self.cancelled = False
        self.kept_for_resume = False
        self.resumed_bytes = 0
        self.total_bytes = 0
        self.file_id: str | None = None
        self.md5: str | None = None
        """The md5 of the bytes the transfer read (what ``--verify`` compares a stream with)."""

    @hookimpl
    def on_upload_started(self, event: UploadStarted) -> None:
        self.upload_id = event.upload_id
        self.resumed_bytes = event.resumed_bytes
        self.total_bytes = event.total_bytes

    @hookimpl
    def on_upload_completed(self, event: UploadCompleted) -> None:
        self.file_id = event.file_id
        self.md5 = event.digests.get("md5")

    @hookimpl
    def on_upload_cancelled(self, event: UploadCancelled) -> None:
        self.upload_id = self.upload_id or event.upload_id
        self.cancelled = True

    @hookimpl
    def on_upload_failed(self, event: UploadFailed) -> None:
        self.upload_id = self.upload_id or event.upload_id
        self.kept_for_resume = event.kept_for_resume
