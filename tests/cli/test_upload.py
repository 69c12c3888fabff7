"""``openai-uploads upload`` and ``cancel`` against a real emulator, as a user runs them."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from .conftest import MiB, RequestCounter, make_file, one_line, run_cli


def test_upload_json_prints_the_completed_upload_and_the_file_bytes_match(
    tmp_path: Path, emulator: Any, env: dict[str, str], requests_seen: RequestCounter
) -> None:
    data = make_file(tmp_path / "train.jsonl", 5 * MiB + 123)
    result = run_cli(
        "upload", str(data), "--purpose", "fine-tune", "--part-size", "1MiB", "--json", env=env
    )
    assert result.returncode == 0, result.stderr
    upload = json.loads(result.stdout)
    assert upload["status"] == "completed"
    assert upload["bytes"] == data.stat().st_size
    assert upload["filename"] == "train.jsonl"
    assert upload["purpose"] == "fine-tune"
    assert requests_seen["parts"] == 6
    stored = emulator.store.file_path(upload["file"]["id"]).read_bytes()
    assert stored == data.read_bytes()


def test_plain_output_is_only_the_file_id_when_piped(
    tmp_path: Path, emulator: Any, env: dict[str, str]
) -> None:
    data = make_file(tmp_path / "notes.txt", 300_000)
    result = run_cli("upload", str(data), "--purpose", "assistants", env=env)
    assert result.returncode == 0, result.stderr
    file_id = result.stdout.strip()
    assert result.stdout == file_id + "\n"
    assert file_id.startswith("file-")
    assert result.stderr == ""  # no progress bar, no notes: stderr is not a terminal
    assert emulator.store.file_path(file_id).read_bytes() == data.read_bytes()


def test_mime_type_is_guessed_from_the_file_name(
    tmp_path: Path, emulator: Any, env: dict[str, str]
) -> None:
    expected = {
        "a.jsonl": "application/jsonl",
        "b.csv": "text/csv",
        "c.pdf": "application/pdf",
        "d.unknownext": "application/octet-stream",
    }
    for name, mime_type in expected.items():
        result = run_cli(
            "upload",
            str(make_file(tmp_path / name, 1000)),
            "--purpose",
            "user_data",
            "--json",
            env=env,
        )
        assert result.returncode == 0, result.stderr
        upload_id = json.loads(result.stdout)["id"]
        assert emulator.store.get_upload(upload_id).mime_type == mime_type, name


def test_mime_type_option_overrides_the_guess(
    tmp_path: Path, emulator: Any, env: dict[str, str]
) -> None:
    data = make_file(tmp_path / "a.jsonl", 1000)
    result = run_cli(
        "upload",
        str(data),
        "--purpose",
        "assistants",
        "--mime-type",
        "text/plain",
        "--json",
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert emulator.store.get_upload(json.loads(result.stdout)["id"]).mime_type == "text/plain"


def test_expires_after_sets_the_file_expiry_in_seconds(
    tmp_path: Path, emulator: Any, env: dict[str, str]
) -> None:
    data = make_file(tmp_path / "a.jsonl", 1000)
    result = run_cli(
        "upload", str(data), "--purpose", "batch", "--expires-after", "7d", "--json", env=env
    )
    assert result.returncode == 0, result.stderr
    file = json.loads(result.stdout)["file"]
    assert file["expires_at"] - file["created_at"] == 7 * 86400


def test_wrong_md5_exits_1_and_cancels_the_upload(
    tmp_path: Path, emulator: Any, env: dict[str, str]
) -> None:
    data = make_file(tmp_path / "a.jsonl", 2 * MiB)
    result = run_cli("upload", str(data), "--purpose", "batch", "--md5", "0" * 32, env=env)
    assert result.returncode == 1
    line = one_line(result.stderr)
    assert "md5" in line
    assert result.stdout == ""
    upload_id = next(word for word in line.replace(",", " ").split() if word.startswith("upload_"))
    assert emulator.store.get_upload(upload_id).status == "cancelled"


def test_right_md5_is_accepted(tmp_path: Path, emulator: Any, env: dict[str, str]) -> None:
    data = make_file(tmp_path / "a.jsonl", 2 * MiB)
    md5 = hashlib.md5(data.read_bytes()).hexdigest()
    result = run_cli("upload", str(data), "--purpose", "batch", "--md5", md5.upper(), env=env)
    assert result.returncode == 0, result.stderr


def test_local_verify_uploads_to_the_embedded_emulator_and_verifies(tmp_path: Path) -> None:
    from .conftest import cli_env

    data = make_file(tmp_path / "sample.jsonl", 3 * MiB + 5)
    keep = tmp_path / "local-data"
    result = run_cli(
        "upload", str(data), "--purpose", "fine-tune", "--local", "--verify",
        "--data-dir", str(keep), "--part-size", "1MiB",
        env=cli_env(),  # no key, no base URL: --local needs neither
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    file_id = result.stdout.strip()
    assert file_id.startswith("file-")
    from openai_uploads.emulator import Store

    store = Store(keep)  # the data dir is free again once the command has exited
    try:
        assert store.read_file(file_id) == data.read_bytes()
    finally:
        store.close()


def test_local_without_data_dir_leaves_nothing_behind(tmp_path: Path) -> None:
    from .conftest import cli_env

    env = cli_env()
    env["TMPDIR"] = str(tmp_path / "tmp")
    (tmp_path / "tmp").mkdir()
    data = make_file(tmp_path / "sample.jsonl", 100_000)
    result = run_cli("upload", str(data), "--purpose", "batch", "--local", "--verify", env=env)
    assert result.returncode == 0, result.stderr
    assert list((tmp_path / "tmp").iterdir()) == []


def test_cancel_prints_the_cancelled_status(
    tmp_path: Path, emulator: Any, env: dict[str, str]
) -> None:
    upload = emulator.store.create_upload(
        filename="a.jsonl", bytes=10, mime_type="application/jsonl", purpose="batch",
        file_expires_seconds=None,
    )  # fmt: skip
    result = run_cli("cancel", upload.id, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{upload.id} cancelled\n"
    assert emulator.store.get_upload(upload.id).status == "cancelled"


def test_cancel_json_prints_the_cancelled_upload(
    tmp_path: Path, emulator: Any, env: dict[str, str]
) -> None:
    upload = emulator.store.create_upload(
        filename="a.jsonl", bytes=10, mime_type="application/jsonl", purpose="batch",
        file_expires_seconds=None,
    )  # fmt: skip
    result = run_cli("cancel", upload.id, "--json", env=env)
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert (body["id"], body["status"]) == (upload.id, "cancelled")


def test_cancel_of_an_unknown_upload_exits_1_with_one_line(env: dict[str, str]) -> None:
    result = run_cli("cancel", "upload_doesnotexist", env=env)
    assert result.returncode == 1
    assert "404" in one_line(result.stderr)


def test_no_md5_uploads_without_an_md5(tmp_path: Path, emulator: Any, env: dict[str, str]) -> None:
    data = make_file(tmp_path / "a.jsonl", 2 * MiB)
    result = run_cli("upload", str(data), "--purpose", "batch", "--no-md5", "--json", env=env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["status"] == "completed"
