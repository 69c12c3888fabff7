"""The ``openai-uploads`` command line.

::

    openai-uploads upload PATH|- --purpose P [--filename NAME] [--size SIZE]
                   [--mime-type T] [--part-size 64MiB]
                   [--concurrency N] [--md5 HEX | --no-md5] [--expires-after 7d]
                   [--resume] [--local [--data-dir DIR]] [--verify] [--json] [--quiet]
                   [--azure-endpoint URL --api-version V]
    openai-uploads cancel UPLOAD_ID [--json]
    openai-uploads files list [--purpose P] [--limit N] [--order asc|desc] [--json]
    openai-uploads files get FILE_ID [--json]
    openai-uploads files delete FILE_ID...
    openai-uploads files download FILE_ID [-o PATH|-] [--clobber]
      (each also [--local [--data-dir DIR]] [--azure-endpoint URL --api-version V])
    openai-uploads plugins [--json]
    openai-uploads serve ...

Conventions of ``aws s3 cp``, ``gh`` and ``rclone``: the result (a File id, or JSON with
``--json``) goes to stdout; the progress bar and notes go to stderr, and only when it
is a terminal; errors are one line on stderr, also one no command expected
(``openai-uploads --debug ...`` or ``OPENAI_UPLOADS_DEBUG=1`` shows its traceback). Exit
codes: 0 done, 1 API or transfer error, 2 usage error, 130 interrupted.

One module per job: ``_output`` (lines on stderr, exit codes, error descriptions),
``_logging`` (the SDK's log records on stderr), ``_interrupt`` (the Ctrl-C guard),
``_tracker`` (what the transfer said about its Upload), ``_embedded`` (``--local``),
``_verify`` (``--verify``), ``_connection`` (OpenAI, Azure or ``--local`` settings,
and the one place that builds a command's client), ``_params`` (sizes, durations,
md5s, MIME types) and one module per command.
"""

from __future__ import annotations

import os
import sys

try:
    import click
except ModuleNotFoundError as _exc:  # pragma: no cover - depends on the installed extras
    _missing = ModuleNotFoundError(
        f"the command line needs {_exc.name}: pip install 'openai-uploads[cli]'",
        name=_exc.name,
    )
    _previous_hook = sys.excepthook

    def _one_line(kind: type[BaseException], value: BaseException, tb: object) -> None:
        # Uncaught (the console script): the one line, not a traceback. An app that
        # catches the ImportError never gets here.
        if value is _missing:
            sys.stderr.write(f"openai-uploads: {value}\n")
        else:
            _previous_hook(kind, value, tb)  # type: ignore[arg-type]

    sys.excepthook = _one_line
    raise _missing from None

from typing import Any

from .. import OpenAIError
from .._constants import DEFAULT_BASE_URL
from ..emulator._cli import serve
from ._cancel_cmd import cancel
from ._files_cmd import files
from ._logging import restored_logging
from ._logging import setup_logging as _setup_logging
from ._output import EXIT_ERROR, EXIT_INTERRUPTED, EXIT_USAGE, PROG, describe_api_error, error
from ._params import guess_mime_type, parse_duration, parse_size
from ._plugins_cmd import plugins
from ._upload_cmd import upload

__all__ = ["DEFAULT_BASE_URL", "guess_mime_type", "main", "parse_duration", "parse_size"]

DEBUG_ENV = "OPENAI_UPLOADS_DEBUG"
"""Set to ``1`` (or pass ``--debug``) for the traceback of an unexpected error."""


_debug = False
"""``--debug`` was given (set by the group's callback)."""


def _debug_wanted() -> bool:
    env = os.environ.get(DEBUG_ENV, "").strip().lower() in {"1", "true", "yes", "on"}
    return _debug or env


class _Group(click.Group):
    """Ctrl-C anywhere exits 130 (click's default would print "Aborted!" and exit 1);
    usage errors are one line, like every other error (click's default is a usage block,
    a hint and the message)."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        try:
            with restored_logging():
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
        except KeyboardInterrupt:  # outside a command (e.g. while it starts)
            error("interrupted")
            sys.exit(EXIT_INTERRUPTED)
        except Exception as exc:
            if _debug_wanted():
                raise
            error(_unexpected(exc))
            sys.exit(EXIT_ERROR)
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            error("interrupted")
            raise click.exceptions.Exit(EXIT_INTERRUPTED) from None


def _unexpected(exc: BaseException) -> str:
    """One line for an error no command handled itself."""
    if isinstance(exc, OpenAIError):
        return describe_api_error(exc, "the server")
    text = str(exc).splitlines()[0] if str(exc) else ""
    what = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return f"unexpected error: {what} (run with --debug or {DEBUG_ENV}=1 for the traceback)"


@click.group(cls=_Group)
@click.version_option(package_name="openai-uploads")
@click.option(
    "--debug",
    is_flag=True,
    help=f"Show the traceback of an unexpected error (or set {DEBUG_ENV}=1).",
)
def main(debug: bool) -> None:
    """openai-uploads: parallel, resumable, verified uploads to the OpenAI Uploads API.

    Uses OPENAI_API_KEY and OPENAI_BASE_URL, like openai-python. Exit codes: 0 done,
    1 API or transfer error, 2 usage error, 130 interrupted.
    """
    global _debug
    _debug = debug
    # The SDK's warnings (e.g. about plugins) as one line each, for every command; the
    # package logger has only a NullHandler otherwise. ``upload`` sets its own levels.
    _setup_logging(quiet=False, verbose=False)


main.add_command(upload)
main.add_command(cancel)
main.add_command(files)
main.add_command(serve)
main.add_command(plugins)


if __name__ == "__main__":  # pragma: no cover
    main()
