"""The md5 ``complete`` checks is computed as the parts arrive, in the order their
requests began: a part received alone is hashed while it is written, parts received side
by side are read back by a background hasher in that order; other orders, and a hasher
that failed, fall back to reading the parts at ``complete``."""

from __future__ import annotations

import os
import secrets
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest

from openai_uploads.emulator import EmulatorServer, Store, _md5
from openai_uploads.emulator._md5 import PartMd5
from openai_uploads.emulator._records import PartRecord

from .conftest import API_KEY, md5, new_upload


def _parts(client: openai.OpenAI, upload_id: str, chunks: list[bytes]) -> list[str]:
    return [client.uploads.parts.create(upload_id, data=c).id for c in chunks]


def test_in_creation_order_complete_uses_the_md5_hashed_on_arrival(
    client: openai.OpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    chunks = [os.urandom(100_000) for _ in range(4)]
    upload_id = new_upload(client, 400_000)
    part_ids = _parts(client, upload_id, chunks)

    def no_reading(paths: Any) -> str:
        raise AssertionError("complete read the parts again")

    monkeypatch.setattr(_md5, "read_on", no_reading)
    done = client.uploads.complete(upload_id, part_ids=part_ids, md5=md5(b"".join(chunks)))
    assert done.status == "completed"


def test_other_order_is_hashed_at_complete(client: openai.OpenAI) -> None:
    chunks = [os.urandom(100_000) for _ in range(3)]
    upload_id = new_upload(client, 300_000)
    a, b, c = _parts(client, upload_id, chunks)
    data = chunks[2] + chunks[0] + chunks[1]
    with pytest.raises(openai.BadRequestError):  # the creation-order md5 is not this one
        client.uploads.complete(upload_id, part_ids=[c, a, b], md5=md5(b"".join(chunks)))
    done = client.uploads.complete(upload_id, part_ids=[c, a, b], md5=md5(data))
    assert done.file is not None
    assert client.files.content(done.file.id).content == data


def _never_read(*args: Any) -> Any:
    raise AssertionError("a part was read back from disk")


def test_parts_sent_one_after_another_are_hashed_while_written_not_read_back(
    client: openai.OpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_md5, "update_md5", _never_read)
    monkeypatch.setattr(_md5, "read_on", _never_read)
    chunks = [os.urandom(n) for n in (300_000, 3_000_000, 5)]
    upload_id = new_upload(client, sum(map(len, chunks)))
    part_ids = _parts(client, upload_id, chunks)
    done = client.uploads.complete(upload_id, part_ids=part_ids, md5=md5(b"".join(chunks)))
    assert done.status == "completed"


def test_a_part_that_fails_does_not_keep_the_next_from_being_hashed_while_written(
    client: openai.OpenAI, emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_md5, "update_md5", _never_read)
    monkeypatch.setattr(_md5, "read_on", _never_read)
    upload_id = new_upload(client, 6)
    boundary = secrets.token_hex(8)
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="data"; filename="p"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    with httpx.Client(
        base_url=emulator.base_url, headers={"Authorization": f"Bearer {API_KEY}"}
    ) as http:
        cut = http.post(
            f"/uploads/{upload_id}/parts",
            content=head + b"no closing boundary",
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
    assert cut.status_code == 400
    part_ids = _parts(client, upload_id, [b"abc", b"def"])
    done = client.uploads.complete(upload_id, part_ids=part_ids, md5=md5(b"abcdef"))
    assert done.status == "completed"


def _store_upload(store: Store, size: int) -> str:
    return store.create_upload(
        filename="f", bytes=size, purpose="batch", mime_type="text/jsonl", file_expires_seconds=None
    ).id


def _body(store: Store, data: bytes) -> Path:
    path = store.tmp_path(".part")
    path.write_bytes(data)
    return path


def _receive(store: Store, upload_id: str, data: bytes) -> PartRecord:
    """A part received alone, hashed while written as the app does."""
    part = store.begin_part(upload_id)
    if part.hashing:
        part.update(data)
    return store.commit_part(upload_id, _body(store, data), len(data), part)


def test_only_a_part_received_alone_is_hashed_while_written(tmp_path: Path) -> None:
    store = Store(tmp_path / "d")
    try:
        upload_id = _store_upload(store, 4)
        alone = store.begin_part(upload_id)
        beside = store.begin_part(upload_id)
        assert alone.hashing
        assert not beside.hashing  # hashing it too would be wasted if it ends up second
        store.end_part(beside)
        alone.update(b"ab")
        store.commit_part(upload_id, _body(store, b"ab"), 2, alone)
        assert store.begin_part(upload_id).hashing  # alone again, and the md5 is ready
    finally:
        store.close()


def test_parts_are_hashed_in_the_order_they_began_whatever_order_they_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(tmp_path / "d")
    try:
        upload_id = _store_upload(store, 6)
        first, second, third = (store.begin_part(upload_id) for _ in range(3))
        first.update(b"ab")  # alone when it began: hashed while written
        ef = store.commit_part(upload_id, _body(store, b"ef"), 2, third)
        cd = store.commit_part(upload_id, _body(store, b"cd"), 2, second)
        ab = store.commit_part(upload_id, _body(store, b"ab"), 2, first)
        monkeypatch.setattr(_md5, "read_on", _never_read)
        completion = store.begin_complete(upload_id, [ab.id, cd.id, ef.id])
        assert store.md5_of_completion(completion) == md5(b"abcdef")
    finally:
        store.close()


def _wait_until(condition: Any, what: str) -> None:
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.005)


def _begin_beside(store: Store, upload_id: str, written: bytes) -> PartMd5:
    """A part that begins while another is being received, with ``written`` in its file."""
    part = store.begin_part(upload_id)
    assert not part.hashing
    part.path = store.tmp_path(".part")
    part.path.write_bytes(written)
    part.update(written)
    return part


def test_a_part_received_beside_another_is_followed_once_the_parts_before_it_are_hashed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(tmp_path / "d")
    try:
        upload_id = _store_upload(store, 6)
        first = store.begin_part(upload_id)  # alone: hashed while written
        second = _begin_beside(store, upload_id, b"cd")
        first.update(b"ab")
        ab = store.commit_part(upload_id, _body(store, b"ab"), 2, first)
        _wait_until(lambda: second.hashing, "the second part was never followed")
        assert second.path is not None
        with open(second.path, "ab") as f:
            f.write(b"ef")
        second.update(b"ef")  # carried on by its own write, not read back
        monkeypatch.setattr(_md5, "update_md5", _never_read)
        monkeypatch.setattr(_md5, "read_on", _never_read)
        cdef = store.commit_part(upload_id, second.path, 4, second)
        completion = store.begin_complete(upload_id, [ab.id, cdef.id])
        assert store.md5_of_completion(completion) == md5(b"abcdef")
    finally:
        store.close()


class _HeldFile:
    """A part file whose first read waits for ``go``: the follower is held there while
    the test commits the part."""

    def __init__(self, f: Any, opened: threading.Event, go: threading.Event) -> None:
        self._f, self._go = f, go
        opened.set()

    def read(self, size: int) -> bytes:
        assert self._go.wait(10), "the test never let the follower read"
        return bytes(self._f.read(size))

    def __enter__(self) -> _HeldFile:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._f.close()


def test_a_followed_part_committed_before_it_was_caught_up_is_not_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened, go = threading.Event(), threading.Event()
    real_open = open
    monkeypatch.setattr(
        _md5, "open", lambda *a, **k: _HeldFile(real_open(*a, **k), opened, go), raising=False
    )
    store = Store(tmp_path / "d")
    try:
        upload_id = _store_upload(store, 6)
        first = store.begin_part(upload_id)
        second = _begin_beside(store, upload_id, b"cd")
        first.update(b"ab")
        ab = store.commit_part(upload_id, _body(store, b"ab"), 2, first)
        assert opened.wait(10), "the second part was never followed"
        assert second.path is not None
        with real_open(second.path, "ab") as f:
            f.write(b"ef")
        second.update(b"ef")
        cdef = store.commit_part(upload_id, second.path, 4, second)  # before the catch-up
        monkeypatch.setattr(_md5, "update_md5", _never_read)
        monkeypatch.setattr(_md5, "read_on", _never_read)
        go.set()
        completion = store.begin_complete(upload_id, [ab.id, cdef.id])
        assert store.md5_of_completion(completion) == md5(b"abcdef")
    finally:
        go.set()
        store.close()


def test_a_followed_part_that_fails_leaves_no_trace_in_the_md5(tmp_path: Path) -> None:
    store = Store(tmp_path / "d")
    try:
        upload_id = _store_upload(store, 4)
        first = store.begin_part(upload_id)
        failing = _begin_beside(store, upload_id, b"xx")
        third = store.begin_part(upload_id)
        first.update(b"ab")
        ab = store.commit_part(upload_id, _body(store, b"ab"), 2, first)
        _wait_until(lambda: failing.hashing, "the failing part was never followed")
        failing.update(b"yy")  # e.g. its body then ends before its closing boundary
        store.end_part(failing)
        cd = store.commit_part(upload_id, _body(store, b"cd"), 2, third)
        completion = store.begin_complete(upload_id, [ab.id, cd.id])
        assert store.md5_of_completion(completion) == md5(b"abcd")
    finally:
        store.close()


def test_after_a_complete_that_did_not_complete_parts_are_followed_again(
    tmp_path: Path,
) -> None:
    store = Store(tmp_path / "d")
    try:
        upload_id = _store_upload(store, 2)
        ab = _receive(store, upload_id, b"ab")
        completion = store.begin_complete(upload_id, [ab.id])
        store.md5_of_completion(completion)  # e.g. the md5 sent did not match
        store.abort_complete(upload_id)
        first = store.begin_part(upload_id)
        beside = _begin_beside(store, upload_id, b"cd")
        first.update(b"xy")
        store.commit_part(upload_id, _body(store, b"xy"), 2, first)
        _wait_until(lambda: beside.hashing, "the part beside was never followed")
        store.end_part(beside)
    finally:
        store.close()


def test_parts_listed_in_another_order_are_read_at_complete(tmp_path: Path) -> None:
    store = Store(tmp_path / "d")
    try:
        upload_id = _store_upload(store, 4)
        first, second = store.begin_part(upload_id), store.begin_part(upload_id)
        first.update(b"ab")
        cd = store.commit_part(upload_id, _body(store, b"cd"), 2, second)
        ab = store.commit_part(upload_id, _body(store, b"ab"), 2, first)
        completion = store.begin_complete(upload_id, [cd.id, ab.id])  # the order they ended
        assert store.md5_of_completion(completion) == md5(b"cdab")
    finally:
        store.close()


def test_parts_listed_in_another_order_after_a_shared_prefix_are_read_from_there_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(tmp_path / "d")
    try:
        upload_id = _store_upload(store, 8)
        ab, cd, ef, gh = (_receive(store, upload_id, data) for data in (b"ab", b"cd", b"ef", b"gh"))
        read: list[Path] = []
        real = _md5.read_on

        def counting(md5: Any, paths: list[Path]) -> str:
            read.extend(paths)
            return real(md5, paths)

        monkeypatch.setattr(_md5, "read_on", counting)
        completion = store.begin_complete(upload_id, [ab.id, cd.id, gh.id, ef.id])
        assert store.md5_of_completion(completion) == md5(b"abcdghef")
        assert read == [store.part_path(gh.id), store.part_path(ef.id)]
    finally:
        store.close()


def test_a_part_that_began_earlier_and_failed_does_not_hold_the_others_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(tmp_path / "d")
    try:
        upload_id = _store_upload(store, 2)
        failed, later = store.begin_part(upload_id), store.begin_part(upload_id)
        ab = store.commit_part(upload_id, _body(store, b"ab"), 2, later)
        store.end_part(failed)  # e.g. its body ended before its closing boundary
        monkeypatch.setattr(_md5, "read_on", _never_read)
        completion = store.begin_complete(upload_id, [ab.id])
        assert store.md5_of_completion(completion) == md5(b"ab")
    finally:
        store.close()


def test_complete_while_an_earlier_part_is_being_received_reads_the_parts_at_once(
    tmp_path: Path,
) -> None:
    store = Store(tmp_path / "d")
    try:
        upload_id = _store_upload(store, 2)
        still, later = store.begin_part(upload_id), store.begin_part(upload_id)
        ab = store.commit_part(upload_id, _body(store, b"ab"), 2, later)
        completion = store.begin_complete(upload_id, [ab.id])
        got: list[str] = []
        reader = threading.Thread(
            target=lambda: got.append(store.md5_of_completion(completion)), daemon=True
        )
        reader.start()
        reader.join(30)  # waiting for the hasher would wait for the part still received
        assert got == [md5(b"ab")]
        store.end_part(still)
    finally:
        store.close()


def test_parts_sent_side_by_side_are_hashed_in_the_order_they_were_sent(
    client: openai.OpenAI, emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_md5, "read_on", _never_read)
    upload_id = new_upload(client, 6)
    boundary = secrets.token_hex(8)
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="data"; filename="p"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    go_on = threading.Event()

    def first_body() -> Iterator[bytes]:
        yield head
        go_on.wait(30)
        yield b"abc" + f"\r\n--{boundary}--\r\n".encode()

    with (
        httpx.Client(
            base_url=emulator.base_url, headers={"Authorization": f"Bearer {API_KEY}"}
        ) as http,
        ThreadPoolExecutor(1) as pool,
    ):
        first = pool.submit(
            http.post,
            f"/uploads/{upload_id}/parts",
            content=first_body(),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        hasher = emulator.store._hasher
        deadline = time.monotonic() + 10
        while not (upload_id in hasher._digests and hasher._digests[upload_id].receiving):
            assert time.monotonic() < deadline, "the first part never began"
            time.sleep(0.01)
        second = client.uploads.parts.create(upload_id, data=b"def")  # ends first
        go_on.set()
        first_id = first.result().json()["id"]
    done = client.uploads.complete(upload_id, part_ids=[first_id, second.id], md5=md5(b"abcdef"))
    assert done.status == "completed"


def test_a_failed_background_hasher_falls_back_to_reading_the_parts(
    client: openai.OpenAI, emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = _md5.update_md5

    def broken(digest: Any, path: Path) -> int:
        raise OSError("disk trouble")

    monkeypatch.setattr(_md5, "update_md5", broken)
    chunks = [os.urandom(50_000) for _ in range(2)]
    upload_id = new_upload(client, 100_000)
    # another part is being received meanwhile: these are not hashed while written
    beside = emulator.store.begin_part(upload_id)
    part_ids = _parts(client, upload_id, chunks)
    emulator.store.end_part(beside)
    hasher = emulator.store._hasher
    deadline = time.monotonic() + 10
    while not (upload_id in hasher._digests and hasher._digests[upload_id].failed):
        assert time.monotonic() < deadline, "the hasher never ran"
        time.sleep(0.01)
    monkeypatch.setattr(_md5, "update_md5", real)
    done = client.uploads.complete(upload_id, part_ids=part_ids, md5=md5(b"".join(chunks)))
    assert done.file is not None
    assert client.files.content(done.file.id).content == b"".join(chunks)
