"""An installed plugin package is found through its entry point and obeyed.

The example package in ``tests/plugins/example_plugin`` is pip-installed into the test
environment for this module and uninstalled afterwards.
"""

from __future__ import annotations

import hashlib
import importlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from openai_uploads import InternalServerError, OpenAI, UploadVetoedError
from openai_uploads.emulator import EmulatorServer, FaultConfig
from openai_uploads.hookspecs import BytesSent, UploadCancelled, UploadCompleted

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
    example_plugin.EVENTS.clear()
    example_plugin.RETRY_DECISIONS.clear()
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
