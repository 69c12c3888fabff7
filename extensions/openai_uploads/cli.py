"""The ``openai-uploads`` command line."""

from __future__ import annotations

import sys

try:
    import click
except ModuleNotFoundError:  # pragma: no cover - depends on the installed extras
    sys.stderr.write(
        "openai-uploads: the command line needs: pip install 'openai-uploads[emulator]'\n"
    )
    raise SystemExit(1) from None

from openai_uploads.emulator._cli import serve


@click.group()
@click.version_option(package_name="openai-uploads")
def main() -> None:
    """openai-uploads: parallel, resumable, verified uploads to the OpenAI Uploads API."""


main.add_command(serve)
