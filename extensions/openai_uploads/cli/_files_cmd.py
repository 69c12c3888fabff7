"""``openai-uploads files list|get|delete|download``: look at, fetch and delete Files.

``list`` prints one line per File, ``id<TAB>bytes<TAB>created_at<TAB>filename<TAB>purpose``
(``--json``: one object a line); ``get`` its fields; ``delete`` each id deleted (exit 1
naming those that failed); ``download`` streams a File to disk, written to a temporary
file beside the target and renamed into place (``-o -``: stdout).
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from .. import OpenAIError
from .._constants import UPLOAD_PURPOSES
from ._connection import Target, connection_options, open_client
from ._interrupt import InterruptGuard
from ._output import describe_api_error, error, fail, human_bytes, stderr_is_terminal

STDOUT = "-"
LIST_PAGE_MAX = 10_000
"""The most Files one page of ``GET /files`` holds."""


@contextlib.contextmanager
def _client(where: Target) -> Iterator[tuple[Any, str]]:
    """The command's client and the server's name for errors, closed on exit."""
    with InterruptGuard() as guard, contextlib.ExitStack() as stack:
        yield open_client(where, stack, guard)


def _when(timestamp: int | None) -> str:
    if timestamp is None:
        return "-"
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _line(file: Any) -> str:
    return "\t".join(
        [file.id, str(file.bytes), _when(file.created_at), file.filename, str(file.purpose)]
    )


@click.group(short_help="List, show, delete and download Files.")
def files() -> None:
    """List, show, delete and download the Files on the server.

    \b
    Examples:
      openai-uploads files list --purpose batch --limit 20
      openai-uploads files get file-abc123 --json
      openai-uploads files download file-abc123 -o data.jsonl
      openai-uploads files delete file-abc123 file-def456
    """


@files.command("list", short_help="One line per File, newest first.")
@click.option(
    "--purpose",
    default=None,
    help=f"Only Files of this purpose ({', '.join(UPLOAD_PURPOSES)}, batch_output, ...).",
)
@click.option("--limit", type=click.IntRange(min=1), default=None, help="At most this many Files.")
@click.option(
    "--order",
    type=click.Choice(["desc", "asc"]),
    default="desc",
    show_default=True,
    help="By creation time: newest first (desc) or oldest first (asc).",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object a line.")
@connection_options
def list_files(
    purpose: str | None,
    limit: int | None,
    order: str,
    as_json: bool,
    where: Target,
) -> None:
    """Print one line per File: id, bytes, created_at (UTC), filename, purpose,
    separated by tabs (--json: one object a line). Every page is fetched as needed."""
    params: dict[str, Any] = {"order": order}
    if purpose is not None:
        params["purpose"] = purpose
    if limit is not None:
        params["limit"] = min(limit, LIST_PAGE_MAX)
    with _client(where) as (client, shown):
        try:
            for count, file in enumerate(client.files.list(**params), start=1):
                click.echo(json.dumps(file.to_dict()) if as_json else _line(file))
                if limit is not None and count >= limit:
                    break
        except OpenAIError as exc:
            fail(describe_api_error(exc, shown))


@files.command("get", short_help="Print a File's fields.")
@click.argument("file_id")
@click.option("--json", "as_json", is_flag=True, help="Print the File as JSON.")
@connection_options
def get_file(
    file_id: str,
    as_json: bool,
    where: Target,
) -> None:
    """Print the File's fields, one 'name: value' a line (--json: the File object)."""
    with _client(where) as (client, shown):
        try:
            file = client.files.retrieve(file_id)
        except OpenAIError as exc:
            fail(describe_api_error(exc, shown))
    fields = file.to_dict()
    if as_json:
        click.echo(json.dumps(fields, indent=2))
        return
    for name, value in fields.items():
        if value is None:
            value = "-"
        elif name in ("created_at", "expires_at"):
            value = f"{value} ({_when(value)})"
        click.echo(f"{name}: {value}")


@files.command("delete", short_help="Delete Files; print each id deleted.")
@click.argument("file_ids", nargs=-1, required=True, metavar="FILE_ID...")
@connection_options
def delete_files(
    file_ids: tuple[str, ...],
    where: Target,
) -> None:
    """Delete each File, printing its id once it is deleted; exit 1 naming any that
    could not be (each with its reason on stderr)."""
    failed: list[str] = []
    with _client(where) as (client, shown):
        for file_id in dict.fromkeys(file_ids):
            try:
                client.files.delete(file_id)
            except OpenAIError as exc:
                error(f"cannot delete {file_id}: {describe_api_error(exc, shown)}")
                failed.append(file_id)
                continue
            click.echo(file_id)
    if failed:
        fail(f"{len(failed)} of {len(file_ids)} not deleted: {' '.join(failed)}")


@files.command("download", short_help="Stream a File's bytes to disk or stdout.")
@click.argument("file_id")
@click.option(
    "--output",
    "-o",
    default=None,
    metavar="PATH",
    help="Where to write: a path, a directory (the File's name inside it), or '-' for "
    "stdout. Default: the File's name in the current directory.",
)
@click.option("--clobber", is_flag=True, help="Replace a file that is already at PATH.")
@connection_options
def download_file(
    file_id: str,
    output: str | None,
    clobber: bool,
    where: Target,
) -> None:
    """Stream the File's bytes to PATH: written to a temporary file beside it, checked
    against the File's size and renamed into place, so PATH holds the whole File or is
    left as it was. '-o -' writes to stdout."""
    with _client(where) as (client, shown):
        try:
            if output == STDOUT:
                client.files.download(file_id, sys.stdout.buffer)
                sys.stdout.buffer.flush()
                return
            destination = Path(output) if output is not None else None
            if destination is None or destination.is_dir():
                # The server's name, never a path of its choosing.
                name = Path(client.files.retrieve(file_id).filename).name
                if name in ("", ".", ".."):
                    fail(f"File {file_id} has no usable name: give -o PATH")
                destination = (destination or Path()) / name
            if destination.exists() and not clobber:
                fail(f"{destination} exists: pass --clobber to replace it, or -o another PATH")
            size = client.files.download(file_id, destination)
        except OpenAIError as exc:
            fail(describe_api_error(exc, shown))
        except BrokenPipeError:
            fail("stdout was closed before the File was written")
        except OSError as exc:
            fail(f"cannot write {output or 'the File'} for {file_id}: {exc}")
    if stderr_is_terminal():
        error(f"downloaded {file_id}: {human_bytes(size)} to {destination}")
