"""``./codegen.sh --check`` fails, naming the file, when generated/ is stale or hand-edited.

Each case runs the script on a copy of the repository's spec/, codegen.sh and
generated/, with the running interpreter's environment as VIRTUAL_ENV so that the
pinned generator and ruff already installed there are used (nothing is installed).
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "openai_uploads_client"


def run_check(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "VIRTUAL_ENV": str(Path(sys.executable).parent.parent)}
    return subprocess.run(
        [str(root / "codegen.sh"), "--check"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def repo_copy(tmp_path) -> Path:
    """A copy of what codegen.sh reads and compares: spec/, codegen.sh, generated/."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(REPO_ROOT / "spec", tmp_path / "spec", ignore=ignore)
    shutil.copytree(REPO_ROOT / "generated", tmp_path / "generated", ignore=ignore)
    shutil.copy2(REPO_ROOT / "codegen.sh", tmp_path / "codegen.sh")
    return tmp_path


def test_codegen_check_passes_on_the_committed_tree():
    result = run_check(REPO_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "up to date" in result.stdout


def test_codegen_check_passes_on_an_unchanged_copy(repo_copy):
    result = run_check(repo_copy)
    assert result.returncode == 0, result.stdout + result.stderr


def test_codegen_check_fails_naming_a_hand_edited_generated_file(repo_copy):
    edited = repo_copy / "generated" / PACKAGE / "models" / "upload.py"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n# tweaked by hand\n")
    result = run_check(repo_copy)
    assert result.returncode != 0
    assert "models/upload.py" in result.stderr, result.stderr


def test_codegen_check_fails_naming_a_file_added_by_hand(repo_copy):
    stray = repo_copy / "generated" / PACKAGE / "models" / "helpers.py"
    stray.write_text("def helper():\n    return 1\n")
    result = run_check(repo_copy)
    assert result.returncode != 0
    assert "helpers.py" in result.stderr, result.stderr


def test_codegen_check_fails_naming_the_stale_file_when_the_spec_changed(repo_copy):
    spec_path = repo_copy / "spec" / "openapi.yaml"
    spec = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    spec["components"]["schemas"]["UploadPart"]["description"] = "A piece of an Upload."
    spec_path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    result = run_check(repo_copy)
    assert result.returncode != 0
    assert "models/upload_part.py" in result.stderr, result.stderr
    assert "models/upload.py" not in result.stderr, "only the changed model should differ"
