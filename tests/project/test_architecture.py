"""The import rules of ARCHITECTURE.md, read from the source with `ast` (and "`_async`
never runs `_sync`" also checked by running an async upload).

Every import counts, also one inside a function or under ``if TYPE_CHECKING:`` (a lazy
import is still a dependency), except where a rule says "at import time".
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import textwrap
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
EXTENSIONS = REPO_ROOT / "extensions"
GENERATED = REPO_ROOT / "generated"


def client_dependencies() -> set[str]:
    """pyproject's dependencies: all the client may import at import time beside the stdlib."""
    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {
        re.split(r"[^A-Za-z0-9_.-]", requirement, maxsplit=1)[0].replace("-", "_")
        for requirement in pyproject["project"]["dependencies"]
    }


# Modules of the package that belong to an extra, loaded only when it is used.
EXTRA_MODULES = (
    "openai_uploads.cli",
    "openai_uploads.emulator",
    "openai_uploads.testing",
    "openai_uploads._testing_fixtures",  # the pytest half of `testing`
    "openai_uploads._aiohttp",  # DefaultAioHttpClient: the `aiohttp` extra, loaded when used
)
EXTRA_PLUGINS = ("openai_uploads.plugins.otel",)


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    target: str  # the absolute name imported (a module, or module.name for `from m import`)
    line: int
    at_import_time: bool  # at module level, not under `if TYPE_CHECKING:`
    at_run_time: bool = True  # anywhere but under `if TYPE_CHECKING:` (a function's too)

    def __str__(self) -> str:
        return f"{self.module}:{self.line} imports {self.target}"


def module_name(path: Path, root: Path) -> tuple[str, list[str]]:
    """The dotted name of the module at `path`, and the package relative imports start in."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
        return ".".join(parts), parts
    return ".".join(parts), parts[:-1]


def imports_of(path: Path, root: Path) -> Iterator[Import]:
    module, package = module_name(path, root)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))

    def visit(node: ast.AST, at_import_time: bool, at_run_time: bool) -> Iterator[Import]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import):
                for alias in child.names:
                    yield Import(module, alias.name, child.lineno, at_import_time, at_run_time)
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package[: len(package) - child.level + 1]
                    source = ".".join([*base, child.module] if child.module else base)
                else:
                    source = child.module or ""
                for alias in child.names:
                    target = f"{source}.{alias.name}"
                    yield Import(module, target, child.lineno, at_import_time, at_run_time)
            elif isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                yield from visit(ast.Module(body=child.body, type_ignores=[]), False, False)
                orelse = ast.Module(body=child.orelse, type_ignores=[])
                yield from visit(orelse, at_import_time, at_run_time)
            else:
                lazy = isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
                yield from visit(child, at_import_time and not lazy, at_run_time)

    yield from visit(tree, True, True)


def all_imports(root: Path) -> list[Import]:
    return [
        found
        for path in sorted(root.rglob("*.py"))
        if "__pycache__" not in path.parts
        for found in imports_of(path, root)
    ]


def within(name: str, *prefixes: str) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


def breaking(
    imports: list[Import], importer: Callable[[str], bool], allowed: Callable[[Import], bool]
) -> list[str]:
    return [str(found) for found in imports if importer(found.module) and not allowed(found)]


PACKAGE_IMPORTS = all_imports(EXTENSIONS)


def test_the_generated_client_imports_nothing_hand_written():
    found = [str(i) for i in all_imports(GENERATED) if within(i.target, "openai_uploads")]
    assert found == []


def test_the_emulator_imports_nothing_of_the_client():
    """It shares only the API's facts and small parsers, so it checks the client."""
    shared = ("openai_uploads._constants", "openai_uploads._utils", "openai_uploads._units")

    def allowed(found: Import) -> bool:
        if within(found.target, "openai_uploads_client"):
            return True  # the spec's request models and operation table
        if not within(found.target, "openai_uploads"):
            return True
        return within(found.target, "openai_uploads.emulator", *shared)

    assert breaking(PACKAGE_IMPORTS, lambda m: within(m, "openai_uploads.emulator"), allowed) == []


def test_only_the_cli_and_the_testing_module_import_the_emulator():
    def allowed(found: Import) -> bool:
        return not within(found.target, "openai_uploads.emulator")

    def importer(module: str) -> bool:
        return not within(module, "openai_uploads.emulator", *EXTRA_MODULES)

    assert breaking(PACKAGE_IMPORTS, importer, allowed) == []


def test_nothing_but_the_cli_imports_the_cli():
    def allowed(found: Import) -> bool:
        return not within(found.target, "openai_uploads.cli")

    assert breaking(PACKAGE_IMPORTS, lambda m: not within(m, "openai_uploads.cli"), allowed) == []


def public_names() -> set[str]:
    """``openai_uploads.__all__``, read from the source."""
    tree = ast.parse((EXTENSIONS / "openai_uploads" / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "__all__":
            return set(ast.literal_eval(node.value))
    raise AssertionError("openai_uploads/__init__.py has no __all__")


# What the CLI may import of the package beside `openai_uploads.__all__`: the public
# modules (their public names) and the small modules of facts.
CLI_MAY_IMPORT = (
    "openai_uploads.hookspecs",
    "openai_uploads.plugins",
    "openai_uploads.emulator",
    "openai_uploads.testing",
    "openai_uploads._constants",
    "openai_uploads._units",
    "openai_uploads._version",
)
# The emulator's own click command, mounted as `openai-uploads serve`; the emulator's
# `__init__` does not export it (yet), and importing it needs none of the extra.
CLI_MAY_IMPORT_PRIVATE = ("openai_uploads.emulator._cli",)


def test_the_cli_imports_only_public_names():
    """It drives the client as a user would: `openai_uploads.__all__`, the public modules
    and the facts (`_constants`, `_units`, `_version`), never the client's internals."""
    exported = public_names()

    def allowed(found: Import) -> bool:
        target = found.target
        if not within(target, "openai_uploads") or within(target, "openai_uploads.cli"):
            return True
        if target.count(".") == 1:  # from openai_uploads import NAME
            return target.split(".")[1] in exported
        if within(target, *CLI_MAY_IMPORT_PRIVATE):
            return True
        facts = ("openai_uploads._constants", "openai_uploads._units", "openai_uploads._version")
        public = not any(part.startswith("_") for part in target.split(".")[1:])
        return within(target, *CLI_MAY_IMPORT) and (public or within(target, *facts))

    assert breaking(PACKAGE_IMPORTS, lambda m: within(m, "openai_uploads.cli"), allowed) == []


def test_built_in_plugins_use_only_what_any_plugin_can():
    """The hook specifications and public names, as a plugin in another distribution would."""

    def allowed(found: Import) -> bool:
        if not within(found.target, "openai_uploads"):
            return True
        if found.module == "openai_uploads.plugins" and within(
            found.target, "openai_uploads._plugins"
        ):
            return True  # the package's `__init__` is the public face of the plugin host
        private = any(part.startswith("_") for part in found.target.split(".")[1:])
        return not private or within(
            found.target, "openai_uploads._version", "openai_uploads.plugins"
        )

    assert breaking(PACKAGE_IMPORTS, lambda m: within(m, "openai_uploads.plugins"), allowed) == []


def test_the_client_needs_no_extra_at_import_time():
    """`pip install openai-uploads` alone: the CLI, emulator and otel plugin come as extras."""
    dependencies = client_dependencies()

    def allowed(found: Import) -> bool:
        top = found.target.split(".")[0]
        return (
            not found.at_import_time
            or top in sys.stdlib_module_names
            or top in dependencies
            or top in ("openai_uploads", "openai_uploads_client")
        )

    def importer(module: str) -> bool:
        return not within(module, *EXTRA_MODULES, *EXTRA_PLUGINS)

    assert breaking(PACKAGE_IMPORTS, importer, allowed) == []


def test_the_async_source_and_its_generated_sync_twin_never_import_each_other():
    def allowed(found: Import) -> bool:
        other = "_sync" if found.module.split(".")[1] == "_async" else "_async"
        return not within(found.target, f"openai_uploads.{other}")

    def importer(module: str) -> bool:
        return within(module, "openai_uploads._async", "openai_uploads._sync")

    assert breaking(PACKAGE_IMPORTS, importer, allowed) == []


# Public modules that import both twins on purpose, so that a user finds `OpenAI` and
# `AsyncOpenAI` (or `Files` and `AsyncFiles`) in one place: loading one loads `_sync/`.
BOTH_TWINS = (
    "openai_uploads",
    "openai_uploads._client",
    "openai_uploads._azure",
    "openai_uploads.resources",
    "openai_uploads.resources.files",
    "openai_uploads.resources.parts",
    "openai_uploads.resources.uploads",
    "openai_uploads.pagination",
)
# How async code still loads `_sync/` (through a module above, or an engine module
# importing the sync protocols). The list may only shrink: the client core and the
# transfer engine of #22 remove these; empty, the run-time test below must pass.
KNOWN_SYNC_LOADS: set[str] = set()


def run_time_edges() -> dict[str, set[str]]:
    """Module -> the package modules it loads when it runs (`TYPE_CHECKING` left out)."""
    modules = {
        module_name(path, EXTENSIONS)[0]
        for path in (EXTENSIONS / "openai_uploads").rglob("*.py")
        if "__pycache__" not in path.parts
    }
    edges: dict[str, set[str]] = {}
    for found in PACKAGE_IMPORTS:
        target = found.target
        while target and target not in modules:  # `from m import name` loads m
            target = target.rpartition(".")[0]
        if found.at_run_time and target and target != found.module:
            edges.setdefault(found.module, set()).add(target)
            # Loading a.b.c runs a.b's `__init__` first (not the top package's: the
            # run-time test below leaves it out, as a user of `_async/` alone would).
            parent = target.rpartition(".")[0]
            while parent.count(".") >= 1:
                if parent != found.module and parent in modules:
                    edges[found.module].add(parent)
                parent = parent.rpartition(".")[0]
    return edges


def sync_loads_of_async_code() -> set[str]:
    """Each edge by which a module reached from `_async/` loads `_sync/` or a module that
    imports both twins."""
    edges = run_time_edges()
    seen = {module for module in edges if within(module, "openai_uploads._async")}
    todo = sorted(seen)
    found: set[str] = set()
    while todo:
        module = todo.pop()
        for target in edges.get(module, ()):
            if target in BOTH_TWINS or within(target, "openai_uploads._sync"):
                found.add(f"{module} -> {target}")
            elif target not in seen:
                seen.add(target)
                todo.append(target)
    return found


def test_async_code_loads_no_sync_code_but_the_known_paths():
    """Not only does `_async/` never import `_sync/`: nothing it loads at run time does,
    but for the paths listed (which may only go)."""
    assert sync_loads_of_async_code() - KNOWN_SYNC_LOADS == set()


_ASYNC_ONLY = """
import asyncio, importlib.util, os, sys, types

# The package itself, without its `__init__` (which imports both clients for the
# public names): what `_async/` loads is then all that is loaded.
spec = importlib.util.find_spec("openai_uploads")
package = types.ModuleType("openai_uploads")
package.__path__ = list(spec.submodule_search_locations)
sys.modules["openai_uploads"] = package

from openai_uploads._async.client import AsyncOpenAI

async def main():
    client = AsyncOpenAI(api_key=os.environ["KEY"], base_url=os.environ["URL"])
    async with client:
        data = b"x" * 1000
        upload = await client.uploads.upload_file_chunked(
            file=data, filename="a.txt", bytes=len(data), mime_type="text/plain",
            purpose="assistants", part_size=400,
        )
    assert upload.status == "completed", upload

asyncio.run(main())
print(sorted(name for name in sys.modules if name.startswith("openai_uploads._sync")))
"""

_NO_SYNC_FRAME = """
import asyncio, os, sys, threading

import openai_uploads
from openai_uploads import *  # the public names load on first use: before profiling

SYNC = os.path.join(os.path.dirname(openai_uploads.__file__), "_sync", "")
ran = set()

def profile(frame, event, arg):
    if event == "call" and frame.f_code.co_filename.startswith(SYNC):
        ran.add(f"{frame.f_code.co_filename}:{frame.f_code.co_name}")

async def main():
    client = openai_uploads.AsyncOpenAI(api_key=os.environ["KEY"], base_url=os.environ["URL"])
    async with client:
        data = b"x" * 1000
        upload = await client.uploads.upload_file_chunked(
            file=data, filename="a.txt", bytes=len(data), mime_type="text/plain",
            purpose="assistants", part_size=400,
        )
        listed = [f.id async for f in client.files.list()]
    assert upload.status == "completed" and listed, (upload, listed)

threading.setprofile(profile)  # the worker threads that hash and read the file
sys.setprofile(profile)
asyncio.run(main())
sys.setprofile(None)
print(sorted(ran))
"""


def run_async_upload(code: str, server: Any) -> str:
    env = {**os.environ, "KEY": server.api_key, "URL": server.base_url}
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_an_async_upload_runs_no_sync_code(openai_uploads_emulator: Any) -> None:
    """The package imports both clients, but an async call never runs `_sync/` code."""
    assert run_async_upload(_NO_SYNC_FRAME, openai_uploads_emulator) == "[]"


def test_the_async_client_alone_loads_no_sync_module(openai_uploads_emulator: Any) -> None:
    """Imported without the package's `__init__`, the async client and an upload load no
    `_sync/` module."""
    assert run_async_upload(_ASYNC_ONLY, openai_uploads_emulator) == "[]"


def test_the_part_plan_does_no_io():
    """The pure core both transfer drivers share: no network, files, threads or event loop."""
    io = {"httpx", "httpcore", "asyncio", "threading", "socket", "os", "io", "concurrent"}

    def allowed(found: Import) -> bool:
        top = found.target.split(".")[0]
        if top == "openai_uploads":
            return within(found.target, "openai_uploads._constants")
        return top not in io

    importer = lambda module: module == "openai_uploads._transfer._plan"  # noqa: E731
    assert breaking(PACKAGE_IMPORTS, importer, allowed) == []


def test_every_file_architecture_md_names_exists():
    text = (REPO_ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    named = {
        token
        for token in re.findall(r"`([\w./]+\.(?:py|yaml|sh)|[\w.]+/)`", text)
        if "*" not in token
    }
    package = EXTENSIONS / "openai_uploads"
    # A name is relative to the repository, the package, or the subpackage its row is about.
    bases = (REPO_ROOT, package, package / "emulator", package / "_transfer")
    missing = sorted(token for token in named if not any((base / token).exists() for base in bases))
    assert named
    assert missing == []


MAX_MODULE_LINES = 600


def test_no_hand_written_module_is_over_600_lines():
    """A longer module is split by what its parts do (`_sync/` is generated, and left out)."""
    package = EXTENSIONS / "openai_uploads"
    long = sorted(
        f"{path.relative_to(package)}: {lines} lines"
        for path in package.rglob("*.py")
        if "_sync" not in path.relative_to(package).parts and "__pycache__" not in path.parts
        for lines in [len(path.read_text(encoding="utf-8").splitlines())]
        if lines > MAX_MODULE_LINES
    )
    assert long == []
