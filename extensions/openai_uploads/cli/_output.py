"""What the command line prints: one-line errors and notes on stderr, exit codes, sizes,
and the one line that describes an error of the SDK."""

from __future__ import annotations

import sys
from typing import Any, NoReturn

import click

from .. import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    OpenAIError,
    UploadCompletionError,
    UploadError,
)

PROG = "openai-uploads"

EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


def error(message: str) -> None:
    """One line on stderr, prefixed with the program's name."""
    click.echo(f"{PROG}: {message}", err=True)


def fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    """Say ``message`` on stderr and exit with ``code``."""
    error(message)
    raise click.exceptions.Exit(code)


def given(**options: Any) -> dict[str, Any]:
    """The options the command line was given (those not None), as keyword arguments."""
    return {name: value for name, value in options.items() if value is not None}


def stderr_is_terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # pragma: no cover - closed or replaced stderr
        return False


def human_bytes(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(n) < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GiB"  # pragma: no cover - the loop always returns


def upload_left_pending(exc: BaseException) -> str | None:
    """The id of the Upload a failed transfer left pending (not cancelled), if any."""
    if isinstance(exc, UploadCompletionError) and not exc.still_pending:
        return None  # complete left it cancelled or completed: nothing to resume
    if not isinstance(exc, OpenAIError) or exc.upload_cancelled:
        return None
    return exc.upload_id or None


def describe_api_error(exc: BaseException, base_url: str) -> str:
    """One line for an error of the SDK, naming the Upload a transfer worked on."""
    if isinstance(exc, UploadError):
        return f"upload failed: {exc}"  # its str names the Upload and its state
    if isinstance(exc, APITimeoutError):
        text = f"timed out talking to {base_url}"
    elif isinstance(exc, APIConnectionError):
        reason = exc.__cause__ or exc.__context__
        why = f" ({reason})" if reason is not None and str(reason) else ""
        text = f"cannot reach {base_url}{why}"
    elif isinstance(exc, AuthenticationError):
        text = f"the API key was rejected (401): {exc.message}"
    elif isinstance(exc, APIStatusError):
        text = f"{exc.status_code} {exc.message}"
    else:
        text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if isinstance(exc, OpenAIError) and exc.upload_id:
        state = "cancelled" if exc.upload_cancelled else "left pending"
        text = f"{text} (Upload {exc.upload_id}, {state})"
    return text
