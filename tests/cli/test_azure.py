"""``openai-uploads upload`` / ``cancel`` to Azure OpenAI: the emulator's Azure surface."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .conftest import MiB, RequestCounter, assert_usage_error, cli_env, make_file, one_line, run_cli

VERSION = "2025-04-01-preview"


def _azure_env(emulator: Any, **extra: str) -> dict[str, str]:
    env = cli_env()
    env["AZURE_OPENAI_API_KEY"] = emulator.api_key
    env.update(extra)
    return env


def test_upload_to_the_azure_surface_is_byte_exact(
    tmp_path: Path, emulator: Any, requests_seen: RequestCounter
) -> None:
    data = make_file(tmp_path / "train.jsonl", 3 * MiB + 5)
    result = run_cli(
        "upload", str(data), "--purpose", "fine-tune", "--part-size", "1MiB", "--json",
        "--azure-endpoint", emulator.azure_endpoint, "--api-version", VERSION,
        env=_azure_env(emulator),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    upload = json.loads(result.stdout)
    assert upload["status"] == "completed"
    assert requests_seen["parts"] == 4
    stored = emulator.store.file_path(upload["file"]["id"]).read_bytes()
    assert stored == data.read_bytes()


def test_environment_variables_select_azure(tmp_path: Path, emulator: Any) -> None:
    data = make_file(tmp_path / "train.jsonl", 200_000)
    env = _azure_env(
        emulator, AZURE_OPENAI_ENDPOINT=emulator.azure_endpoint, OPENAI_API_VERSION=VERSION
    )
    result = run_cli("upload", str(data), "--purpose", "fine-tune", "--verify", env=env)
    assert result.returncode == 0, result.stderr
    assert emulator.store.file_path(result.stdout.strip()).read_bytes() == data.read_bytes()


def test_an_entra_token_from_the_environment_is_used(tmp_path: Path, emulator: Any) -> None:
    data = make_file(tmp_path / "train.jsonl", 1000)
    env = cli_env()
    env["AZURE_OPENAI_AD_TOKEN"] = emulator.api_key  # the emulator takes its key as token
    result = run_cli(
        "upload", str(data), "--purpose", "fine-tune",
        "--azure-endpoint", emulator.azure_endpoint, "--api-version", VERSION, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


def test_cancel_through_azure(emulator: Any) -> None:
    upload = emulator.store.create_upload(
        filename="a.txt", bytes=10, purpose="batch", mime_type="text/plain",
        file_expires_seconds=None,
    )  # fmt: skip
    result = run_cli(
        "cancel", upload.id, "--azure-endpoint", emulator.azure_endpoint,
        "--api-version", VERSION, env=_azure_env(emulator),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{upload.id} cancelled\n"


def test_azure_endpoint_without_api_version_is_a_usage_error(tmp_path: Path, emulator: Any) -> None:
    data = make_file(tmp_path / "a.jsonl", 10)
    result = run_cli(
        "upload", str(data), "--purpose", "batch", "--azure-endpoint", emulator.azure_endpoint,
        env=_azure_env(emulator),
    )  # fmt: skip
    assert_usage_error(result, "--api-version")


def test_an_azure_endpoint_without_a_scheme_is_a_usage_error(emulator: Any) -> None:
    result = run_cli(
        "cancel", "upload_abc", "--azure-endpoint", "my-resource.openai.azure.com",
        "--api-version", VERSION, env=_azure_env(emulator),
    )  # fmt: skip
    assert_usage_error(result, "--azure-endpoint", "http(s) URL")


def test_azure_without_a_key_fails_in_one_line(tmp_path: Path, emulator: Any) -> None:
    data = make_file(tmp_path / "a.jsonl", 10)
    result = run_cli(
        "upload", str(data), "--purpose", "batch", "--azure-endpoint", emulator.azure_endpoint,
        "--api-version", VERSION, env=cli_env(),
    )  # fmt: skip
    assert result.returncode == 1
    assert "AZURE_OPENAI_API_KEY" in one_line(result.stderr)


def test_a_wrong_key_is_reported_without_the_key(tmp_path: Path, emulator: Any) -> None:
    data = make_file(tmp_path / "a.jsonl", 10)
    env = cli_env()
    env["AZURE_OPENAI_API_KEY"] = "wrong-key-9f2c"
    result = run_cli(
        "upload", str(data), "--purpose", "batch", "--azure-endpoint", emulator.azure_endpoint,
        "--api-version", VERSION, env=env,
    )  # fmt: skip
    assert result.returncode == 1
    line = one_line(result.stderr)
    assert "Access denied" in line
    assert "wrong-key-9f2c" not in result.stderr + result.stdout


def test_local_ignores_an_azure_endpoint_from_the_environment(tmp_path: Path) -> None:
    data = make_file(tmp_path / "a.jsonl", 1000)
    env = cli_env()
    env["AZURE_OPENAI_ENDPOINT"] = "http://127.0.0.1:9"  # nothing listens there
    result = run_cli("upload", str(data), "--purpose", "batch", "--local", env=env)
    assert result.returncode == 0, result.stderr


def test_local_and_azure_endpoint_are_exclusive(tmp_path: Path) -> None:
    data = make_file(tmp_path / "a.jsonl", 10)
    result = run_cli(
        "upload", str(data), "--purpose", "batch", "--local",
        "--azure-endpoint", "http://127.0.0.1:9", env=cli_env(),
    )  # fmt: skip
    assert_usage_error(result, "--local", "--azure-endpoint")
