"""Using a part of the package whose extra is not installed raises a ModuleNotFoundError
whose one-line message names the missing module and the install command.

Each case runs in a fresh interpreter with the extra's module hidden
(``sys.modules[name] = None``, which makes importing it fail as if it were absent).
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

REPORT = """
try:
    {statement}
except ModuleNotFoundError as exc:
    print(type(exc).__name__, exc.name, sep="|")
    print(exc)
else:
    print("imported")
"""


def attempt(hidden: list[str], statement: str) -> list[str]:
    code = f"import sys\nsys.modules.update(dict.fromkeys({hidden!r}))\n" + REPORT.format(
        statement=statement
    )
    env = dict(os.environ, OPENAI_UPLOADS_DISABLE_PLUGIN_AUTOLOAD="1")
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


@pytest.mark.parametrize(
    ("name", "missing"),
    [("EmulatorServer", "uvicorn"), ("EmulatorServer", "starlette"), ("create_app", "starlette")],
)
def test_the_emulator_without_its_extra_names_the_install_command(name: str, missing: str) -> None:
    kind, message = attempt([missing], f"from openai_uploads.emulator import {name}")
    assert kind == f"ModuleNotFoundError|{missing}"
    assert message == f"the emulator needs {missing}: pip install 'openai-uploads[emulator]'"


def test_the_emulator_package_and_its_command_import_without_the_extra() -> None:
    lines = attempt(["uvicorn", "starlette"], "import openai_uploads.emulator._cli")
    assert lines == ["imported"]


def test_the_otel_plugin_without_its_extra_names_the_install_command() -> None:
    kind, message = attempt(["opentelemetry"], "import openai_uploads.plugins.otel")
    assert kind == "ModuleNotFoundError|opentelemetry"
    assert message == "the otel plugin needs opentelemetry: pip install 'openai-uploads[otel]'"


def test_the_command_line_without_its_extra_names_the_install_command() -> None:
    kind, message = attempt(["click"], "import openai_uploads.cli")
    assert kind == "ModuleNotFoundError|click"
    assert message == ("the command line needs click: pip install 'openai-uploads[cli]'")


def test_the_client_imports_without_any_extra() -> None:
    extras = ["click", "rich", "uvicorn", "starlette", "multipart", "opentelemetry"]
    assert attempt(extras, "import openai_uploads; openai_uploads.OpenAI") == ["imported"]
