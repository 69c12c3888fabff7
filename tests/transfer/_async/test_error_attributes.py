"""Every error names the Upload a transfer worked on (or none, outside a transfer), and a
checksum veto is told from other vetoes by its type."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

import pytest

from openai_uploads._client import AsyncOpenAI
from openai_uploads._exceptions import (
    ChecksumMismatchError,
    NotFoundError,
    UploadVetoedError,
)
from openai_uploads.emulator import EmulatorServer
from openai_uploads.hookspecs import (
    ChecksumVeto,
    DigestsComputed,
    DigestSetup,
    HasherFactory,
    Veto,
    hookimpl,
)

from ..conftest import API_KEY, random_bytes, status_of


class Sha256Catalog:
    """Vetoes every upload, with the kind of veto it was built with."""

    def __init__(self, veto: type[Veto]) -> None:
        self.veto = veto

    @hookimpl
    def digest_algorithms(self, event: DigestSetup) -> Mapping[str, HasherFactory]:
        return {"sha256": hashlib.sha256}

    @hookimpl
    def check_digests(self, event: DigestsComputed) -> Veto:
        reason = "md5 and sha256 are not the catalogued ones"
        if self.veto is ChecksumVeto:
            return ChecksumVeto(
                reason=reason, algorithm="sha256", expected="0" * 64, actual=event.digests["sha256"]
            )
        return Veto(reason=reason)


async def _upload(server: EmulatorServer, plugin: object) -> None:
    data = random_bytes(3000)
    async with AsyncOpenAI(api_key=API_KEY, base_url=server.base_url, plugins=[plugin]) as client:
        await client.uploads.upload_file_chunked(
            file=data, filename="f.jsonl", bytes=len(data), mime_type="text/jsonl", purpose="batch"
        )


async def test_an_error_outside_a_transfer_names_no_upload(server: EmulatorServer) -> None:
    async with AsyncOpenAI(api_key=API_KEY, base_url=server.base_url, max_retries=0) as client:
        with pytest.raises(NotFoundError) as caught:
            await client.uploads.cancel(upload_id="upload_missing")
    assert caught.value.upload_id is None
    assert caught.value.upload_cancelled is False


async def test_checksum_veto_is_recognised_by_type(server: EmulatorServer) -> None:
    with pytest.raises(ChecksumMismatchError, match="catalogued") as caught:
        await _upload(server, Sha256Catalog(ChecksumVeto))
    assert caught.value.upload_cancelled is True
    assert status_of(server, caught.value.upload_id or "") == "cancelled"
    (veto,) = caught.value.details["vetoes"]
    assert isinstance(veto, ChecksumVeto)
    assert veto.algorithm == "sha256"


async def test_a_plain_veto_naming_md5_is_not_a_checksum_mismatch(server: EmulatorServer) -> None:
    with pytest.raises(UploadVetoedError, match="md5") as caught:
        await _upload(server, Sha256Catalog(Veto))
    assert not isinstance(caught.value, ChecksumMismatchError)
    assert caught.value.upload_cancelled is True
