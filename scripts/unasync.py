"""Generate the sync code, and the sync tests, from the async code, which is written once.

Each async folder of :data:`PAIRS` has a generated sync twin: every module of
``extensions/openai_uploads/_async/`` one of the same name in ``_sync/``, every test
module of ``tests/client/_async/`` and ``tests/transfer/_async/`` one in the ``_sync/``
folder beside it. A twin is its source
rewritten, line by line and nothing else:

* ``async def`` / ``async for`` / ``async with`` lose ``async``, ``await`` goes;
* each async name of :data:`NAMES` (whole words) becomes its sync twin
  (``AsyncOpenAI`` -> ``OpenAI``, ``aiter_bytes`` -> ``iter_bytes``, ``apaginate`` ->
  ``paginate``, ...). What differs by more than these is a pair of small helpers whose
  names the table maps (``openai_uploads._concurrency``, ``_pagination_core``), and the
  docstrings are written once, true of both sides (examples written async: the rewrite
  drops ``await`` and ``async with`` from them too);
* the lines of a block marked ``# unasync: async-only`` ... ``# unasync: end`` are left
  out of the twin (an async-only re-export or method the sync side has no use for). There
  is no sync code in comments: a ``# unasync: sync-only`` marker is an error (write one
  text true of both sides, or twin names the table maps, e.g. ``AsyncApiKey``);
* the imports the sync code does not use are dropped, the rest sorted, and the result
  formatted with ruff, so that the generated files are what ``ruff check`` and
  ``ruff format`` expect.

A substitution that no file uses is an error (as in httpcore's script): the table holds
exactly the names the async code has, so a renamed helper cannot leave a stale row that
silently rewrites something else later. The first line of each generated file says where
it comes from.

Usage::

    python scripts/unasync.py          # write every sync twin
    python scripts/unasync.py --check  # exit 1, naming each sync file that is out of date

Both exit 2, naming the problem, on an unused substitution or a misplaced marker.
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
COMMAND = "python scripts/unasync.py"
# The ruff of this Python (the project's dev dependency group), else the one on PATH.
RUFF = [sys.executable, "-m", "ruff"] if importlib.util.find_spec("ruff") else ["ruff"]

# ---------------------------------------------------------------------------- the table
# (async source folder, generated sync folder), relative to the repository root: one row
# a folder.
PAIRS: list[tuple[str, str]] = [
    ("extensions/openai_uploads/_async", "extensions/openai_uploads/_sync"),
    ("tests/client/_async", "tests/client/_sync"),
    ("tests/transfer/_async", "tests/transfer/_sync"),
]

# Each async name and its sync twin, one row each, replaced as whole words.
NAMES: dict[str, str] = {
    # the project's classes and functions
    "AsyncOpenAI": "OpenAI",
    "AsyncAzureOpenAI": "AzureOpenAI",
    "AsyncAzureADTokenProvider": "AzureADTokenProvider",
    "AsyncApiKey": "ApiKey",  # openai_uploads._credentials: what api_key may be
    "AsyncFiles": "Files",
    "AsyncUploads": "Uploads",
    "AsyncParts": "Parts",
    "AsyncAPIResource": "SyncAPIResource",
    "AsyncCursorPage": "SyncCursorPage",
    "AsyncPaginator": "SyncCursorPage",  # what the async list methods return
    "AsyncPageFetch": "PageFetch",
    "arun_transfer": "run_transfer",
    "aread_once": "read_once",
    "aiter_body": "iter_body",
    "astrip_key_on_redirect": "strip_key_on_redirect",
    # openai_uploads._async.response: the response objects and the methods' wrappers
    "AsyncAPIResponse": "APIResponse",
    "AsyncResponseContextManager": "ResponseContextManager",
    "AsyncMethod": "SyncMethod",  # openai_uploads._raw_response: a method, async or not
    "amake_request": "make_request",
    "ato_raw_response": "to_raw_response",
    "ato_streamed_response": "to_streamed_response",
    "ato_streamed_bytes": "to_streamed_bytes",
    "_astreamed": "_streamed",
    # twin helpers: the operations with an async and a sync form
    "apaginate": "paginate",  # openai_uploads._pagination_core
    "asleep": "sleep",  # openai_uploads._concurrency
    "aresolve": "resolve",
    "arun_blocking": "run_blocking",
    "arun_stoppable": "run_stoppable",
    "ashield": "shield",
    "ainterrupted": "interrupted",
    "awatch_interrupts": "watch_interrupts",
    "aloop_header": "loop_header",
    "AsyncWorkers": "Workers",
    "AsyncSlots": "Slots",
    "arun_many": "run_many",
    # openai_uploads._pool and ._deadline: the connection pool and the attempt deadline
    "AsyncHTTPPool": "HTTPPool",
    "adeadline": "deadline",
    # httpx and the standard library
    "AsyncClient": "Client",
    "AsyncBaseTransport": "BaseTransport",
    "AsyncHTTPTransport": "HTTPTransport",
    "handle_async_request": "handle_request",
    "AsyncByteStream": "SyncByteStream",
    "AsyncIterator": "Iterator",
    "aclose": "close",
    "aread": "read",
    "aiter_bytes": "iter_bytes",
    "aiter_text": "iter_text",
    "aiter_lines": "iter_lines",
    "__aenter__": "__enter__",
    "__aexit__": "__exit__",
    "__aiter__": "__iter__",
    # the tests' fixtures and helpers (tests/client/conftest.py)
    "async_client": "client",
    "async_scripted_client": "scripted_client",
}

# ---------------------------------------------------------------------------- end of table

_KEYWORDS = [
    (re.compile(r"\basync (def|for|with)\b"), r"\1"),
    (re.compile(r"\bawait "), ""),
]
_LONGEST_FIRST = sorted(map(re.escape, NAMES), key=len, reverse=True)
_NAMES = re.compile(r"\b(" + "|".join(_LONGEST_FIRST) + r")\b")
_MARKER = re.compile(r"^\s*# unasync: (?P<what>async-only|sync-only|end)\s*$")


class GenerationError(Exception):
    """A marker out of place in an async module, or a substitution no module uses."""


def unasync_line(line: str, used: set[str] | None = None) -> str:
    """One line's sync twin; the table's names it replaced are added to ``used``."""
    for pattern, replacement in _KEYWORDS:
        line = pattern.sub(replacement, line)

    def twin(match: re.Match[str]) -> str:
        if used is not None:
            used.add(match.group(1))
        return NAMES[match.group(1)]

    return _NAMES.sub(twin, line)


def unasync_text(text: str, name: str, used: set[str] | None = None) -> str:
    """The sync twin of an async module's text (before formatting)."""
    out: list[str] = []
    inside = False  # in an async-only block
    for number, line in enumerate(text.splitlines(), start=1):
        marker = _MARKER.match(line)
        where = f"{name}:{number}"
        if marker:
            what = marker.group("what")
            if what == "sync-only":
                raise GenerationError(
                    f"{where}: no '# unasync: sync-only' blocks: write one text true of "
                    "both sides, or a pair of twin helpers whose names NAMES maps"
                )
            if what == "end" and not inside:
                raise GenerationError(f"{where}: '# unasync: end' outside a block")
            if what == "async-only" and inside:
                raise GenerationError(f"{where}: '# unasync: async-only' after 'async-only'")
            inside = what == "async-only"
            continue
        if not inside:
            out.append(unasync_line(line, used))
    if inside:
        raise GenerationError(f"{name}: a '# unasync: async-only' block is not closed")
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


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def header(source: Path) -> str:
    name = _relative(source).removeprefix("extensions/")
    return f"# Generated from {name} by `{COMMAND}`: do not edit.\n"


def generate(source: Path, target: Path, used: set[str] | None = None) -> str:
    """The text the sync twin ``target`` of ``source`` must have."""
    text = header(source) + unasync_text(source.read_text(), _relative(source), used)
    text = _ruff(
        ["check", "--fix", "--exit-zero", "--quiet", "--select", "F401,I,UP028", "--unsafe-fixes"],
        text,
        target,
    )
    return _ruff(["format", "--quiet"], text, target)


def twins() -> tuple[dict[Path, str], list[Path]]:
    """Each sync file and the text it must have; the sync files that have no source."""
    expected: dict[Path, str] = {}
    stale: list[Path] = []
    used: set[str] = set()
    for source_folder, target_folder in PAIRS:
        source_root, target_root = ROOT / source_folder, ROOT / target_folder
        for source in sorted(source_root.rglob("*.py")):
            target = target_root / source.relative_to(source_root)
            expected[target] = generate(source, target, used)
        stale += sorted(set(target_root.rglob("*.py")) - set(expected))
    unused = sorted(set(NAMES) - used)
    if unused:
        raise GenerationError(
            f"substitutions no async module uses (remove them from NAMES): {', '.join(unused)}"
        )
    return expected, stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1, naming them, if sync files differ from what would be made",
    )
    args = parser.parse_args(argv)
    try:
        expected, stale = twins()
    except GenerationError as exc:
        print(f"unasync: {exc}", file=sys.stderr)
        return 2
    if args.check:
        differ = [
            path
            for path, text in expected.items()
            if not path.is_file() or path.read_text() != text
        ]
        for path in differ:
            old = path.read_text().splitlines(keepends=True) if path.is_file() else []
            rel = _relative(path)
            print(f"unasync: {rel} is out of date (hand-edited, or its source changed)")
            diff = difflib.unified_diff(old, expected[path].splitlines(keepends=True), rel, rel)
            sys.stdout.writelines(list(diff)[:40])
        for path in stale:
            print(f"unasync: {_relative(path)} has no source in _async/")
        if differ or stale:
            print(f"unasync: run `{COMMAND}` to regenerate the sync code", file=sys.stderr)
            return 1
        print(f"unasync: the sync code is up to date ({len(expected)} files)")
        return 0
    for path, text in expected.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.is_file() or path.read_text() != text:
            path.write_text(text)
            print(f"unasync: wrote {_relative(path)}")
    for path in stale:
        path.unlink()
        print(f"unasync: removed {_relative(path)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
