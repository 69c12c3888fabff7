"""``openai-uploads upload -`` reads its real standard input, a pipe from this process."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path
from typing import Any

from .conftest import CLI, MiB, RequestCounter, assert_usage_error, cli_env, one_line

DATA = bytes(range(256)) * (3 * MiB // 256) + b"tail"


def pipe_cli(*args: str, data: bytes, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The CLI with ``data`` written to its stdin, a pipe (``cat data | openai-uploads ...``)."""
    result = subprocess.run([str(CLI), *args], input=data, env=env, capture_output=True, timeout=60)
    return subprocess.CompletedProcess(
        result.args, result.returncode, result.stdout.decode(), result.stderr.decode()
    )


def test_stdin_of_unknown_size_is_uploaded_whole(
    emulator: Any, env: dict[str, str], requests_seen: RequestCounter
) -> None:
    result = pipe_cli(
        "upload", "-", "--filename", "data.jsonl", "--purpose", "batch", "--part-size", "1MiB",
        "--json", data=DATA, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    upload = json.loads(result.stdout)
    assert (upload["bytes"], upload["filename"]) == (len(DATA), "data.jsonl")
    assert emulator.store.file_path(upload["file"]["id"]).read_bytes() == DATA
    assert emulator.store.get_upload(upload["id"]).mime_type == "application/jsonl"
    assert requests_seen["parts"] == 4


def test_stdin_with_size_is_sent_as_it_is_read_and_verified(
    emulator: Any, env: dict[str, str]
) -> None:
    result = pipe_cli(
        "upload", "-", "--filename", "d.jsonl", "--size", str(len(DATA)), "--purpose",
        "batch", "--verify", "--json", data=DATA, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    upload = json.loads(result.stdout)
    assert emulator.store.file_path(upload["file"]["id"]).read_bytes() == DATA


def test_stdin_that_does_not_hold_its_size_exits_1_and_cancels_the_upload(
    emulator: Any, env: dict[str, str]
) -> None:
    result = pipe_cli(
        "upload", "-", "--filename", "d.jsonl", "--size", str(len(DATA) - 1), "--purpose",
        "batch", data=DATA, env=env,
    )  # fmt: skip
    assert result.returncode == 1
    line = one_line(result.stderr)
    assert "goes on past" in line
    upload_id = next(word for word in line.replace(",", " ").split() if word.startswith("upload_"))
    assert emulator.store.get_upload(upload_id).status == "cancelled"
    assert result.stdout == ""


def test_stdin_needs_filename(env: dict[str, str]) -> None:
    result = pipe_cli("upload", "-", "--purpose", "batch", data=DATA, env=env)
    assert_usage_error(result, "stdin", "--filename")


def test_stdin_cannot_be_resumed(env: dict[str, str]) -> None:
    result = pipe_cli(
        "upload", "-", "--filename", "d.jsonl", "--purpose", "batch", "--resume",
        data=DATA, env=env,
    )  # fmt: skip
    assert_usage_error(result, "--resume", "read only once")


def test_a_callers_md5_is_checked_even_when_the_selection_says_no_checksum(
    tmp_path: Path, emulator: Any, env: dict[str, str]
) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(DATA)
    off = {**env, "OPENAI_UPLOADS_PLUGINS": "no:checksum"}
    wrong = pipe_cli(
        "upload", str(path), "--purpose", "batch", "--md5", "0" * 32, data=b"", env=off
    )
    assert wrong.returncode == 1
    notice, failure = wrong.stderr.splitlines()
    assert "names 'checksum': the md5 is core behaviour, not a plugin" in notice
    assert "md5 mismatch" in failure
    right = hashlib.md5(DATA).hexdigest()
    result = pipe_cli("upload", str(path), "--purpose", "batch", "--md5", right, data=b"", env=off)
    assert result.returncode == 0, result.stderr


def test_a_usage_error_names_size_units(env: dict[str, str]) -> None:
    result = pipe_cli(
        "upload", "-", "--filename", "d", "--size", "9GiB", "--purpose", "batch", data=b"",
        env=cli_env(api_key="k"),
    )  # fmt: skip
    assert_usage_error(result, "--size", "8GiB")
