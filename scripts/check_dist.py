"""Check what the built wheel and sdist hold, before they are published.

    python -m build --outdir dist . && python scripts/check_dist.py dist

The wheel: exactly the two packages and their dist-info, the LICENSE among the
dist-info's licenses, ``py.typed``, the console script and the pytest plugin, metadata
naming the license and the project's URLs, and no tests. The sdist: exactly the top-level
entries in SDIST_TOP (what builds and tests the package: no bench/, no caches), the
LICENSE, and, in a git checkout, exactly the tracked files under them (nothing stray
such as __pycache__, nothing tracked left out). Prints one line per problem and exits 1
when there is any.
"""

from __future__ import annotations

import argparse
import email.parser
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent

WHEEL_PACKAGES = {"openai_uploads", "openai_uploads_client"}
SDIST_TOP = {
    # [tool.hatch.build.targets.sdist] include, plus what hatchling always adds
    ".ci",
    ".gitignore",
    ".pre-commit-config.yaml",
    "ARCHITECTURE.md",
    "CHANGELOG.md",
    "CONTRIBUTING.md",
    "LICENSE",
    "PKG-INFO",
    "README.md",
    "SECURITY.md",
    "codegen.sh",
    "docs",
    "examples",
    "extensions",
    "generated",
    "mkdocs.yml",
    "pyproject.toml",
    "scripts",
    "spec",
    "tests",
}
SDIST_OPTIONAL: set[str] = set()
"""Included when the checkout has them."""
PROJECT_URLS = {"Homepage", "Documentation", "Changelog", "Issues"}


def check_wheel(path: Path) -> list[str]:
    problems: list[str] = []
    with zipfile.ZipFile(path) as wheel:
        names = [PurePosixPath(n) for n in wheel.namelist()]
        dist_info = next((n.parts[0] for n in names if n.parts[0].endswith(".dist-info")), "")
        top = {n.parts[0] for n in names}
        if top != WHEEL_PACKAGES | {dist_info}:
            problems.append(
                f"wheel: top-level entries {sorted(top)}, expected the packages "
                f"{sorted(WHEEL_PACKAGES)} and the dist-info"
            )
        tests = [str(n) for n in names if "tests" in n.parts or n.name.startswith("test_")]
        if tests:
            problems.append(f"wheel: holds tests: {tests[:5]}")
        if PurePosixPath(dist_info, "licenses", "LICENSE") not in names:
            problems.append(f"wheel: no {dist_info}/licenses/LICENSE")
        if PurePosixPath("openai_uploads", "py.typed") not in names:
            problems.append("wheel: no openai_uploads/py.typed")
        metadata = email.parser.Parser().parsestr(
            wheel.read(f"{dist_info}/METADATA").decode("utf-8")
        )
        entry_points = wheel.read(f"{dist_info}/entry_points.txt").decode("utf-8")
    if metadata.get("License-Expression") != "MIT":
        problems.append(f"wheel: License-Expression is {metadata.get('License-Expression')!r}")
    if "LICENSE" not in (metadata.get_all("License-File") or []):
        problems.append("wheel: the metadata names no License-File LICENSE")
    urls = {u.split(",", 1)[0].strip() for u in metadata.get_all("Project-URL") or []}
    if missing_urls := PROJECT_URLS - urls:
        problems.append(f"wheel: Project-URLs {sorted(urls)} lack {sorted(missing_urls)}")
    if "dev" in (metadata.get_all("Provides-Extra") or []):
        problems.append("wheel: publishes a dev extra (the dev tools are a dependency group)")
    for line in (
        "openai-uploads = openai_uploads.cli:main",
        "openai_uploads = openai_uploads.testing",
    ):
        if line not in entry_points:
            problems.append(f"wheel: entry_points.txt lacks {line!r}")
    return problems


def tracked_files(top: set[str]) -> set[str] | None:
    """The files git tracks under the given top-level entries, or None outside a checkout."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z", "--", *sorted(top)],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return {name for name in out.decode("utf-8").split("\0") if name}


def check_sdist(path: Path) -> list[str]:
    problems: list[str] = []
    with tarfile.open(path) as sdist:
        members = [PurePosixPath(m.name) for m in sdist.getmembers() if m.isfile()]
    files = {str(PurePosixPath(*m.parts[1:])) for m in members if len(m.parts) > 1}
    top = {PurePosixPath(f).parts[0] for f in files}
    present_optional = {name for name in SDIST_OPTIONAL if (ROOT / name).exists()}
    expected = SDIST_TOP | present_optional
    if top != expected:
        extra, missing = sorted(top - expected), sorted(expected - top)
        problems.append(f"sdist: top-level entries differ: extra {extra}, missing {missing}")
    if "LICENSE" not in files:
        problems.append("sdist: no LICENSE")
    tracked = tracked_files(expected - {"PKG-INFO"})
    if tracked is not None:
        stray = sorted(files - tracked - {"PKG-INFO"})
        left_out = sorted(tracked - files)
        if stray:
            problems.append(f"sdist: files git does not track: {stray[:5]}")
        if left_out:
            problems.append(f"sdist: tracked files left out: {left_out[:5]}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dist", type=Path, help="the folder holding one wheel and one sdist")
    args = parser.parse_args(argv)
    wheels = sorted(args.dist.glob("*.whl"))
    sdists = sorted(args.dist.glob("*.tar.gz"))
    if len(wheels) != 1 or len(sdists) != 1:
        print(
            f"check_dist: expected one wheel and one sdist in {args.dist}, found "
            f"{[p.name for p in wheels + sdists]}",
            file=sys.stderr,
        )
        return 1
    problems = check_wheel(wheels[0]) + check_sdist(sdists[0])
    for problem in problems:
        print(f"check_dist: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(f"check_dist: {wheels[0].name} and {sdists[0].name} hold what they should")
    return 0


if __name__ == "__main__":
    sys.exit(main())
