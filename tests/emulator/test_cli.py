"""The serve command, the subprocess runner and the pytest fixture."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import openai
import pytest
from click.testing import CliRunner

from openai_uploads.cli import main
from openai_uploads.emulator import EmulatorProcess, EmulatorServer, FaultConfig
from openai_uploads.emulator._cli import parse_rate

from .conftest import new_upload


def test_serve_help_lists_the_fault_flags() -> None:
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    for flag in ("--data-dir", "--api-key", "--latency-ms", "--bandwidth", "--p-drop", "--seed"):
        assert flag in result.output


@pytest.mark.parametrize(
    ("text", "rate"),
    [("20MB", 20e6), ("20MB/s", 20e6), ("10MiB", 10 * 2**20), ("500k", 5e5), ("123", 123)],
)
def test_parse_rate(text: str, rate: float) -> None:
    assert parse_rate(text) == rate


def test_console_script_prints_base_url(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("openai-uploads")
    process = subprocess.Popen(
        [str(script), "serve", "--port", "0", "--data-dir", str(tmp_path / "d")],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        assert url.endswith("/v1")
        response = httpx.get(f"{url}/files/file-x", headers={"Authorization": "Bearer k"})
        assert response.status_code == 404
    finally:
        process.terminate()
        assert process.wait(timeout=15) == 0
        if process.stdout is not None:
            process.stdout.close()


def test_console_script_prints_the_azure_endpoint_second(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("openai-uploads")
    process = subprocess.Popen(
        [str(script), "serve", "--port", "0", "--data-dir", str(tmp_path / "d")],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        second = process.stdout.readline().strip()
        endpoint = url.removesuffix("/v1")
        assert second.startswith(f"Azure OpenAI endpoint: {endpoint} ")
        response = httpx.get(
            f"{endpoint}/openai/files?api-version=2024-10-21", headers={"api-key": "k"}
        )
        assert response.status_code == 200
    finally:
        process.terminate()
        assert process.wait(timeout=15) == 0
        if process.stdout is not None:
            process.stdout.close()


def test_emulator_process_with_key_and_faults(tmp_path: Path) -> None:
    faults = FaultConfig(p_500=1.0, endpoints=frozenset({"files"}), seed=1)
    with EmulatorProcess(api_key="sk-p", faults=faults) as server:
        assert server.pid > 0
        with openai.OpenAI(base_url=server.base_url, api_key="sk-p", max_retries=0) as c:
            assert new_upload(c, 3).startswith("upload_")
            with pytest.raises(openai.InternalServerError):
                c.files.retrieve("file-x")
            server.set_faults(FaultConfig())
            with pytest.raises(openai.NotFoundError):
                c.files.retrieve("file-x")
        wrong = openai.OpenAI(base_url=server.base_url, api_key="sk-q", max_retries=0)
        with wrong, pytest.raises(openai.AuthenticationError):
            new_upload(wrong, 3)
        assert server.fault_stats()["500"] == 1


def test_pytest_fixture_serves_the_api(openai_uploads_emulator: EmulatorServer) -> None:
    server = openai_uploads_emulator
    assert server.data_dir.exists()
    with openai.OpenAI(base_url=server.base_url, api_key=server.api_key, max_retries=0) as c:
        upload_id = new_upload(c, 3)
        part = c.uploads.parts.create(upload_id, data=b"abc")
        assert c.uploads.complete(upload_id, part_ids=[part.id]).status == "completed"


def test_serve_without_the_extra_names_the_install_command() -> None:
    code = (
        "import sys; sys.modules['starlette'] = None; sys.modules['uvicorn'] = None\n"
        "from openai_uploads.cli import main\n"
        "main(['serve', '--port', '0'])\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "openai-uploads serve needs starlette: pip install 'openai-uploads[emulator]'"
    )


def _serve_fails(*args: str) -> subprocess.CompletedProcess[str]:
    """``openai-uploads serve ARGS`` run to its end (it must fail: 15 s at most)."""
    script = Path(sys.executable).with_name("openai-uploads")
    return subprocess.run(
        [str(script), "serve", *args], capture_output=True, text=True, timeout=15, check=False
    )


def _one_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def test_serve_on_a_port_in_use_fails_in_one_line(tmp_path: Path) -> None:
    with EmulatorServer() as busy:
        result = _serve_fails("--port", str(busy.port), "--data-dir", str(tmp_path / "d"))
    assert result.returncode == 1
    assert _one_line(result) == (
        f"openai-uploads serve: cannot listen on 127.0.0.1:{busy.port}: the address is in use"
    )


def test_serve_on_an_impossible_port_fails_in_one_line() -> None:
    result = _serve_fails("--port", "99999")
    assert result.returncode == 2
    assert "port must be between 0 and 65535" in _one_line(result)


def test_serve_with_an_unknown_log_level_fails_in_one_line() -> None:
    result = _serve_fails("--port", "0", "--log-level", "loud")
    assert result.returncode == 2
    assert "unknown log level 'loud'" in _one_line(result)


def test_serve_on_a_data_dir_in_use_fails_in_one_line(tmp_path: Path) -> None:
    with EmulatorServer(data_dir=tmp_path):
        result = _serve_fails("--port", "0", "--data-dir", str(tmp_path))
    assert result.returncode == 1
    assert _one_line(result).startswith("openai-uploads serve: ")


def test_serve_with_a_bad_fault_script_fails_in_one_line(tmp_path: Path) -> None:
    result = _serve_fails("--port", "0", "--fault-script", '{"parts": ["sometimes"]}')
    assert result.returncode == 2
    assert "unknown script instruction 'sometimes'" in _one_line(result)


def test_serve_with_a_missing_fault_script_file_fails_in_one_line(tmp_path: Path) -> None:
    result = _serve_fails("--port", "0", "--fault-script", f"@{tmp_path / 'none.json'}")
    assert result.returncode == 2
    assert "cannot read the fault script" in _one_line(result)
