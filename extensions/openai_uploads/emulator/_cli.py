"""The ``openai-uploads serve`` command."""

from __future__ import annotations

import json
import sys
from typing import NoReturn

import click

from .._units import parse_rate
from ._exposure import API_KEY_ENV, check_exposure, is_loopback

__all__ = ["API_KEY_ENV", "check_exposure", "is_loopback", "serve"]


def _fail(message: str, code: int = 2) -> NoReturn:
    """One line on stderr, no traceback, and exit ``code`` (2: bad usage, 1: failed)."""
    click.echo(f"openai-uploads serve: {message}", err=True)
    sys.exit(code)


class _Rate(click.ParamType):  # type: ignore[type-arg,unused-ignore]
    name = "rate"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        if isinstance(value, float | int):
            return float(value)
        try:
            return parse_rate(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option(
    "--port", default=8787, show_default=True, type=int, help="0 picks a free port (0-65535)."
)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Where uploads and files are kept (default: a temporary dir, removed on exit).",
)
@click.option(
    "--api-key",
    envvar=API_KEY_ENV,
    default=None,
    help=f"Accept only this bearer key (default: any). Better set ${API_KEY_ENV}, which "
    "other users cannot see in the process list.",
)
@click.option(
    "--allow-no-key",
    is_flag=True,
    default=False,
    help="Serve on a non-loopback --host without a key (anyone who can reach it may use it).",
)
@click.option("--latency-ms", type=float, default=0.0, help="Added latency per request.")
@click.option(
    "--bandwidth", type=_Rate(), default=None, help="Per-connection request-body cap, e.g. 20MB."
)
@click.option(
    "--link-bandwidth",
    type=_Rate(),
    default=None,
    help="Request-body cap shared by all connections together (an uplink), e.g. 50MB.",
)
@click.option("--p-500", type=float, default=0.0, help="Probability of a 500 response.")
@click.option("--p-503", type=float, default=0.0, help="Probability of a 503 response.")
@click.option("--p-429", type=float, default=0.0, help="Probability of a 429 + Retry-After.")
@click.option("--p-drop", type=float, default=0.0, help="Probability of dropping mid-body.")
@click.option("--retry-after", type=float, default=1.0, show_default=True, help="429 wait (s).")
@click.option("--drop-after", type=int, default=None, help="Body bytes read before a drop.")
@click.option(
    "--fault-endpoints",
    default="create,parts,complete,cancel,files",
    show_default=True,
    help="Comma-separated endpoints the 500/503/429/drop faults apply to (also: sink).",
)
@click.option("--seed", type=int, default=None, help="Seed of the fault draws.")
@click.option(
    "--fault-script",
    default=None,
    metavar="JSON|@FILE",
    help="Scripted faults, consumed in order per endpoint ahead of the random ones, e.g. "
    '\'{"parts": ["ok", "503", "drop", "429:retry-after=2", "slow:1.5"]}\' (or @file.json).',
)
@click.option("--faults-json", default=None, hidden=True, help="A whole FaultConfig as JSON.")
@click.option("--limits-json", default=None, hidden=True, help="A whole ServerLimits as JSON.")
@click.option(
    "--log-level",
    default="warning",
    show_default=True,
    help="critical, error, warning, info, debug or trace.",
)
def serve(
    host: str,
    port: int,
    data_dir: str | None,
    api_key: str | None,
    allow_no_key: bool,
    latency_ms: float,
    bandwidth: float | None,
    link_bandwidth: float | None,
    p_500: float,
    p_503: float,
    p_429: float,
    p_drop: float,
    retry_after: float,
    drop_after: int | None,
    fault_endpoints: str,
    seed: int | None,
    fault_script: str | None,
    faults_json: str | None,
    limits_json: str | None,
    log_level: str,
) -> None:
    """Run the local Uploads API emulator; prints its base URL (http://HOST:PORT/v1), then
    its Azure OpenAI endpoint (http://HOST:PORT, for --azure-endpoint / azure_endpoint).

    Emulator-only routes: POST /v1/_sink (discards a body, returns its size),
    GET/POST/DELETE /v1/_emulator/faults (fault settings and counts), GET/POST
    /v1/_emulator/script (the fault script) and GET/DELETE /v1/_emulator/requests (the
    request log). With a key set, these need it too, and accept bodies only as
    application/json (the sink also as application/octet-stream).
    """
    if api_key == "":
        api_key = None
    try:
        check_exposure(host, api_key, allow_no_key)
    except ValueError as exc:
        _fail(str(exc))
    try:
        from ._faults import FaultConfig
        from ._limits import ServerLimits
        from ._script import load_script
        from ._server import CannotListen, serve_forever
        from ._settings import EmulatorSettings
        from ._store import DataDirInUse
    except ModuleNotFoundError as exc:
        missing = (exc.name or "a package").split(".")[0]
        click.echo(
            f"openai-uploads serve needs {missing}: pip install 'openai-uploads[emulator]'",
            err=True,
        )
        sys.exit(1)
    try:
        if faults_json:
            faults = FaultConfig.from_json(json.loads(faults_json))
        else:
            endpoints = frozenset(e.strip() for e in fault_endpoints.split(",") if e.strip())
            faults = FaultConfig(
                latency=latency_ms / 1000,
                bandwidth=bandwidth,
                link_bandwidth=link_bandwidth,
                p_500=p_500,
                p_503=p_503,
                p_429=p_429,
                p_drop=p_drop,
                retry_after=retry_after,
                drop_after=drop_after,
                endpoints=endpoints,
                seed=seed,
            )
        script = load_script(fault_script) if fault_script else {}
        limits = ServerLimits(**json.loads(limits_json)) if limits_json else ServerLimits()
        settings = EmulatorSettings(
            host=host,
            port=port,
            data_dir=data_dir,
            api_key=api_key,
            allow_no_key=allow_no_key,
            faults=faults,
            fault_script=script,
            limits=limits,
            log_level=log_level,
        )
    except OSError as exc:
        _fail(f"cannot read the fault script: {exc.strerror or exc}")
    except (TypeError, ValueError) as exc:
        _fail(str(exc))

    def announce(url: str) -> None:
        click.echo(url)  # the first line: what scripts read
        endpoint = url.removesuffix("/v1")
        click.echo(
            f"Azure OpenAI endpoint: {endpoint} (/openai/...?api-version=..., "
            f"and {endpoint}/openai/v1)"
        )
        sys.stdout.flush()

    try:
        serve_forever(settings, announce=announce)
    except DataDirInUse as exc:
        _fail(str(exc), 1)
    except CannotListen as exc:
        _fail(exc.strerror or str(exc), 1)
