"""``scripts/unasync.py``: the sync code and tests are generated from the async ones.

The cases that edit files run the script on a copy of what it reads and writes
(``scripts/unasync.py``, ``pyproject.toml`` for ruff's settings, each ``_async/`` folder
and its ``_sync/`` twin), with the ruff installed in the running environment.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
PACKAGE = Path("extensions") / "openai_uploads"
SCRIPT = REPO_ROOT / "scripts" / "unasync.py"
CLIENT_TESTS = Path("tests") / "client"


def run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(root / "scripts" / "unasync.py"), *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )


def sync_files(root: Path, where: Path = PACKAGE) -> dict[str, str]:
    folder = root / where / "_sync"
    return {p.relative_to(folder).as_posix(): p.read_text() for p in folder.rglob("*.py")}


@pytest.fixture(scope="module")
def unasync() -> ModuleType:
    spec = importlib.util.spec_from_file_location("unasync_script", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def repo_copy(tmp_path: Path, unasync: ModuleType) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for pair in unasync.PAIRS:
        for folder in pair:
            if (REPO_ROOT / folder).is_dir():
                shutil.copytree(REPO_ROOT / folder, tmp_path / folder, ignore=ignore)
    (tmp_path / "scripts").mkdir()
    shutil.copy2(SCRIPT, tmp_path / "scripts" / "unasync.py")
    shutil.copy2(REPO_ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_check_passes_on_the_committed_tree() -> None:
    result = run(REPO_ROOT, "--check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "up to date" in result.stdout


def test_a_fresh_generation_equals_the_committed_sync_files(repo_copy: Path) -> None:
    shutil.rmtree(repo_copy / PACKAGE / "_sync")
    shutil.rmtree(repo_copy / CLIENT_TESTS / "_sync")
    result = run(repo_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert sync_files(repo_copy) == sync_files(REPO_ROOT)
    assert sync_files(repo_copy, CLIENT_TESTS) == sync_files(REPO_ROOT, CLIENT_TESTS)


def test_the_client_tests_are_generated_from_their_async_source() -> None:
    sources = sync_files(REPO_ROOT, CLIENT_TESTS).keys()
    assert "test_recorded_operations.py" in sources
    assert {p.name for p in (REPO_ROOT / CLIENT_TESTS / "_async").glob("*.py")} == set(sources)


def test_check_fails_naming_a_hand_edited_generated_test(repo_copy: Path) -> None:
    edited = repo_copy / CLIENT_TESTS / "_sync" / "test_recorded_operations.py"
    text = edited.read_text()
    edited.write_text(text.replace("assert upload.status ==", "assert upload.status !=", 1))
    assert edited.read_text() != text
    result = run(repo_copy, "--check")
    assert result.returncode == 1
    assert "tests/client/_sync/test_recorded_operations.py is out of date" in result.stdout
    assert "_sync/files.py" not in result.stdout


def test_a_substitution_no_module_uses_fails_naming_it(repo_copy: Path) -> None:
    script = repo_copy / "scripts" / "unasync.py"
    text = script.read_text()
    added = text.replace(
        "NAMES: dict[str, str] = {\n",
        'NAMES: dict[str, str] = {\n    "AsyncNowhere": "Nowhere",\n',
        1,
    )
    assert added != text
    script.write_text(added)
    for args in ((), ("--check",)):
        result = run(repo_copy, *args)
        assert result.returncode == 2, result.stdout + result.stderr
        assert "substitutions no async module uses" in result.stderr
        assert "AsyncNowhere" in result.stderr


def test_a_sync_only_block_in_an_async_module_fails(repo_copy: Path) -> None:
    source = repo_copy / PACKAGE / "_async" / "files.py"
    source.write_text(source.read_text() + "\n# unasync: sync-only\n# X = 1\n# unasync: end\n")
    result = run(repo_copy, "--check")
    assert result.returncode == 2
    assert "_async/files.py" in result.stderr
    assert "twin helpers" in result.stderr


def test_check_fails_naming_a_hand_edited_sync_file(repo_copy: Path) -> None:
    edited = repo_copy / PACKAGE / "_sync" / "uploads.py"
    text = edited.read_text()
    edited.write_text(text.replace("no more can be added", "no more may be added", 1))
    assert edited.read_text() != text
    result = run(repo_copy, "--check")
    assert result.returncode == 1
    assert "extensions/openai_uploads/_sync/uploads.py is out of date" in result.stdout
    assert "_sync/__init__.py" not in result.stdout  # only the edited file is named
    assert edited.read_text() != text  # --check writes nothing


def test_check_fails_naming_the_twin_of_a_changed_async_module(repo_copy: Path) -> None:
    source = repo_copy / PACKAGE / "_async" / "uploads.py"
    source.write_text(source.read_text() + "\nCHANGED = 1\n")
    result = run(repo_copy, "--check")
    assert result.returncode == 1
    assert "_sync/uploads.py is out of date" in result.stdout
    assert "+CHANGED = 1" in result.stdout  # the diff shows what regeneration would write


def test_check_names_a_sync_file_without_an_async_source(repo_copy: Path) -> None:
    (repo_copy / PACKAGE / "_sync" / "orphan.py").write_text("X = 1\n")
    result = run(repo_copy, "--check")
    assert result.returncode == 1
    assert "_sync/orphan.py has no source" in result.stdout


def test_generation_rewrites_a_hand_edited_sync_file(repo_copy: Path) -> None:
    edited = repo_copy / PACKAGE / "_sync" / "uploads.py"
    edited.write_text(edited.read_text() + "# by hand\n")
    assert run(repo_copy).returncode == 0
    assert sync_files(repo_copy) == sync_files(REPO_ROOT)


def test_each_generated_file_says_so_in_its_first_line() -> None:
    for name, text in sync_files(REPO_ROOT).items():
        first = text.splitlines()[0]
        assert first == (
            f"# Generated from openai_uploads/_async/{name} by "
            "`python scripts/unasync.py`: do not edit."
        )
    for name, text in sync_files(REPO_ROOT, CLIENT_TESTS).items():
        assert text.splitlines()[0] == (
            f"# Generated from tests/client/_async/{name} by "
            "`python scripts/unasync.py`: do not edit."
        )


def test_names_and_keywords_become_their_sync_twins(unasync: ModuleType) -> None:
    source = (
        "async def list(self) -> AsyncCursorPage[T]:\n"
        "    async with self._lock:\n"
        "        async for chunk in aiter_body(response):\n"
        "            await asleep(1)\n"
        "    return await self._client._execute(call)  # AsyncOpenAI\n"
    )
    assert unasync.unasync_text(source, "x.py") == (
        "def list(self) -> SyncCursorPage[T]:\n"
        "    with self._lock:\n"
        "        for chunk in iter_body(response):\n"
        "            sleep(1)\n"
        "    return self._client._execute(call)  # OpenAI\n"
    )


def test_only_whole_names_are_replaced(unasync: ModuleType) -> None:
    source = "MyAsyncOpenAI = awaited = AsyncOpenAIX = upload_asyncly\n"
    assert unasync.unasync_text(source, "x.py") == source


def test_an_async_only_block_is_left_out(unasync: ModuleType) -> None:
    source = "x = 1\n# unasync: async-only\ny = 2\n# unasync: end\nz = 3\n"
    assert unasync.unasync_text(source, "x.py") == "x = 1\nz = 3\n"


def test_a_sync_only_block_is_an_error_anywhere(unasync: ModuleType) -> None:
    source = "def f():\n    # unasync: sync-only\n    # return 2\n    # unasync: end\n"
    with pytest.raises(unasync.GenerationError, match=r"x\.py:2: no '# unasync: sync-only'"):
        unasync.unasync_text(source, "x.py")


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("# unasync: async-only\nx = 1\n", "not closed"),
        ("x = 1\n# unasync: end\n", "outside a block"),
        ("# unasync: async-only\nx = 1\n# unasync: async-only\n# unasync: end\n", "after"),
    ],
)
def test_a_misplaced_marker_is_an_error_naming_the_line(
    unasync: ModuleType, source: str, message: str
) -> None:
    with pytest.raises(unasync.GenerationError, match=message):
        unasync.unasync_text(source, "x.py")
