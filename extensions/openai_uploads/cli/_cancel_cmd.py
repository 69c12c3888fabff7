"""``openai-uploads cancel``: cancel a pending Upload."""

from __future__ import annotations

import contextlib
import json

import click

from .. import OpenAIError
from ._connection import Target, connection_options, open_client
from ._interrupt import InterruptGuard
from ._output import describe_api_error, fail


@click.command(short_help="Cancel a pending Upload.")
@click.argument("upload_id")
@click.option("--json", "as_json", is_flag=True, help="Print the cancelled Upload as JSON.")
@connection_options
def cancel(upload_id: str, as_json: bool, where: Target) -> None:
    """Cancel a pending Upload; prints its status (or the Upload, with --json)."""
    with InterruptGuard() as guard, contextlib.ExitStack() as stack:
        client, shown = open_client(where, stack, guard)
        try:
            result = client.uploads.cancel(upload_id=upload_id)
        except OpenAIError as exc:
            fail(describe_api_error(exc, shown))
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2))
    else:
        click.echo(f"{result.id} {result.status}")
