"""A terminal progress bar: bytes, rate, ETA and parts done, drawn with rich.

Used by the ``openai-uploads upload`` command; apps can use it too::

    from openai_uploads import OpenAI
    from openai_uploads.plugins.progress import ProgressBar

    client = OpenAI(plugins=[ProgressBar()])
    client.uploads.upload_file_chunked(file="big.jsonl", mime_type="application/jsonl",
                                       purpose="fine-tune")

Needs the ``cli`` extra (``pip install 'openai-uploads[cli]'``).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from ..hookspecs import (
    BytesSent,
    PartCompleted,
    UploadCancelled,
    UploadCompleted,
    UploadFailed,
    UploadStarted,
    hookimpl,
)

if TYPE_CHECKING:
    from rich.console import Console


class ProgressBar:
    """Draws one bar per Upload on a terminal; does nothing when output is not a terminal.

    Args:
        console: the rich Console to draw on (default: standard error).
        transient: remove the bar when the upload ends.
    """

    def __init__(self, console: Console | None = None, *, transient: bool = False) -> None:
        try:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                DownloadColumn,
                Progress,
                TaskProgressColumn,
                TextColumn,
                TimeRemainingColumn,
                TransferSpeedColumn,
            )
        except ImportError as exc:  # pragma: no cover - depends on the installed extras
            raise ImportError(
                "the progress bar needs rich: pip install 'openai-uploads[cli]'"
            ) from exc
        self.console = console or Console(stderr=True)
        self._progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            TaskProgressColumn(),
            DownloadColumn(binary_units=True),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            TextColumn("parts {task.fields[parts_done]}/{task.fields[part_count]}"),
            console=self.console,
            transient=transient,
            disable=not self.console.is_terminal,
        )
        self._tasks: dict[str, Any] = {}
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return not self._progress.disable

    @hookimpl
    def on_upload_started(self, event: UploadStarted) -> None:
        with self._lock:
            if not self._tasks:
                self._progress.start()
            self._tasks[event.upload_id] = self._progress.add_task(
                event.filename,
                total=event.total_bytes,
                completed=event.resumed_bytes,
                parts_done=0,
                part_count=event.part_count,
            )

    @hookimpl
    def on_bytes_sent(self, event: BytesSent) -> None:
        task = self._tasks.get(event.upload_id)
        if task is not None:
            self._progress.update(task, completed=event.bytes_sent)

    @hookimpl
    def on_part_completed(self, event: PartCompleted) -> None:
        task = self._tasks.get(event.upload_id)
        if task is not None:
            self._progress.update(task, parts_done=event.parts_done)

    @hookimpl
    def on_upload_completed(self, event: UploadCompleted) -> None:
        task = self._tasks.get(event.upload_id)
        if task is not None:
            self._progress.update(task, completed=event.total_bytes)
        self._finish(event.upload_id)

    @hookimpl
    def on_upload_failed(self, event: UploadFailed) -> None:
        if event.upload_id is not None:
            self._finish(event.upload_id)

    @hookimpl
    def on_upload_cancelled(self, event: UploadCancelled) -> None:
        self._finish(event.upload_id)

    def _finish(self, upload_id: str) -> None:
        with self._lock:
            if self._tasks.pop(upload_id, None) is not None and not self._tasks:
                self._progress.stop()
