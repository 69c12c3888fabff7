"""Type-check the ```python blocks of Markdown files with mypy and pyright.

    python scripts/check_snippets.py README.md [docs/*.md ...] [--no-pyright]

Each block becomes a module of its own in a temporary folder and is checked against the
installed package, as a user's editor would check it. A block that is not a whole program
(it uses names an earlier block or the reader supplies) is marked as a fragment by the
HTML comment on the line just before its fence, which Markdown does not show::

    <!-- snippet: fragment -->
    ```python
    part = client.uploads.parts.create(upload_id=upload.id, data=chunk)
    ```

Fragments are skipped. Exits 1, naming the file and line of the block, on any error.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

FRAGMENT_MARKER = "<!-- snippet: fragment -->"
"""On the line before a block's fence: the block is not checked."""

MYPY_OPTIONS = [
    # A user's defaults (not the project's strict config), the bodies of unannotated
    # functions checked too; modules a block imports that the package does not depend on
    # (azure.identity) are left unchecked.
    "--config-file=",
    "--no-incremental",
    "--check-untyped-defs",
    "--ignore-missing-imports",
    "--scripts-are-modules",
]

PYRIGHT_CONFIG = '{"typeCheckingMode": "standard", "reportMissingImports": "none"}\n'
"""Pyright's defaults; modules the package does not depend on are left unchecked."""

_FENCE = re.compile(r"^(?P<indent> *)(?P<fence>```+|~~~+)\s*(?P<lang>[\w+-]*)")


@dataclass(frozen=True)
class Snippet:
    source: Path
    line: int
    """The line of the block's first line of code in ``source`` (1-based)."""
    code: str


def snippets(path: Path) -> tuple[list[Snippet], int]:
    """The python blocks of ``path`` to check, and how many were skipped as fragments."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found: list[Snippet] = []
    skipped = 0
    i = 0
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if match is None:
            i += 1
            continue
        fence, indent = match["fence"], len(match["indent"])
        start = i + 1
        end = start
        while end < len(lines) and not lines[end].strip().startswith(fence):
            end += 1
        if match["lang"] in {"python", "py"}:
            if i > 0 and lines[i - 1].strip() == FRAGMENT_MARKER:
                skipped += 1
            else:
                code = "\n".join(line[indent:] for line in lines[start:end]) + "\n"
                found.append(Snippet(path, start + 1, code))
        i = end + 1
    return found, skipped


def write_modules(found: list[Snippet], folder: Path) -> dict[Path, Snippet]:
    modules: dict[Path, Snippet] = {}
    for snippet in found:
        stem = re.sub(r"\W", "_", snippet.source.stem).lower()
        module = folder / f"snippet_{stem}_{snippet.line}.py"
        module.write_text(snippet.code, encoding="utf-8")
        modules[module] = snippet
    return modules


def _located(output: str, modules: dict[Path, Snippet]) -> str:
    """The checker's report with each module's path and line turned into the Markdown's."""
    for module, snippet in modules.items():
        pattern = re.compile(re.escape(str(module)) + r"[:(](\d+)")
        output = pattern.sub(
            lambda m, s=snippet: f"{s.source}:{s.line + int(m[1]) - 1}",  # type: ignore[misc]
            output,
        )
    return output


def run(command: list[str], modules: dict[Path, Snippet]) -> bool:
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        print(_located(result.stdout + result.stderr, modules), file=sys.stderr)
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--no-pyright", action="store_true", help="Check with mypy only.")
    args = parser.parse_args(argv)
    found: list[Snippet] = []
    skipped = 0
    for path in args.files:
        blocks, fragments = snippets(path)
        found += blocks
        skipped += fragments
    if not found:
        print("check_snippets: no python blocks to check", file=sys.stderr)
        return 1
    ok = True
    with tempfile.TemporaryDirectory(prefix="snippets-") as tmp:
        modules = write_modules(found, Path(tmp))
        files = [str(m) for m in modules]
        ok &= run([sys.executable, "-m", "mypy", *MYPY_OPTIONS, *files], modules)
        pyright = shutil.which("pyright", path=str(Path(sys.executable).parent)) or shutil.which(
            "pyright"
        )
        if not args.no_pyright:
            if pyright is None:
                print(
                    "check_snippets: pyright is not installed (the dev group has it)",
                    file=sys.stderr,
                )
                return 1
            config = Path(tmp, "pyrightconfig.json")
            config.write_text(PYRIGHT_CONFIG, encoding="utf-8")
            ok &= run(
                [pyright, "--project", str(config), "--pythonpath", sys.executable, *files],
                modules,
            )
    checkers = "mypy" if args.no_pyright else "mypy and pyright"
    verdict = "pass" if ok else "FAIL"
    print(
        f"check_snippets: {len(found)} python blocks {verdict} {checkers} "
        f"({skipped} fragments skipped)"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
