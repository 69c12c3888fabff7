"""The upload flow, driven with no server: each action gets a scripted outcome.

:func:`upload_flow` yields actions and receives their outcomes, so these tests play the
driver's part, as h11's tests feed bytes: what the flow asks for, in what order, and
what it does with answers and failures a server would rarely give on demand.
"""

from __future__ import annotations

import hashlib
import io
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from openai_uploads import (
    APIStatusError,
    ChecksumMismatchError,
    UploadCompletionError,
    UploadError,
)
from openai_uploads._plugins import PluginHost
from openai_uploads._transfer._flow import (
    HASHING,
    Action,
    Blocking,
    Call,
    CancelParts,
    StartHashing,
    StartPart,
    WaitParts,
    upload_flow,
)
from openai_uploads._transfer._job import Job
from openai_uploads._transfer._options import TransferOptions
from openai_uploads._types import Upload, UploadPart, omit

PART = 1024
DATA = bytes(range(256)) * 20  # 5 parts: 4 of 1 KiB and one of 1 KiB
UPLOAD_ID = "upload_flow"


def _options(**changes: Any) -> TransferOptions:
    arguments: dict[str, Any] = {
        "client_max_retries": 2,
        "filename": "f.bin",
        "bytes": len(DATA),
        "state_file": None,
        "mime_type": "text/plain",
        "purpose": "assistants",
        "part_size": PART,
        "md5": omit,
        "max_concurrency": 2,
        "expires_after": omit,
        "resume": False,
        "keep_on_failure": None,
        "part_retries": None,
    }
    return TransferOptions.from_arguments(**{**arguments, **changes})


def _upload(status: str, size: int = len(DATA)) -> Upload:
    now = int(time.time())
    data: dict[str, Any] = {
        "id": UPLOAD_ID,
        "object": "upload",
        "bytes": size,
        "created_at": now,
        "filename": "f.bin",
        "purpose": "assistants",
        "status": status,
        "expires_at": now + 3600,
    }
    if status == "completed":
        data["file"] = {
            "id": "file_flow",
            "object": "file",
            "bytes": size,
            "created_at": now,
            "filename": "f.bin",
            "purpose": "assistants",
        }
    return Upload.from_dict(data)


def _part(number: int) -> UploadPart:
    return UploadPart.from_dict(
        {"id": f"part_{number}", "object": "upload.part", "created_at": 0, "upload_id": UPLOAD_ID}
    )


@dataclass
class Driver:
    """Plays the driver: answers each action, recording what was asked.

    A part ends at the next blocking ``WaitParts`` (the oldest first), with its
    ``UploadPart`` or the exception ``part_errors`` names; ``interrupt`` is thrown in
    at the first blocking ``WaitParts``; ``complete`` answers ``complete``.
    """

    part_errors: dict[int, BaseException] = field(default_factory=dict)
    interrupt: BaseException | None = None
    complete: Callable[[], Upload] = lambda: _upload("completed")
    hashing_error: BaseException | None = None
    actions: list[Action] = field(default_factory=list)
    running: list[int] = field(default_factory=list)
    most_in_flight: int = 0

    def calls(self) -> list[str]:
        return [a.call.operation for a in self.actions if isinstance(a, Call)]

    def run(self, job: Job) -> Upload:
        flow = upload_flow(job)
        outcome: Any = None
        error: BaseException | None = None
        while True:
            try:
                action = flow.send(outcome) if error is None else flow.throw(error)
            except StopIteration as stop:
                return stop.value  # type: ignore[no-any-return]
            self.actions.append(action)
            outcome, error = None, None
            try:
                outcome = self.answer(action)
            except BaseException as exc:
                error = exc

    def answer(self, action: Action) -> Any:
        if isinstance(action, Call):
            operation = action.call.operation
            if operation == "create_upload":
                return _upload("pending")
            if operation == "complete_upload":
                return self.complete()
            return _upload("cancelled")
        if isinstance(action, StartPart):
            self.running.append(action.number)
            parts = [n for n in self.running if n != HASHING]
            self.most_in_flight = max(self.most_in_flight, len(parts))
            return None
        if isinstance(action, StartHashing):
            action.read()  # the digest read, at once
            self.running.insert(0, HASHING)
            return None
        if isinstance(action, WaitParts):
            if action.timeout == 0 or not self.running:
                return []
            if self.interrupt is not None:
                interrupt, self.interrupt = self.interrupt, None
                raise interrupt
            key = self.running.pop(0)
            if key == HASHING:
                return [(key, self.hashing_error)]
            return [(key, self.part_errors.get(key) or _part(key))]
        if isinstance(action, CancelParts):
            self.running.clear()
            return []
        assert isinstance(action, Blocking)
        return action.run()


def _job(data: Any = DATA, **changes: Any) -> Job:
    return Job(PluginHost(), data, _options(**changes))


def _server_error() -> APIStatusError:
    import httpx

    request = httpx.Request("POST", "https://api.test/v1/uploads/x/parts")
    response = httpx.Response(500, request=request, json={"error": {"message": "boom"}})
    return APIStatusError("boom", response=response, body=None)


def test_an_upload_is_created_then_its_parts_sent_then_completed_with_the_md5() -> None:
    driver = Driver()
    upload = driver.run(_job())
    assert upload.status == "completed"
    assert driver.calls() == ["create_upload", "complete_upload"]
    started = [a.number for a in driver.actions if isinstance(a, StartPart)]
    assert started == [1, 2, 3, 4, 5]
    (complete,) = [
        a for a in driver.actions if isinstance(a, Call) and a.call.operation == "complete_upload"
    ]
    body = complete.call.make_kwargs()["json"]
    assert body["md5"] == hashlib.md5(DATA).hexdigest()
    assert body["part_ids"] == [f"part_{n}" for n in range(1, 6)]


def test_the_parts_in_flight_never_exceed_max_concurrency() -> None:
    driver = Driver()
    driver.run(_job(max_concurrency=2))
    assert driver.most_in_flight == 2


def test_a_file_is_hashed_beside_its_parts_and_a_stream_as_it_is_read() -> None:
    by_range, in_order = Driver(), Driver()
    by_range.run(_job())
    in_order.run(_job(io.BufferedReader(_Pipe(DATA))))
    assert any(isinstance(a, StartHashing) for a in by_range.actions)
    assert not any(isinstance(a, StartHashing) for a in in_order.actions)
    reads = [a for a in in_order.actions if isinstance(a, Blocking) and a.offload]
    assert len(reads) >= 5  # one read per part, each in a worker thread


def test_a_part_that_fails_for_good_stops_the_parts_then_cancels_the_upload() -> None:
    error = _server_error()
    driver = Driver(part_errors={2: error})
    with pytest.raises(APIStatusError) as caught:
        driver.run(_job())
    assert caught.value is error
    assert caught.value.upload_cancelled is True
    kinds = [type(a).__name__ for a in driver.actions]
    assert kinds[-3:] == ["CancelParts", "Call", "Blocking"]  # then the state is forgotten
    assert driver.calls() == ["create_upload", "cancel_upload"]


def test_the_cancel_after_a_failure_is_shielded_from_the_callers_cancellation() -> None:
    driver = Driver(part_errors={1: _server_error()})
    with pytest.raises(APIStatusError):
        driver.run(_job())
    (cancel,) = [
        a for a in driver.actions if isinstance(a, Call) and a.call.operation == "cancel_upload"
    ]
    assert cancel.shielded


def test_a_ctrl_c_while_waiting_for_parts_cancels_the_upload_and_is_reraised() -> None:
    driver = Driver(interrupt=KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        driver.run(_job())
    assert driver.calls() == ["create_upload", "cancel_upload"]
    assert any(isinstance(a, CancelParts) for a in driver.actions)


def test_kept_for_resuming_the_parts_whose_bodies_left_get_a_landing_grace() -> None:
    driver = Driver(part_errors={1: _server_error()})
    with pytest.raises(APIStatusError):
        driver.run(_job(keep_on_failure=True))
    (cancel,) = [a for a in driver.actions if isinstance(a, CancelParts)]
    assert cancel.grace > 0
    assert "cancel_upload" not in driver.calls()  # kept: left pending for a later call


def test_an_md5_mismatch_is_raised_before_complete_and_cancels_the_upload() -> None:
    driver = Driver()
    with pytest.raises(ChecksumMismatchError):
        driver.run(_job(md5="0" * 32))
    assert driver.calls() == ["create_upload", "cancel_upload"]


def test_a_failed_digest_read_fails_the_upload() -> None:
    driver = Driver(hashing_error=OSError("disk gone"))
    with pytest.raises(UploadError, match="disk gone") as caught:
        driver.run(_job())
    assert isinstance(caught.value.__cause__, OSError)
    assert "complete_upload" not in driver.calls()


def test_a_complete_that_leaves_the_upload_pending_is_a_completion_error() -> None:
    driver = Driver(complete=lambda: _upload("pending"))
    with pytest.raises(UploadCompletionError) as caught:
        driver.run(_job())
    assert caught.value.still_pending


class _Pipe(io.RawIOBase):
    """A non-seekable stream of ``data``."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def readinto(self, buffer: Any) -> int:
        return self._data.readinto(buffer)
