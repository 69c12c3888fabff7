"""`.ci/run` finds each Python it tests (scripts/_python.sh) and refuses to run without one."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
HERE_VERSION = f"{sys.version_info.major}.{sys.version_info.minor}"


def find_python(version: str, bin_dir: Path | None, home: Path) -> subprocess.CompletedProcess[str]:
    """find_python with PATH holding only `bin_dir` and the tools the script uses."""
    tools = home / "tools"
    if not tools.exists():
        tools.mkdir()
        (tools / "sort").symlink_to(shutil.which("sort") or "/usr/bin/sort")
    path = f"{bin_dir}:{tools}" if bin_dir else str(tools)
    script = f'source "{REPO_ROOT}/scripts/_python.sh"; find_python {version}'
    env = {"PATH": path, "HOME": str(home), "PYENV_ROOT": str(home / ".pyenv")}
    return subprocess.run(
        [shutil.which("bash") or "/bin/bash", "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def fake_pyenv_version(home: Path, full_version: str) -> Path:
    bin_dir = home / ".pyenv" / "versions" / full_version / "bin"
    bin_dir.mkdir(parents=True)
    python = bin_dir / f"python{HERE_VERSION}"
    python.symlink_to(sys.executable)
    return python


def broken_shim(directory: Path) -> Path:
    """Like a pyenv shim for an installed version that is not selected: present, fails."""
    directory.mkdir()
    shim = directory / f"python{HERE_VERSION}"
    shim.write_text("#!/bin/sh\necho 'pyenv: command not found' >&2\nexit 127\n")
    shim.chmod(0o755)
    return shim


def test_finds_the_interpreter_on_path(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / f"python{HERE_VERSION}").symlink_to(sys.executable)
    result = find_python(HERE_VERSION, bin_dir, tmp_path)
    assert result.stdout.strip() == str(bin_dir / f"python{HERE_VERSION}")


def test_passes_over_a_shim_that_fails_and_finds_the_pyenv_version(tmp_path):
    shims = broken_shim(tmp_path / "shims").parent
    installed = fake_pyenv_version(tmp_path, f"{HERE_VERSION}.0")
    result = find_python(HERE_VERSION, shims, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(installed)


def test_prefers_the_newest_pyenv_patch_release(tmp_path):
    fake_pyenv_version(tmp_path, f"{HERE_VERSION}.2")
    newest = fake_pyenv_version(tmp_path, f"{HERE_VERSION}.10")
    result = find_python(HERE_VERSION, None, tmp_path)
    assert result.stdout.strip() == str(newest)


def test_an_interpreter_of_another_version_is_not_taken(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python3.99").symlink_to(sys.executable)
    result = find_python("3.99", bin_dir, tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""


def test_ci_stops_naming_a_missing_version_before_touching_anything(tmp_path):
    """Runs a copy of .ci/run in an empty tree: nothing of this checkout can be removed."""
    (tmp_path / ".ci").mkdir()
    (tmp_path / "scripts").mkdir()
    shutil.copy(REPO_ROOT / ".ci" / "run", tmp_path / ".ci" / "run")
    shutil.copy(REPO_ROOT / "scripts" / "_python.sh", tmp_path / "scripts" / "_python.sh")
    (tmp_path / ".venv").mkdir()
    env = {**os.environ, "CI_PYTHONS": f"{HERE_VERSION} 3.99", "HOME": str(tmp_path)}
    env.pop("PYENV_ROOT", None)
    result = subprocess.run(
        ["bash", str(tmp_path / ".ci" / "run")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "Python 3.99" in result.stderr
    assert (tmp_path / ".venv").is_dir()
