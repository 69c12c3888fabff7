"""The ``openai-uploads`` command line.

::

    openai-uploads upload PATH --purpose P [--mime-type T] [--part-size 64MiB]
                   [--concurrency N] [--md5 HEX | --no-md5] [--expires-after 7d]
                   [--resume] [--local [--data-dir DIR]] [--verify] [--json] [--quiet]
                   [--azure-endpoint URL --api-version V]
    openai-uploads cancel UPLOAD_ID [--json] [--azure-endpoint URL --api-version V]
    openai-uploads plugins [--json]
    openai-uploads serve ...

Conventions of ``aws s3 cp``, ``gh`` and ``rclone``: the result (a File id, or JSON with
``--json``) goes to stdout; the progress bar and notes go to stderr, and only when it
is a terminal; errors are one line on stderr. Exit codes: 0 done, 1 API or transfer
error, 2 usage error, 130 interrupted.

One module per job: ``_output`` (lines on stderr, exit codes, error descriptions),
``_logging`` (the SDK's log records on stderr), ``_interrupt`` (the Ctrl-C guard),
``_tracker`` (what the transfer said about its Upload), ``_embedded`` (``--local``),
``_verify`` (``--verify``), ``_connection`` (OpenAI or Azure settings), ``_params``
(sizes, durations, md5s, MIME types) and one module per command.
"""

from __future__ import annotations

import sys

try:
    import click
except ModuleNotFoundError:  # pragma: no cover - depends on the installed extras
    sys.stderr.write(
        "openai-uploads: the command line needs click and rich: pip install 'openai-uploads[cli]'\n"
    )
    raise SystemExit(1) from None

from typing import Any

from .._constants import DEFAULT_BASE_URL
from ..emulator._cli import serve
from ._cancel_cmd import cancel
from ._logging import setup_logging as _setup_logging  # noqa: F401  (its old name here)
from ._output import EXIT_ERROR, EXIT_INTERRUPTED, EXIT_USAGE, PROG, error
from ._params import guess_mime_type, parse_duration, parse_size
from ._plugins_cmd import plugins
from ._upload_cmd import upload

__all__ = ["DEFAULT_BASE_URL", "guess_mime_type", "main", "parse_duration", "parse_size"]


class _Group(click.Group):
    """Ctrl-C anywhere exits 130 (click's default would print "Aborted!" and exit 1);
    usage errors are one line, like every other error (click's default is a usage block,
    a hint and the message)."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        try:
            code = super().main(*args, **kwargs)
        except click.UsageError as exc:
            command = exc.ctx.command_path if exc.ctx is not None else PROG
            error(f"{exc.format_message()} (see '{command} --help')")
            sys.exit(EXIT_USAGE)
        except click.ClickException as exc:
            error(exc.format_message())
            sys.exit(exc.exit_code)
        except click.Abort:
            error("aborted")
            sys.exit(EXIT_ERROR)
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            error("interrupted")
            raise click.exceptions.Exit(EXIT_INTERRUPTED) from None


@click.group(cls=_Group)
@click.version_option(package_name="openai-uploads")
def main() -> None:
    """openai-uploads: parallel, resumable, verified uploads to the OpenAI Uploads API.

    Uses OPENAI_API_KEY and OPENAI_BASE_URL, like openai-python. Exit codes: 0 done,
    1 API or transfer error, 2 usage error, 130 interrupted.
    """


main.add_command(upload)
main.add_command(cancel)
main.add_command(serve)
main.add_command(plugins)


if __name__ == "__main__":  # pragma: no cover
    main()
