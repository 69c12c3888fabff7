"""A terminal progress bar: bytes, rate, ETA and parts done, drawn with rich on one line
that fits the terminal (:func:`progress_line` lays it out).

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
import time
from dataclasses import dataclass
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
    from rich.text import Text


def _rich() -> tuple[Any, Any]:
    """rich's Console and its progress module, or the one ImportError naming the extra."""
    try:
        import rich.progress
        from rich.console import Console
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise ImportError("the progress bar needs rich: pip install 'openai-uploads[cli]'") from exc
    return Console, rich.progress


SPINNER_FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
"""The spinner shown while the bar waits on the server (completing, verifying, ...)."""
SPINNER_FPS = 10
ELLIPSIS = "…"
NAME_MIN = 12
"""The narrowest a file name is elided to before the fields go (below: even narrower)."""
BAR_MIN, BAR_MAX = 10, 40


@dataclass(frozen=True)
class LineState:
    """What one line of the bar shows: a file's progress, as :func:`progress_line` lays it out."""

    name: str
    completed: float
    total: float | None
    parts_done: int = 0
    part_count: int = 0
    phase: str = "sending"
    """``sending`` (with the ETA); a wait on the server, any word in -ing (``completing``,
    ``verifying``), shown with a spinner and how long it has lasted; or an end
    (``completed``, ``verified``), shown as it is."""
    rate: float | None = None
    """Bytes per second, None or 0 when not known yet."""
    phase_elapsed: float = 0.0
    """Seconds since the phase began (the spinner's frame and the time shown)."""


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"


def _sizes(completed: float, total: float | None) -> str:
    from rich.filesize import pick_unit_and_suffix

    unit, suffix = pick_unit_and_suffix(
        int(total or completed), ["B", "KiB", "MiB", "GiB", "TiB"], 1024
    )
    if unit == 1:
        return f"{int(completed)}/{int(total)} B" if total else f"{int(completed)} B"
    done = f"{completed / unit:.1f}"
    return f"{done}/{total / unit:.1f} {suffix}" if total else f"{done} {suffix}"


def elide_middle(text: str, width: int) -> str:
    """``text`` in at most ``width`` cells, its middle replaced by an ellipsis."""
    if len(text) <= width:
        return text
    if width <= 1:
        return ELLIPSIS[:width]
    keep = width - 1  # the ellipsis takes a cell
    head = (keep + 1) // 2
    tail = keep - head
    return text[:head] + ELLIPSIS + (text[-tail:] if tail else "")


def progress_line(state: LineState, width: int) -> Text:
    """One line of at most ``width`` cells: name, bar, percent, bytes, parts, rate, ETA.

    As the width narrows, the fields go in this order: the ETA, the rate, the parts, the
    bytes, the percentage; the file name is elided in the middle (down to ``NAME_MIN``
    cells first, further only when nothing else is left to drop). While the bar waits on
    the server, a spinner, the phase and its elapsed time take the place of rate and
    ETA, and stay to the last.
    """
    from rich.text import Text

    total = state.total or 0
    fraction = min(1.0, state.completed / total) if total else 0.0
    status = ""
    optional: list[tuple[str, str]] = []  # (style, text), kept in this order, dropped last-first
    optional.append(("progress.percentage", f"{fraction * 100:3.0f}%"))
    optional.append(("progress.download", _sizes(state.completed, state.total)))
    if state.part_count:
        optional.append(("", f"parts {state.parts_done}/{state.part_count}"))
    waiting = state.phase != "sending" and state.phase.endswith("ing")
    if state.rate:
        optional.append(("progress.data.speed", _sizes(state.rate, None) + "/s"))
    elif state.phase == "sending":
        optional.append(("progress.data.speed", "?/s"))
    if state.phase == "sending" and state.rate and total:
        left = max(0.0, total - state.completed) / state.rate
        optional.append(("progress.remaining", f"ETA {_clock(left)}"))
    elif waiting:
        frame = SPINNER_FRAMES[int(state.phase_elapsed * SPINNER_FPS) % len(SPINNER_FRAMES)]
        status = f"{frame} {state.phase} {_clock(state.phase_elapsed)}"
    elif state.phase != "sending":
        status = state.phase  # done: completed, verified, ...

    def fixed() -> int:
        return sum(len(text) + 1 for _, text in optional) + (len(status) + 1 if status else 0)

    name_min = min(len(state.name), NAME_MIN)
    while optional and name_min + 1 + BAR_MIN + fixed() > width:
        optional.pop()
    room = max(0, width - fixed() - 1)  # for the name, a space and the bar
    bar_share = min(BAR_MAX, max(BAR_MIN, room // 3))  # a long name leaves the bar a third
    name_width = min(len(state.name), max(room - bar_share, min(name_min, room // 2)))
    bar_width = min(BAR_MAX, max(0, room - name_width))
    if bar_width < BAR_MAX:  # what the bar cannot use goes to the name
        name_width = min(len(state.name), room - bar_width)

    line = Text(no_wrap=True, overflow="crop", end="")
    line.append(elide_middle(state.name, name_width), style="bold")
    if bar_width:
        done = round(bar_width * fraction)
        line.append(" ")
        line.append("━" * done, style="bar.finished" if fraction >= 1 else "bar.complete")
        line.append("━" * (bar_width - done), style="bar.back")
    for style, text in optional:
        line.append(" ")
        line.append(text, style=style or None)
    if status:
        line.append(" ")
        line.append(status, style="progress.spinner" if waiting else None)
    line.truncate(width)
    return line


def _line_column(bar: ProgressBar) -> Any:
    """A rich column that draws each task as :func:`progress_line` at the console's width."""
    from rich.progress import ProgressColumn, Task

    class LineColumn(ProgressColumn):
        def render(self, task: Task) -> Text:
            fields = task.fields
            rate = fields.get("rate")
            now = time.monotonic()
            state = LineState(
                name=str(task.description),
                completed=task.completed,
                total=task.total,
                parts_done=int(fields.get("parts_done", 0)),
                part_count=int(fields.get("part_count", 0)),
                phase=str(fields.get("phase", "sending")),
                rate=rate.rate(int(task.completed)) if isinstance(rate, SendRate) else None,
                phase_elapsed=now - float(fields.get("phase_since", now)),
            )
            return progress_line(state, bar.console.width)

    return LineColumn()


class ProgressBar:
    """Draws one bar per Upload on a terminal; does nothing when output is not a terminal.

    After the last part the bar names the phase it waits in: ``completing`` while the
    Upload is completed, then ``completed`` (an app that checks the File afterwards can
    show ``verifying`` and the like with :meth:`set_phase`).

    The bar is one line that fits the terminal (:func:`progress_line`); a phase in -ing
    (``completing``, ``verifying``) shows a spinner and its elapsed time.

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
            _line_column(self),
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
                phase_since=time.monotonic(),
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
                    self._progress.update(task, **_phase("completing"))

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
                    **_phase("completed"),
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
                self._progress.update(task, **_phase(phase))
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


def binary_speed_column(progress: Any) -> Any:
    """A rich progress column of the send rate in the sizes' binary units (``12.5
    MiB/s``; rich's own ``TransferSpeedColumn`` shows decimal MB/s beside MiB)."""
    from rich.text import Text

    class BinarySpeedColumn(progress.ProgressColumn):  # type: ignore[misc]
        def render(self, task: Any) -> Text:
            speed = task.finished_speed or task.speed
            shown = "?" if speed is None else _sizes(speed, None)
            return Text(f"{shown}/s", style="progress.data.speed")

    return BinarySpeedColumn()


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
            binary_speed_column(progress),
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


def _phase(phase: str) -> dict[str, Any]:
    """The task fields of a new phase: its name and when it began."""
    return {"phase": phase, "phase_since": time.monotonic()}
