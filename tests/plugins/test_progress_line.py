"""The progress bar fits the terminal on one line: fields go in a fixed order as it
narrows, a long file name is elided in the middle, and a spinner with the elapsed time
shows while the bar waits on the server."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from openai_uploads.hookspecs import BytesSent, PartCompleted, UploadStarted
from openai_uploads.plugins.progress import (
    ELLIPSIS,
    SPINNER_FRAMES,
    LineState,
    ProgressBar,
    elide_middle,
    progress_line,
)

MiB = 1024 * 1024
LONG_NAME = "a-very-long-file-name-of-a-training-set-2026-11-25-final-v3-shuffled.jsonl"
SENDING = LineState(
    name="train.jsonl",
    completed=1700 * MiB,
    total=4000 * MiB,
    parts_done=26,
    part_count=63,
    rate=52.3 * MiB,
)


def _drawn(width: int, name: str, *, phase: str = "sending") -> list[str]:
    """The lines a ProgressBar's frame takes mid-upload on a console ``width`` columns wide."""
    # Not a terminal, so the bar draws nothing live: its one frame is printed below.
    console = Console(file=io.StringIO(), width=width, record=True, force_terminal=False)
    bar = ProgressBar(console, finish_on_complete=False)
    bar.on_upload_started(
        UploadStarted(
            upload_id="u", filename=name, total_bytes=100 * MiB, part_size=10 * MiB,
            part_count=10,
        )
    )  # fmt: skip
    bar.on_bytes_sent(BytesSent(upload_id="u", part_number=1, bytes_sent=42 * MiB, total_bytes=0))
    for done in range(1, 5):
        bar.on_part_completed(
            PartCompleted(
                upload_id="u", part_number=done, part_id=f"p{done}", size=10 * MiB,
                attempts=1, elapsed=0.1, parts_done=done, part_count=10,
            )
        )  # fmt: skip
    if phase != "sending":
        bar.set_phase("u", phase)
    console.print(bar._progress.get_renderable())
    frame = console.export_text()
    bar.close()
    return frame.rstrip("\n").split("\n")


@pytest.mark.parametrize("width", [60, 80, 120])
@pytest.mark.parametrize("name", ["train.jsonl", LONG_NAME])
def test_the_bar_is_one_line_that_fits_the_terminal(width: int, name: str) -> None:
    [line] = _drawn(width, name)
    assert len(line) <= width
    assert "42%" in line
    assert name in line or ELLIPSIS in line


@pytest.mark.parametrize("width", [60, 80, 120])
def test_the_waiting_bar_is_one_line_with_a_spinner_and_the_phase(width: int) -> None:
    [line] = _drawn(width, LONG_NAME, phase="verifying")
    assert len(line) <= width
    assert "verifying 0:00:0" in line
    assert any(frame in line for frame in SPINNER_FRAMES)
    assert "ETA" not in line


def test_fields_go_in_order_eta_rate_parts_bytes_as_the_line_narrows() -> None:
    shown = {width: progress_line(SENDING, width).plain for width in (120, 72, 60, 48, 36)}
    assert all(len(line) <= width for width, line in shown.items())
    assert "ETA" in shown[120]
    assert "MiB/s" in shown[120]
    assert "parts 26/63" in shown[120]
    assert "ETA" not in shown[72]
    assert "MiB/s" in shown[72]
    assert "MiB/s" not in shown[60]
    assert "parts 26/63" in shown[60]
    assert "parts" not in shown[48]
    assert "1.7/3.9 GiB" in shown[48]
    assert "GiB" not in shown[36]
    assert "42%" in shown[36]


def test_a_long_name_is_elided_in_the_middle_and_keeps_its_extension() -> None:
    line = progress_line(LineState(name=LONG_NAME, completed=0, total=10), 80).plain
    name = line.split(" ")[0]
    assert ELLIPSIS in name
    assert name.startswith("a-very")
    assert name.endswith(".jsonl")


def test_elide_middle_keeps_the_width_it_is_given() -> None:
    assert elide_middle("abcdefghij", 10) == "abcdefghij"
    assert elide_middle("abcdefghij", 5) == f"ab{ELLIPSIS}ij"
    assert len(elide_middle(LONG_NAME, 17)) == 17


def test_the_waiting_phase_shows_its_elapsed_time_not_an_eta() -> None:
    waiting = LineState(name="f", completed=10, total=10, phase="completing", phase_elapsed=75.2)
    line = progress_line(waiting, 80).plain
    assert "completing 0:01:15" in line
    assert "ETA" not in line
    frames = {progress_line(LineState(**{**vars(waiting), "phase_elapsed": t}), 80).plain
              for t in (0.0, 0.1, 0.2)}  # fmt: skip
    assert len(frames) == 3  # the spinner turns


def test_the_batch_bar_shows_its_rate_in_the_binary_units_of_its_sizes() -> None:
    import rich.progress

    from openai_uploads.plugins.progress import binary_speed_column

    column = binary_speed_column(rich.progress)
    task = rich.progress.Task(
        rich.progress.TaskID(0), "upload", 10 * 2**20, 0, _get_time=lambda: 0.0
    )
    assert column.render(task).plain == "?/s"
    task.start_time = 0.0
    task._progress.append(rich.progress.ProgressSample(0.0, 0))
    task._progress.append(rich.progress.ProgressSample(1.0, 3 * 2**20))
    assert column.render(task).plain == "3.0 MiB/s"
