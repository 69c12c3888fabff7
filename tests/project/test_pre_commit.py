"""`.pre-commit-config.yaml` runs the same static checks as CI, with the project's ruff."""

import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
CONFIG = REPO_ROOT / ".pre-commit-config.yaml"


def hooks() -> dict[str, dict[str, Any]]:
    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    return {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}


def project_ruff_pin() -> str:
    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    pins = [dep for dep in pyproject["dependency-groups"]["dev"] if dep.startswith("ruff")]
    assert len(pins) == 1, pins
    return pins[0]


def test_pre_commit_accepts_the_config():
    pre_commit = Path(sys.executable).with_name("pre-commit")
    result = subprocess.run(
        [str(pre_commit), "validate-config", str(CONFIG)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_lint_hook_checks_python_files():
    hook = hooks()["ruff-check"]
    assert hook["entry"].split()[:2] == ["ruff", "check"]
    assert "python" in hook["types_or"]


def test_ruff_format_hook_checks_formatting():
    hook = hooks()["ruff-format"]
    assert hook["entry"].split()[:3] == ["ruff", "format", "--check"]
    assert "python" in hook["types_or"]


def test_ruff_using_hooks_use_the_ruff_version_the_project_pins():
    pin = project_ruff_pin()
    assert re.fullmatch(r"ruff==[\d.]+", pin), pin
    for hook_id in ("ruff-check", "ruff-format", "unasync-check"):
        assert hooks()[hook_id]["additional_dependencies"] == [pin]


def test_codegen_hook_runs_the_drift_check():
    hook = hooks()["codegen-check"]
    assert hook["entry"] == "codegen.sh --check"
    assert hook["language"] == "script"
    assert hook["pass_filenames"] is False


def test_unasync_hook_runs_the_sync_twin_check():
    hook = hooks()["unasync-check"]
    assert hook["entry"].split()[-2:] == ["scripts/unasync.py", "--check"]
    assert hook["pass_filenames"] is False
