"""``openai-uploads cancel``: cancel a pending Upload."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import click

from .. import AzureOpenAI, OpenAI, OpenAIError
from ._connection import DEFAULT_BASE_URL, azure_options, azure_settings, remote_settings
from ._output import describe_api_error, fail


@click.command(short_help="Cancel a pending Upload.")
@click.argument("upload_id")
@click.option("--json", "as_json", is_flag=True, help="Print the cancelled Upload as JSON.")
@azure_options
def cancel(
    upload_id: str, as_json: bool, azure_endpoint: str | None, api_version: str | None
) -> None:
    """Cancel a pending Upload; prints its status (or the Upload, with --json)."""
    azure = azure_settings(azure_endpoint, api_version)
    client: Any
    if azure is not None:
        shown = azure[0]
        client = AzureOpenAI(azure_endpoint=shown, api_version=azure[1])
    else:
        base_url, api_key = remote_settings()
        shown = base_url or DEFAULT_BASE_URL
        client = OpenAI(api_key=api_key, base_url=base_url)
    try:
        with contextlib.closing(client):
            result = client.uploads.cancel(upload_id=upload_id)
    except OpenAIError as exc:
        fail(describe_api_error(exc, shown))
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2))
    else:
        click.echo(f"{result.id} {result.status}")
