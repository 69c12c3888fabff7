"""Where a command talks to: the OpenAI API (or OPENAI_BASE_URL), an Azure OpenAI
resource or the embedded emulator (``--local``), checked before any request; and the
one place that builds a command's client."""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from .. import AzureOpenAI, OpenAI
from .._constants import DEFAULT_BASE_URL
from ._embedded import local_emulator
from ._interrupt import InterruptGuard
from ._output import fail

__all__ = [
    "DEFAULT_BASE_URL",
    "Target",
    "azure_options",
    "azure_settings",
    "connection_options",
    "given",
    "open_client",
    "remote_settings",
    "target",
]


def remote_settings() -> tuple[str | None, str]:
    """``(OPENAI_BASE_URL or None, OPENAI_API_KEY)``; a missing key is an error."""
    api_key = os.environ.get("OPENAI_API_KEY", "").strip()
    if not api_key:
        fail(
            "OPENAI_API_KEY is not set: export your API key, "
            "or add --local to upload to the embedded emulator"
        )
    base_url = os.environ.get("OPENAI_BASE_URL", "").strip() or None
    return base_url, api_key


def azure_options(func: Any) -> Any:
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


def given(name: str) -> bool:
    """Whether an option was given on the command line (not by its environment variable)."""
    source = click.get_current_context().get_parameter_source(name)
    return source is click.core.ParameterSource.COMMANDLINE


def azure_settings(azure_endpoint: str | None, api_version: str | None) -> tuple[str, str] | None:
    """``(azure_endpoint, api_version)``, or None for the OpenAI API; checked before any
    request (AzureOpenAI reads the key or token from the environment)."""
    if azure_endpoint is None:
        if api_version is not None and given("api_version"):
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
        fail(
            "AZURE_OPENAI_API_KEY is not set: export the resource's key "
            "(or a Microsoft Entra ID token as AZURE_OPENAI_AD_TOKEN)"
        )
    return azure_endpoint, api_version


def connection_options(func: Any) -> Any:
    """``--local``, ``--data-dir`` and the Azure options, which every command that talks to
    a server takes: the command receives them checked, as one ``where: Target``."""

    @functools.wraps(func)
    def command(
        *args: Any,
        local: bool,
        data_dir: Path | None,
        azure_endpoint: str | None,
        api_version: str | None,
        **kwargs: Any,
    ) -> Any:
        where = target(local, data_dir, azure_endpoint, api_version)
        return func(*args, where=where, **kwargs)

    wrapped = azure_options(command)
    wrapped = click.option(
        "--data-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="With --local: keep the emulator's data here (default: a temporary directory); "
        "the same directory later finds the same Uploads and Files.",
    )(wrapped)
    return click.option(
        "--local",
        is_flag=True,
        help="Talk to an embedded emulator on loopback (no account, no network).",
    )(wrapped)


@dataclass(frozen=True, slots=True)
class Target:
    """Where a command talks to, checked: the embedded emulator, Azure, or the API."""

    local: bool
    data_dir: Path | None
    azure: tuple[str, str] | None


def target(
    local: bool, data_dir: Path | None, azure_endpoint: str | None, api_version: str | None
) -> Target:
    """Check the connection options (usage errors, missing keys) before any request."""
    if data_dir is not None and not local:
        raise click.UsageError("--data-dir only applies with --local")
    if local:
        if given("azure_endpoint"):
            raise click.UsageError("--local and --azure-endpoint cannot be used together")
        # The environment's Azure endpoint does not apply.
        return Target(local=True, data_dir=data_dir, azure=None)
    return Target(False, None, azure_settings(azure_endpoint, api_version))


def open_client(
    where: Target,
    stack: contextlib.ExitStack,
    guard: InterruptGuard,
    plugins: Sequence[object] = (),
) -> tuple[Any, str]:
    """``(client, what error messages call the server)``; the client (and the embedded
    emulator of ``--local``) closes with ``stack``."""
    client: Any
    if where.azure is not None:
        shown = where.azure[0]
        client = AzureOpenAI(azure_endpoint=shown, api_version=where.azure[1], plugins=plugins)
    elif where.local:
        shown = "the local emulator"
        base_url, api_key = stack.enter_context(local_emulator(where.data_dir, guard))
        client = OpenAI(api_key=api_key, base_url=base_url, plugins=plugins)
    else:
        remote_url, api_key = remote_settings()
        shown = remote_url or DEFAULT_BASE_URL
        client = OpenAI(api_key=api_key, base_url=shown, plugins=plugins)
    stack.callback(client.close)
    return client, shown
