"""The emulator's Azure OpenAI surface: ``/openai/...`` and ``/openai/v1/...`` on one store."""

from __future__ import annotations

import os

import httpx
import openai
import pytest

from openai_uploads.emulator import EmulatorServer, FaultConfig
from openai_uploads.emulator._faults import classify

from .conftest import API_KEY, md5

VERSION = "2025-04-01-preview"


def _azure(emulator: EmulatorServer, **options: object) -> openai.AzureOpenAI:
    options.setdefault("api_key", API_KEY)
    return openai.AzureOpenAI(
        azure_endpoint=emulator.azure_endpoint,
        api_version=VERSION,
        max_retries=0,
        **options,  # type: ignore[arg-type]
    )


def test_official_azure_client_uploads_byte_exact(emulator: EmulatorServer) -> None:
    data = os.urandom(250_000)
    with _azure(emulator) as client:
        upload = client.uploads.create(
            bytes=len(data),
            filename="train.jsonl",
            mime_type="application/jsonl",
            purpose="fine-tune",
        )
        parts = [
            client.uploads.parts.create(upload.id, data=data[i : i + 100_000])
            for i in range(0, len(data), 100_000)
        ]
        done = client.uploads.complete(upload.id, part_ids=[p.id for p in parts], md5=md5(data))
        assert done.status == "completed"
        assert done.file is not None
        assert client.files.retrieve(done.file.id).bytes == len(data)
        assert client.files.content(done.file.id).content == data
        assert done.file.id in [f.id for f in client.files.list()]
        other = client.uploads.create(
            bytes=1, filename="x", mime_type="application/jsonl", purpose="batch"
        )
        assert client.uploads.cancel(other.id).status == "cancelled"


def test_official_azure_client_with_an_entra_token(emulator: EmulatorServer) -> None:
    # The emulator cannot verify Entra ID tokens: with a required key, the token is the key.
    with _azure(emulator, api_key=None, azure_ad_token_provider=lambda: API_KEY) as client:
        upload = client.uploads.create(
            bytes=3, filename="a.txt", mime_type="text/plain", purpose="assistants"
        )
        assert upload.status == "pending"


def test_both_surfaces_share_one_store(emulator: EmulatorServer) -> None:
    with _azure(emulator) as azure:
        upload = azure.uploads.create(
            bytes=3, filename="a.txt", mime_type="text/plain", purpose="assistants"
        )
        part = azure.uploads.parts.create(upload.id, data=b"abc")
    with openai.OpenAI(base_url=emulator.base_url, api_key=API_KEY, max_retries=0) as plain:
        done = plain.uploads.complete(upload.id, part_ids=[part.id])
    assert done.file is not None
    with openai.OpenAI(
        base_url=emulator.azure_endpoint + "/openai/v1/", api_key=API_KEY, max_retries=0
    ) as v1:
        assert v1.files.content(done.file.id).content == b"abc"


def test_v1_surface_takes_the_key_as_api_key_header(emulator: EmulatorServer) -> None:
    response = httpx.post(
        emulator.azure_endpoint + "/openai/v1/uploads",
        headers={"api-key": API_KEY},
        json={"bytes": 1, "filename": "a", "mime_type": "application/jsonl", "purpose": "batch"},
    )
    assert response.status_code == 200
    assert response.json()["object"] == "upload"


def test_missing_api_version_is_azures_404(emulator: EmulatorServer) -> None:
    response = httpx.post(
        emulator.azure_endpoint + "/openai/uploads",
        headers={"api-key": API_KEY},
        json={"bytes": 1, "filename": "a", "mime_type": "application/jsonl", "purpose": "batch"},
    )
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "404", "message": "Resource not found"}}
    assert "x-request-id" in response.headers


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, "missing subscription key"),
        ({"api-key": "wrong"}, "invalid subscription key"),
        ({"Authorization": "Bearer wrong"}, "invalid subscription key"),
    ],
)
def test_bad_credentials_are_azures_401(
    emulator: EmulatorServer, headers: dict[str, str], message: str
) -> None:
    response = httpx.get(
        emulator.azure_endpoint + "/openai/files/file-x",
        params={"api-version": VERSION},
        headers=headers,
    )
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["code"] == "401"
    assert message in error["message"]


def test_the_emulator_control_routes_are_not_on_the_azure_surface(
    emulator: EmulatorServer,
) -> None:
    for path in ("/openai/v1/_emulator/faults", "/openai/_emulator/faults"):
        response = httpx.get(
            emulator.azure_endpoint + path,
            params={"api-version": VERSION},
            headers={"api-key": API_KEY},
        )
        assert response.status_code == 404, path


def test_api_errors_keep_the_openai_shape_on_the_azure_surface(emulator: EmulatorServer) -> None:
    with _azure(emulator) as client, pytest.raises(openai.NotFoundError) as info:
        client.files.retrieve("file-missing")
    assert "file-missing" in str(info.value)


def test_faults_apply_to_azure_paths(emulator: EmulatorServer) -> None:
    assert classify("POST", "/openai/uploads/upload_1/parts") == "parts"
    assert classify("POST", "/openai/v1/uploads") == "create"
    emulator.faults = FaultConfig(p_503=1.0, endpoints=frozenset({"create"}))
    with _azure(emulator) as client, pytest.raises(openai.InternalServerError):
        client.uploads.create(bytes=1, filename="a", mime_type="application/jsonl", purpose="batch")
