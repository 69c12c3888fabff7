"""The progress bar: drawn on a terminal only, never backwards, honest about resumed parts."""

from __future__ import annotations

import io
import os
import pty
import subprocess
from pathlib import Path
from typing import Any

from rich.console import Console

from openai_uploads.hookspecs import BytesSent, PartCompleted, UploadCompleted, UploadStarted
from openai_uploads.plugins.progress import ProgressBar

from .conftest import CLI, MiB, make_file


def test_progress_bar_is_drawn_when_stderr_is_a_terminal(
    tmp_path: Path, env: dict[str, str], emulator: Any
) -> None:
    data = make_file(tmp_path / "a.jsonl", 4 * MiB)
    primary, secondary = pty.openpty()
    try:
        proc = subprocess.Popen(
            [str(CLI), "upload", str(data), "--purpose", "batch", "--part-size", "1MiB"],
            env={**env, "COLUMNS": "160", "TERM": "xterm"},
            stdout=subprocess.PIPE,
            stderr=secondary,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        os.close(secondary)
        drawn = b""
        while True:
            try:
                chunk = os.read(primary, 65536)
            except OSError:  # the pty closes when the process exits
                break
            if not chunk:
                break
            drawn += chunk
        out, _ = proc.communicate(timeout=30)
    finally:
        os.close(primary)
    assert proc.returncode == 0
    text = drawn.decode(errors="replace")
    assert "parts 4/4" in text
    assert "4.0/4.0 MiB" in text
    assert "uploaded a.jsonl" in text
    assert out.strip().startswith("file-")


def _bar() -> tuple[ProgressBar, io.StringIO]:
    sink = io.StringIO()
    return ProgressBar(Console(file=sink, force_terminal=True, width=160)), sink


def _task(bar: ProgressBar) -> Any:
    return bar._progress.tasks[0]


def test_progress_bar_never_goes_backwards() -> None:
    bar, _ = _bar()
    bar.on_upload_started(
        UploadStarted(upload_id="u", filename="f", total_bytes=100, part_size=10, part_count=10)
    )
    for sent in (30, 20, 50, 40):
        bar.on_bytes_sent(BytesSent(upload_id="u", part_number=1, bytes_sent=sent, total_bytes=100))
    assert _task(bar).completed == 50
    bar.close()


def test_progress_bar_counts_parts_already_sent_when_resuming() -> None:
    bar, _ = _bar()
    bar.on_upload_started(
        UploadStarted(
            upload_id="u", filename="f", total_bytes=95, part_size=10, part_count=10,
            resumed_bytes=35,  # parts 1-3 and the short last part (5 bytes)
        )
    )  # fmt: skip
    assert _task(bar).fields["parts_done"] == 4
    assert _task(bar).completed == 35
    bar.close()


def test_progress_bar_shows_every_part_done_at_completion() -> None:
    bar, sink = _bar()
    bar.on_upload_started(
        UploadStarted(upload_id="u", filename="f", total_bytes=20, part_size=10, part_count=2)
    )
    bar.on_part_completed(
        PartCompleted(
            upload_id="u", part_number=2, part_id="p2", size=10, attempts=1, elapsed=0.1,
            parts_done=1, part_count=2,
        )
    )  # fmt: skip
    bar.on_upload_completed(
        UploadCompleted(upload_id="u", file_id="file-x", total_bytes=20, elapsed=1.0, digests={})
    )
    assert "parts 2/2" in sink.getvalue()
    assert not bar._progress.live.is_started


def test_progress_bar_draws_a_second_upload_without_the_first() -> None:
    bar, sink = _bar()
    for upload_id in ("first", "second"):
        bar.on_upload_started(
            UploadStarted(
                upload_id=upload_id, filename=f"{upload_id}.jsonl", total_bytes=10,
                part_size=10, part_count=1,
            )
        )  # fmt: skip
        bar.on_upload_completed(
            UploadCompleted(
                upload_id=upload_id, file_id="f", total_bytes=10, elapsed=0.1, digests={}
            )
        )
        if upload_id == "first":
            sink.seek(0)
            sink.truncate()
    assert "second.jsonl" in sink.getvalue()
    assert "first.jsonl" not in sink.getvalue()


def test_progress_bar_stays_off_when_the_console_is_not_a_terminal() -> None:
    sink = io.StringIO()
    bar = ProgressBar(Console(file=sink, force_terminal=False))
    assert not bar.enabled
    bar.on_upload_started(
        UploadStarted(upload_id="u", filename="f", total_bytes=10, part_size=10, part_count=1)
    )
    bar.on_upload_completed(
        UploadCompleted(upload_id="u", file_id="f", total_bytes=10, elapsed=0.1, digests={})
    )
    assert sink.getvalue() == ""
