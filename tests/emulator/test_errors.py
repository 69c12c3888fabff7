"""The official client gets the exception a real server would cause."""

from __future__ import annotations

import httpx
import openai
import pytest

from openai_uploads._constants import MAX_PART_SIZE, MAX_UPLOAD_BYTES
from openai_uploads.emulator import EmulatorServer

from .conftest import API_KEY, md5, new_upload


def _error(exc: openai.APIStatusError) -> dict[str, object]:
    body = exc.response.json()
    assert set(body["error"]) == {"message", "type", "param", "code"}
    error: dict[str, object] = body["error"]
    return error


def test_md5_mismatch_is_bad_request(client: openai.OpenAI) -> None:
    upload_id = new_upload(client, 3)
    part = client.uploads.parts.create(upload_id, data=b"abc")
    with pytest.raises(openai.BadRequestError) as info:
        client.uploads.complete(upload_id, part_ids=[part.id], md5=md5(b"abd"))
    assert _error(info.value)["param"] == "md5"
    # the Upload is still pending: the right md5 completes it
    assert client.uploads.complete(upload_id, part_ids=[part.id], md5=md5(b"abc")).file


def test_byte_count_mismatch_is_bad_request(client: openai.OpenAI) -> None:
    upload_id = new_upload(client, 10)
    part = client.uploads.parts.create(upload_id, data=b"abc")
    with pytest.raises(openai.BadRequestError):
        client.uploads.complete(upload_id, part_ids=[part.id])


def test_oversized_part_is_bad_request(client: openai.OpenAI) -> None:
    upload_id = new_upload(client, MAX_PART_SIZE + 1)
    with pytest.raises(openai.BadRequestError) as info:
        client.uploads.parts.create(upload_id, data=b"\0" * (MAX_PART_SIZE + 1))
    assert _error(info.value)["code"] == "part_too_large"


def test_parts_beyond_declared_bytes_are_accepted_and_complete_checks_the_listed_ones(
    client: openai.OpenAI,
) -> None:
    # As the API: parts are taken up to the 8 GB Upload maximum; complete refuses part
    # ids that do not add up to ``bytes``, and ignores parts it is not given.
    upload_id = new_upload(client, 5)
    abc = client.uploads.parts.create(upload_id, data=b"abc")
    de = client.uploads.parts.create(upload_id, data=b"de")
    extra = client.uploads.parts.create(upload_id, data=b"xyz")
    with pytest.raises(openai.BadRequestError) as info:
        client.uploads.complete(upload_id, part_ids=[abc.id, de.id, extra.id])
    assert "add up to 8 bytes" in _error(info.value)["message"]
    done = client.uploads.complete(upload_id, part_ids=[abc.id, de.id])
    assert done.file is not None
    assert client.files.content(done.file.id).content == b"abcde"


def test_part_for_completed_upload_is_bad_request(client: openai.OpenAI) -> None:
    upload_id = new_upload(client, 3)
    part = client.uploads.parts.create(upload_id, data=b"abc")
    client.uploads.complete(upload_id, part_ids=[part.id])
    with pytest.raises(openai.BadRequestError):
        client.uploads.parts.create(upload_id, data=b"abc")
    with pytest.raises(openai.BadRequestError):
        client.uploads.complete(upload_id, part_ids=[part.id])
    with pytest.raises(openai.BadRequestError):
        client.uploads.cancel(upload_id)


def test_part_for_cancelled_upload_is_bad_request(client: openai.OpenAI) -> None:
    upload_id = new_upload(client, 3)
    client.uploads.cancel(upload_id)
    with pytest.raises(openai.BadRequestError):
        client.uploads.parts.create(upload_id, data=b"abc")
    with pytest.raises(openai.BadRequestError):
        client.uploads.complete(upload_id, part_ids=[])


def test_part_id_from_another_upload_is_bad_request(client: openai.OpenAI) -> None:
    first, second = new_upload(client, 3), new_upload(client, 3)
    foreign = client.uploads.parts.create(first, data=b"abc")
    with pytest.raises(openai.BadRequestError) as info:
        client.uploads.complete(second, part_ids=[foreign.id])
    assert _error(info.value)["param"] == "part_ids"


def test_duplicate_part_ids_are_bad_request(client: openai.OpenAI) -> None:
    upload_id = new_upload(client, 6)
    part = client.uploads.parts.create(upload_id, data=b"abc")
    with pytest.raises(openai.BadRequestError):
        client.uploads.complete(upload_id, part_ids=[part.id, part.id])


def test_unknown_ids_are_not_found(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError):
        client.uploads.parts.create("upload_nope", data=b"abc")
    with pytest.raises(openai.NotFoundError):
        client.uploads.complete("upload_nope", part_ids=[])
    with pytest.raises(openai.NotFoundError):
        client.uploads.cancel("upload_nope")
    with pytest.raises(openai.NotFoundError):
        client.files.retrieve("file-nope")
    with pytest.raises(openai.NotFoundError):
        client.files.content("file-nope")
    with pytest.raises(openai.NotFoundError):
        client.files.delete("file-nope")


def test_unknown_part_id_is_bad_request(client: openai.OpenAI) -> None:
    upload_id = new_upload(client, 3)
    with pytest.raises(openai.BadRequestError):
        client.uploads.complete(upload_id, part_ids=["part_nope"])


def test_missing_key_is_unauthorized(emulator: EmulatorServer) -> None:
    body = {"bytes": 1, "filename": "x", "mime_type": "text/plain", "purpose": "assistants"}
    for headers in ({}, {"Authorization": ""}, {"Authorization": "Basic abc"}):
        response = httpx.post(f"{emulator.base_url}/uploads", json=body, headers=headers)
        assert response.status_code == 401
        assert response.json()["error"]["type"] == "invalid_request_error"


def test_wrong_key_is_authentication_error(emulator: EmulatorServer) -> None:
    wrong = openai.OpenAI(base_url=emulator.base_url, api_key="sk-wrong", max_retries=0)
    with wrong, pytest.raises(openai.AuthenticationError) as info:
        new_upload(wrong, 3)
    assert _error(info.value)["code"] == "invalid_api_key"


def test_any_key_is_accepted_without_api_key_option(tmp_path: object) -> None:
    with (
        EmulatorServer() as server,
        openai.OpenAI(base_url=server.base_url, api_key="anything", max_retries=0) as c,
    ):
        assert new_upload(c, 3).startswith("upload_")


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"filename": "x", "mime_type": "t/p", "purpose": "assistants"}, "bytes"),
        ({"bytes": "3", "filename": "x", "mime_type": "t/p", "purpose": "assistants"}, "bytes"),
        ({"bytes": -1, "filename": "x", "mime_type": "t/p", "purpose": "assistants"}, "bytes"),
        (
            {
                "bytes": MAX_UPLOAD_BYTES + 1,
                "filename": "x",
                "mime_type": "t/p",
                "purpose": "batch",
            },
            "bytes",
        ),
        ({"bytes": 3, "mime_type": "t/p", "purpose": "assistants"}, "filename"),
        ({"bytes": 3, "filename": "x", "purpose": "assistants"}, "mime_type"),
        ({"bytes": 3, "filename": "x", "mime_type": "t/p", "purpose": "fun"}, "purpose"),
        ({"bytes": 3, "filename": "x", "mime_type": "t/p"}, "purpose"),
        ({"bytes": 3, "filename": 7, "mime_type": "t/p", "purpose": "evals"}, "filename"),
        (
            {
                "bytes": 3,
                "filename": "x",
                "mime_type": "t/p",
                "purpose": "user_data",
                "expires_after": {"anchor": "created_at", "seconds": 60},
            },
            "expires_after.seconds",
        ),
        (
            {
                "bytes": 3,
                "filename": "x",
                "mime_type": "t/p",
                "purpose": "user_data",
                "expires_after": {"anchor": "now", "seconds": 3600},
            },
            "expires_after.anchor",
        ),
        ({"bytes": 3, "filename": "x", "mime_type": "t/p", "purpose": "batch", "x": 1}, "x"),
    ],
)
def test_invalid_create_is_bad_request(
    emulator: EmulatorServer, body: dict[str, object], param: str
) -> None:
    response = httpx.post(
        f"{emulator.base_url}/uploads", json=body, headers={"Authorization": f"Bearer {API_KEY}"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["param"] == param


def test_part_without_data_field_is_bad_request(emulator: EmulatorServer) -> None:
    headers = {"Authorization": f"Bearer {API_KEY}"}
    with httpx.Client(base_url=emulator.base_url, headers=headers) as http:
        upload = http.post(
            "/uploads",
            json={"bytes": 3, "filename": "x", "mime_type": "text/jsonl", "purpose": "batch"},
        ).json()
        response = http.post(
            f"/uploads/{upload['id']}/parts",
            content=b"--bb--\r\n",
            headers={"Content-Type": "multipart/form-data; boundary=bb"},
        )
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "data"


def test_405_names_every_method_the_path_allows(emulator: EmulatorServer) -> None:
    headers = {"Authorization": f"Bearer {API_KEY}"}
    response = httpx.put(f"{emulator.base_url}/files/file-x", headers=headers)
    assert response.status_code == 405
    assert response.headers["allow"] == "DELETE, GET, HEAD"
    assert response.json()["error"]["type"] == "invalid_request_error"


_METHODS_OF_PATH = {
    "/v1/uploads": "POST",
    "/v1/uploads/upload_x/parts": "POST",
    "/v1/uploads/upload_x/complete": "POST",
    "/v1/uploads/upload_x/cancel": "POST",
    "/v1/files": "GET, HEAD, POST",
    "/v1/files/file-x": "DELETE, GET, HEAD",
    "/v1/files/file-x/content": "GET, HEAD",
    "/v1/_sink": "POST, PUT",
    "/v1/_emulator/faults": "DELETE, GET, HEAD, POST",
    "/v1/_emulator/script": "GET, HEAD, POST",
    "/v1/_emulator/requests": "DELETE, GET, HEAD",
}
_AZURE_PATHS = {
    f"{prefix}{path.removeprefix('/v1')}{query}": allow
    for path, allow in _METHODS_OF_PATH.items()
    if not path.startswith("/v1/_")
    for prefix, query in (("/openai", "?api-version=2025-04-01-preview"), ("/openai/v1", ""))
}


@pytest.mark.parametrize(("path", "allow"), sorted({**_METHODS_OF_PATH, **_AZURE_PATHS}.items()))
def test_every_405_carries_allow_naming_the_methods_of_its_path(
    emulator: EmulatorServer, path: str, allow: str
) -> None:
    headers = {"Authorization": f"Bearer {API_KEY}"}
    refused = [
        method
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
        if method not in allow.split(", ")
    ]
    with httpx.Client(base_url=emulator.azure_endpoint, headers=headers) as http:
        for method in refused:
            response = http.request(method, path)
            assert response.status_code == 405, (method, path)
            assert response.headers["allow"] == allow, (method, path)


def _multipart(*fields: tuple[str | None, bytes]) -> bytes:
    """A multipart body with boundary ``bb``: each field a name (None: no name) and bytes."""
    body = b""
    for name, data in fields:
        disposition = b"form-data" if name is None else f'form-data; name="{name}"'.encode()
        body += b"--bb\r\nContent-Disposition: " + disposition + b'; filename="p"\r\n\r\n'
        body += data + b"\r\n"
    return body + b"--bb--\r\n"


@pytest.mark.parametrize(
    ("fields", "param"),
    [
        ((("purpose", b"batch"), ("data", b"abc")), "purpose"),
        ((("data", b"abc"), ("extra", b"x")), "extra"),
        ((("attachment", b"x"), ("data", b"abc")), "attachment"),
        (((None, b"abc"),), None),
    ],
    ids=["an-api-field", "after-data", "before-data", "no-name"],
)
def test_an_unknown_part_field_anywhere_is_refused_and_no_part_is_kept(
    emulator: EmulatorServer, fields: tuple[tuple[str | None, bytes], ...], param: str | None
) -> None:
    headers = {"Authorization": f"Bearer {API_KEY}"}
    with httpx.Client(base_url=emulator.base_url, headers=headers) as http:
        upload = http.post(
            "/uploads",
            json={"bytes": 3, "filename": "x", "mime_type": "text/jsonl", "purpose": "batch"},
        ).json()
        response = http.post(
            f"/uploads/{upload['id']}/parts",
            content=_multipart(*fields),
            headers={"Content-Type": "multipart/form-data; boundary=bb"},
        )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["param"] == param
    named = param or "a field without a name"
    assert error["message"] == f"Unrecognized request argument supplied: {named}"
    assert emulator.store.received_bytes(upload["id"]) == 0
