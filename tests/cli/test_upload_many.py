"""``openai-uploads upload`` with several files, a directory, stdin and globs: the
console script in a subprocess against a real emulator."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

from openai_uploads import OpenAI
from openai_uploads.emulator._faults import FaultConfig

from .conftest import RequestCounter, assert_usage_error, make_file, run_cli, start_cli


def _tree(root: Path) -> list[Path]:
    (root / "sub").mkdir(parents=True)
    return [
        make_file(root / "a.jsonl", 3000, seed=1),
        make_file(root / "b.jsonl", 5000, seed=2),
        make_file(root / "notes.txt", 100, seed=3),
        make_file(root / "sub" / "c.jsonl", 7000, seed=4),
    ]


def test_several_files_print_path_tab_file_id_each_and_exit_0(
    tmp_path: Path, emulator: Any, env: dict[str, str]
) -> None:
    a, b = make_file(tmp_path / "a.jsonl", 1000, 1), make_file(tmp_path / "b.jsonl", 2000, 2)
    result = run_cli("upload", str(a), str(b), "--purpose", "batch", env=env)
    assert result.returncode == 0, result.stderr
    lines = dict(line.split("\t") for line in result.stdout.splitlines())
    assert set(lines) == {str(a), str(b)}
    with OpenAI(api_key=emulator.api_key, base_url=emulator.base_url) as client:
        for path, file_id in lines.items():
            assert client.files.content(file_id).content == Path(path).read_bytes()
    assert "uploaded 2 of 2 files" in result.stderr


def test_a_directory_is_walked_recursively_with_include_and_exclude(
    tmp_path: Path, env: dict[str, str]
) -> None:
    files = _tree(tmp_path / "data")
    result = run_cli(
        "upload",
        str(tmp_path / "data"),
        "--purpose",
        "batch",
        "--include",
        "*.jsonl",
        "--exclude",
        "b.*",
        env=env,
    )
    assert result.returncode == 0, result.stderr
    sent = sorted(line.split("\t")[0] for line in result.stdout.splitlines())
    assert sent == sorted([str(files[0]), str(files[3])])


def test_json_prints_one_object_per_file(tmp_path: Path, env: dict[str, str]) -> None:
    files = _tree(tmp_path / "data")
    result = run_cli(
        "upload",
        str(tmp_path / "data"),
        "--purpose",
        "batch",
        "--include",
        "*.jsonl",
        "--json",
        env=env,
    )
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert sorted(r["path"] for r in records) == sorted(
        str(f) for f in files if f.suffix == ".jsonl"
    )
    assert all(r["file_id"].startswith("file-") and r["upload_id"] for r in records)


def test_a_failed_file_is_named_and_the_exit_status_is_1(
    tmp_path: Path, env: dict[str, str]
) -> None:
    good = make_file(tmp_path / "good.jsonl", 1000)
    bad = tmp_path / "weights.bin"
    bad.write_bytes(b"\x00\x01" * 100)
    result = run_cli("upload", str(good), str(bad), "--purpose", "batch", env=env)
    assert result.returncode == 1
    assert result.stdout.split("\t")[0] == str(good)
    assert f"failed: {bad}" in result.stderr
    assert "1 of 2 files failed" in result.stderr


def test_dry_run_lists_the_files_and_the_total_and_sends_no_request(
    tmp_path: Path, env: dict[str, str], requests_seen: RequestCounter
) -> None:
    files = _tree(tmp_path / "data")
    result = run_cli(
        "upload", str(tmp_path / "data"), "--purpose", "assistants", "--dry-run", env=env
    )
    assert result.returncode == 0, result.stderr
    listed = [line.split("\t") for line in result.stdout.splitlines()]
    assert sorted(row[0] for row in listed) == sorted(map(str, files))
    assert [row[2] for row in listed if row[0].endswith(".txt")] == ["text/plain"]
    assert "4 files" in result.stderr
    assert "(15100 bytes)" in result.stderr
    assert requests_seen.emulator.requests() == []


def test_stdin_among_files_needs_a_filename_and_is_sent(
    tmp_path: Path, env: dict[str, str]
) -> None:
    a = make_file(tmp_path / "a.jsonl", 1000)
    proc = subprocess.run(
        [
            str(Path(run_cli.__globals__["CLI"])),
            "upload",
            str(a),
            "-",
            "--filename",
            "in.jsonl",
            "--purpose",
            "batch",
        ],
        input=b'{"from": "stdin"}\n',
        env=env,
        capture_output=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    names = [line.split(b"\t")[0] for line in proc.stdout.splitlines()]
    assert sorted(names) == sorted([str(a).encode(), b"-:in.jsonl"])


def test_manifest_makes_a_second_run_send_nothing(
    tmp_path: Path, env: dict[str, str], requests_seen: RequestCounter
) -> None:
    _tree(tmp_path / "data")
    manifest = tmp_path / "sent.jsonl"
    args = ["upload", str(tmp_path / "data"), "--purpose", "batch", "--include", "*.jsonl"]
    first = run_cli(*args, "--manifest", str(manifest), env=env)
    assert first.returncode == 0, first.stderr
    requests_seen.reset()
    second = run_cli(*args, "--manifest", str(manifest), env=env)
    assert second.returncode == 0, second.stderr
    assert sorted(second.stdout.splitlines()) == sorted(first.stdout.splitlines())
    assert "3 already uploaded" in second.stderr
    assert requests_seen.emulator.requests() == []


def test_ctrl_c_cancels_the_pending_uploads_and_exits_130_within_5_seconds(
    tmp_path: Path, emulator: Any, env: dict[str, str], requests_seen: RequestCounter
) -> None:
    for i in range(40):
        make_file(tmp_path / f"f{i:02d}.jsonl", 2000, seed=i)
    emulator.set_faults(FaultConfig(latency=0.2))
    proc = start_cli("upload", str(tmp_path), "--purpose", "batch", "--concurrency", "4", env=env)
    assert proc.stdout is not None
    proc.stdout.readline()  # one file is done: the others are on their way
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=10)
    assert time.monotonic() - sent < 5.0
    assert proc.returncode == 130, err
    assert "interrupted" in err
    ok = [r for r in emulator.requests() if r.status == 200]
    created = sum(r.endpoint == "create" for r in ok)
    ended = sum(r.endpoint in ("complete", "cancel") for r in ok)
    assert created == ended


def test_bwlimit_is_a_size_per_second(tmp_path: Path, env: dict[str, str]) -> None:
    files = [make_file(tmp_path / f"f{i}.jsonl", 64 * 1024, seed=i) for i in range(8)]
    started = time.monotonic()
    result = run_cli(
        "upload", *map(str, files), "--purpose", "batch", "--bwlimit", "256KiB", env=env
    )
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    assert elapsed >= 0.9 * (8 * 64 * 1024 - 256 * 1024 * 0.05) / (256 * 1024)


def test_a_bad_bwlimit_is_a_usage_error(tmp_path: Path, env: dict[str, str]) -> None:
    a = make_file(tmp_path / "a.jsonl", 100)
    result = run_cli("upload", str(a), str(a), "--purpose", "batch", "--bwlimit", "fast", env=env)
    assert result.returncode == 2


def test_stdin_given_twice_is_a_usage_error(tmp_path: Path, env: dict[str, str]) -> None:
    result = run_cli("upload", "-", "-", "--filename", "in.jsonl", "--purpose", "batch", env=env)
    assert_usage_error(result, "stdin ('-') can be read only once")


def test_an_empty_directory_is_a_usage_error_that_says_so(
    tmp_path: Path, env: dict[str, str], requests_seen: RequestCounter
) -> None:
    (tmp_path / "empty").mkdir()
    result = run_cli("upload", str(tmp_path / "empty"), "--purpose", "batch", env=env)
    assert_usage_error(result, "no files to upload: the directories given hold no files")
    assert requests_seen.emulator.requests() == []


def test_globs_that_leave_no_file_are_a_usage_error_even_in_a_dry_run(
    tmp_path: Path, env: dict[str, str]
) -> None:
    _tree(tmp_path / "data")
    args = ["upload", str(tmp_path / "data"), "--purpose", "batch", "--dry-run"]
    result = run_cli(*args, "--include", "*.pdf", env=env)
    assert_usage_error(result, "--include / --exclude left none of the 4 files found")


def test_a_path_with_a_tab_or_a_newline_is_printed_as_a_json_string(
    tmp_path: Path, env: dict[str, str]
) -> None:
    tab = make_file(tmp_path / "a\tb.jsonl", 100, seed=1)
    newline = make_file(tmp_path / "c\nd.jsonl", 100, seed=2)
    result = run_cli("upload", str(tab), str(newline), "--purpose", "batch", env=env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    shown = {json.loads(line.split("\t")[0]) for line in lines}
    assert shown == {str(tab), str(newline)}


def test_a_dangling_symlink_in_a_directory_fails_as_one_file_of_the_set(
    tmp_path: Path, env: dict[str, str]
) -> None:
    (tmp_path / "data").mkdir()
    good = make_file(tmp_path / "data" / "good.jsonl", 100)
    (tmp_path / "data" / "gone.jsonl").symlink_to(tmp_path / "nowhere.jsonl")
    result = run_cli("upload", str(tmp_path / "data"), "--purpose", "batch", env=env)
    assert result.returncode == 1, result.stderr
    assert result.stdout.split("\t")[0] == str(good)
    assert f"failed: {tmp_path / 'data' / 'gone.jsonl'}: " in result.stderr
    assert "No such file or directory" in result.stderr
    assert "Traceback" not in result.stderr
    assert "unexpected error" not in result.stderr


def _listed(directory: Path, env: dict[str, str], *options: str) -> list[str]:
    """The paths ``upload DIRECTORY --dry-run OPTIONS`` lists (it must exit 0)."""
    args = ["upload", str(directory), "--purpose", "batch", "--dry-run", *options]
    result = run_cli(*args, env=env)
    assert result.returncode == 0, result.stderr
    return [line.split("\t")[0] for line in result.stdout.splitlines()]


def test_a_symlink_loop_in_a_directory_is_not_followed(tmp_path: Path, env: dict[str, str]) -> None:
    (tmp_path / "data" / "sub").mkdir(parents=True)
    good = make_file(tmp_path / "data" / "sub" / "good.jsonl", 100)
    (tmp_path / "data" / "sub" / "loop").symlink_to(tmp_path / "data")
    assert _listed(tmp_path / "data", env) == [str(good)]


def test_an_excluded_directory_excludes_every_file_in_it(
    tmp_path: Path, env: dict[str, str]
) -> None:
    files = _tree(tmp_path / "data")
    (tmp_path / "data" / ".git" / "objects").mkdir(parents=True)
    make_file(tmp_path / "data" / ".git" / "objects" / "x.jsonl", 100)
    listed = _listed(tmp_path / "data", env, "--exclude", "sub/", "--exclude", ".*")
    assert listed == [str(f) for f in files if f.parent.name == "data"]


def test_an_included_directory_includes_every_file_in_it(
    tmp_path: Path, env: dict[str, str]
) -> None:
    files = _tree(tmp_path / "data")
    assert _listed(tmp_path / "data", env, "--include", "sub") == [str(files[3])]


def test_a_file_named_twice_is_sent_once(
    tmp_path: Path, env: dict[str, str], requests_seen: RequestCounter
) -> None:
    files = _tree(tmp_path / "data")
    result = run_cli(
        "upload", str(tmp_path / "data"), str(files[0]), "--purpose", "assistants", env=env
    )
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 4
    assert requests_seen["complete"] == 4


def test_recursive_is_accepted_and_a_directory_is_walked_either_way(
    tmp_path: Path, env: dict[str, str]
) -> None:
    _tree(tmp_path / "data")
    with_r = _listed(tmp_path / "data", env, "-r")
    assert with_r == _listed(tmp_path / "data", env)
    assert len(with_r) == 4


def test_bwlimit_takes_binary_and_decimal_units_and_a_per_second_suffix(
    tmp_path: Path, env: dict[str, str]
) -> None:
    a, b = make_file(tmp_path / "a.jsonl", 100, 1), make_file(tmp_path / "b.jsonl", 100, 2)
    for rate in ("10MiB", "1.5M", "10MiB/s"):
        result = run_cli(
            "upload",
            str(a),
            str(b),
            "--purpose",
            "batch",
            "--bwlimit",
            rate,
            "--dry-run",
            env=env,
        )
        assert result.returncode == 0, (rate, result.stderr)
