"""The reference contract: re-extracted by a script, and never silently skipped in CI."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
REFERENCE = Path(
    os.environ.get("OPENAI_UPLOADS_REFERENCE")
    or REPO_ROOT.parent / "shared" / "reference" / "openai-uploads-spec-excerpt.yaml"
)
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
SCRIPT = REPO_ROOT / "scripts" / "extract_reference.py"
CONTRACT_TESTS = REPO_ROOT / "tests" / "spec" / "test_contract_with_reference.py"


def _full_spec_around(excerpt: dict) -> dict:
    """A stand-in for OpenAI's whole document: the excerpt plus unrelated operations."""
    full = copy.deepcopy(excerpt)
    full["openapi"] = "3.0.0"
    full["info"] = {"title": "OpenAI API", "version": "2.3.0"}
    full["paths"]["/batches"] = {
        "post": {
            "operationId": "createBatch",
            "requestBody": {
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Batch"}}}
            },
            "responses": {"200": {"description": "ok"}},
        }
    }
    full["components"]["schemas"]["Batch"] = {"type": "object", "properties": {}}
    full["components"]["schemas"]["Unrelated"] = {"type": "string"}
    return full


def test_script_extracts_the_same_contract_from_a_full_spec(tmp_path: Path) -> None:
    if not REFERENCE.is_file():
        message = f"reference contract not found at {REFERENCE}"
        if IN_CI:
            pytest.fail(f"{message}; in CI the contract tests must run", pytrace=False)
        pytest.skip(message)
    excerpt = yaml.safe_load(REFERENCE.read_text(encoding="utf-8"))
    full_path = tmp_path / "openapi.yaml"
    full_path.write_text(yaml.safe_dump(_full_spec_around(excerpt)), encoding="utf-8")
    out = tmp_path / "excerpt.yaml"
    result = subprocess.run(
        [sys.executable, str(SCRIPT), str(full_path), "--out", str(out), "--source", "test"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    extracted = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert extracted["paths"] == excerpt["paths"]
    assert extracted["components"]["schemas"] == excerpt["components"]["schemas"]
    assert "Batch" not in extracted["components"]["schemas"]
    assert out.read_text(encoding="utf-8").startswith("# Excerpt of OpenAI's OpenAPI document")


def _run_contract_tests(**env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", str(CONTRACT_TESTS)],
        cwd=REPO_ROOT,
        env={**os.environ, "OPENAI_UPLOADS_REFERENCE": "/nonexistent/reference.yaml", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_missing_reference_fails_the_contract_tests_in_ci() -> None:
    result = _run_contract_tests(CI="true")
    assert result.returncode != 0
    assert "in CI the contract tests must run" in result.stdout


def test_missing_reference_skips_the_contract_tests_outside_ci() -> None:
    result = _run_contract_tests(CI="")
    assert result.returncode == 0, result.stdout
    assert "skipped" in result.stdout
    assert "reference contract not found" in result.stdout
