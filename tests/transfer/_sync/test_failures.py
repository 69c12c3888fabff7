# Generated from tests/transfer/_async/test_failures.py by `python scripts/unasync.py`: do not edit.
"""What happens when a transfer cannot finish: vetoes, mismatches, a changing file, keeping."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path

import pytest

from openai_uploads._client import OpenAI
from openai_uploads._exceptions import (
    ChecksumMismatchError,
    InternalServerError,
    UploadError,
    UploadVetoedError,
)
from openai_uploads.emulator import EmulatorServer
from openai_uploads.emulator._faults import FaultConfig
from openai_uploads.hookspecs import (
    DigestsComputed,
    DigestSetup,
    HasherFactory,
    Veto,
    hookimpl,
)

from ..conftest import API_KEY, PART, FastRetries, Recorder, in_memory, random_bytes, status_of


class Sha256Policy:
    def __init__(self, expected: str) -> None:
        self.expected = expected

    @hookimpl
    def digest_algorithms(self, event: DigestSetup) -> Mapping[str, HasherFactory]:
        return {"sha256": hashlib.sha256}

    @hookimpl
    def check_digests(self, event: DigestsComputed) -> Veto | None:
        if event.digests["sha256"] != self.expected:
            return Veto(reason="sha256 is not the catalogued one", plugin="catalog")
        return None


def test_md5_mismatch_raises_checksum_mismatch_and_cancels_before_complete(
    server: EmulatorServer, client: OpenAI, recorder: Recorder
) -> None:
    data = random_bytes(PART + 1)
    with pytest.raises(ChecksumMismatchError, match="md5 mismatch") as caught:
        client.uploads.upload_file_chunked(**in_memory(data), md5="0" * 32)
    err = caught.value
    assert err.upload_cancelled
    assert status_of(server, err.upload_id or "") == "cancelled"
    assert err.upload_id in str(err)
    assert not recorder.of("completed")


def test_a_plugin_veto_raises_upload_vetoed_with_its_reason(
    server: EmulatorServer, recorder: Recorder
) -> None:
    data = random_bytes(3000)
    with OpenAI(
        api_key=API_KEY, base_url=server.base_url, plugins=[Sha256Policy("nope"), recorder]
    ) as client:
        with pytest.raises(UploadVetoedError, match="catalogued") as caught:
            client.uploads.upload_file_chunked(**in_memory(data))
    assert status_of(server, caught.value.upload_id or "") == "cancelled"


def test_extra_digests_from_plugins_are_computed_in_the_same_read(
    server: EmulatorServer, recorder: Recorder
) -> None:
    data = random_bytes(PART * 2 + 9)
    policy = Sha256Policy(hashlib.sha256(data).hexdigest())
    with OpenAI(api_key=API_KEY, base_url=server.base_url, plugins=[policy, recorder]) as client:
        client.uploads.upload_file_chunked(**in_memory(data))
    assert recorder.of("completed")[0].digests["sha256"] == policy.expected


def test_keep_on_failure_leaves_the_upload_pending_and_says_so(
    server: EmulatorServer, client: OpenAI, recorder: Recorder
) -> None:
    server.faults = FaultConfig(p_500=1.0, endpoints=frozenset({"parts"}))
    with pytest.raises(InternalServerError) as caught:
        client.uploads.upload_file_chunked(**in_memory(random_bytes(PART)), keep_on_failure=True)
    upload_id = caught.value.upload_id  # type: ignore[attr-defined]
    assert status_of(server, upload_id) == "pending"
    assert any("left pending" in note for note in caught.value.__notes__)
    assert recorder.of("failed")[0].kept_for_resume is True
    assert not recorder.of("cancelled")


def test_a_file_that_shrinks_while_read_fails_with_upload_error(
    server: EmulatorServer, client: OpenAI, tmp_path: Path
) -> None:
    path = tmp_path / "shrinking.bin"
    path.write_bytes(random_bytes(PART * 3))

    class Shrink:
        @hookimpl
        def on_upload_started(self, event: object) -> None:
            path.write_bytes(b"short")

    client.plugins.register(Shrink())
    with pytest.raises(UploadError, match="changed while") as caught:
        client.uploads.upload_file_chunked(
            file=path, mime_type="application/jsonl", purpose="batch", part_size=PART
        )
    assert status_of(server, caught.value.upload_id or "") == "cancelled"
    assert FastRetries  # the client fixture's fast retries are in place
