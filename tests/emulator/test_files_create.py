"""``POST /v1/files``: a file in one multipart request, as the official openai client sends
it (``files.create``), with the API's size limit and the type rules of each purpose."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable

import httpx
import openai
import pytest

from openai_uploads.emulator import EmulatorServer, _file_form

from .conftest import API_KEY

THIRTY_DAYS = 30 * 24 * 3600


def test_files_create_stores_the_bytes_exactly(client: openai.OpenAI) -> None:
    data = os.urandom(300_000)
    file = client.files.create(file=("report.pdf", data), purpose="assistants")
    assert file.id.startswith("file-")
    assert file.object == "file"
    assert file.bytes == len(data)
    assert file.filename == "report.pdf"
    assert file.purpose == "assistants"
    assert file.status == "processed"
    assert file.expires_at is None
    assert client.files.retrieve(file.id).bytes == len(data)
    assert client.files.content(file.id).content == data


def test_a_created_file_is_listed_and_can_be_deleted(client: openai.OpenAI) -> None:
    file = client.files.create(file=("a.txt", b"abc"), purpose="user_data")
    assert [f.id for f in client.files.list(purpose="user_data")] == [file.id]
    assert client.files.delete(file.id).deleted is True
    with pytest.raises(openai.NotFoundError):
        client.files.content(file.id)


def test_expires_after_is_read_from_its_bracketed_form_fields(client: openai.OpenAI) -> None:
    file = client.files.create(
        file=("a.txt", b"abc"),
        purpose="assistants",
        expires_after={"anchor": "created_at", "seconds": 7200},
    )
    assert file.expires_at == file.created_at + 7200


def test_a_batch_file_expires_in_30_days_by_default(client: openai.OpenAI) -> None:
    file = client.files.create(file=("requests.jsonl", b'{"a": 1}\n'), purpose="batch")
    assert file.expires_at == file.created_at + THIRTY_DAYS


def test_a_type_the_purpose_does_not_support_is_refused(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as info:
        client.files.create(file=("notes.pdf", b"%PDF-1.4"), purpose="batch")
    assert info.value.param == "file"
    assert info.value.code == "unsupported_file"


def test_a_declared_content_type_counts_over_the_extension(client: openai.OpenAI) -> None:
    file = client.files.create(file=("requests", b"{}\n", "application/jsonl"), purpose="fine-tune")
    assert file.filename == "requests"
    with pytest.raises(openai.BadRequestError):
        client.files.create(file=("requests.jsonl", b"{}\n", "application/pdf"), purpose="batch")


def test_a_file_over_the_size_limit_is_refused_and_leaves_nothing_behind(
    client: openai.OpenAI, emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 512 MB cannot be sent in a unit test: the limit is lowered in the in-process server
    monkeypatch.setattr(_file_form, "MAX_CREATE_FILE_BYTES", 1000)
    with pytest.raises(openai.BadRequestError) as info:
        client.files.create(file=("big.txt", b"x" * 1001), purpose="assistants")
    assert info.value.code == "file_too_large"
    assert client.files.create(file=("ok.txt", b"x" * 1000), purpose="assistants").bytes == 1000
    assert len(list((emulator.data_dir / "parts").iterdir())) == 1
    assert not list((emulator.data_dir / "tmp").iterdir())


def _post(
    emulator: EmulatorServer, fields: dict[str, str], files: dict[str, bytes]
) -> httpx.Response:
    """A multipart POST /v1/files: text ``fields``, and ``files`` by filename (as ``file``)."""
    boundary = secrets.token_hex(8)
    body = b""
    for name, text in fields.items():
        body += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
        body += text.encode() + b"\r\n"
    for filename, data in files.items():
        body += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{filename}"\r\n\r\n'
        ).encode()
        body += data + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    return httpx.post(
        f"{emulator.base_url}/files",
        content=body,
        headers={
            "Authorization": f"Bearer {API_KEY}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
    )


def test_a_missing_file_or_purpose_is_named(emulator: EmulatorServer) -> None:
    no_file = _post(emulator, {"purpose": "assistants"}, {})
    assert no_file.status_code == 400
    assert no_file.json()["error"]["param"] == "file"
    no_purpose = _post(emulator, {}, {"a.txt": b"abc"})
    assert no_purpose.status_code == 400
    assert no_purpose.json()["error"]["param"] == "purpose"


def test_an_unknown_field_is_refused(emulator: EmulatorServer) -> None:
    response = _post(emulator, {"purpose": "assistants", "colour": "red"}, {"a.txt": b"abc"})
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "colour"


@pytest.mark.parametrize(
    ("extra", "param"),
    [
        ({"expires_after[seconds]": "60"}, "expires_after.seconds"),
        (
            {"expires_after[seconds]": "3600", "expires_after[colour]": "red"},
            "expires_after.colour",
        ),
    ],
    ids=["out-of-range", "unknown-key"],
)
def test_an_expiry_the_api_does_not_take_is_refused(
    emulator: EmulatorServer, extra: dict[str, str], param: str
) -> None:
    fields = {"purpose": "assistants", "expires_after[anchor]": "created_at", **extra}
    response = _post(emulator, fields, {"a.txt": b"abc"})
    assert response.status_code == 400
    assert response.json()["error"]["param"] == param


def test_a_body_that_is_not_multipart_is_refused(emulator: EmulatorServer) -> None:
    response = httpx.post(
        f"{emulator.base_url}/files",
        json={"purpose": "assistants"},
        headers={"Authorization": f"Bearer {API_KEY}"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "file"


def test_the_official_azure_client_creates_files_byte_exact(emulator: EmulatorServer) -> None:
    data = os.urandom(100_000)
    with openai.AzureOpenAI(
        azure_endpoint=emulator.azure_endpoint,
        api_version="2025-04-01-preview",
        api_key=API_KEY,
        max_retries=0,
    ) as azure:
        file = azure.files.create(file=("train.jsonl", data), purpose="fine-tune")
        assert azure.files.content(file.id).content == data
    with openai.OpenAI(base_url=emulator.base_url, api_key=API_KEY, max_retries=0) as plain:
        assert plain.files.retrieve(file.id).filename == "train.jsonl"


def test_a_created_file_outlives_a_restart(emulator: EmulatorServer) -> None:
    data = os.urandom(50_000)
    with openai.OpenAI(base_url=emulator.base_url, api_key=API_KEY, max_retries=0) as client:
        file = client.files.create(file=("a.bin", data), purpose="user_data")
    emulator.restart()
    with openai.OpenAI(base_url=emulator.base_url, api_key=API_KEY, max_retries=0) as client:
        assert client.files.content(file.id).content == data


def _plain(emulator: EmulatorServer) -> openai.OpenAI:
    return openai.OpenAI(base_url=emulator.base_url, api_key=API_KEY, max_retries=0)


def _azure(emulator: EmulatorServer) -> openai.OpenAI:
    return openai.AzureOpenAI(
        azure_endpoint=emulator.azure_endpoint,
        api_version="2025-04-01-preview",
        api_key=API_KEY,
        max_retries=0,
    )


def _azure_v1(emulator: EmulatorServer) -> openai.OpenAI:
    return openai.OpenAI(
        base_url=f"{emulator.azure_endpoint}/openai/v1", api_key=API_KEY, max_retries=0
    )


@pytest.mark.parametrize(
    "make_client", [_plain, _azure, _azure_v1], ids=["v1", "azure", "azure-v1"]
)
def test_files_create_keeps_bytes_that_look_like_multipart_syntax_exactly(
    emulator: EmulatorServer, make_client: Callable[[EmulatorServer], openai.OpenAI]
) -> None:
    # CRLFs, dashes and boundary-like lines at both ends and inside, around random bytes
    tricky = b'\r\n--\r\n\r\n--boundary\r\nContent-Disposition: form-data; name="purpose"\r\n\r\n'
    data = b"\r\n" + tricky + os.urandom(200_000) + tricky * 50 + b"--\r\n"
    with make_client(emulator) as client:
        file = client.files.create(file=("train.jsonl", data), purpose="fine-tune")
        assert file.bytes == len(data)
        assert client.files.content(file.id).content == data
    stored = b"".join(path.read_bytes() for path, _ in emulator.store.file_pieces(file.id))
    assert stored == data


def test_an_unknown_field_sent_as_a_file_is_refused(emulator: EmulatorServer) -> None:
    response = httpx.post(
        f"{emulator.base_url}/files",
        data={"purpose": "assistants"},
        files={"file": ("a.txt", b"abc"), "attachment": ("b.txt", b"def")},
        headers={"Authorization": f"Bearer {API_KEY}"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "attachment"
    assert not list((emulator.data_dir / "tmp").iterdir())


def test_a_field_without_a_name_is_refused_as_unknown(emulator: EmulatorServer) -> None:
    body = (
        b'--bb\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nassistants\r\n'
        b'--bb\r\nContent-Disposition: form-data; filename="a.txt"\r\n\r\nabc\r\n--bb--\r\n'
    )
    response = httpx.post(
        f"{emulator.base_url}/files",
        content=body,
        headers={
            "Authorization": f"Bearer {API_KEY}",
            "Content-Type": "multipart/form-data; boundary=bb",
        },
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["message"] == "Unrecognized request argument supplied: a field without a name"
    assert error["param"] is None
