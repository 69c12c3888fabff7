"""Who may reach the emulator: refuse a non-loopback address without a key."""

from __future__ import annotations

import ipaddress

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
