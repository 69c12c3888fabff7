"""A broken installed plugin: one line naming its distribution, and the rest still works.

The package in ``tests/plugins/broken_plugin`` has one entry point per fault (an import
error, a misspelled hook, an ``async def`` hook, a claim on ``md5``); each test picks
the ones it wants with ``OPENAI_UPLOADS_PLUGINS``. It is pip-installed for this module
and uninstalled afterwards.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from openai_uploads import OpenAI, PluginError, hookimpl
from openai_uploads._plugins import DISABLE_AUTOLOAD_ENV, PLUGINS_ENV, PluginHost
from openai_uploads.emulator import EmulatorServer
from openai_uploads.hookspecs import RequestStarted

BROKEN = Path(__file__).parent / "broken_plugin"
DIST = "openai-uploads-broken-example"
API_KEY = "sk-broken-plugin-test"
CLI = Path(sys.executable).parent / "openai-uploads"


def pip(*args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q", *args],
        check=True,
    )


@pytest.fixture(scope="module", autouse=True)
def broken_plugin() -> Iterator[None]:
    pip("install", "--no-deps", "--no-build-isolation", str(BROKEN))
    try:
        yield
    finally:
        pip("uninstall", "-y", DIST)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorServer]:
    with EmulatorServer(data_dir=tmp_path_factory.mktemp("emulator"), api_key=API_KEY) as srv:
        yield srv


def host(monkeypatch: pytest.MonkeyPatch, selection: str) -> PluginHost:
    monkeypatch.setenv(PLUGINS_ENV, selection)
    return PluginHost(load_entrypoints=True)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        pytest.param("missing", "ModuleNotFoundError", id="import-error"),
        pytest.param("typo", "'on_bytes_snt' is not a hook", id="misspelled-hook"),
        pytest.param("async_hook", "on_upload_completed is 'async def'", id="async-hook"),
        pytest.param("md5_claim", "'md5', which is reserved", id="md5-claim"),
    ],
)
def test_a_broken_installed_plugin_is_reported_in_one_line(
    monkeypatch: pytest.MonkeyPatch, name: str, reason: str
) -> None:
    plugins = host(monkeypatch, name)
    [failed] = plugins.failed
    assert name not in plugins.list_plugin_names()
    line = failed.error or ""
    assert "\n" not in line
    assert f"plugin {name!r} from {DIST} 0.3.0 failed to load" in line
    assert reason in line
    assert f"{PLUGINS_ENV}=no:{name}" in line
    assert f"pip uninstall {DIST}" in line


def test_an_async_hook_is_refused_at_registration(monkeypatch: pytest.MonkeyPatch) -> None:
    [failed] = host(monkeypatch, "async_hook").failed
    assert "hooks are called synchronously" in (failed.error or "")


def test_a_transfer_refuses_to_start_without_a_plugin_that_failed(
    monkeypatch: pytest.MonkeyPatch, server: EmulatorServer, tmp_path: Path
) -> None:
    requests: list[RequestStarted] = []

    class Requests:
        @hookimpl
        def on_request_start(self, event: RequestStarted) -> None:
            requests.append(event)

    monkeypatch.setenv(PLUGINS_ENV, "missing")
    path = tmp_path / "a.bin"
    path.write_bytes(b"data")
    with (
        OpenAI(
            base_url=server.base_url, api_key=API_KEY, load_plugins=True, plugins=[Requests()]
        ) as client,
        pytest.raises(PluginError, match="'missing' from openai-uploads-broken") as info,
    ):
        client.uploads.upload_file_chunked(
            file=path, mime_type="application/jsonl", purpose="batch"
        )
    assert info.value.plugin == "missing"
    assert requests == []  # refused before the first request


def test_cancel_works_with_a_broken_plugin_installed_and_says_so_in_one_line(
    server: EmulatorServer,
) -> None:
    with OpenAI(base_url=server.base_url, api_key=API_KEY, load_plugins=False) as client:
        upload = client.uploads.create(
            bytes=10, filename="a.bin", mime_type="application/jsonl", purpose="batch"
        )
    env = {k: v for k, v in os.environ.items() if k not in (PLUGINS_ENV, DISABLE_AUTOLOAD_ENV)}
    env |= {
        "OPENAI_API_KEY": API_KEY,
        "OPENAI_BASE_URL": server.base_url,
        PLUGINS_ENV: "missing",
    }
    result = subprocess.run(
        [str(CLI), "cancel", upload.id], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{upload.id} cancelled"
    [line] = result.stderr.splitlines()
    assert f"plugin 'missing' from {DIST} 0.3.0 failed to load" in line
    assert f"{PLUGINS_ENV}=no:missing" in line


def test_the_broken_plugin_is_turned_off_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    plugins = host(monkeypatch, "no:missing,no:typo,no:async_hook,no:md5_claim")
    assert plugins.failed == []
    disabled = {info.name for info in plugins.disabled}
    assert {"missing", "typo", "async_hook", "md5_claim"} <= disabled


def test_turning_a_whole_distribution_off_by_its_name(monkeypatch: pytest.MonkeyPatch) -> None:
    assert host(monkeypatch, f"no:{DIST}").failed == []


def test_upload_refuses_in_one_line_naming_the_distribution(
    server: EmulatorServer, tmp_path: Path
) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(b"{}\n")
    env = {k: v for k, v in os.environ.items() if k not in (PLUGINS_ENV, DISABLE_AUTOLOAD_ENV)}
    env |= {
        "OPENAI_API_KEY": API_KEY,
        "OPENAI_BASE_URL": server.base_url,
        PLUGINS_ENV: "missing",
    }
    result = subprocess.run(
        [str(CLI), "upload", str(path), "--purpose", "batch"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert f"plugin 'missing' from {DIST} 0.3.0 failed to load" in line
    assert f"{PLUGINS_ENV}=no:missing" in line


def test_plugins_command_shows_the_failure() -> None:
    env = {k: v for k, v in os.environ.items() if k not in (PLUGINS_ENV, DISABLE_AUTOLOAD_ENV)}
    env[PLUGINS_ENV] = "typo"
    result = subprocess.run(
        [str(CLI), "plugins"], capture_output=True, text=True, env=env, timeout=60, check=True
    )
    [row] = [line for line in result.stdout.splitlines() if line.startswith("typo ")]
    assert "failed" in row
    assert f"{DIST} 0.3.0" in row
    assert "'on_bytes_snt' is not a hook" in result.stdout
    assert result.stderr == ""
