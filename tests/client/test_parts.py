"""What ``parts.create(data=...)`` accepts, the 64 MiB limit, and the multipart boundary."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pytest
from part_calls import send_part

from openai_uploads import MissingFileError, OpenAI
from openai_uploads._constants import MAX_PART_SIZE

from .conftest import PART_JSON, Reply, ScriptedServer

TRICKY = b'before\r\n--+++\r\nContent-Disposition: form-data; name="x"\r\n\r\nafter\r\n--+++--\r\n'


def _complete_one_part(client: OpenAI, data: Any, size: int | None = None) -> bytes:
    upload = client.uploads.create(
        bytes=len(data) if size is None else size,
        filename="t.bin",
        mime_type="application/jsonl",
        purpose="batch",
    )
    part = client.uploads.parts.create(upload.id, data=data)
    completed = client.uploads.complete(upload.id, part_ids=[part.id])
    assert completed.file
    return client.files.content(completed.file.id).content


def test_part_containing_the_fixed_boundary_arrives_intact(client: OpenAI) -> None:
    assert _complete_one_part(client, TRICKY) == TRICKY


def test_part_starting_with_the_fixed_boundary_arrives_intact(client: OpenAI) -> None:
    data = b"--+++ at the start\r\n"
    assert _complete_one_part(client, data) == data


def test_part_containing_the_fixed_boundary_gets_a_random_boundary(
    scripted: ScriptedServer, scripted_client: OpenAI
) -> None:
    scripted.script(Reply(body=PART_JSON), Reply(body=PART_JSON))
    scripted_client.uploads.parts.create("upload_abc", data=b"plain")
    scripted_client.uploads.parts.create("upload_abc", data=TRICKY)
    plain, tricky = (r.headers["content-type"] for r in scripted.requests)
    assert plain == "multipart/form-data; boundary=+++"
    assert tricky.startswith("multipart/form-data; boundary=")
    assert tricky != plain


@pytest.mark.parametrize(
    "make_data",
    [
        pytest.param(lambda p, b: b, id="bytes"),
        pytest.param(lambda p, b: bytearray(b), id="bytearray"),
        pytest.param(lambda p, b: memoryview(b), id="memoryview"),
        pytest.param(lambda p, b: io.BytesIO(b), id="file-object"),
        pytest.param(lambda p, b: str(p), id="str-path"),
        pytest.param(lambda p, b: p, id="pathlike"),
        pytest.param(lambda p, b: ("name.bin", b), id="tuple2"),
        pytest.param(lambda p, b: ("name.bin", io.BytesIO(b), "application/x-y"), id="tuple3"),
    ],
)
def test_part_data_forms_all_arrive_intact(client: OpenAI, tmp_path: Path, make_data: Any) -> None:
    data = os.urandom(70_000)
    path = tmp_path / "chunk.bin"
    path.write_bytes(data)
    assert _complete_one_part(client, make_data(path, data), len(data)) == data


def test_tuple_filename_and_mime_type_are_sent(
    scripted: ScriptedServer, scripted_client: OpenAI
) -> None:
    scripted.script(Reply(body=PART_JSON))
    scripted_client.uploads.parts.create("upload_abc", data=("c.jsonl", b"{}", "application/x"))
    body = scripted.requests[0].body
    assert b'filename="c.jsonl"\r\nContent-Type: application/x\r\n' in body


def test_part_over_64_mib_is_refused_before_sending(
    scripted: ScriptedServer, scripted_client: OpenAI
) -> None:
    with pytest.raises(ValueError, match="64 MiB"):
        scripted_client.uploads.parts.create("upload_abc", data=b"\0" * (MAX_PART_SIZE + 1))
    assert scripted.requests == []


def test_path_over_64_mib_is_refused_without_reading_it(
    tmp_path: Path, scripted: ScriptedServer, scripted_client: OpenAI
) -> None:
    big = tmp_path / "big.bin"
    with big.open("wb") as f:
        f.truncate(MAX_PART_SIZE + 1)
    with pytest.raises(ValueError, match="64 MiB"):
        scripted_client.uploads.parts.create("upload_abc", data=big)
    assert scripted.requests == []


@pytest.mark.parametrize("clause", [FileNotFoundError, ValueError])
def test_a_missing_path_is_caught_by_either_except_clause(
    tmp_path: Path, scripted: ScriptedServer, scripted_client: OpenAI, clause: type[Exception]
) -> None:
    with pytest.raises(clause, match="No such file or directory") as info:
        scripted_client.uploads.parts.create("upload_abc", data=tmp_path / "missing.bin")
    assert isinstance(info.value, MissingFileError)
    assert scripted.requests == []


def test_text_file_object_is_refused(scripted_client: OpenAI) -> None:
    with pytest.raises(TypeError, match="binary"):
        scripted_client.uploads.parts.create("upload_abc", data=io.StringIO("text"))  # type: ignore[arg-type]


def test_empty_upload_id_is_refused(scripted_client: OpenAI) -> None:
    with pytest.raises(ValueError, match="upload_id"):
        scripted_client.uploads.parts.create("", data=b"abc")


def test_create_part_sends_the_buffer_without_copying_it(
    scripted: ScriptedServer, scripted_client: OpenAI
) -> None:
    buffer = bytearray(b"abcdef" * 50_000)
    scripted.script(Reply(body=PART_JSON))
    progress: list[int] = []
    part = send_part(
        scripted_client,
        "upload_abc",
        body=memoryview(buffer)[6:],
        filename="p7",
        on_progress=progress.append,
    )
    assert part.id == "part_abc"
    assert bytes(buffer[6:]) in scripted.requests[0].body
    assert b'filename="p7"' in scripted.requests[0].body
    assert progress == sorted(progress)
    assert progress[-1] == len(buffer) - 6
