"""Generate the sync code from the async code, which is written once.

Each module of ``extensions/openai_uploads/_async/`` has a twin of the same name in
``extensions/openai_uploads/_sync/``, made from it by:

* replacing names: ``async def`` / ``async for`` / ``async with`` lose ``async``,
  ``await`` goes, and each async name in :data:`NAMES` becomes its sync twin
  (``AsyncOpenAI`` -> ``OpenAI``, ``aiter_bytes`` -> ``iter_bytes``, ...);
* keeping, of the blocks marked for one side, the sync side::

      # unasync: async-only
      ...lines of the async module only...
      # unasync: sync-only
      # ...lines of the sync module only, written as comments...
      # unasync: end

  Either part may be left out. The sync lines are commented out in the async module
  (``# `` before each, ``#`` alone for a blank line) and uncommented in the sync one,
  at the marker's indentation. They are how docstrings and the few statements that
  differ by more than names (the connection pool, thread vs event loop) are written;
  operations that differ only in how they wait are helpers with an async and a sync
  form (``openai_uploads._concurrency``);
* dropping the imports the sync code does not use (the async-only ones), sorting the
  rest and formatting the result with ruff, so that the generated files are what
  ``ruff check`` and ``ruff format`` expect.

The first line of each generated file says where it comes from.

Usage::

    python scripts/unasync.py          # write extensions/openai_uploads/_sync/
    python scripts/unasync.py --check  # exit 1, naming each sync file that is out of date
"""

from __future__ import annotations

import argparse
import difflib
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "extensions" / "openai_uploads"
SOURCE = PACKAGE / "_async"
TARGET = PACKAGE / "_sync"
COMMAND = "python scripts/unasync.py"
# The ruff of this Python (the project's dev extra), else the one on PATH.
RUFF = [sys.executable, "-m", "ruff"] if importlib.util.find_spec("ruff") else ["ruff"]

NAMES: dict[str, str] = {
    # the project's classes and functions
    "AsyncOpenAI": "OpenAI",
    "AsyncAzureOpenAI": "AzureOpenAI",
    "AsyncAzureADTokenProvider": "AzureADTokenProvider",
    "AsyncFiles": "Files",
    "AsyncUploads": "Uploads",
    "AsyncParts": "Parts",
    "AsyncAPIResource": "SyncAPIResource",
    "AsyncCursorPage": "SyncCursorPage",
    "AsyncPaginator": "SyncCursorPage",  # what the async list methods return
    "AsyncChunkedUploadMixin": "ChunkedUploadMixin",
    "AsyncTransferClient": "SyncTransferClient",
    "AsyncUploadsAPI": "SyncUploadsAPI",
    "AsyncPartsAPI": "SyncPartsAPI",
    "upload_async": "upload_sync",
    "aread_once": "read_once",
    "aiter_body": "iter_body",
    "astrip_key_on_redirect": "strip_key_on_redirect",
    "_async": "_sync",
    # openai_uploads._concurrency: the operations with an async and a sync form
    "asleep": "sleep",
    "aresolve": "resolve",
    "arun_blocking": "run_blocking",
    # httpx and the standard library
    "AsyncClient": "Client",
    "AsyncIterator": "Iterator",
    "AsyncGenerator": "Generator",
    "aiter_bytes": "iter_bytes",
    "aclose": "close",
    "__aenter__": "__enter__",
    "__aexit__": "__exit__",
    "__aiter__": "__iter__",
}

_KEYWORDS = [
    (re.compile(r"\basync (def|for|with)\b"), r"\1"),
    (re.compile(r"\bawait "), ""),
]
_LONGEST_FIRST = sorted(map(re.escape, NAMES), key=len, reverse=True)
_NAMES = re.compile(r"\b(" + "|".join(_LONGEST_FIRST) + r")\b")
_MARKER = re.compile(r"^(?P<indent>\s*)# unasync: (?P<what>async-only|sync-only|end)\s*$")


class GenerationError(Exception):
    """A marker out of place in an async module."""


def unasync_line(line: str) -> str:
    for pattern, replacement in _KEYWORDS:
        line = pattern.sub(replacement, line)
    return _NAMES.sub(lambda match: NAMES[match.group(1)], line)


def unasync_text(text: str, name: str) -> str:
    """The sync twin of an async module's text (before formatting)."""
    out: list[str] = []
    side: str | None = None  # inside a block: "async-only" or "sync-only"
    indent = ""
    for number, line in enumerate(text.splitlines(), start=1):
        marker = _MARKER.match(line)
        where = f"{name}:{number}"
        if marker:
            what = marker.group("what")
            if what == "end":
                if side is None:
                    raise GenerationError(f"{where}: '# unasync: end' outside a block")
                side = None
            elif side == what or (side == "sync-only" and what == "async-only"):
                raise GenerationError(f"{where}: '# unasync: {what}' after '{side}'")
            else:
                side, indent = what, marker.group("indent")
            continue
        if side == "async-only":
            continue
        if side == "sync-only":
            stripped = line.strip()
            if stripped == "#":
                out.append("")
            elif line.startswith(indent + "# "):
                out.append(indent + line[len(indent) + 2 :])
            else:
                raise GenerationError(f"{where}: a sync-only line must be '{indent}# ...'")
            continue
        out.append(unasync_line(line))
    if side is not None:
        raise GenerationError(f"{name}: a '# unasync: {side}' block is not closed")
    return "\n".join(out) + "\n"


def _ruff(args: list[str], text: str, path: Path) -> str:
    result = subprocess.run(
        [*RUFF, *args, "--stdin-filename", str(path), "-"],
        input=text,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    if result.returncode != 0:
        raise GenerationError(f"ruff {args[0]} failed on {path}:\n{result.stderr}")
    return result.stdout


def header(source: Path) -> str:
    name = source.relative_to(PACKAGE.parent).as_posix()
    return f"# Generated from {name} by `{COMMAND}`: do not edit.\n"


def generate(source: Path) -> str:
    """The text the sync twin of ``source`` must have."""
    target = TARGET / source.relative_to(SOURCE)
    text = header(source) + unasync_text(source.read_text(), source.name)
    text = _ruff(
        ["check", "--fix", "--exit-zero", "--quiet", "--select", "F401,I,UP028", "--unsafe-fixes"],
        text,
        target,
    )
    return _ruff(["format", "--quiet"], text, target)


def twins() -> dict[Path, str]:
    """Each sync file, and the text it must have."""
    return {
        TARGET / source.relative_to(SOURCE): generate(source)
        for source in sorted(SOURCE.rglob("*.py"))
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1, naming them, if sync files differ from what would be made",
    )
    args = parser.parse_args(argv)
    try:
        expected = twins()
    except GenerationError as exc:
        print(f"unasync: {exc}", file=sys.stderr)
        return 2
    stale = sorted(set(TARGET.rglob("*.py")) - set(expected))
    if args.check:
        differ = [
            path
            for path, text in expected.items()
            if not path.is_file() or path.read_text() != text
        ]
        for path in differ:
            old = path.read_text().splitlines(keepends=True) if path.is_file() else []
            rel = path.relative_to(ROOT).as_posix()
            print(f"unasync: {rel} is out of date (hand-edited, or its source changed)")
            diff = difflib.unified_diff(old, expected[path].splitlines(keepends=True), rel, rel)
            sys.stdout.writelines(list(diff)[:40])
        for path in stale:
            print(f"unasync: {path.relative_to(ROOT).as_posix()} has no source in _async/")
        if differ or stale:
            print(f"unasync: run `{COMMAND}` to regenerate the sync code", file=sys.stderr)
            return 1
        print(f"unasync: the sync code is up to date ({len(expected)} files)")
        return 0
    for path, text in expected.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.is_file() or path.read_text() != text:
            path.write_text(text)
            print(f"unasync: wrote {path.relative_to(ROOT).as_posix()}")
    for path in stale:
        path.unlink()
        print(f"unasync: removed {path.relative_to(ROOT).as_posix()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
