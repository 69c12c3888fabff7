"""An installed plugin package is found through its entry point and obeyed.

The example package in ``tests/plugins/example_plugin`` is pip-installed into the test
environment for this module and uninstalled afterwards.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import logging
import os
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from openai_uploads import (
    APIConnectionError,
    InternalServerError,
    OpenAI,
    UploadVetoedError,
    Veto,
    hookimpl,
)
from openai_uploads._plugins import DISABLE_AUTOLOAD_ENV, PLUGINS_ENV, PluginHost
from openai_uploads.emulator import EmulatorServer, FaultConfig
from openai_uploads.hookspecs import (
    BytesSent,
    PartCompleted,
    RequestFinished,
    RequestStarted,
    UploadCancelled,
    UploadCompleted,
)

EXAMPLE = Path(__file__).parent / "example_plugin"
API_KEY = "sk-plugin-test"
PART = 256 * 1024


def pip(*args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q", *args],
        check=True,
    )


@pytest.fixture(scope="module")
def example_plugin() -> Iterator[ModuleType]:
    # No build isolation: the environment's own hatchling builds it, with no download.
    pip("install", "--no-deps", "--no-build-isolation", str(EXAMPLE))
    importlib.invalidate_caches()
    try:
        yield importlib.import_module("openai_uploads_example")
    finally:
        sys.modules.pop("openai_uploads_example", None)
        pip("uninstall", "-y", "openai-uploads-example")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorServer]:
    with EmulatorServer(data_dir=tmp_path_factory.mktemp("emulator"), api_key=API_KEY) as srv:
        yield srv


@pytest.fixture
def client(
    example_plugin: ModuleType, server: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> Iterator[OpenAI]:
    for record in ("EVENTS", "RETRY_DECISIONS", "REQUESTS", "WRAPPED", "UPLOADS_STARTED"):
        getattr(example_plugin, record).clear()
    monkeypatch.delenv(PLUGINS_ENV, raising=False)
    server.faults = FaultConfig()
    server.reset_fault_stats()
    with OpenAI(base_url=server.base_url, api_key=API_KEY, load_plugins=True) as c:
        yield c


@pytest.fixture
def data_file(tmp_path: Path) -> Path:
    path = tmp_path / "data.bin"
    path.write_bytes(hashlib.sha256(b"seed").digest() * (3 * PART // 32 + 7))
    return path


def upload(client: OpenAI, path: Path) -> object:
    return client.uploads.upload_file_chunked(
        file=path, mime_type="application/octet-stream", purpose="assistants", part_size=PART
    )


def test_installed_plugin_is_loaded_automatically(client: OpenAI) -> None:
    assert "example" in client.plugins.list_plugin_names()


def test_installed_plugin_is_not_loaded_when_autoload_is_off(
    example_plugin: ModuleType, server: EmulatorServer
) -> None:
    with OpenAI(base_url=server.base_url, api_key=API_KEY, load_plugins=False) as c:
        assert "example" not in c.plugins.list_plugin_names()


@pytest.mark.parametrize(
    ("switch", "why"),
    [
        pytest.param("env", f"{DISABLE_AUTOLOAD_ENV}=1", id="environment"),
        pytest.param("argument", "load_plugins=False", id="argument"),
    ],
)
def test_installed_plugin_is_listed_as_disabled_when_autoload_is_off(
    example_plugin: ModuleType, monkeypatch: pytest.MonkeyPatch, switch: str, why: str
) -> None:
    monkeypatch.delenv(PLUGINS_ENV, raising=False)
    if switch == "env":
        monkeypatch.setenv(DISABLE_AUTOLOAD_ENV, "1")
        host = PluginHost()
    else:
        monkeypatch.delenv(DISABLE_AUTOLOAD_ENV, raising=False)
        host = PluginHost(load_entrypoints=False)
    [info] = [i for i in host.list_plugins() if i.name == "example"]
    assert (info.status, info.kind) == ("disabled", "installed")
    assert (info.distribution, info.version) == ("openai-uploads-example", "1.0.0")
    assert info.note == f"plugins are not loaded from the environment: {why}"


def test_plugins_command_lists_a_plugin_turned_off_as_disabled(
    example_plugin: ModuleType,
) -> None:
    env = {k: v for k, v in os.environ.items() if k not in (PLUGINS_ENV, DISABLE_AUTOLOAD_ENV)}
    env[PLUGINS_ENV] = "no:example"
    result = subprocess.run(
        [str(Path(sys.executable).parent / "openai-uploads"), "plugins"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    [line] = [line for line in result.stdout.splitlines() if line.startswith("example ")]
    assert "disabled" in line
    assert f"openai-uploads-example 1.0.0  (turned off by {PLUGINS_ENV})" in line
    assert result.stderr == ""


def test_a_selection_naming_the_installed_plugin_or_its_distribution_says_nothing(
    example_plugin: ModuleType, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv(PLUGINS_ENV, "no:example,no:openai-uploads-example")
    with caplog.at_level(logging.WARNING, logger="openai_uploads"):
        PluginHost(load_entrypoints=False)
    assert caplog.records == []


def test_the_unknown_name_warning_names_the_installed_plugins_too(
    example_plugin: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {k: v for k, v in os.environ.items() if k not in (PLUGINS_ENV, DISABLE_AUTOLOAD_ENV)}
    env[PLUGINS_ENV] = "no:exampel"
    result = subprocess.run(
        [str(Path(sys.executable).parent / "openai-uploads"), "plugins"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert result.stderr == (
        f"openai-uploads: WARNING: {PLUGINS_ENV} names 'exampel', which is not a plugin in "
        "this environment (ignored); known plugins: retry, logging, otel, example\n"
    )


def test_installed_plugin_sees_monotonic_progress_summing_to_the_file_size(
    client: OpenAI, example_plugin: ModuleType, data_file: Path
) -> None:
    upload(client, data_file)
    sent = [e.bytes_sent for e in example_plugin.EVENTS if isinstance(e, BytesSent)]
    assert sent == sorted(sent)
    assert sent[-1] == data_file.stat().st_size


def test_installed_plugin_digest_equals_hashlib_sha256(
    client: OpenAI, example_plugin: ModuleType, data_file: Path
) -> None:
    upload(client, data_file)
    [completed] = [e for e in example_plugin.EVENTS if isinstance(e, UploadCompleted)]
    assert completed.digests["sha256"] == hashlib.sha256(data_file.read_bytes()).hexdigest()
    assert completed.digests["md5"] == hashlib.md5(data_file.read_bytes()).hexdigest()


def test_installed_plugin_retry_policy_is_obeyed_against_faults(
    client: OpenAI, server: EmulatorServer, example_plugin: ModuleType, tmp_path: Path
) -> None:
    small = tmp_path / "one-part.bin"
    small.write_bytes(b"x" * 1000)
    server.faults = FaultConfig(p_500=1.0, endpoints=frozenset({"parts"}), seed=1)
    with pytest.raises(InternalServerError) as info:
        upload(client, small)
    # One part: the first attempt plus exactly the five retries the plugin allows.
    assert server.fault_stats()["500"] == 6
    assert [ctx.attempt for ctx in example_plugin.RETRY_DECISIONS] == [0, 1, 2, 3, 4, 5]
    assert getattr(info.value, "upload_id", None)


def test_installed_plugin_veto_stops_the_upload_and_cancels_it(
    client: OpenAI,
    server: EmulatorServer,
    example_plugin: ModuleType,
    data_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("EXAMPLE_PLUGIN_EXPECT_SHA256", "0" * 64)
    with pytest.raises(UploadVetoedError, match="not the expected") as info:
        upload(client, data_file)
    upload_id = info.value.upload_id
    assert upload_id is not None
    assert server.store.get_upload(upload_id).status == "cancelled"
    assert any(
        isinstance(e, UploadCancelled) and e.upload_id == upload_id for e in example_plugin.EVENTS
    )


def test_a_wrapper_on_an_observer_hook_runs_around_the_other_impls(
    client: OpenAI, example_plugin: ModuleType, data_file: Path
) -> None:
    upload(client, data_file)
    parts = [e.part_number for e in example_plugin.EVENTS if isinstance(e, PartCompleted)]
    assert len(parts) == 4
    assert sorted(example_plugin.WRAPPED) == sorted(
        [("before", n) for n in parts] + [("after", n) for n in parts]
    )


def test_hook_call_monitoring_sees_on_bytes_sent(
    client: OpenAI, example_plugin: ModuleType, data_file: Path
) -> None:
    seen: list[tuple[str, list[str]]] = []

    def before(hook_name: str, impls: list[Any], kwargs: dict[str, Any]) -> None:
        seen.append((hook_name, [impl.plugin_name for impl in impls]))

    def after(outcome: Any, hook_name: str, impls: list[Any], kwargs: dict[str, Any]) -> None:
        pass

    undo = client.plugins.pm.add_hookcall_monitoring(before, after)
    try:
        upload(client, data_file)
    finally:
        undo()
    sent = [impls for name, impls in seen if name == "on_bytes_sent"]
    assert sent
    assert all("example" in impls for impls in sent)


def test_an_impl_without_arguments_is_called(
    client: OpenAI, example_plugin: ModuleType, data_file: Path
) -> None:
    upload(client, data_file)
    assert example_plugin.UPLOADS_STARTED == [1]


def test_request_starts_and_ends_pair_up_on_a_failed_transfer(
    client: OpenAI, server: EmulatorServer, example_plugin: ModuleType, tmp_path: Path
) -> None:
    # Parts stream slowly (1 MiB/s) and one connection drops half-way through its part,
    # when every part is in flight; the others end aborted or refused (the Upload is
    # cancelled under them), some after the call returned.
    part_size = 4 * 1024 * 1024
    path = tmp_path / "big.bin"
    path.write_bytes(os.urandom(4 * part_size))
    server.faults = FaultConfig(
        p_drop=0.5,
        bandwidth=part_size / 4,
        endpoints=frozenset({"parts"}),
        seed=3,
    )
    with pytest.raises(APIConnectionError):
        client.uploads.upload_file_chunked(
            file=path,
            mime_type="application/octet-stream",
            purpose="assistants",
            part_size=part_size,
            part_retries=0,
        )
    # Parts aborted in flight end on their worker threads, which the call does not wait for.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        starts, ends = request_events(example_plugin)
        if len(starts) == len(ends):
            break
        time.sleep(0.05)
    starts, ends = request_events(example_plugin)
    key = lambda e: (e.operation, e.part_number, e.attempt)  # noqa: E731
    assert sorted(map(key, starts)) == sorted(map(key, ends))
    parts = [e for e in ends if e.operation == "add_part"]
    assert len(parts) >= 2
    assert all(e.upload_id and e.part_number and e.body_size > part_size for e in parts)
    assert any(e.status_code is None and e.error is not None for e in parts)


def request_events(plugin: ModuleType) -> tuple[list[Any], list[Any]]:
    events = list(plugin.REQUESTS)
    return (
        [e for e in events if isinstance(e, RequestStarted)],
        [e for e in events if isinstance(e, RequestFinished)],
    )


def test_a_hasher_that_needs_read_only_buffers_works(
    client: OpenAI, example_plugin: ModuleType, data_file: Path
) -> None:
    upload(client, data_file)
    [completed] = [e for e in example_plugin.EVENTS if isinstance(e, UploadCompleted)]
    assert completed.digests["crc32"] == f"{zlib.crc32(data_file.read_bytes()):08x}"


@pytest.mark.parametrize("name", ["example", "openai-uploads-example"])
def test_an_installed_plugin_is_turned_off_by_name(
    example_plugin: ModuleType,
    server: EmulatorServer,
    monkeypatch: pytest.MonkeyPatch,
    data_file: Path,
    name: str,
) -> None:
    example_plugin.EVENTS.clear()
    monkeypatch.setenv(PLUGINS_ENV, f"no:{name}")
    with OpenAI(base_url=server.base_url, api_key=API_KEY, load_plugins=True) as c:
        assert "example" not in c.plugins.list_plugin_names()
        [info] = [i for i in c.plugins.list_plugins() if i.name == "example"]
        assert info.status == "disabled"
        upload(c, data_file)
    assert example_plugin.EVENTS == []


def test_an_allow_list_loads_only_the_plugins_named(
    example_plugin: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PLUGINS_ENV, "someone-else")
    assert "example" not in PluginHost(load_entrypoints=True).list_plugin_names()
    monkeypatch.setenv(PLUGINS_ENV, "example")
    assert "example" in PluginHost(load_entrypoints=True).list_plugin_names()


def test_plugins_command_lists_the_installed_plugin_as_json(example_plugin: ModuleType) -> None:
    env = {k: v for k, v in os.environ.items() if k not in (PLUGINS_ENV, DISABLE_AUTOLOAD_ENV)}
    result = subprocess.run(
        [str(Path(sys.executable).parent / "openai-uploads"), "plugins", "--json"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    [example] = [p for p in json.loads(result.stdout) if p["name"] == "example"]
    assert example["distribution"] == "openai-uploads-example"
    assert example["version"] == "1.0.0"
    assert example["status"] == "loaded"
    assert {"on_bytes_sent", "on_part_completed", "digest_algorithms", "decide_retry"} <= set(
        example["hooks"]
    )


def test_every_veto_is_reported_with_the_plugin_that_made_it(
    client: OpenAI, data_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Catalog:
        @hookimpl
        def check_digests(self) -> Veto:
            return Veto(reason="not in the catalog")

    monkeypatch.setenv("EXAMPLE_PLUGIN_EXPECT_SHA256", "0" * 64)
    client.plugins.register(Catalog())
    with pytest.raises(
        UploadVetoedError, match=r"^not in the catalog; sha256 .* is not the expected"
    ) as info:
        upload(client, data_file)
    vetoes = info.value.details["vetoes"]
    assert sorted(v.plugin for v in vetoes) == ["Catalog", "example"]
