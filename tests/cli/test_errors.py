"""Usage errors exit 2 with one line; API and network errors exit 1 with one line."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import CLI, MiB, assert_usage_error, cli_env, make_file, one_line, run_cli


def test_unknown_purpose_is_a_usage_error(tmp_path: Path) -> None:
    data = make_file(tmp_path / "a.jsonl", 100)
    result = run_cli("upload", str(data), "--purpose", "fun", env=cli_env(api_key="k"))
    assert_usage_error(result, "--purpose", "'fun' is not one of")


def test_bad_size_unit_is_a_usage_error(tmp_path: Path) -> None:
    data = make_file(tmp_path / "a.jsonl", 100)
    result = run_cli(
        "upload", str(data), "--purpose", "batch", "--part-size", "64XB", env=cli_env(api_key="k")
    )
    assert_usage_error(result, "--part-size", "not a size: '64XB'")


def test_part_size_over_64mib_is_a_usage_error(tmp_path: Path) -> None:
    data = make_file(tmp_path / "a.jsonl", 100)
    result = run_cli(
        "upload", str(data), "--purpose", "batch", "--part-size", "65MiB", env=cli_env(api_key="k")
    )
    assert_usage_error(result, "--part-size", "64MiB")


def test_bad_duration_is_a_usage_error(tmp_path: Path) -> None:
    data = make_file(tmp_path / "a.jsonl", 100)
    result = run_cli(
        "upload", str(data), "--purpose", "batch", "--expires-after", "10m",
        env=cli_env(api_key="k"),
    )  # fmt: skip
    assert_usage_error(result, "--expires-after", "1h to 30d")


def test_missing_path_is_a_usage_error() -> None:
    result = run_cli("upload", "--purpose", "batch", env=cli_env(api_key="k"))
    assert_usage_error(result, "Missing argument 'PATH'")


def test_nonexistent_path_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli(
        "upload", str(tmp_path / "nope.jsonl"), "--purpose", "batch", env=cli_env(api_key="k")
    )
    assert_usage_error(result, "does not exist")


def test_md5_with_no_md5_is_a_usage_error(tmp_path: Path) -> None:
    data = make_file(tmp_path / "a.jsonl", 100)
    result = run_cli(
        "upload", str(data), "--purpose", "batch", "--md5", "0" * 32, "--no-md5",
        env=cli_env(api_key="k"),
    )  # fmt: skip
    assert_usage_error(result, "--md5 and --no-md5")


def test_missing_key_exits_1_with_one_line_and_no_traceback(tmp_path: Path) -> None:
    data = make_file(tmp_path / "a.jsonl", 100)
    result = run_cli("upload", str(data), "--purpose", "batch", env=cli_env())
    assert result.returncode == 1
    assert "OPENAI_API_KEY" in one_line(result.stderr)
    assert result.stdout == ""


def test_unreachable_server_exits_1_with_one_line(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/v1"
    data = make_file(tmp_path / "a.jsonl", 2 * MiB)
    result = run_cli(
        "upload", str(data), "--purpose", "batch", env=cli_env(base_url=url, api_key="k")
    )
    assert result.returncode == 1
    line = one_line(result.stderr)
    assert line.startswith(f"openai-uploads: cannot reach {url}"), line
    assert result.stdout == ""


def test_rejected_key_exits_1_with_one_line(tmp_path: Path, emulator: object) -> None:
    data = make_file(tmp_path / "a.jsonl", 100)
    env = cli_env(base_url=emulator.base_url, api_key="sk-wrong")  # type: ignore[attr-defined]
    result = run_cli("upload", str(data), "--purpose", "batch", env=env)
    assert result.returncode == 1
    assert "401" in one_line(result.stderr)


def test_missing_cli_extra_is_one_line_naming_the_install_command() -> None:
    # As if click were not installed: the console script's import fails cleanly.
    code = "import sys; sys.modules['click'] = None\nfrom openai_uploads.cli import main\nmain()\n"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=cli_env(), timeout=60
    )
    assert result.returncode == 1
    assert "pip install 'openai-uploads[cli]'" in one_line(result.stderr)


def test_local_without_the_emulator_extra_is_one_line_naming_the_install_command(
    tmp_path: Path,
) -> None:
    data = make_file(tmp_path / "a.jsonl", 100)
    code = (
        "import sys; sys.modules['starlette'] = None; sys.modules['uvicorn'] = None\n"
        "from openai_uploads.cli import main\n"
        f"main(['upload', {str(data)!r}, '--purpose', 'batch', '--local'])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=cli_env(), timeout=60
    )
    assert result.returncode == 1
    line = one_line(result.stderr)
    assert "pip install 'openai-uploads[emulator]'" in line


def test_an_unknown_option_is_one_line() -> None:
    result = run_cli("upload", "--purpos", "batch", env=cli_env(api_key="k"))
    assert_usage_error(result, "No such option '--purpos'", "openai-uploads upload --help")


def test_an_unknown_command_is_one_line() -> None:
    result = run_cli("uplaod", env=cli_env(api_key="k"))
    assert_usage_error(result, "No such command 'uplaod'", "openai-uploads --help")


def test_upload_help_names_the_environment_variables() -> None:
    result = run_cli("upload", "--help", env=cli_env())
    assert result.returncode == 0
    assert "OPENAI_API_KEY" in result.stdout
    assert "OPENAI_BASE_URL" in result.stdout


def test_help_and_version_exit_0() -> None:
    assert run_cli("--help", env=cli_env()).returncode == 0
    assert run_cli("--version", env=cli_env()).returncode == 0


def run_cli_into_full_disk(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The command with stdout on /dev/full: every write fails with ENOSPC, a real error
    that no command handles itself."""
    with open("/dev/full", "w") as full:
        return subprocess.run(
            [str(CLI), *args], env=env, stdout=full, stderr=subprocess.PIPE, text=True, timeout=60
        )


needs_dev_full = pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")


@needs_dev_full
def test_an_unexpected_error_is_one_line_naming_the_debug_switch() -> None:
    result = run_cli_into_full_disk("plugins", env=cli_env())
    assert result.returncode == 1
    line = one_line(result.stderr)
    assert line.startswith("openai-uploads: unexpected error: OSError: [Errno 28]"), line
    assert line.endswith("(run with --debug or OPENAI_UPLOADS_DEBUG=1 for the traceback)")


@needs_dev_full
@pytest.mark.parametrize("switch", ["option", "environment"])
def test_debug_shows_the_traceback_of_an_unexpected_error(switch: str) -> None:
    env = cli_env()
    args = ["plugins"]
    if switch == "option":
        args.insert(0, "--debug")
    else:
        env["OPENAI_UPLOADS_DEBUG"] = "1"
    result = run_cli_into_full_disk(*args, env=env)
    assert result.returncode == 1
    assert "Traceback (most recent call last)" in result.stderr
    assert "OSError: [Errno 28]" in result.stderr


def test_a_closed_stdout_pipe_ends_the_command_quietly() -> None:
    # Like `openai-uploads plugins | head -0`: the reader is gone before the first write.
    process = subprocess.Popen(
        [str(CLI), "plugins"],
        env=cli_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    process.stdout.close()
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 1
    assert stderr == ""
