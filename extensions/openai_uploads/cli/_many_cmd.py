"""``openai-uploads upload`` with several PATHs or a directory: ``upload_many``.

Directories are walked recursively (sorted, hidden entries included); ``--include`` /
``--exclude`` globs match each file's path relative to the directory given (and its
name). Prints ``path<TAB>file-id`` per file as it finishes (``--json``: one object a
line), one progress bar for the set, a summary on stderr; exits 0 only when every file
is on the server, 1 when any failed (naming them), 130 on Ctrl-C.
"""

from __future__ import annotations

import fnmatch
import json
import os
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from .. import OpenAI, OpenAIError, UploadResult
from .._units import guess_mime_type
from ..plugins.progress import BatchProgressBar
from ._output import EXIT_INTERRUPTED, EXIT_USAGE, describe_api_error, error, fail, human_bytes

STDIN = "-"


@dataclass(frozen=True, slots=True)
class Found:
    """One file of the set: what is sent, and how it is shown."""

    shown: str
    entry: object
    size: int | None


def _matches(relative: str, globs: Sequence[str]) -> bool:
    name = os.path.basename(relative)
    return any(fnmatch.fnmatch(relative, g) or fnmatch.fnmatch(name, g) for g in globs)


def _walk(root: Path) -> Iterator[Path]:
    """The files under ``root``, depth first, sorted by name."""
    for directory, subdirs, files in os.walk(root):
        subdirs.sort()
        for name in sorted(files):
            yield Path(directory, name)


def find_files(
    paths: Sequence[Path], include: Sequence[str], exclude: Sequence[str], filename: str | None
) -> list[Found]:
    """The files PATHs name, in order: directories walked, globs applied."""
    found: list[Found] = []
    for path in paths:
        if str(path) == STDIN:
            if filename is None:
                raise click.UsageError("reading stdin ('-') needs --filename NAME")
            found.append(Found(f"-:{filename}", (filename, sys.stdin.buffer), None))
            continue
        candidates = _walk(path) if path.is_dir() else [path]
        for file in candidates:
            relative = str(file.relative_to(path)) if path.is_dir() else file.name
            if include and not _matches(relative, include):
                continue
            if exclude and _matches(relative, exclude):
                continue
            found.append(Found(str(file), file, file.stat().st_size))
    return found


def run_many(
    client_factory: Any,
    paths: Sequence[Path],
    *,
    purpose: str,
    mime_type: str | None,
    filename: str | None,
    include: Sequence[str],
    exclude: Sequence[str],
    manifest: Path | None,
    dry_run: bool,
    bwlimit: int | None,
    concurrency: int | None,
    part_size: int | None,
    as_json: bool,
    show_bar: bool,
) -> None:
    """Upload every file of PATHs (or, with ``dry_run``, list them); exits as documented."""
    files = find_files(paths, include, exclude, filename)
    total = sum(f.size or 0 for f in files)
    if dry_run:
        for f in files:
            mime = mime_type or guess_mime_type(f.shown)
            size = "?" if f.size is None else str(f.size)
            click.echo(f"{f.shown}\t{size}\t{mime}")
        error(f"dry run: {len(files)} files, {human_bytes(total)} ({total} bytes) would be sent")
        return
    if not files:
        fail("no files to upload (check PATHs and --include / --exclude)", EXIT_USAGE)
    bar = BatchProgressBar(len(files), total) if show_bar else None

    def on_result(result: UploadResult) -> None:
        shown = files[result.index].shown
        if as_json:
            record: dict[str, Any] = {"path": shown, "file_id": result.file_id}
            if result.upload is not None:
                record["upload_id"] = result.upload.id
            record["bytes"] = result.bytes
            if result.skipped:
                record["skipped"] = True
            if result.error is not None:
                record["error"] = describe_api_error(result.error, "the server")
            click.echo(json.dumps(record))
        elif result.ok:
            click.echo(f"{shown}\t{result.file_id}")
        if result.skipped and bar is not None:
            bar.skipped(result.bytes or 0)

    kwargs: dict[str, Any] = {"purpose": purpose, "mime_type": mime_type, "on_result": on_result}
    if manifest is not None:
        kwargs["manifest"] = manifest
    if bwlimit is not None:
        kwargs["max_bandwidth"] = bwlimit
    if concurrency is not None:
        kwargs["max_concurrency"] = concurrency
    if part_size is not None:
        kwargs["part_size"] = part_size
    started = time.monotonic()
    client: OpenAI = client_factory([] if bar is None else [bar])
    try:
        with client:
            results = client.uploads.upload_many((f.entry for f in files), **kwargs)
    except KeyboardInterrupt:
        if bar is not None:
            bar.close()
        kept = "kept to resume with the same --manifest" if manifest else "cancelled"
        fail(f"interrupted: the Uploads still in progress were {kept}", EXIT_INTERRUPTED)
    except (OpenAIError, ValueError, TypeError) as exc:
        if bar is not None:
            bar.close()
        fail(describe_api_error(exc, "the server"))
    finally:
        if bar is not None:
            bar.close()
    _summary(files, results, time.monotonic() - started)


def _summary(files: list[Found], results: list[UploadResult], elapsed: float) -> None:
    failed = [r for r in results if not r.ok]
    sent = [r for r in results if r.ok and not r.skipped]
    skipped = len(results) - len(failed) - len(sent)
    size = sum(r.bytes or 0 for r in sent)
    rate = size / elapsed if elapsed > 0 else 0.0
    line = (
        f"uploaded {len(sent)} of {len(results)} files, {human_bytes(size)} in "
        f"{elapsed:.1f} s ({human_bytes(rate)}/s)"
    )
    if skipped:
        line += f"; {skipped} already uploaded (manifest)"
    error(line)
    if failed:
        for r in failed:
            assert r.error is not None
            error(f"failed: {files[r.index].shown}: {describe_api_error(r.error, 'the server')}")
        fail(f"{len(failed)} of {len(results)} files failed")
