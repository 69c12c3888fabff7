"""The ``openai_uploads`` pytest plugin is cheap for a pytest run that never uses it.

Its CPU cost is measured by ``bench/pytest_plugin_cost.py`` (run by CI, against
``-p no:openai_uploads`` in the same run); here, what it loads is checked, which is what
makes it cheap.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

LIGHT = {
    "openai_uploads",
    "openai_uploads._batch_events",
    "openai_uploads._constants",
    "openai_uploads._plugin_base",
    "openai_uploads._testing_fixtures",
    "openai_uploads._version",
    "openai_uploads.hookspecs",
    "openai_uploads.testing",
}
"""All the package a pytest run loads when no test uses a fixture of the plugin."""

_REPORT_MODULES = """
import sys

def test_report_the_loaded_modules():
    loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("openai_uploads", "httpx"))
    print("LOADED", ",".join(loaded))
"""


def _clean_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTEST_ADDOPTS", None)
    env.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD", None)
    return env


def test_a_pytest_run_that_uses_no_fixture_loads_only_the_light_modules(tmp_path: Path):
    (tmp_path / "test_modules.py").write_text(_REPORT_MODULES, encoding="utf-8")
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        env=_clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    [line] = [line for line in result.stdout.splitlines() if line.startswith("LOADED")]
    loaded = set(line.removeprefix("LOADED ").split(","))
    assert "openai_uploads.testing" in loaded  # the plugin did register
    assert loaded <= LIGHT, sorted(loaded - LIGHT)


def _python_succeeds(code: str) -> str:
    """Runs ``code`` in a fresh interpreter; its stdout."""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_fast_retries_imports_without_pytest():
    code = (
        "import sys\n"
        "sys.modules['pytest'] = None  # as if pytest were not installed\n"
        "from openai_uploads.testing import EMULATOR_API_KEY, FastRetries\n"
        "import openai_uploads.testing as testing\n"
        "from openai_uploads.hookspecs import RetryContext\n"
        "assert not hasattr(testing, 'emulator_fixture')\n"
        "print(type(FastRetries()).__name__, EMULATOR_API_KEY)\n"
    )
    assert _python_succeeds(code).split() == ["FastRetries", "sk-emulator-test"]


def test_the_sdk_loads_when_a_name_of_it_is_first_used():
    code = (
        "import sys\n"
        "import openai_uploads\n"
        "assert 'openai_uploads._client' not in sys.modules\n"
        "from openai_uploads import OpenAI\n"
        "assert 'openai_uploads._client' in sys.modules\n"
        "assert openai_uploads.OpenAI is OpenAI\n"
        "assert set(openai_uploads.__all__) <= set(dir(openai_uploads))\n"
    )
    _python_succeeds(code)
