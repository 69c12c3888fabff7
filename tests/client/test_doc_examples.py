"""Every Python block of README.md and of the documentation pages runs as written.

The pages are README.md, CONTRIBUTING.md and every ``docs/**/*.md``. Each block runs on its
own, in a fresh namespace, with ``OPENAI_API_KEY`` and ``OPENAI_BASE_URL`` pointing at a
fresh emulator and the working directory holding the data files the blocks name. A block
marked ``<!-- doc-test: pytest -->`` (on the line before it) is a test module and runs
under pytest; one marked ``<!-- doc-test: skip, REASON -->`` is skipped, with its reason
shown. ``readme-test:`` is read as ``doc-test:``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from python_run import run_python

from .conftest import TEST_API_KEY

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").rglob("*.md"))]
MARKER = re.compile(
    r"<!--\s*(?:doc|readme)-test:\s*(?P<kind>skip|pytest)\b[,:]?\s*(?P<reason>.*?)\s*-->"
)
DATA_FILES = {
    "training_data.jsonl": b'{"prompt": "a", "completion": "b"}\n' * 1000,
    "large_dataset.jsonl": b'{"custom_id": "1", "method": "POST"}\n' * 5000,
}
"""The files the blocks upload, created in the working directory the blocks run in."""


@dataclass(frozen=True)
class Block:
    page: str
    line: int
    code: str
    kind: str
    """``run``, ``pytest`` or ``skip``."""
    reason: str = ""

    @property
    def id(self) -> str:
        return f"{self.page}:{self.line}"


def python_blocks(page: str, text: str) -> list[Block]:
    blocks: list[Block] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        if lines[i].strip() == "```python":
            start = i + 1
            end = next(j for j in range(start, len(lines)) if lines[j].strip() == "```")
            previous = next((lines[j] for j in range(i - 1, -1, -1) if lines[j].strip()), "")
            marker = MARKER.search(previous)
            kind = marker.group("kind") if marker else "run"
            reason = marker.group("reason") if marker else ""
            blocks.append(Block(page, start + 1, "\n".join(lines[start:end]) + "\n", kind, reason))
            i = end
        i += 1
    return blocks


BLOCKS = [
    block
    for page in PAGES
    for block in python_blocks(page.relative_to(ROOT).as_posix(), page.read_text("utf-8"))
]


def test_the_pages_have_python_blocks_and_each_is_run_or_marked() -> None:
    assert len(BLOCKS) >= 20
    assert all(block.kind in ("run", "pytest", "skip") for block in BLOCKS)
    assert all(block.reason for block in BLOCKS if block.kind == "skip")


def test_the_readme_examples_are_run() -> None:
    assert [b.kind for b in BLOCKS if b.page == "README.md"] == ["run", "run", "run"]


@pytest.fixture
def doc_env(emulator: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("OPENAI_API_KEY", TEST_API_KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", emulator.base_url)
    monkeypatch.setenv("OPENAI_UPLOADS_DISABLE_PLUGIN_AUTOLOAD", "1")
    work = tmp_path / "work"
    work.mkdir()
    for name, data in DATA_FILES.items():
        (work / name).write_bytes(data)
    monkeypatch.chdir(work)
    return work


@pytest.mark.parametrize("block", BLOCKS, ids=[b.id for b in BLOCKS])
def test_doc_block_runs_as_written(block: Block, doc_env: Path) -> None:
    if block.kind == "skip":
        pytest.skip(f"{block.id}: {block.reason}")
    if block.kind == "pytest":
        test_file = doc_env / "test_doc_block.py"
        test_file.write_text(block.code, encoding="utf-8")
        result = run_python("-m", "pytest", "-q", "-p", "no:cacheprovider", test_file, cwd=doc_env)
        assert " passed" in result.stdout
        return
    code = compile(block.code, block.id, "exec")
    exec(code, {"__name__": "doc_block"})
