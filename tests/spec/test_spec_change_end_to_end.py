"""A spec change carries through ``./codegen.sh`` to the client, the emulator and the checks.

Each case copies the repository (spec/, codegen.sh, generated/, extensions/, the spec
tests) to a temporary folder, edits the copy's ``spec/openapi.yaml`` as a maintainer
would, runs the copy's ``./codegen.sh`` and then, with no other edit, uses the copy (its
folders first on ``PYTHONPATH``, in a separate interpreter):

* an optional request field (``CreateUploadRequest.metadata``) and an optional response
  field (``Upload.region``): ``uploads.create(metadata=...)`` and
  ``upload_file_chunked(metadata=...)`` put it on the wire to the copy's emulator (sync and
  async), the resume state keeps it, ``upload.region`` reads ``None`` when absent, and
  mypy sees both;
* a new operation: the drift test fails, naming it;
* a breaking type change (``Upload.bytes`` becomes a string): the public types test fails,
  naming the field.

The copy runs codegen.sh with this interpreter's environment (which holds the locked
generator), so nothing is installed. Slow (three generator runs and one mypy run).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
COPIED = ("spec", "generated", "extensions")
SPEC_TESTS = ("test_drift.py", "test_public_types.py")

pytestmark = pytest.mark.slow


def copy_repo(dest: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".mypy_cache")
    for name in COPIED:
        shutil.copytree(REPO_ROOT / name, dest / name, ignore=ignore)
    for name in ("codegen.sh", "pyproject.toml"):
        shutil.copy2(REPO_ROOT / name, dest / name)
    (dest / "tests" / "spec").mkdir(parents=True)
    for name in SPEC_TESTS:
        shutil.copy2(REPO_ROOT / "tests" / "spec" / name, dest / "tests" / "spec" / name)
    return dest


def edit_spec(root: Path, change: Any) -> None:
    path = root / "spec" / "openapi.yaml"
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(spec)
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")


def env_for(root: Path) -> dict[str, str]:
    paths = [str(root / "extensions"), str(root / "generated")]
    return {
        **os.environ,
        "VIRTUAL_ENV": str(Path(sys.executable).parent.parent),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONPATH": os.pathsep.join(paths),
        "MYPYPATH": os.pathsep.join(paths),
    }


def run(root: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(args), cwd=root, env=env_for(root), capture_output=True, text=True, timeout=timeout
    )


def codegen(root: Path) -> None:
    result = run(root, str(root / "codegen.sh"))
    assert result.returncode == 0, result.stdout + result.stderr


def add_fields(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    schemas["CreateUploadRequest"]["properties"]["metadata"] = {
        "type": "object",
        "description": "Up to 16 string key-value pairs.",
        "additionalProperties": {"type": "string"},
    }
    schemas["Upload"]["properties"]["region"] = {
        "type": "string",
        "description": "Where the Upload is stored.",
    }


@pytest.fixture(scope="module")
def with_new_fields(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_repo(tmp_path_factory.mktemp("fields"))
    edit_spec(root, add_fields)
    codegen(root)
    return root


USE_NEW_FIELDS = """
import asyncio, inspect, json, pathlib, sys, tempfile
import httpx
import openai_uploads
from openai_uploads import AsyncOpenAI, InternalServerError, OpenAI
from openai_uploads.emulator import EmulatorServer, FaultConfig

assert openai_uploads.__file__.startswith(sys.argv[1]), openai_uploads.__file__
sent = []

def record(request):
    if request.url.path.endswith("/uploads"):
        sent.append(json.loads(request.read()))

async def arecord(request):
    record(request)

CREATE = dict(bytes=3, filename="a.txt", mime_type="text/plain", purpose="assistants")
with EmulatorServer(api_key="sk-e2e") as server:
    http = httpx.Client(event_hooks={"request": [record]})
    with OpenAI(api_key="sk-e2e", base_url=server.base_url, http_client=http) as client:
        for method in (client.uploads.create, client.uploads.upload_file_chunked):
            assert "metadata" in inspect.signature(method).parameters, method
        upload = client.uploads.create(**CREATE, metadata={"team": "ml"})
        assert sent[-1]["metadata"] == {"team": "ml"}, sent
        assert upload.region is None
        done = client.uploads.upload_file_chunked(
            file=b"abc", filename="b.txt", bytes=3, mime_type="text/plain",
            purpose="assistants", metadata={"run": "7"},
        )
        assert sent[-1]["metadata"] == {"run": "7"}, sent
        assert done.status == "completed" and done.region is None

        # The resume state keeps it: an interrupted upload resumes only with the same value.
        path = pathlib.Path(tempfile.mkdtemp()) / "d.bin"
        path.write_bytes(b"x" * 3000)
        chunked = dict(file=path, mime_type="text/plain", purpose="assistants", part_size=1000,
                       resume=True)
        server.faults = FaultConfig(p_500=1.0, endpoints=frozenset({"parts"}), seed=1)
        try:
            client.uploads.upload_file_chunked(**chunked, part_retries=0, metadata={"run": "8"})
        except InternalServerError:
            pass
        server.faults = FaultConfig()
        state = json.loads(pathlib.Path(str(path) + ".openai-upload.json").read_text())
        assert state["create_params"] == {"metadata": {"run": "8"}}, state
        resumed = client.uploads.upload_file_chunked(**chunked, metadata={"run": "8"})
        assert resumed.id == state["upload_id"]

    async def main():
        ahttp = httpx.AsyncClient(event_hooks={"request": [arecord]})
        async with AsyncOpenAI(
            api_key="sk-e2e", base_url=server.base_url, http_client=ahttp
        ) as aclient:
            upload = await aclient.uploads.create(**CREATE, metadata={"side": "async"})
            assert sent[-1]["metadata"] == {"side": "async"}, sent
            assert upload.region is None
            done = await aclient.uploads.upload_file_chunked(
                file=b"abc", filename="c.txt", bytes=3, mime_type="text/plain",
                purpose="assistants", metadata={"side": "async-chunked"},
            )
            assert sent[-1]["metadata"] == {"side": "async-chunked"}, sent
            assert done.region is None

    asyncio.run(main())
print("carried through")
"""


def test_new_request_field_reaches_the_emulator_and_new_response_field_reads_none(
    with_new_fields: Path,
) -> None:
    result = run(with_new_fields, sys.executable, "-c", USE_NEW_FIELDS, str(with_new_fields))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "carried through" in result.stdout


TYPED_USE = """
from openai_uploads import OpenAI

client = OpenAI(api_key="sk")
upload = client.uploads.create(
    bytes=1, filename="a", mime_type="text/plain", purpose="batch", metadata={"team": "ml"}
)
region: str | None = upload.region
done = client.uploads.upload_file_chunked(
    file=b"a", filename="a", bytes=1, mime_type="text/plain", purpose="batch",
    metadata={"team": "ml"},
)
"""
MISTYPED_USE = """
from openai_uploads import OpenAI

c = OpenAI(api_key="sk")
c.uploads.create(bytes=1, filename="a", mime_type="text/plain", purpose="batch", metadata=1)
size: str = c.uploads.create(bytes=1, filename="a", mime_type="text/plain", purpose="batch").bytes
"""


def test_type_checkers_see_the_new_fields(with_new_fields: Path) -> None:
    (with_new_fields / "typed_use.py").write_text(TYPED_USE, encoding="utf-8")
    (with_new_fields / "mistyped_use.py").write_text(MISTYPED_USE, encoding="utf-8")
    result = run(
        with_new_fields,
        sys.executable,
        "-m",
        "mypy",
        "--strict",
        "--follow-imports=silent",
        "--no-incremental",
        "--config-file=/dev/null",
        "typed_use.py",
        "mistyped_use.py",
    )
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert not [e for e in errors if e.startswith("typed_use.py")], result.stdout
    assert any(e.startswith("mistyped_use.py:5:") and "metadata" in e for e in errors), errors
    assert any(e.startswith("mistyped_use.py:6:") for e in errors), errors


def test_new_operation_makes_the_drift_test_fail_naming_it(tmp_path: Path) -> None:
    root = copy_repo(tmp_path)

    def add_operation(spec: dict[str, Any]) -> None:
        spec["paths"]["/uploads/{upload_id}"] = {
            "get": {
                "operationId": "retrieveUpload",
                "tags": ["Uploads"],
                "summary": "Retrieve an Upload.",
                "parameters": [{"$ref": "#/components/parameters/UploadId"}],
                "responses": {
                    "200": {
                        "description": "The Upload.",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Upload"}}
                        },
                    }
                },
            }
        }

    edit_spec(root, add_operation)
    codegen(root)
    result = run(root, sys.executable, "-m", "pytest", "-q", "tests/spec/test_drift.py")
    assert result.returncode != 0, result.stdout
    assert "retrieveUpload (GET /uploads/{upload_id}) has no client method" in result.stdout
    assert "1 failed" in result.stdout, result.stdout


def test_breaking_type_change_fails_the_public_types_test_naming_the_field(
    tmp_path: Path,
) -> None:
    root = copy_repo(tmp_path)

    def bytes_as_string(spec: dict[str, Any]) -> None:
        spec["components"]["schemas"]["Upload"]["properties"]["bytes"]["type"] = "string"

    edit_spec(root, bytes_as_string)
    codegen(root)
    result = run(root, sys.executable, "-m", "pytest", "-q", "tests/spec/test_public_types.py")
    assert result.returncode != 0, result.stdout
    assert "test_public_field_type_is_unchanged[Upload.bytes]" in result.stdout
    assert "Upload.bytes is now `str`, was `int`" in result.stdout
    assert "1 failed" in result.stdout, result.stdout


def test_generated_code_is_unchanged_without_a_spec_change(tmp_path: Path) -> None:
    """The baseline of the cases above: codegen on an unedited copy changes nothing."""
    root = copy_repo(tmp_path)
    result = run(root, str(root / "codegen.sh"), "--check")
    assert result.returncode == 0, result.stdout + result.stderr
