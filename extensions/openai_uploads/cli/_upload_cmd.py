"""``openai-uploads upload``: upload a file in parallel Parts and print the File id."""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import stat
import sys
import time
from functools import partial
from pathlib import Path
from typing import Any, NoReturn

import click

from .. import OpenAIError
from .._constants import DEFAULT_MAX_CONCURRENCY, UPLOAD_PURPOSES
from ..plugins.progress import ProgressBar
from ._connection import Target, connection_options, open_client
from ._interrupt import InterruptGuard, caused_by_interrupt
from ._logging import setup_logging
from ._many_cmd import run_many
from ._output import (
    EXIT_USAGE,
    PROG,
    describe_api_error,
    error,
    fail,
    given,
    human_bytes,
    stderr_is_terminal,
    upload_left_pending,
)
from ._params import (
    ByteCountParam,
    DurationParam,
    Md5Param,
    RateParam,
    SizeParam,
    guess_mime_type,
)
from ._tracker import Tracker
from ._verify import file_md5, stored_md5

STDIN = "-"
"""PATH that means standard input (as for ``aws s3 cp -`` and ``rclone rcat``)."""


@click.command(short_help="Upload files in parallel Parts; print each File id.")
@click.argument(
    "paths",
    nargs=-1,
    required=True,
    metavar="PATH",
    type=click.Path(exists=True, readable=True, allow_dash=True, path_type=Path),
)
@click.option(
    "--filename",
    default=None,
    help="The File's name. Default: PATH's name; required when reading stdin ('-') or a pipe.",
)
@click.option(
    "--size",
    type=ByteCountParam(),
    default=None,
    help="How many bytes stdin or a pipe will give, with units (1GiB, 52428800): its "
    "parts are then sent as they are read. Without it the stream is first copied to a "
    "temporary file (TMPDIR) to learn its size. A stream that ends early or runs past "
    "it fails, and its Upload is cancelled.",
)
@click.option(
    "--purpose",
    required=True,
    type=click.Choice(UPLOAD_PURPOSES),
    help="What the File is for.",
)
@click.option("--mime-type", default=None, help="Default: guessed from the file name.")
@click.option(
    "--part-size",
    type=SizeParam(),
    default=None,
    help="Bytes per Part, with units: 64MiB (default and maximum), 32MB, 8388608.",
)
@click.option(
    "--concurrency",
    type=click.IntRange(1, 64),
    default=None,
    help="Parts in flight, fixed. Default: adapted to the measured throughput, from 4 up "
    f"to {DEFAULT_MAX_CONCURRENCY}; a file's parts are streamed, so memory does not grow "
    "with it.",
)
@click.option("--md5", type=Md5Param(), default=None, help="Expected md5 of the file (hex).")
@click.option(
    "--no-md5",
    is_flag=True,
    help="Do not send an md5 with complete (the server then does not verify the bytes).",
)
@click.option(
    "--expires-after",
    type=DurationParam(),
    default=None,
    help="When the File expires after creation: 3600s, 2h, 7d (1h to 30d).",
)
@click.option(
    "--resume",
    is_flag=True,
    help="Keep a state file next to PATH; an interrupted upload picks up where it stopped "
    "when the same command runs again.",
)
@click.option(
    "--recursive",
    "-r",
    is_flag=True,
    help="Accepted for habit: a directory is always walked recursively (symlinks to "
    "directories in it are not followed).",
)
@click.option(
    "--include",
    multiple=True,
    metavar="GLOB",
    help="Several files: only those whose path under a directory (or name) matches.",
)
@click.option("--exclude", multiple=True, metavar="GLOB", help="Several files: skip these.")
@click.option(
    "--manifest",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Several files: a JSON-lines record of the files uploaded; run again with it "
    "to send only what is not done and resume what was interrupted.",
)
@click.option(
    "--dry-run", is_flag=True, help="List the files that would be sent and the total; send nothing."
)
@click.option(
    "--bwlimit",
    type=RateParam(),
    default=None,
    help="Bandwidth cap in bytes per second across every part of every file: 10MiB, 500KB.",
)
@click.option("--verify", is_flag=True, help="Download the stored File and compare its md5.")
@click.option("--json", "as_json", is_flag=True, help="Print the completed Upload as JSON.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or notes on stderr.")
@click.option("--verbose", "-v", is_flag=True, help="Log every request and part on stderr.")
@connection_options
def upload(
    paths: tuple[Path, ...],
    filename: str | None,
    size: int | None,
    purpose: str,
    mime_type: str | None,
    part_size: int | None,
    concurrency: int | None,
    md5: str | None,
    no_md5: bool,
    expires_after: int | None,
    resume: bool,
    verify: bool,
    as_json: bool,
    quiet: bool,
    verbose: bool,
    where: Target,
    include: tuple[str, ...] = (),
    exclude: tuple[str, ...] = (),
    manifest: Path | None = None,
    dry_run: bool = False,
    bwlimit: int | None = None,
    recursive: bool = False,
) -> None:
    """Upload PATH in parallel Parts and print the File id (or the Upload, with --json).

    Several PATHs, or a directory (walked recursively, sorted), upload every file through
    one budget of requests in flight (--concurrency N fixes it; default: up to 48,
    halved while the server pushes back) and print 'path<TAB>file-id' per file as it
    finishes (--json: one object a line), one progress bar for the set and a summary on
    stderr; the exit status is 0 only when every file succeeded, 1 when any failed (they
    are named).

    PATH '-' reads standard input; it and pipes (<(cmd), a FIFO) need --filename, and
    are read once (no --resume).

    Talks to the API at OPENAI_BASE_URL (default https://api.openai.com/v1) with the key
    in OPENAI_API_KEY; --local needs neither.

    \b
    Examples:
      openai-uploads upload train.jsonl --purpose fine-tune
      openai-uploads upload big.pdf --purpose assistants --part-size 32MiB --json
      openai-uploads upload data.jsonl --purpose batch --local --verify
      gunzip -c data.jsonl.gz | openai-uploads upload - --filename data.jsonl --purpose batch
      openai-uploads upload train.jsonl --purpose fine-tune \\
          --azure-endpoint https://NAME.openai.azure.com --api-version 2025-04-01-preview
    """
    if md5 is not None and no_md5:
        raise click.UsageError("--md5 and --no-md5 cannot be used together")
    if len(paths) > 1 or paths[0].is_dir() or include or exclude or manifest or dry_run:
        if size is not None or md5 is not None or resume or verify:
            raise click.UsageError(
                "--size, --md5, --resume and --verify take one file (several: use --manifest)"
            )
        setup_logging(quiet, verbose, None)
        with InterruptGuard() as guard, contextlib.ExitStack() as stack:
            run_many(
                partial(_many_client, where, guard, stack),
                paths,
                purpose=purpose,
                mime_type=mime_type,
                filename=filename,
                include=include,
                exclude=exclude,
                manifest=manifest,
                dry_run=dry_run,
                bwlimit=bwlimit,
                concurrency=concurrency,
                part_size=part_size,
                as_json=as_json,
                show_bar=not quiet and stderr_is_terminal(),
                interrupted=guard.hard_exit,
            )
        return
    path = paths[0]
    stream = _is_stream(path)
    if stream and filename is None:
        what = "reading stdin ('-')" if str(path) == STDIN else f"reading a pipe ({path})"
        raise click.UsageError(f"{what} needs --filename NAME, the File's name")
    if stream and resume:
        raise click.UsageError(
            "--resume needs a regular file: stdin and pipes can be read only once"
        )
    name = filename or path.name
    if resume and where.local and where.data_dir is None:
        raise click.UsageError(
            "--resume with --local needs --data-dir (the temporary emulator data is "
            "removed on exit, and the Upload with it)"
        )
    show_notes = not quiet and stderr_is_terminal()

    plugins: list[object] = []
    progress: ProgressBar | None = None
    if not quiet and stderr_is_terminal():
        try:
            # With --verify the bar stays up after complete, for the "verifying" phase.
            progress = ProgressBar(transient=False, finish_on_complete=not verify)
        except ImportError:  # rich is in the cli extra, not in the emulator's
            fail("the progress bar needs rich: pip install 'openai-uploads[cli]'")
        plugins.append(progress)
    setup_logging(quiet, verbose, None if progress is None else progress.console)
    tracker = Tracker()
    plugins.append(tracker)

    kwargs: dict[str, Any] = {
        "file": sys.stdin.buffer if str(path) == STDIN else path,
        "mime_type": mime_type or guess_mime_type(name),
        "purpose": purpose,
        "max_concurrency": concurrency,
        "resume": resume,
    }
    kwargs |= given(filename=filename, bytes=size, part_size=part_size, max_bandwidth=bwlimit)
    if md5 is not None:
        kwargs["md5"] = md5
    elif no_md5:
        kwargs["md5"] = None
    if expires_after is not None:
        kwargs["expires_after"] = {"anchor": "created_at", "seconds": expires_after}

    shown = "the local emulator" if where.local else ""
    client: Any = None
    with InterruptGuard() as guard, contextlib.ExitStack() as stack:
        if progress is not None:
            guard.cleanup.append(progress.close)
        try:
            client, shown = open_client(where, stack, guard, plugins)
            started = time.monotonic()
            result = client.uploads.upload_file_chunked(**kwargs)
            elapsed = time.monotonic() - started
            file_id = result.file.id if result.file else None
            if file_id is None:  # pragma: no cover - a completed Upload carries its File
                fail(f"Upload {result.id} ended {result.status} without a File")
            if verify:
                if progress is not None:
                    progress.set_phase(result.id, "verifying")
                # A stream cannot be read again: the md5 of the bytes that were sent.
                local_md5 = tracker.md5 if stream else file_md5(path)
                remote_md5, stored_size = stored_md5(client, file_id)
                if progress is not None:
                    progress.set_phase(
                        result.id, "verified" if remote_md5 == local_md5 else "verify failed"
                    )
            if progress is not None:
                progress.close()
            if show_notes:
                # The rate the bar showed: the bytes of this run over the time from the
                # first part to the last (complete and verify send no part bytes).
                rate = None if progress is None else progress.send_rate(result.id)
                _note_uploaded(name, result.id, file_id, result.bytes, elapsed, tracker, rate)
            if verify:
                if remote_md5 != local_md5:
                    source = f"the bytes read from {path}" if stream else str(path)
                    fail(
                        f"verify failed: File {file_id} has md5 {remote_md5} "
                        f"({stored_size} bytes), {source}: {local_md5}"
                    )
                if show_notes:
                    error(f"verified: File {file_id} has the md5 of {name} ({local_md5})")
        except KeyboardInterrupt:
            _on_interrupt(client, tracker, resume, guard)
        except OpenAIError as exc:
            if caused_by_interrupt(exc):
                _on_interrupt(client, tracker, resume, guard)
            if progress is not None:
                progress.close()
            message = describe_api_error(exc, shown)
            if resume and upload_left_pending(exc):
                message += f"; run the same command again to resume: {_resume_command()}"
            fail(message)
        except ValueError as exc:
            # upload_file_chunked validates its arguments before sending anything.
            fail(f"invalid upload: {exc}", EXIT_USAGE)
        except OSError as exc:
            fail(f"cannot read {path}: {exc}")

    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2))
    else:
        click.echo(file_id)


def _many_client(
    where: Target, guard: InterruptGuard, stack: contextlib.ExitStack, plugins: list[object]
) -> Any:
    """The client of several files (the embedded emulator's with --local)."""
    return open_client(where, stack, guard, plugins)[0]


def _is_stream(path: Path) -> bool:
    """Whether PATH is stdin or a pipe / device: read once, its size unknown up front."""
    if str(path) == STDIN:
        return True
    try:
        return not stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False  # the upload says what is wrong with it


def _note_uploaded(
    name: str,
    upload_id: str,
    file_id: str,
    size: int,
    elapsed: float,
    tracker: Tracker,
    rate: float | None,
) -> None:
    if rate is None:  # no bar: the bytes of this run over the whole call
        sent = size - tracker.resumed_bytes
        rate = sent / elapsed if elapsed > 0 else 0.0
    resumed = (
        f", resumed after {human_bytes(tracker.resumed_bytes)}" if tracker.resumed_bytes else ""
    )
    error(
        f"uploaded {name}: {human_bytes(size)} in {elapsed:.1f} s "
        f"(parts sent at {human_bytes(rate)}/s{resumed}) -> Upload {upload_id}, File {file_id}"
    )


def _resume_command() -> str:
    """The command line that resumes this upload: this one, with ``--resume``."""
    args = list(sys.argv[1:])
    if "--resume" not in args:
        args.append("--resume")
    return shlex.join([PROG, *args])


def _on_interrupt(client: Any, tracker: Tracker, resume: bool, guard: InterruptGuard) -> NoReturn:
    """Ctrl-C: make sure the Upload is cancelled (or kept, with --resume), say so, leave."""
    upload_id = tracker.upload_id
    if upload_id is None:
        guard.hard_exit("interrupted before the Upload was created")
    if tracker.file_id is not None:
        guard.hard_exit(
            f"interrupted: Upload {upload_id} had completed as File {tracker.file_id}, "
            "which was not verified"
        )
    if resume and not tracker.cancelled:
        guard.hard_exit(
            f"interrupted: Upload {upload_id} kept; run the same command again to resume: "
            f"{_resume_command()}"
        )
    if not tracker.cancelled and client is not None:
        try:
            client.with_options(max_retries=0, timeout=2.0).uploads.cancel(upload_id=upload_id)
        except Exception as exc:
            guard.hard_exit(
                f"interrupted: Upload {upload_id} was not cancelled: "
                f"{describe_api_error(exc, 'the server')}"
            )
    guard.hard_exit(f"interrupted: Upload {upload_id} cancelled")
