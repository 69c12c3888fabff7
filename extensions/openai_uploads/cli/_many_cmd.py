"""``openai-uploads upload`` with several PATHs or a directory: ``upload_many``.

Directories are walked recursively (sorted, hidden entries included, symlinks to
directories not followed); ``--include`` / ``--exclude`` globs match each file's path
relative to the directory given (and its name), or a directory above it. Prints
``path<TAB>file-id`` per file as it finishes (a path that would break the line quoted by
:func:`quote_path`; ``--json``: one object a line), one progress bar for the set, a
summary on stderr; exits 0 only when every file is on the server, 1 when any failed
(naming them), 130 on Ctrl-C.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import click

from .. import OpenAI, OpenAIError, UploadResult
from .._units import guess_mime_type
from ..plugins.progress import BatchProgressBar
from ._output import describe_api_error, error, fail, given, human_bytes

STDIN = "-"


@dataclass(frozen=True, slots=True)
class Found:
    """One file of the set: what is sent, and how it is shown."""

    shown: str
    entry: object
    size: int | None


_NEEDS_QUOTING = re.compile(r'[\x00-\x1f\x7f\ud800-\udfff]|^"')


def quote_path(path: str) -> str:
    """``path`` as printed in a line of output: as it is, unless it holds a control
    character (a tab or a newline would break the line), a byte that is not UTF-8, or
    starts with a double quote; then as a JSON string (``"a\\tb.jsonl"``)."""
    return json.dumps(path) if _NEEDS_QUOTING.search(path) else path


def _dir_matches(relative: str, globs: Sequence[str]) -> bool:
    """Whether a glob matches the directory at ``relative`` (its path or its name)."""
    name = relative.rsplit("/", 1)[-1]
    return any(
        fnmatch.fnmatch(relative, g.rstrip("/")) or fnmatch.fnmatch(name, g.rstrip("/"))
        for g in globs
    )


def _matches(relative: str, globs: Sequence[str]) -> bool:
    """Whether a glob matches the file at ``relative`` (its path under the directory
    given, or its name) or a directory above it; a glob ending in ``/`` matches
    directories only."""
    parts = relative.split("/")
    for glob in globs:
        if not glob.endswith("/") and (
            fnmatch.fnmatch(relative, glob) or fnmatch.fnmatch(parts[-1], glob)
        ):
            return True
    return any(_dir_matches("/".join(parts[:i]), globs) for i in range(1, len(parts)))


def _walk(root: Path, exclude: Sequence[str]) -> Iterator[Path]:
    """The files under ``root``, depth first, sorted by name. Symlinks to files are
    followed, symlinks to directories are not (no loops); excluded directories are not
    entered."""
    for directory, subdirs, files in os.walk(root):
        below = Path(directory).relative_to(root)
        subdirs[:] = sorted(d for d in subdirs if not _dir_matches((below / d).as_posix(), exclude))
        for name in sorted(files):
            yield Path(directory, name)


def _size(path: Path) -> int | None:
    """The file's size; None when it cannot be read (a dangling symlink): its upload
    then fails with the reason, as one file of the set."""
    try:
        return path.stat().st_size
    except OSError:
        return None


def find_files(
    paths: Sequence[Path], include: Sequence[str], exclude: Sequence[str], filename: str | None
) -> list[Found]:
    """The files PATHs name, in order: directories walked, globs applied, a file named
    twice (a directory and a file in it) kept once. Raises ``click.UsageError`` for '-'
    given twice, or when no file is left."""
    found: list[Found] = []
    seen: set[str] = set()
    considered = 0
    for path in paths:
        if str(path) == STDIN:
            if filename is None:
                raise click.UsageError("reading stdin ('-') needs --filename NAME")
            if STDIN in seen:
                raise click.UsageError("stdin ('-') can be read only once: give '-' once")
            seen.add(STDIN)
            found.append(Found(f"-:{filename}", (filename, sys.stdin.buffer), None))
            continue
        is_dir = path.is_dir()
        for file in _walk(path, exclude) if is_dir else [path]:
            considered += 1
            relative = file.relative_to(path).as_posix() if is_dir else file.name
            if include and not _matches(relative, include):
                continue
            if exclude and _matches(relative, exclude):
                continue
            key = os.path.abspath(file)
            if key not in seen:
                seen.add(key)
                found.append(Found(str(file), file, _size(file)))
    if not found:
        if considered:
            why = f"--include / --exclude left none of the {considered} files found"
        else:
            why = "the directories given hold no files"
        raise click.UsageError(f"no files to upload: {why}")
    return found


def _files(count: int) -> str:
    return f"{count} file" if count == 1 else f"{count} files"


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
    interrupted: Callable[[str], NoReturn],
) -> None:
    """Upload every file of PATHs (or, with ``dry_run``, list them); exits as documented.
    After Ctrl-C, ``interrupted(message)`` ends the process (no wait for stray threads)."""
    files = find_files(paths, include, exclude, filename)
    total = sum(f.size or 0 for f in files)
    if dry_run:
        for f in files:
            mime = mime_type or guess_mime_type(f.shown)
            size = "?" if f.size is None else str(f.size)
            click.echo(f"{quote_path(f.shown)}\t{size}\t{mime}")
        error(f"dry run: {_files(len(files))}, {human_bytes(total)} ({total} bytes) would be sent")
        return
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
            click.echo(f"{quote_path(shown)}\t{result.file_id}")
        if result.skipped and bar is not None:
            bar.skipped(result.bytes or 0)

    kwargs: dict[str, Any] = {"purpose": purpose, "mime_type": mime_type, "on_result": on_result}
    kwargs |= given(
        manifest=manifest,
        max_bandwidth=bwlimit,
        max_concurrency=concurrency,
        part_size=part_size,
    )
    started = time.monotonic()
    client: OpenAI = client_factory([] if bar is None else [bar])
    try:
        with client:
            results = client.uploads.upload_many((f.entry for f in files), **kwargs)
    except KeyboardInterrupt:
        if bar is not None:
            bar.close()
        kept = "kept to resume with the same --manifest" if manifest else "cancelled"
        interrupted(f"interrupted: the Uploads still in progress were {kept}")
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
            why = describe_api_error(r.error, "the server")
            error(f"failed: {quote_path(files[r.index].shown)}: {why}")
        fail(f"{len(failed)} of {len(results)} files failed")
