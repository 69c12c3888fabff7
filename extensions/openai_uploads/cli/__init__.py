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

import contextlib
import hashlib
import json
import logging
import os
import secrets
import shlex
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, NoReturn

from openai_uploads import _exceptions as errors
from openai_uploads._constants import (
    DEFAULT_BASE_URL,
    UPLOAD_PURPOSES,
)
from openai_uploads._exceptions import OpenAIError
from openai_uploads._transfer._options import DEFAULT_MAX_CONCURRENCY
from openai_uploads.emulator._cli import serve
from openai_uploads.hookspecs import (
    UploadCancelled,
    UploadCompleted,
    UploadFailed,
    UploadStarted,
    hookimpl,
)

from ._params import (
    DurationParam,
    Md5Param,
    SizeParam,
    guess_mime_type,
    parse_duration,
    parse_size,
)
from ._plugins_cmd import plugins

if TYPE_CHECKING:
    from openai_uploads import OpenAI

__all__ = ["guess_mime_type", "main", "parse_duration", "parse_size"]

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

INTERRUPT_DEADLINE = 4.0
"""Seconds after Ctrl-C by which the process is gone, whatever is still in flight."""

PROG = "openai-uploads"

# ----------------------------------------------------------------------------- output


def _error(message: str) -> None:
    click.echo(f"{PROG}: {message}", err=True)


def _fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    _error(message)
    raise click.exceptions.Exit(code)


def _stderr_is_terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # pragma: no cover - closed or replaced stderr
        return False


def _human_bytes(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(n) < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GiB"  # pragma: no cover - the loop always returns


class _NotTheFailureLog(logging.Filter):
    """Drops the logging plugin's own line about a failed transfer: the CLI reports it."""

    def __init__(self) -> None:
        super().__init__()
        from openai_uploads.plugins import logging as logging_plugin

        self._path = os.path.normcase(os.path.abspath(logging_plugin.__file__ or ""))

    def filter(self, record: logging.LogRecord) -> bool:
        return os.path.normcase(os.path.abspath(record.pathname)) != self._path


class _ConsoleHandler(logging.Handler):
    """Log lines through the progress bar's rich console: printed above the bar, never
    into its line."""

    def __init__(self, console: Any) -> None:
        super().__init__()
        self.console = console

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.console.print(self.format(record), markup=False, highlight=False, soft_wrap=True)
        except Exception:  # pragma: no cover - logging must never raise
            self.handleError(record)


def _setup_logging(quiet: bool, verbose: bool, console: Any = None) -> None:
    """The SDK's warnings as one prefixed line each on stderr (errors only with --quiet;
    the logging plugin's request and part lines with --verbose); with a progress bar,
    through its ``console`` so that they print above the bar."""
    logger = logging.getLogger("openai_uploads")
    for old in [h for h in logger.handlers if getattr(h, "_openai_uploads_cli", False)]:
        logger.removeHandler(old)
    handler: logging.Handler = (
        logging.StreamHandler(sys.stderr) if console is None else _ConsoleHandler(console)
    )
    handler.setFormatter(logging.Formatter(f"{PROG}: %(levelname)s: %(message)s"))
    handler._openai_uploads_cli = True  # type: ignore[attr-defined]
    if not verbose:
        handler.addFilter(_NotTheFailureLog())
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if verbose else logging.ERROR if quiet else logging.WARNING)
    logger.propagate = False


def _upload_left_pending(exc: BaseException) -> str | None:
    """The id of the Upload a failed transfer left pending (not cancelled), if any."""
    if isinstance(exc, errors.UploadCompletionError) and not exc.still_pending:
        return None  # complete left it cancelled or completed: nothing to resume
    if not isinstance(exc, OpenAIError) or exc.upload_cancelled:
        return None
    return exc.upload_id or None


def _describe_api_error(exc: BaseException, base_url: str) -> str:
    """One line for an error of the SDK, naming the Upload a transfer worked on."""
    if isinstance(exc, errors.UploadError):
        return f"upload failed: {exc}"  # its str names the Upload and its state
    if isinstance(exc, errors.APITimeoutError):
        text = f"timed out talking to {base_url}"
    elif isinstance(exc, errors.APIConnectionError):
        reason = exc.__cause__ or exc.__context__
        why = f" ({reason})" if reason is not None and str(reason) else ""
        text = f"cannot reach {base_url}{why}"
    elif isinstance(exc, errors.AuthenticationError):
        text = f"the API key was rejected (401): {exc.message}"
    elif isinstance(exc, errors.APIStatusError):
        text = f"{exc.status_code} {exc.message}"
    else:
        text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if isinstance(exc, OpenAIError) and exc.upload_id:
        state = "cancelled" if exc.upload_cancelled else "left pending"
        text = f"{text} (Upload {exc.upload_id}, {state})"
    return text


# ----------------------------------------------------------------------------- Ctrl-C


class _InterruptGuard:
    """Ctrl-C raises KeyboardInterrupt once (so the transfer can cancel or keep its
    Upload); the process is gone ``deadline`` seconds later whatever is still in flight,
    and at once on a second Ctrl-C."""

    def __init__(self, deadline: float = INTERRUPT_DEADLINE) -> None:
        self.deadline = deadline
        self.interrupted = False
        self.cleanup: list[Any] = []
        self._previous: Any = None

    def __enter__(self) -> _InterruptGuard:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._on_sigint)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)

    def _on_sigint(self, signum: int, frame: FrameType | None) -> None:
        if self.interrupted:
            self.hard_exit("interrupted again: stopping now")
        self.interrupted = True
        timer = threading.Timer(
            self.deadline, self.hard_exit, args=("stopping now: the cancel took too long",)
        )
        timer.daemon = True
        timer.start()
        raise KeyboardInterrupt

    def hard_exit(self, message: str | None = None) -> NoReturn:
        """Leave now: run the cleanups, say why, flush, ``os._exit(130)`` (no thread joins)."""
        for cleanup in self.cleanup:
            with contextlib.suppress(Exception):
                cleanup()
        if message:
            with contextlib.suppress(Exception):
                _error(message)
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(EXIT_INTERRUPTED)


class _Tracker:
    """Remembers what the transfer said about its Upload, for the messages at the end."""

    def __init__(self) -> None:
        self.upload_id: str | None = None
        self.cancelled = False
        self.kept_for_resume = False
        self.resumed_bytes = 0
        self.total_bytes = 0
        self.file_id: str | None = None

    @hookimpl
    def on_upload_started(self, event: UploadStarted) -> None:
        self.upload_id = event.upload_id
        self.resumed_bytes = event.resumed_bytes
        self.total_bytes = event.total_bytes

    @hookimpl
    def on_upload_completed(self, event: UploadCompleted) -> None:
        self.file_id = event.file_id

    @hookimpl
    def on_upload_cancelled(self, event: UploadCancelled) -> None:
        self.upload_id = self.upload_id or event.upload_id
        self.cancelled = True

    @hookimpl
    def on_upload_failed(self, event: UploadFailed) -> None:
        self.upload_id = self.upload_id or event.upload_id
        self.kept_for_resume = event.kept_for_resume


# ----------------------------------------------------------------------------- commands


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
            _error(f"{exc.format_message()} (see '{command} --help')")
            sys.exit(EXIT_USAGE)
        except click.ClickException as exc:
            _error(exc.format_message())
            sys.exit(exc.exit_code)
        except click.Abort:
            _error("aborted")
            sys.exit(EXIT_ERROR)
        sys.exit(code if isinstance(code, int) else EXIT_OK)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            _error("interrupted")
            raise click.exceptions.Exit(EXIT_INTERRUPTED) from None


@click.group(cls=_Group)
@click.version_option(package_name="openai-uploads")
def main() -> None:
    """openai-uploads: parallel, resumable, verified uploads to the OpenAI Uploads API.

    Uses OPENAI_API_KEY and OPENAI_BASE_URL, like openai-python. Exit codes: 0 done,
    1 API or transfer error, 2 usage error, 130 interrupted.
    """


main.add_command(serve)
main.add_command(plugins)


def _import_client() -> type[OpenAI]:
    from openai_uploads import OpenAI

    return OpenAI


@contextlib.contextmanager
def _local_emulator(data_dir: Path | None, guard: _InterruptGuard) -> Iterator[tuple[str, str]]:
    """The embedded emulator on a loopback port: yields (base_url, throwaway api key)."""
    try:
        from openai_uploads.emulator import run_emulator
    except ModuleNotFoundError as exc:
        _fail(f"--local needs {exc.name}: pip install 'openai-uploads[emulator]'")
    own_dir = data_dir is None
    directory = data_dir or Path(tempfile.mkdtemp(prefix="openai-uploads-local-"))
    if own_dir:
        guard.cleanup.append(lambda: shutil.rmtree(directory, ignore_errors=True))
    api_key = "sk-local-" + secrets.token_hex(16)
    try:
        with run_emulator(data_dir=directory, api_key=api_key) as server:
            yield server.base_url, api_key
    finally:
        if own_dir:
            shutil.rmtree(directory, ignore_errors=True)


def _remote_settings() -> tuple[str | None, str]:
    api_key = os.environ.get("OPENAI_API_KEY", "").strip()
    if not api_key:
        _fail(
            "OPENAI_API_KEY is not set: export your API key, "
            "or add --local to upload to the embedded emulator"
        )
    base_url = os.environ.get("OPENAI_BASE_URL", "").strip() or None
    return base_url, api_key


def _azure_options(func: Any) -> Any:
    """``--azure-endpoint`` and ``--api-version``: talk to Azure OpenAI instead."""
    func = click.option(
        "--api-version",
        envvar="OPENAI_API_VERSION",
        show_envvar=True,
        default=None,
        help="With --azure-endpoint: the Azure OpenAI API version, e.g. 2025-04-01-preview.",
    )(func)
    return click.option(
        "--azure-endpoint",
        envvar="AZURE_OPENAI_ENDPOINT",
        show_envvar=True,
        default=None,
        metavar="URL",
        help="Upload to this Azure OpenAI resource, e.g. https://NAME.openai.azure.com "
        "(key from AZURE_OPENAI_API_KEY, or an Entra ID token from AZURE_OPENAI_AD_TOKEN).",
    )(func)


def _given(name: str) -> bool:
    """Whether an option was given on the command line (not by its environment variable)."""
    source = click.get_current_context().get_parameter_source(name)
    return source is click.core.ParameterSource.COMMANDLINE


def _azure_settings(azure_endpoint: str | None, api_version: str | None) -> tuple[str, str] | None:
    """``(azure_endpoint, api_version)``, or None for the OpenAI API; checked before any
    request (AzureOpenAI reads the key or token from the environment)."""
    if azure_endpoint is None:
        if api_version is not None and _given("api_version"):
            raise click.UsageError("--api-version only applies with --azure-endpoint")
        return None
    if not api_version:
        raise click.UsageError(
            "--azure-endpoint needs --api-version (or OPENAI_API_VERSION), "
            "e.g. --api-version 2025-04-01-preview"
        )
    if not azure_endpoint.lower().startswith(("https://", "http://")):
        raise click.UsageError(
            "--azure-endpoint (or AZURE_OPENAI_ENDPOINT) must be an http(s) URL such as "
            f"https://NAME.openai.azure.com, got {azure_endpoint!r}"
        )
    if not (os.environ.get("AZURE_OPENAI_API_KEY") or os.environ.get("AZURE_OPENAI_AD_TOKEN")):
        _fail(
            "AZURE_OPENAI_API_KEY is not set: export the resource's key "
            "(or a Microsoft Entra ID token as AZURE_OPENAI_AD_TOKEN)"
        )
    return azure_endpoint, api_version


def _file_md5(path: Path) -> str:
    digest = hashlib.md5()
    with path.open("rb") as f:
        while chunk := f.read(4 * 1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _stored_md5(client: OpenAI, file_id: str) -> tuple[str, int]:
    """md5 and size of a stored File's content, streamed from the API (bounded memory)."""
    digest = hashlib.md5()

    class _Sink:
        def write(self, data: bytes) -> None:
            digest.update(data)

    size = client.files.download(file_id, _Sink())
    return digest.hexdigest(), size


@main.command(short_help="Upload a file in parallel Parts; print the File id.")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path))
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
    default=DEFAULT_MAX_CONCURRENCY,
    show_default=True,
    help="Parts in flight; a file's parts are streamed, so memory does not grow with it.",
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
    "--local",
    is_flag=True,
    help="Upload to an embedded emulator on loopback (no account, no network).",
)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="With --local: keep the emulator's data here (default: a temporary directory).",
)
@click.option("--verify", is_flag=True, help="Download the stored File and compare its md5.")
@click.option("--json", "as_json", is_flag=True, help="Print the completed Upload as JSON.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or notes on stderr.")
@click.option("--verbose", "-v", is_flag=True, help="Log every request and part on stderr.")
@_azure_options
def upload(
    path: Path,
    purpose: str,
    mime_type: str | None,
    part_size: int | None,
    concurrency: int,
    md5: str | None,
    no_md5: bool,
    expires_after: int | None,
    resume: bool,
    local: bool,
    data_dir: Path | None,
    verify: bool,
    as_json: bool,
    quiet: bool,
    verbose: bool,
    azure_endpoint: str | None,
    api_version: str | None,
) -> None:
    """Upload PATH in parallel Parts and print the File id (or the Upload, with --json).

    Talks to the API at OPENAI_BASE_URL (default https://api.openai.com/v1) with the key
    in OPENAI_API_KEY; --local needs neither.

    \b
    Examples:
      openai-uploads upload train.jsonl --purpose fine-tune
      openai-uploads upload big.pdf --purpose assistants --part-size 32MiB --json
      openai-uploads upload data.jsonl --purpose batch --local --verify
      openai-uploads upload train.jsonl --purpose fine-tune \\
          --azure-endpoint https://NAME.openai.azure.com --api-version 2025-04-01-preview
    """
    if md5 is not None and no_md5:
        raise click.UsageError("--md5 and --no-md5 cannot be used together")
    if data_dir is not None and not local:
        raise click.UsageError("--data-dir only applies with --local")
    if resume and local and data_dir is None:
        raise click.UsageError(
            "--resume with --local needs --data-dir (the temporary emulator data is "
            "removed on exit, and the Upload with it)"
        )
    if local:
        if _given("azure_endpoint"):
            raise click.UsageError("--local and --azure-endpoint cannot be used together")
        azure_endpoint = None  # the environment's Azure endpoint does not apply
        api_version = None
    azure = _azure_settings(azure_endpoint, api_version)
    show_notes = not quiet and _stderr_is_terminal()

    plugins: list[object] = []
    progress: Any = None
    if not quiet and _stderr_is_terminal():
        try:
            from openai_uploads.plugins.progress import ProgressBar
        except ImportError:  # pragma: no cover - depends on the installed extras
            _fail("the progress bar needs rich: pip install 'openai-uploads[cli]'")
        try:
            # With --verify the bar stays up after complete, for the "verifying" phase.
            progress = ProgressBar(transient=False, finish_on_complete=not verify)
        except ImportError:  # pragma: no cover - depends on the installed extras
            _fail("the progress bar needs rich: pip install 'openai-uploads[cli]'")
        plugins.append(progress)
    _setup_logging(quiet, verbose, None if progress is None else progress.console)
    tracker = _Tracker()
    plugins.append(tracker)

    kwargs: dict[str, Any] = {
        "file": path,
        "mime_type": mime_type or guess_mime_type(path.name),
        "purpose": purpose,
        "max_concurrency": concurrency,
        "resume": resume,
    }
    if part_size is not None:
        kwargs["part_size"] = part_size
    if md5 is not None:
        kwargs["md5"] = md5
    elif no_md5:
        kwargs["md5"] = None
    if expires_after is not None:
        kwargs["expires_after"] = {"anchor": "created_at", "seconds": expires_after}

    OpenAI = _import_client()
    where = "the local emulator" if local else ""
    client: Any = None
    with _InterruptGuard() as guard, contextlib.ExitStack() as stack:
        if progress is not None:
            guard.cleanup.append(progress.close)
        try:
            if azure is not None:
                from openai_uploads import AzureOpenAI

                where = azure[0]
                client = AzureOpenAI(azure_endpoint=where, api_version=azure[1], plugins=plugins)
            else:
                if local:
                    base_url, api_key = stack.enter_context(_local_emulator(data_dir, guard))
                else:
                    remote_url, api_key = _remote_settings()
                    base_url = remote_url or DEFAULT_BASE_URL
                    where = base_url
                client = OpenAI(api_key=api_key, base_url=base_url, plugins=plugins)
            stack.callback(client.close)
            started = time.monotonic()
            result = client.uploads.upload_file_chunked(**kwargs)
            elapsed = time.monotonic() - started
            file_id = result.file.id if result.file else None
            if file_id is None:  # pragma: no cover - a completed Upload carries its File
                _fail(f"Upload {result.id} ended {result.status} without a File")
            if verify:
                if progress is not None:
                    progress.set_phase(result.id, "verifying")
                local_md5 = _file_md5(path)
                stored_md5, stored_size = _stored_md5(client, file_id)
                if progress is not None:
                    progress.set_phase(
                        result.id, "verified" if stored_md5 == local_md5 else "verify failed"
                    )
            if progress is not None:
                progress.close()
            if show_notes:
                # The rate the bar showed: the bytes of this run over the time from the
                # first part to the last (complete and verify send no part bytes).
                rate = None if progress is None else progress.send_rate(result.id)
                _note_uploaded(path, result.id, file_id, result.bytes, elapsed, tracker, rate)
            if verify:
                if stored_md5 != local_md5:
                    _fail(
                        f"verify failed: File {file_id} has md5 {stored_md5} "
                        f"({stored_size} bytes), {path} has {local_md5}"
                    )
                if show_notes:
                    _error(f"verified: File {file_id} has the md5 of {path.name} ({local_md5})")
        except KeyboardInterrupt:
            _on_interrupt(client, tracker, resume, guard)
        except OpenAIError as exc:
            if _interrupted(exc):
                _on_interrupt(client, tracker, resume, guard)
            if progress is not None:
                progress.close()
            message = _describe_api_error(exc, where)
            if resume and _upload_left_pending(exc):
                message += f"; run the same command again to resume: {_resume_command()}"
            _fail(message)
        except ValueError as exc:
            # upload_file_chunked validates its arguments before sending anything.
            _fail(f"invalid upload: {exc}", EXIT_USAGE)
        except OSError as exc:
            _fail(f"cannot read {path}: {exc}")

    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2))
    else:
        click.echo(file_id)


def _note_uploaded(
    path: Path,
    upload_id: str,
    file_id: str,
    size: int,
    elapsed: float,
    tracker: _Tracker,
    rate: float | None,
) -> None:
    if rate is None:  # no bar: the bytes of this run over the whole call
        sent = size - tracker.resumed_bytes
        rate = sent / elapsed if elapsed > 0 else 0.0
    resumed = (
        f", resumed after {_human_bytes(tracker.resumed_bytes)}" if tracker.resumed_bytes else ""
    )
    _error(
        f"uploaded {path.name}: {_human_bytes(size)} in {elapsed:.1f} s "
        f"(parts sent at {_human_bytes(rate)}/s{resumed}) -> Upload {upload_id}, File {file_id}"
    )


def _interrupted(exc: BaseException) -> bool:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, KeyboardInterrupt):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def _resume_command() -> str:
    args = list(sys.argv[1:])
    if "--resume" not in args:
        args.append("--resume")
    return shlex.join([PROG, *args])


def _on_interrupt(client: Any, tracker: _Tracker, resume: bool, guard: _InterruptGuard) -> NoReturn:
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
                f"{_describe_api_error(exc, 'the server')}"
            )
    guard.hard_exit(f"interrupted: Upload {upload_id} cancelled")


@main.command(short_help="Cancel a pending Upload.")
@click.argument("upload_id")
@click.option("--json", "as_json", is_flag=True, help="Print the cancelled Upload as JSON.")
@_azure_options
def cancel(
    upload_id: str, as_json: bool, azure_endpoint: str | None, api_version: str | None
) -> None:
    """Cancel a pending Upload; prints its status (or the Upload, with --json)."""
    OpenAI = _import_client()
    azure = _azure_settings(azure_endpoint, api_version)
    client: Any
    if azure is not None:
        from openai_uploads import AzureOpenAI

        shown = azure[0]
        client = AzureOpenAI(azure_endpoint=shown, api_version=azure[1])
    else:
        base_url, api_key = _remote_settings()
        shown = base_url or DEFAULT_BASE_URL
        client = OpenAI(api_key=api_key, base_url=base_url)
    try:
        with contextlib.closing(client):
            result = client.uploads.cancel(upload_id=upload_id)
    except OpenAIError as exc:
        _fail(_describe_api_error(exc, shown))
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2))
    else:
        click.echo(f"{result.id} {result.status}")


if __name__ == "__main__":  # pragma: no cover
    main()
