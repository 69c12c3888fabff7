"""Changing spec/openapi.yaml and running the pinned generator changes the client.

This runs openapi-python-client 0.29.1 (with its ruff post-hooks) from the running
interpreter's environment on a copy of the spec with one optional field added, then
imports the freshly generated package in a separate interpreter. It takes a few
seconds and is meant to run in CI.
"""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "openai_uploads_client"


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> Path:
    """A folder holding the package generated from the spec plus ``Upload.region``."""
    tmp = tmp_path_factory.mktemp("regenerated")
    spec = yaml.safe_load((REPO_ROOT / "spec" / "openapi.yaml").read_text(encoding="utf-8"))
    upload = spec["components"]["schemas"]["Upload"]
    upload["properties"]["region"] = {"type": "string", "description": "Where it is stored."}
    (tmp / "openapi.yaml").write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    (tmp / "config.yaml").write_bytes((REPO_ROOT / "spec" / "config.yaml").read_bytes())

    bin_dir = Path(sys.executable).parent
    generator = bin_dir / "openapi-python-client"
    assert generator.exists(), f"the pinned generator is not installed next to {sys.executable}"
    result = subprocess.run(
        [
            str(generator),
            "generate",
            "--path",
            str(tmp / "openapi.yaml"),
            "--config",
            str(tmp / "config.yaml"),
            "--meta",
            "none",
            "--output-path",
            str(tmp / PACKAGE),
            "--fail-on-warning",
        ],
        cwd=tmp,
        # The post-hooks call `ruff`: the pinned one must come first on PATH.
        env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return tmp


def test_regenerated_upload_parses_a_new_optional_field(regenerated):
    script = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(regenerated)!r})
        import {PACKAGE}
        from {PACKAGE}.models import Upload
        assert {PACKAGE}.__file__.startswith({str(regenerated)!r}), {PACKAGE}.__file__
        upload = Upload.from_dict({{
            "id": "upload_abc123", "object": "upload", "bytes": 10,
            "created_at": 1719184911, "expires_at": 1719188511,
            "filename": "a.jsonl", "purpose": "batch", "status": "pending",
            "region": "eu",
        }})
        assert upload.region == "eu", upload.region
        assert upload.additional_properties == {{}}, upload.additional_properties
        assert upload.to_dict()["region"] == "eu"
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_regeneration_leaves_untouched_models_identical_to_the_committed_ones(regenerated):
    """Same generator, same ruff post-hooks: only what the spec change touched differs."""
    for name in ("upload_part.py", "file_object.py", "create_upload_request.py"):
        fresh = (regenerated / PACKAGE / "models" / name).read_text(encoding="utf-8")
        committed = (REPO_ROOT / "generated" / PACKAGE / "models" / name).read_text(
            encoding="utf-8"
        )
        assert fresh == committed, f"models/{name} differs from the committed one"
