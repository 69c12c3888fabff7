"""spec/codegen-constraints.txt locks the generator's whole dependency tree.

codegen.sh generates only with exactly these versions (it installs them into
.codegen-venv/ when the active environment has others), so a fresh machine writes
byte-identical output. These cases fail, naming the package, when a generator upgrade
brings a dependency the lock does not pin, or when this environment drifted from it.
"""

from __future__ import annotations

import re
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement

REPO_ROOT = Path(__file__).resolve().parents[2]
LOCK = REPO_ROOT / "spec" / "codegen-constraints.txt"
ROOTS = ("openapi-python-client", "ruff")


def _key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pinned() -> dict[str, str]:
    found = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            found[_key(name)] = version
    return found


def installed_closure() -> dict[str, str]:
    """Every distribution the generator and ruff need here, with its installed version."""
    seen: dict[str, str] = {}
    todo = list(ROOTS)
    while todo:
        requirement = Requirement(todo.pop())
        key = _key(requirement.name)
        if key in seen:
            continue
        dist = distribution(requirement.name)
        seen[key] = dist.version
        for text in dist.requires or []:
            sub = Requirement(text)
            if sub.marker is not None and not Marker(str(sub.marker)).evaluate({"extra": ""}):
                continue
            todo.append(sub.name)
    return seen


def test_lock_pins_every_package_the_generator_needs() -> None:
    missing = sorted(set(installed_closure()) - set(pinned()))
    assert missing == [], f"spec/codegen-constraints.txt does not pin {missing}"


def test_this_environment_has_exactly_the_locked_versions() -> None:
    lock = pinned()
    drifted = {}
    for name, version in lock.items():
        try:
            have = distribution(name).version
        except PackageNotFoundError:
            have = None
        if have != version:
            drifted[name] = (have, version)
    assert drifted == {}, f"installed vs locked: {drifted}"


def test_codegen_sh_installs_and_checks_the_lock() -> None:
    script = (REPO_ROOT / "codegen.sh").read_text(encoding="utf-8")
    assert 'LOCK="spec/codegen-constraints.txt"' in script
    assert '-r "$root/$LOCK"' in script
