"""What an ``UploadResult`` keeps of its Upload: the JSON, built again when read."""

from __future__ import annotations

import gc
from pathlib import Path

from openai_uploads import OpenAI, Upload, UploadResult

from .conftest import jsonl_files


def test_an_upload_read_again_after_it_was_let_go_equals_the_one_returned(
    client: OpenAI, tmp_path: Path
) -> None:
    kept: dict[int, Upload] = {}

    def keep(result: UploadResult) -> None:
        assert result.upload is not None
        kept[result.index] = result.upload

    results = client.uploads.upload_many(jsonl_files(tmp_path, 2), purpose="batch", on_result=keep)
    first = kept.pop(0)
    assert results[0].upload is first  # held by the caller: the same object
    dump, request_id = first.to_dict(), first._request_id
    assert request_id is not None
    del first
    gc.collect()
    assert results[0]._built() is None  # nothing holds it now: it is built again
    upload = results[0].upload
    assert upload is not None
    assert upload.to_dict() == dump
    assert upload.status == "completed"
    assert upload.file is not None
    assert upload.file.id == results[0].file_id
    assert upload._request_id == request_id
    assert results[0].upload is upload


def test_results_compare_and_show_with_their_upload(client: OpenAI, tmp_path: Path) -> None:
    (result,) = client.uploads.upload_many(jsonl_files(tmp_path, 1), purpose="batch")
    twin = UploadResult(
        index=result.index,
        name=result.name,
        path=result.path,
        upload=result.upload,
        file_id=result.file_id,
        bytes=result.bytes,
    )
    assert twin == result
    assert repr(result).startswith(f"UploadResult(index=0, name={result.name!r}, ")
    assert f"upload={result.upload!r}, file_id={result.file_id!r}" in repr(result)
