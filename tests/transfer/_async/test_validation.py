"""Every bad input is refused with a clear error before any request reaches the server."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO
from unittest import mock

import pytest

from openai_uploads._client import AsyncOpenAI
from openai_uploads.emulator import EmulatorServer

from ..conftest import PART

BASE: dict[str, Any] = {"mime_type": "application/octet-stream", "purpose": "assistants"}


@pytest.fixture
def no_requests(server: EmulatorServer) -> Iterator[None]:
    before = server.fault_stats()["requests"]
    yield
    assert server.fault_stats()["requests"] == before, "a request reached the emulator"


@pytest.fixture
def small_file(tmp_path: Path) -> Path:
    path = tmp_path / "small.bin"
    path.write_bytes(b"x" * 100)
    return path


def _open_text(path: Path) -> TextIO:
    return open(path)


def _make_unreadable(path: Path) -> None:
    path.chmod(0)


def _make_sparse(path: Path, size: int) -> None:
    with open(path, "wb") as f:  # sparse: no disk used
        f.truncate(size)


async def _call(client: AsyncOpenAI, **kwargs: Any) -> None:
    await client.uploads.upload_file_chunked(**{**BASE, **kwargs})


@pytest.mark.usefixtures("no_requests")
async def test_bytes_without_filename_is_a_type_error(async_client: AsyncOpenAI) -> None:
    with pytest.raises(TypeError, match="filename"):
        await _call(async_client, file=b"abc", bytes=3)


@pytest.mark.usefixtures("no_requests")
async def test_bytes_without_size_is_a_type_error(async_client: AsyncOpenAI) -> None:
    with pytest.raises(TypeError, match="bytes"):
        await _call(async_client, file=b"abc", filename="a.txt")


@pytest.mark.usefixtures("no_requests")
async def test_nameless_file_object_without_filename_is_a_type_error(
    async_client: AsyncOpenAI,
) -> None:
    with pytest.raises(TypeError, match="filename"):
        await _call(async_client, file=io.BytesIO(b"abc"))


@pytest.mark.usefixtures("no_requests")
async def test_text_mode_file_is_a_type_error(async_client: AsyncOpenAI, small_file: Path) -> None:
    with _open_text(small_file) as f, pytest.raises(TypeError, match="binary mode"):
        await _call(async_client, file=f)


@pytest.mark.usefixtures("no_requests")
async def test_unsupported_input_is_a_type_error(async_client: AsyncOpenAI) -> None:
    with pytest.raises(TypeError, match="must be a path"):
        await _call(async_client, file=12345)


@pytest.mark.usefixtures("no_requests")
async def test_missing_path_is_a_value_error(async_client: AsyncOpenAI, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="No such file or directory"):
        await _call(async_client, file=tmp_path / "nope.bin")


@pytest.mark.usefixtures("no_requests")
async def test_missing_path_is_also_a_file_not_found_error(
    async_client: AsyncOpenAI, tmp_path: Path
) -> None:
    # openai-python lets FileNotFoundError through: code written for it catches this too.
    with pytest.raises(FileNotFoundError) as info:
        await _call(async_client, file=tmp_path / "nope.bin")
    assert info.value.filename == str(tmp_path / "nope.bin")


@pytest.mark.usefixtures("no_requests")
async def test_directory_is_a_value_error(async_client: AsyncOpenAI, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="directory"):
        await _call(async_client, file=tmp_path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
@pytest.mark.usefixtures("no_requests")
async def test_unreadable_file_is_a_value_error(
    async_client: AsyncOpenAI, small_file: Path
) -> None:
    _make_unreadable(small_file)
    with pytest.raises(ValueError, match="cannot be read"):
        await _call(async_client, file=small_file)


@pytest.mark.usefixtures("no_requests")
async def test_unreadable_file_is_a_value_error_even_for_root(
    async_client: AsyncOpenAI, small_file: Path
) -> None:
    with (
        mock.patch("builtins.open", side_effect=PermissionError(13, "Permission denied")),
        pytest.raises(ValueError, match="cannot be read"),
    ):
        await _call(async_client, file=small_file)


@pytest.mark.usefixtures("no_requests")
async def test_declared_size_that_disagrees_with_the_file_is_a_value_error(
    async_client: AsyncOpenAI, small_file: Path
) -> None:
    with pytest.raises(ValueError, match="disagrees"):
        await _call(async_client, file=small_file, bytes=99)


@pytest.mark.usefixtures("no_requests")
async def test_declared_size_that_disagrees_with_in_memory_data_is_a_value_error(
    async_client: AsyncOpenAI,
) -> None:
    with pytest.raises(ValueError, match="disagrees"):
        await _call(async_client, file=b"abc", filename="a", bytes=4)


@pytest.mark.parametrize("part_size", [0, -5, 64 * 1024 * 1024 + 1])
@pytest.mark.usefixtures("no_requests")
async def test_part_size_outside_1_byte_to_64_mib_is_a_value_error(
    async_client: AsyncOpenAI, small_file: Path, part_size: int
) -> None:
    with pytest.raises(ValueError, match="part_size"):
        await _call(async_client, file=small_file, part_size=part_size)


@pytest.mark.usefixtures("no_requests")
async def test_more_than_8_gib_is_a_value_error(async_client: AsyncOpenAI, tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    _make_sparse(big, 8 * 1024**3 + 1)
    with pytest.raises(ValueError, match="8 GiB"):
        await _call(async_client, file=big)


@pytest.mark.parametrize("md5", ["abc", "z" * 32, "0" * 33])
@pytest.mark.usefixtures("no_requests")
async def test_malformed_md5_is_a_value_error(
    async_client: AsyncOpenAI, small_file: Path, md5: str
) -> None:
    with pytest.raises(ValueError, match="md5"):
        await _call(async_client, file=small_file, md5=md5)


@pytest.mark.usefixtures("no_requests")
async def test_unknown_purpose_is_a_value_error(
    async_client: AsyncOpenAI, small_file: Path
) -> None:
    with pytest.raises(ValueError, match="purpose"):
        await _call(async_client, file=small_file, purpose="training")


@pytest.mark.parametrize("max_concurrency", [0, -1])
@pytest.mark.usefixtures("no_requests")
async def test_max_concurrency_below_one_is_a_value_error(
    async_client: AsyncOpenAI, small_file: Path, max_concurrency: int
) -> None:
    with pytest.raises(ValueError, match="max_concurrency"):
        await _call(async_client, file=small_file, max_concurrency=max_concurrency)


@pytest.mark.usefixtures("no_requests")
async def test_resume_of_a_non_seekable_stream_is_a_value_error_before_it_is_read(
    async_client: AsyncOpenAI, tmp_path: Path
) -> None:
    class Pipe(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def readinto(self, buffer: Any) -> int:
            raise AssertionError("read before the arguments were checked")

    with pytest.raises(ValueError, match="read only once"):
        await _call(
            async_client, file=Pipe(), filename="p", resume=True, state_file=tmp_path / "s.json"
        )


@pytest.mark.usefixtures("no_requests")
async def test_resume_of_in_memory_data_without_state_file_is_a_value_error(
    async_client: AsyncOpenAI,
) -> None:
    with pytest.raises(ValueError, match="state_file"):
        await _call(async_client, file=b"abc", filename="a", bytes=3, resume=True, part_size=PART)


@pytest.mark.usefixtures("no_requests")
async def test_an_unknown_purpose_names_the_field_and_the_purposes_the_api_takes(
    async_client: AsyncOpenAI, small_file: Path
) -> None:
    pattern = r"purpose must be one of 'assistants', 'batch', .*'evals'; got 'training'"
    with pytest.raises(ValueError, match=pattern):
        await _call(async_client, file=small_file, purpose="training")
    with pytest.raises(ValueError, match=pattern):
        await async_client.uploads.create(
            bytes=1, filename="a", mime_type="text/plain", purpose="training"
        )  # type: ignore[arg-type]


@pytest.mark.parametrize("days", [0, 31])
@pytest.mark.usefixtures("no_requests")
async def test_expires_after_in_days_out_of_range_is_reported_in_days(
    async_client: AsyncOpenAI, small_file: Path, days: int
) -> None:
    expires_after = {"anchor": "created_at", "days": days}
    message = rf"expires_after\['days'\] must be between 1 and 30; got {days}$"
    with pytest.raises(ValueError, match=message):
        await _call(async_client, file=small_file, expires_after=expires_after)
    with pytest.raises(ValueError, match=message):
        await async_client.uploads.create(
            bytes=1,
            filename="a",
            mime_type="text/plain",
            purpose="batch",
            expires_after=expires_after,  # type: ignore[arg-type]
        )
