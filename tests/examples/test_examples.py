"""Every script in examples/ runs as a user would run it, against the local emulator.

Each runs in a subprocess of its own, configured only through the environment a user
would set (``OPENAI_BASE_URL`` and ``OPENAI_API_KEY``, or the Azure variables), with
real files and real sockets; the assertions read what it prints.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from python_run import run_python

from openai_uploads.emulator import FaultConfig
from openai_uploads.testing import emulator_fixture

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
API_KEY = "sk-examples"
MIB = 1024 * 1024

emulator = emulator_fixture(api_key=API_KEY)


def test_every_example_has_a_test() -> None:
    tested = {
        "app_upload.py",
        "async_upload.py",
        "resume_upload.py",
        "plugin.py",
        "test_with_emulator.py",
        "azure_emulator.py",
    }
    assert {p.name for p in EXAMPLES.glob("*.py")} == tested


@pytest.fixture
def env(emulator: Any) -> dict[str, str]:
    """The environment of a user whose OPENAI_BASE_URL points at the emulator."""
    names = ("OPENAI_", "AZURE_OPENAI_")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(names)}
    return {**clean, "OPENAI_BASE_URL": emulator.base_url, "OPENAI_API_KEY": API_KEY}


@pytest.fixture
def jsonl(tmp_path: Path) -> Path:
    path = tmp_path / "data.jsonl"
    path.write_bytes(b'{"prompt": "p", "completion": "c"}\n' * 30_000)  # about 1 MiB
    return path


def run(script: str, *args: str | Path, env: dict[str, str], cwd: Path) -> str:
    return run_python(EXAMPLES / script, *args, env=env, cwd=cwd).stdout


def test_app_upload_prints_the_file_id(
    env: dict[str, str], jsonl: Path, emulator: Any, tmp_path: Path
) -> None:
    out = run("app_upload.py", jsonl, env=env, cwd=tmp_path)
    file_id = out.split(" as ")[1].strip()
    assert out.startswith(f"uploaded {jsonl.stat().st_size} bytes as file-")
    assert emulator.requests()[-1].path.endswith("/complete")
    assert file_id.startswith("file-")


def test_async_upload_uploads_every_file_side_by_side(env: dict[str, str], tmp_path: Path) -> None:
    paths = [tmp_path / f"{name}.jsonl" for name in "abc"]
    for i, path in enumerate(paths):
        path.write_bytes(b'{"custom_id": "%d"}\n' % i * 1000)
    out = run("async_upload.py", *paths, env=env, cwd=tmp_path)
    assert [line.split(" -> ")[0] for line in out.splitlines()[:3]] == list(map(str, paths))
    assert out.splitlines()[-1] == "3 of 3 files listed"


def test_resume_upload_sends_only_the_missing_parts_after_ctrl_c(
    env: dict[str, str], tmp_path: Path, emulator: Any
) -> None:
    path = tmp_path / "big.jsonl"
    path.write_bytes(os.urandom(6 * MIB))
    state = tmp_path / "big.jsonl.openai-upload.json"
    emulator.faults = FaultConfig(bandwidth=2 * MIB)  # slow enough to interrupt mid-way
    first = subprocess.Popen(
        [sys.executable, str(EXAMPLES / "resume_upload.py"), str(path), "1"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not (state.exists() and _finished_parts(state)):  # Ctrl-C once a part is done
        assert first.poll() is None, first.communicate()
        assert time.monotonic() < deadline, "no part finished within 60 s"
        time.sleep(0.02)
    first.send_signal(signal.SIGINT)
    out, err = first.communicate(timeout=60)
    assert first.returncode == 130, out + err
    assert "run the same command again to resume" in err
    kept = _finished_parts(state)

    emulator.faults = FaultConfig()
    out = run("resume_upload.py", path, "1", env=env, cwd=tmp_path)
    assert out.splitlines()[0].startswith("resuming upload_")
    assert f"{len(kept) * MIB} bytes already there" in out.splitlines()[0]
    assert out.splitlines()[-1].startswith("done: file-")
    assert not state.exists()


def _finished_parts(state: Path) -> dict[str, str]:
    try:
        parts: dict[str, str] = json.loads(state.read_text())["parts"]
    except (ValueError, KeyError):  # caught while being rewritten
        return {}
    return parts


def test_plugin_prints_each_part_and_adds_its_header(
    env: dict[str, str], jsonl: Path, tmp_path: Path, emulator: Any
) -> None:
    out = run("plugin.py", jsonl, env=env, cwd=tmp_path).splitlines()
    parts = -(-jsonl.stat().st_size // MIB)
    assert sorted(line.split(" in ")[0] for line in out[:parts]) == [
        f"part {n}/{parts}" for n in range(1, parts + 1)
    ]
    assert out[parts].startswith("completed file-")
    assert out[-1].startswith("slowest part: ")
    assert all(r.headers["x-audit-app"] == "examples/plugin.py" for r in emulator.requests())


def test_pytest_example_passes_with_the_emulator_fixture(
    env: dict[str, str], tmp_path: Path
) -> None:
    test_module = EXAMPLES / "test_with_emulator.py"
    result = run_python(
        "-m", "pytest", "-q", "-p", "no:cacheprovider", test_module, env=env, cwd=tmp_path
    )
    assert "2 passed" in result.stdout


def test_azure_example_uploads_through_the_azure_routes(
    env: dict[str, str], jsonl: Path, tmp_path: Path, emulator: Any
) -> None:
    azure_env = {
        **{k: v for k, v in env.items() if not k.startswith("OPENAI_")},
        "AZURE_OPENAI_ENDPOINT": emulator.azure_endpoint,
        "AZURE_OPENAI_API_KEY": API_KEY,
        "OPENAI_API_VERSION": "2025-04-01-preview",
    }
    out = run("azure_emulator.py", jsonl, env=azure_env, cwd=tmp_path).splitlines()
    assert out[0].startswith("uploaded to Azure as file-")
    assert out[1] == f"stored: {jsonl.stat().st_size} bytes"
    assert all(
        r.path.startswith("/openai/uploads") or r.path.startswith("/openai/files")
        for r in emulator.requests()
    )
    assert all(r.headers.get("api-key") == "***" for r in emulator.requests())
