"""After the last part the bar says what it waits for, and it shows the summary's rate;
warnings print above the bar, never into its line."""

from __future__ import annotations

import io
import logging
import os
import pty
import re
import subprocess
from pathlib import Path
from typing import Any

from rich.console import Console

from openai_uploads.hookspecs import PartCompleted, UploadCompleted, UploadStarted
from openai_uploads.plugins._rate import SendRate
from openai_uploads.plugins.progress import ProgressBar

from .conftest import CLI, MiB, cli_env, make_file


def _bar(**options: Any) -> tuple[ProgressBar, io.StringIO]:
    sink = io.StringIO()
    return ProgressBar(Console(file=sink, force_terminal=True, width=200), **options), sink


def _phase(bar: ProgressBar) -> str:
    return str(bar._progress.tasks[0].fields["phase"])


def _start(bar: ProgressBar) -> None:
    bar.on_upload_started(
        UploadStarted(upload_id="u", filename="f", total_bytes=20, part_size=10, part_count=2)
    )


def _part(bar: ProgressBar, done: int) -> None:
    bar.on_part_completed(
        PartCompleted(
            upload_id="u", part_number=done, part_id=f"p{done}", size=10, attempts=1,
            elapsed=0.1, parts_done=done, part_count=2,
        )
    )  # fmt: skip


def _completed(bar: ProgressBar) -> None:
    bar.on_upload_completed(
        UploadCompleted(upload_id="u", file_id="file-x", total_bytes=20, elapsed=1.0, digests={})
    )


def test_the_bar_says_sending_then_completing_after_the_last_part() -> None:
    bar, _ = _bar()
    _start(bar)
    assert _phase(bar) == "sending"
    _part(bar, 1)
    assert _phase(bar) == "sending"
    _part(bar, 2)
    assert _phase(bar) == "completing"
    bar.close()


def test_the_bar_can_stay_for_the_callers_phases_after_complete() -> None:
    bar, sink = _bar(finish_on_complete=False)
    _start(bar)
    _part(bar, 1)
    _part(bar, 2)
    _completed(bar)
    assert _phase(bar) == "completed"
    assert bar._progress.live.is_started
    bar.set_phase("u", "verifying")
    assert _phase(bar) == "verifying"
    bar.close()
    assert "verifying" in sink.getvalue()
    assert not bar._progress.live.is_started


def test_the_rate_stops_at_the_last_part() -> None:
    now = [100.0]
    rate = SendRate(resumed_bytes=10, clock=lambda: now[0])
    now[0] = 102.0
    assert rate.rate(30) == 10.0  # 20 bytes of this run in 2 s
    rate.stop()
    now[0] = 110.0  # complete and verify take a while: no part bytes in that time
    assert rate.rate(30) == 10.0


def test_the_bar_rate_is_the_one_send_rate_reports() -> None:
    bar, _ = _bar()
    _start(bar)
    _part(bar, 1)
    _part(bar, 2)
    _completed(bar)
    rate = bar.send_rate("u")
    assert rate is not None
    assert rate == bar._rates["u"][0].rate(20)
    assert bar.send_rate("unknown") is None


def _run_on_a_terminal(args: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    primary, secondary = pty.openpty()
    try:
        proc = subprocess.Popen(
            [str(CLI), *args],
            env={**env, "COLUMNS": "200", "TERM": "xterm"},
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
        out, _ = proc.communicate(timeout=60)
    finally:
        os.close(primary)
    return proc.returncode, out, drawn.decode(errors="replace")


RATE = re.compile(r"(\d+\.\d (?:B|KiB|MiB|GiB))/s")


def test_verify_shows_on_the_bar_and_the_bar_rate_is_the_summary_rate(tmp_path: Path) -> None:
    data = make_file(tmp_path / "a.jsonl", 4 * MiB)
    code, out, text = _run_on_a_terminal(
        ["upload", str(data), "--purpose", "batch", "--part-size", "1MiB", "--local", "--verify"],
        cli_env(),
    )
    assert code == 0, text
    assert out.strip().startswith("file-")
    assert "verified" in text
    summary = re.search(r"parts sent at (\d+\.\d (?:B|KiB|MiB|GiB))/s", text)
    assert summary is not None, text
    bar_rates = RATE.findall(text[: summary.start()])
    assert bar_rates, text
    assert bar_rates[-1] == summary.group(1)


def test_warnings_print_above_the_bar_not_into_its_line() -> None:
    from openai_uploads.cli import _setup_logging

    logger = logging.getLogger("openai_uploads")
    saved = (list(logger.handlers), logger.level, logger.propagate)
    bar, sink = _bar()
    _start(bar)
    try:
        _setup_logging(quiet=False, verbose=False, console=bar.console)
        logger.warning("file changed; starting a new Upload")
    finally:
        logger.handlers[:], logger.level, logger.propagate = saved
    bar.close()
    drawn = sink.getvalue()
    # A line of its own: after a line break or the cursor moves that lift the bar, and
    # ending in a line break, before the bar is drawn again.
    assert re.search(
        r"(^|\n|\x1b\[[0-9;]*[A-Za-z])openai-uploads: WARNING: file changed; "
        r"starting a new Upload\r?\n",
        drawn,
    ), drawn
