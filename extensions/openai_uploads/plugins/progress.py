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
from ._rate import SendRate

if TYPE_CHECKING:
    from rich.console import Console


def _rich() -> tuple[Any, Any]:
    """rich's Console and its progress module, or the one ImportError naming the extra."""
    try:
        import rich.progress
        from rich.console import Console
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise ImportError("the progress bar needs rich: pip install 'openai-uploads[cli]'") from exc
    return Console, rich.progress


def _binary_speed_column() -> Any:
    """Like rich's TransferSpeedColumn, in the binary units (MiB/s) of the size column."""
    from rich.filesize import pick_unit_and_suffix
    from rich.progress import ProgressColumn, Task
    from rich.text import Text

    class BinarySpeedColumn(ProgressColumn):
        """The average rate of this run's part bytes (:class:`SendRate`), the figure the
        command line's summary shows too; rich's own is a moving sample."""

        def render(self, task: Task) -> Text:
            rate = task.fields.get("rate")
            speed = rate.rate(int(task.completed)) if isinstance(rate, SendRate) else None
            if not speed:
                return Text("?", style="progress.data.speed")
            unit, suffix = pick_unit_and_suffix(int(speed), ["B", "KiB", "MiB", "GiB", "TiB"], 1024)
            return Text(f"{speed / unit:.1f} {suffix}/s", style="progress.data.speed")

    return BinarySpeedColumn()


class ProgressBar:
    """Draws one bar per Upload on a terminal; does nothing when output is not a terminal.

    After the last part the bar names the phase it waits in: ``completing`` while the
    Upload is completed, then ``completed`` (an app that checks the File afterwards can
    show ``verifying`` and the like with :meth:`set_phase`).

    Args:
        console: the rich Console to draw on (default: standard error). Print through
            it (``bar.console.print``) to put lines above the bar.
        transient: remove the bar when the upload ends.
        finish_on_complete: stop drawing when the Upload completes; False keeps the bar
            for phases of the caller's until :meth:`close`.
    """

    def __init__(
        self,
        console: Console | None = None,
        *,
        transient: bool = False,
        finish_on_complete: bool = True,
    ) -> None:
        Console, progress = _rich()
        self.console = console or Console(stderr=True)
        self._progress = progress.Progress(
            progress.TextColumn("[bold]{task.description}"),
            progress.BarColumn(),
            progress.TaskProgressColumn(),
            progress.DownloadColumn(binary_units=True),
            _binary_speed_column(),
            progress.TimeRemainingColumn(),
            progress.TextColumn("parts {task.fields[parts_done]}/{task.fields[part_count]}"),
            progress.TextColumn("{task.fields[phase]}"),
            console=self.console,
            transient=transient,
            disable=not self.console.is_terminal,
        )
        self._tasks: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._finish_on_complete = finish_on_complete
        self._rates: dict[str, tuple[SendRate, int]] = {}

    @property
    def enabled(self) -> bool:
        return not self._progress.disable

    @hookimpl
    def on_upload_started(self, event: UploadStarted) -> None:
        # Parts already on the server when resuming: whole parts, plus the short last one.
        full, rest = divmod(event.resumed_bytes, event.part_size) if event.part_size else (0, 0)
        rate = SendRate(event.resumed_bytes)
        with self._lock:
            self._rates[event.upload_id] = (rate, event.total_bytes)
            if not self._tasks:
                self._progress.start()
            self._tasks[event.upload_id] = self._progress.add_task(
                event.filename,
                total=event.total_bytes,
                completed=event.resumed_bytes,
                parts_done=min(full + (1 if rest else 0), event.part_count),
                part_count=event.part_count,
                phase="sending",
                rate=rate,
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
                if event.parts_done >= event.part_count:
                    fields["rate"].stop()
                    self._progress.update(task, phase="completing")

    @hookimpl
    def on_upload_completed(self, event: UploadCompleted) -> None:
        with self._lock:
            task = self._tasks.get(event.upload_id)
            if task is not None:
                self._progress.tasks[self._index(task)].fields["rate"].stop()
                self._progress.update(
                    task,
                    completed=event.total_bytes,
                    parts_done=self._part_count(task),
                    phase="completed",
                )
        if self._finish_on_complete:
            self._finish(event.upload_id)

    def send_rate(self, upload_id: str) -> float | None:
        """The rate the bar shows (bytes per second of this run's parts), or None for an
        Upload it has not seen; kept after the bar is closed."""
        with self._lock:
            found = self._rates.get(upload_id)
        if found is None:
            return None
        rate, total = found
        rate.stop()
        return rate.rate(total)

    def set_phase(self, upload_id: str, phase: str) -> None:
        """Show ``phase`` (e.g. ``verifying``) at the end of the Upload's bar."""
        with self._lock:
            task = self._tasks.get(upload_id)
            if task is not None:
                self._progress.update(task, phase=phase)
                self._progress.refresh()

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


class BatchProgressBar:
    """One bar for the whole of ``upload_many``: files done of the total, bytes, rate
    and ETA. Does nothing when output is not a terminal.

    Args:
        total_files, total_bytes: the size of the set (the input may be a generator, so
            the batch cannot tell it); None shows no total.
        console: the rich Console to draw on (default: standard error).
    """

    def __init__(
        self,
        total_files: int | None = None,
        total_bytes: int | None = None,
        console: Console | None = None,
    ) -> None:
        Console, progress = _rich()
        self.console = console or Console(stderr=True)
        self._progress = progress.Progress(
            progress.TextColumn("[bold]files {task.fields[done]}/{task.fields[count]}"),
            progress.BarColumn(),
            progress.DownloadColumn(binary_units=True),
            progress.TransferSpeedColumn(),
            progress.TimeRemainingColumn(),
            progress.TextColumn("{task.fields[failed]}"),
            console=self.console,
            disable=not self.console.is_terminal,
        )
        self._lock = threading.Lock()
        self._sent: dict[str, int] = {}
        self._bytes = 0
        self._done = 0
        self._failed = 0
        self._total = "?" if total_files is None else str(total_files)
        self._task = self._progress.add_task(
            "upload", total=total_bytes, done=0, count=self._total, failed=""
        )
        self._progress.start()

    def _update(self) -> None:
        failed = f"[red]{self._failed} failed" if self._failed else ""
        self._progress.update(self._task, completed=self._bytes, done=self._done, failed=failed)

    @hookimpl
    def on_bytes_sent(self, event: BytesSent) -> None:
        with self._lock:
            before = self._sent.get(event.upload_id, 0)
            if event.bytes_sent > before:
                self._bytes += event.bytes_sent - before
                self._sent[event.upload_id] = event.bytes_sent
            self._update()

    @hookimpl
    def on_upload_completed(self, event: UploadCompleted) -> None:
        with self._lock:
            self._bytes += event.total_bytes - self._sent.pop(event.upload_id, 0)
            self._done += 1
            self._update()

    @hookimpl
    def on_upload_failed(self, event: UploadFailed) -> None:
        with self._lock:
            self._failed += 1
            self._update()

    def skipped(self, size: int) -> None:
        """A file the manifest names as uploaded: counted done, its bytes too."""
        with self._lock:
            self._done += 1
            self._bytes += size
            self._update()

    @hookimpl
    def on_batch_finished(self) -> None:
        self.close()

    def close(self) -> None:
        self._progress.stop()
