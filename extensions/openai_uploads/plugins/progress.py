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


def _binary_speed_column() -> Any:
    """Like rich's TransferSpeedColumn, in the binary units (MiB/s) of the size column."""
    from rich.filesize import pick_unit_and_suffix
    from rich.progress import ProgressColumn, Task
    from rich.text import Text

    class BinarySpeedColumn(ProgressColumn):
        def render(self, task: Task) -> Text:
            speed = task.finished_speed or task.speed
            if speed is None:
                return Text("?", style="progress.data.speed")
            unit, suffix = pick_unit_and_suffix(int(speed), ["B", "KiB", "MiB", "GiB", "TiB"], 1024)
            return Text(f"{speed / unit:.1f} {suffix}/s", style="progress.data.speed")

    return BinarySpeedColumn()


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
            _binary_speed_column(),
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
        # Parts already on the server when resuming: whole parts, plus the short last one.
        full, rest = divmod(event.resumed_bytes, event.part_size) if event.part_size else (0, 0)
        with self._lock:
            if not self._tasks:
                self._progress.start()
            self._tasks[event.upload_id] = self._progress.add_task(
                event.filename,
                total=event.total_bytes,
                completed=event.resumed_bytes,
                parts_done=min(full + (1 if rest else 0), event.part_count),
                part_count=event.part_count,
            )

    @hookimpl
    def on_bytes_sent(self, event: BytesSent) -> None:
        with self._lock:
            task = self._tasks.get(event.upload_id)
            if task is not None:
                # Never backwards, whatever order the worker threads report in.
                done = self._progress.tasks[self._index(task)].completed
                if event.bytes_sent > done:
                    self._progress.update(task, completed=event.bytes_sent)

    @hookimpl
    def on_part_completed(self, event: PartCompleted) -> None:
        with self._lock:
            task = self._tasks.get(event.upload_id)
            if task is not None:
                fields = self._progress.tasks[self._index(task)].fields
                if event.parts_done > fields.get("parts_done", 0):
                    self._progress.update(task, parts_done=event.parts_done)

    @hookimpl
    def on_upload_completed(self, event: UploadCompleted) -> None:
        with self._lock:
            task = self._tasks.get(event.upload_id)
            if task is not None:
                self._progress.update(
                    task, completed=event.total_bytes, parts_done=self._part_count(task)
                )
        self._finish(event.upload_id)

    @hookimpl
    def on_upload_failed(self, event: UploadFailed) -> None:
        if event.upload_id is not None:
            self._finish(event.upload_id)

    @hookimpl
    def on_upload_cancelled(self, event: UploadCancelled) -> None:
        self._finish(event.upload_id)

    def close(self) -> None:
        """Stop drawing (idempotent): restores the terminal, e.g. after Ctrl-C."""
        with self._lock:
            self._tasks.clear()
            self._stop()

    def _index(self, task: Any) -> int:
        return next(i for i, t in enumerate(self._progress.tasks) if t.id == task)

    def _part_count(self, task: Any) -> int:
        count: int = self._progress.tasks[self._index(task)].fields.get("part_count", 0)
        return count

    def _finish(self, upload_id: str) -> None:
        with self._lock:
            if self._tasks.pop(upload_id, None) is not None and not self._tasks:
                self._stop()

    def _stop(self) -> None:
        if self._progress.live.is_started:
            self._progress.stop()
        # Finished bars were drawn for good when the display stopped: forget them, or a
        # later upload through the same plugin would draw them again.
        for task in list(self._progress.task_ids):
            self._progress.remove_task(task)
