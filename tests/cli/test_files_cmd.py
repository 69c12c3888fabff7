"""``openai-uploads files list|get|delete|download`` against a real emulator."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from openai_uploads import OpenAI

from .conftest import assert_usage_error, cli_env, make_file, one_line, run_cli


@pytest.fixture
def client(emulator: Any) -> Iterator[OpenAI]:
    with OpenAI(api_key=emulator.api_key, base_url=emulator.base_url, max_retries=0) as c:
        yield c


def add_file(client: OpenAI, name: str, data: bytes, purpose: str = "batch") -> str:
    return client.files.create(file=(name, data), purpose=purpose).id  # type: ignore[arg-type]


def test_list_prints_id_bytes_created_at_filename_purpose_tab_separated_newest_first(
    client: OpenAI, env: dict[str, str]
) -> None:
    first = add_file(client, "a.jsonl", b'{"a": 1}\n')
    second = add_file(client, "b c.jsonl", b'{"b": 22}\n', purpose="fine-tune")

    result = run_cli("files", "list", env=env)

    assert result.returncode == 0, result.stderr
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert [row[0] for row in rows] == [second, first]
    assert rows[0][1:] == ["10", rows[0][2], "b c.jsonl", "fine-tune"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", rows[0][2])


def test_list_json_prints_one_file_object_per_line(client: OpenAI, env: dict[str, str]) -> None:
    file_id = add_file(client, "a.jsonl", b'{"a": 1}\n')

    result = run_cli("files", "list", "--json", env=env)

    assert result.returncode == 0, result.stderr
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(o["id"], o["bytes"], o["filename"]) for o in objects] == [(file_id, 9, "a.jsonl")]


def test_list_purpose_shows_only_files_of_that_purpose(client: OpenAI, env: dict[str, str]) -> None:
    add_file(client, "a.jsonl", b"{}\n", purpose="batch")
    tuned = add_file(client, "b.jsonl", b"{}\n", purpose="fine-tune")

    result = run_cli("files", "list", "--purpose", "fine-tune", env=env)

    assert [line.split("\t")[0] for line in result.stdout.splitlines()] == [tuned]


def test_list_limit_and_order_asc_print_the_oldest_n(client: OpenAI, env: dict[str, str]) -> None:
    ids = [add_file(client, f"{i}.jsonl", b"{}\n") for i in range(3)]

    result = run_cli("files", "list", "--order", "asc", "--limit", "2", env=env)

    assert result.returncode == 0, result.stderr
    assert [line.split("\t")[0] for line in result.stdout.splitlines()] == ids[:2]


def test_list_without_an_api_key_is_one_line_and_exit_1(emulator: Any) -> None:
    result = run_cli("files", "list", env=cli_env(emulator.base_url))

    assert result.returncode == 1
    assert "OPENAI_API_KEY is not set" in one_line(result.stderr)


def test_get_prints_one_name_value_line_per_field(client: OpenAI, env: dict[str, str]) -> None:
    file_id = add_file(client, "a.jsonl", b'{"a": 1}\n')

    result = run_cli("files", "get", file_id, env=env)

    assert result.returncode == 0, result.stderr
    fields = dict(line.split(": ", 1) for line in result.stdout.splitlines())
    assert fields["id"] == file_id
    assert fields["bytes"] == "9"
    assert fields["filename"] == "a.jsonl"
    assert fields["purpose"] == "batch"


def test_get_json_prints_the_file_object(client: OpenAI, env: dict[str, str]) -> None:
    file_id = add_file(client, "a.jsonl", b'{"a": 1}\n')

    result = run_cli("files", "get", file_id, "--json", env=env)

    assert json.loads(result.stdout) == client.files.retrieve(file_id).to_dict()


def test_get_of_an_unknown_file_is_one_line_naming_it_and_exit_1(env: dict[str, str]) -> None:
    result = run_cli("files", "get", "file-nope", env=env)

    assert result.returncode == 1
    assert result.stdout == ""
    line = one_line(result.stderr)
    assert line.startswith("openai-uploads: 404")
    assert "file-nope" in line


def test_delete_prints_each_id_deleted_and_the_files_are_gone(
    client: OpenAI, env: dict[str, str]
) -> None:
    ids = [add_file(client, f"{i}.jsonl", b"{}\n") for i in range(2)]

    result = run_cli("files", "delete", *ids, env=env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ids
    assert list(client.files.list()) == []


def test_delete_deletes_the_others_and_exits_1_naming_those_that_failed(
    client: OpenAI, env: dict[str, str]
) -> None:
    kept_going = add_file(client, "a.jsonl", b"{}\n")

    result = run_cli("files", "delete", "file-nope", kept_going, env=env)

    assert result.returncode == 1
    assert result.stdout.splitlines() == [kept_going]
    assert "cannot delete file-nope: 404" in result.stderr
    assert result.stderr.splitlines()[-1] == "openai-uploads: 1 of 2 not deleted: file-nope"
    assert list(client.files.list()) == []


def test_download_writes_the_files_name_in_the_current_directory(
    client: OpenAI, env: dict[str, str], tmp_path: Path
) -> None:
    data = make_file(tmp_path / "src.jsonl", 300_000).read_bytes()
    file_id = add_file(client, "train.jsonl", data)
    work = tmp_path / "work"
    work.mkdir()

    result = run_cli("files", "download", file_id, env=env, cwd=work)

    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert [p.name for p in work.iterdir()] == ["train.jsonl"]
    assert (work / "train.jsonl").read_bytes() == data


def test_download_o_path_writes_there(client: OpenAI, env: dict[str, str], tmp_path: Path) -> None:
    file_id = add_file(client, "a.jsonl", b'{"a": 1}\n')

    result = run_cli("files", "download", file_id, "-o", str(tmp_path / "copy.jsonl"), env=env)

    assert result.returncode == 0, result.stderr
    assert (tmp_path / "copy.jsonl").read_bytes() == b'{"a": 1}\n'


def test_download_o_directory_writes_the_files_name_inside_it(
    client: OpenAI, env: dict[str, str], tmp_path: Path
) -> None:
    file_id = add_file(client, "a.jsonl", b'{"a": 1}\n')

    result = run_cli("files", "download", file_id, "-o", str(tmp_path), env=env)

    assert result.returncode == 0, result.stderr
    assert (tmp_path / "a.jsonl").read_bytes() == b'{"a": 1}\n'


def test_download_o_dash_writes_the_bytes_to_stdout(
    client: OpenAI, env: dict[str, str], tmp_path: Path
) -> None:
    file_id = add_file(client, "a.jsonl", b'{"a": 1}\n{"b": 2}\n')
    work = tmp_path / "work"
    work.mkdir()

    result = run_cli("files", "download", file_id, "-o", "-", env=env, cwd=work)

    assert result.returncode == 0, result.stderr
    assert result.stdout == '{"a": 1}\n{"b": 2}\n'
    assert list(work.iterdir()) == []


def test_download_refuses_to_replace_an_existing_file_without_clobber(
    client: OpenAI, env: dict[str, str], tmp_path: Path
) -> None:
    file_id = add_file(client, "a.jsonl", b"new\n")
    target = tmp_path / "a.jsonl"
    target.write_bytes(b"old\n")

    refused = run_cli("files", "download", file_id, "-o", str(target), env=env)
    assert refused.returncode == 1
    assert "--clobber" in one_line(refused.stderr)
    assert target.read_bytes() == b"old\n"

    replaced = run_cli("files", "download", file_id, "-o", str(target), "--clobber", env=env)
    assert replaced.returncode == 0, replaced.stderr
    assert target.read_bytes() == b"new\n"


def test_download_of_an_unknown_file_leaves_nothing_behind(
    env: dict[str, str], tmp_path: Path
) -> None:
    work = tmp_path / "work"
    work.mkdir()

    result = run_cli("files", "download", "file-nope", "-o", str(work / "x"), env=env)

    assert result.returncode == 1
    assert "file-nope" in one_line(result.stderr)
    assert list(work.iterdir()) == []


def test_files_commands_reach_what_upload_local_kept_in_its_data_dir(tmp_path: Path) -> None:
    env = cli_env()
    data_dir = tmp_path / "emulator"
    source = make_file(tmp_path / "a.jsonl", 5000)
    local = ("--local", "--data-dir", str(data_dir))
    uploaded = run_cli("upload", str(source), "--purpose", "batch", "-q", *local, env=env)
    assert uploaded.returncode == 0, uploaded.stderr
    file_id = uploaded.stdout.strip()

    listed = run_cli("files", "list", *local, env=env)
    fetched = run_cli("files", "download", file_id, "-o", str(tmp_path / "b"), *local, env=env)

    assert listed.stdout.split("\t")[0] == file_id
    assert fetched.returncode == 0, fetched.stderr
    assert (tmp_path / "b").read_bytes() == source.read_bytes()


def test_data_dir_without_local_is_a_usage_error(env: dict[str, str], tmp_path: Path) -> None:
    result = run_cli("files", "list", "--data-dir", str(tmp_path), env=env)

    assert_usage_error(result, "--data-dir only applies with --local")


def test_local_with_azure_endpoint_is_a_usage_error(env: dict[str, str]) -> None:
    result = run_cli(
        "files", "list", "--local", "--azure-endpoint", "https://x.openai.azure.com", env=env
    )

    assert_usage_error(result, "--local and --azure-endpoint cannot be used together")


def test_list_through_azure_shows_what_was_uploaded_there(tmp_path: Path, emulator: Any) -> None:
    env = cli_env()
    env["AZURE_OPENAI_API_KEY"] = emulator.api_key
    azure = ("--azure-endpoint", emulator.azure_endpoint, "--api-version", "2025-04-01-preview")
    first = make_file(tmp_path / "a.jsonl", 1000)
    second = make_file(tmp_path / "b.jsonl", 2000, seed=2)
    uploaded = run_cli("upload", str(first), str(second), "--purpose", "batch", *azure, env=env)
    assert uploaded.returncode == 0, uploaded.stderr

    listed = run_cli("files", "list", "--order", "asc", "--json", *azure, env=env)

    assert listed.returncode == 0, listed.stderr
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert sorted((r["filename"], r["bytes"]) for r in rows) == [
        ("a.jsonl", 1000),
        ("b.jsonl", 2000),
    ]
