"""Where a command talks to: the OpenAI API (or OPENAI_BASE_URL) or an Azure OpenAI
resource, checked before any request."""

from __future__ import annotations

import os
from typing import Any

import click

from .._constants import DEFAULT_BASE_URL
from ._output import fail

__all__ = ["DEFAULT_BASE_URL", "azure_options", "azure_settings", "given", "remote_settings"]


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
