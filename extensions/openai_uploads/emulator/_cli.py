"""The ``openai-uploads serve`` command."""

from __future__ import annotations

import ipaddress
import json
import sys

import click

from .._units import parse_rate

API_KEY_ENV = "OPENAI_UPLOADS_EMULATOR_API_KEY"
"""The environment variable ``serve`` reads its key from when ``--api-key`` is not given."""


def is_loopback(host: str) -> bool:
    """Whether ``host`` names only this machine (127.0.0.0/8, ::1 or localhost)."""
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_exposure(host: str, api_key: str | None, allow_no_key: bool) -> None:
    """Refuse to serve a non-loopback address without a key, unless allowed explicitly."""
    if api_key is None and not allow_no_key and not is_loopback(host):
        raise ValueError(
            f"refusing to listen on {host} without an API key: anyone who can reach it could "
            f"use and reconfigure the emulator. Set ${API_KEY_ENV} (or --api-key), or pass "
            "--allow-no-key if that is really wanted."
        )


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
@click.option("--port", default=8787, show_default=True, type=int, help="0 picks a free port.")
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
@click.option("--faults-json", default=None, hidden=True, help="A whole FaultConfig as JSON.")
@click.option("--log-level", default="warning", show_default=True)
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
    faults_json: str | None,
    log_level: str,
) -> None:
    """Run the local Uploads API emulator; prints its base URL (http://HOST:PORT/v1), then
    its Azure OpenAI endpoint (http://HOST:PORT, for --azure-endpoint / azure_endpoint).

    Emulator-only routes: POST /v1/_sink (discards a body, returns its size) and
    GET/POST/DELETE /v1/_emulator/faults (fault settings and counts). With a key set,
    these need it too, and accept bodies only as application/json (the sink also as
    application/octet-stream).
    """
    if api_key == "":
        api_key = None
    try:
        check_exposure(host, api_key, allow_no_key)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    try:
        from ._faults import FaultConfig
        from ._server import serve_forever
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
    except (TypeError, ValueError) as exc:
        raise click.BadParameter(str(exc)) from None

    def announce(url: str) -> None:
        click.echo(url)  # the first line: what scripts read
        endpoint = url.removesuffix("/v1")
        click.echo(
            f"Azure OpenAI endpoint: {endpoint} (/openai/...?api-version=..., "
            f"and {endpoint}/openai/v1)"
        )
        sys.stdout.flush()

    from ._store import DataDirInUse

    try:
        serve_forever(
            host=host,
            port=port,
            data_dir=data_dir,
            api_key=api_key,
            faults=faults,
            log_level=log_level,
            announce=announce,
        )
    except DataDirInUse as exc:
        click.echo(f"openai-uploads serve: {exc}", err=True)
        sys.exit(1)
