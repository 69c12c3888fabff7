"""Request events pair up: an end for every start, whatever stops the attempt."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator

import pytest
from part_calls import send_part

from openai_uploads import AsyncOpenAI, OpenAI, PluginError, hookimpl
from openai_uploads.emulator import EmulatorServer
from openai_uploads.hookspecs import OutgoingRequest, RequestFinished, RequestStarted

from .conftest import HEADERS_API_KEY, HeaderLog

API_KEY = "sk-request-events"
PART = 2 * 1024 * 1024  # several reads of the body (each at most 512 KiB)


class Recorder:
    def __init__(self) -> None:
        self.events: list[RequestStarted | RequestFinished] = []

    @hookimpl
    def on_request_start(self, event: RequestStarted) -> None:
        self.events.append(event)

    @hookimpl
    def on_request_end(self, event: RequestFinished) -> None:
        self.events.append(event)

    def kinds(self) -> list[str]:
        return [type(e).__name__ for e in self.events]


class Stop(Exception):
    """Raised from a part's body stream, as a transfer stopping does."""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorServer]:
    with EmulatorServer(data_dir=tmp_path_factory.mktemp("emulator"), api_key=API_KEY) as srv:
        yield srv


def new_upload(client: OpenAI) -> str:
    upload = client.uploads.create(
        bytes=PART, filename="a.bin", mime_type="application/jsonl", purpose="batch"
    )
    return upload.id


def test_an_attempt_stopped_inside_its_body_stream_still_ends(server: EmulatorServer) -> None:
    recorder = Recorder()
    with OpenAI(
        base_url=server.base_url, api_key=API_KEY, plugins=[recorder], load_plugins=False
    ) as client:
        upload_id = new_upload(client)
        recorder.events.clear()

        def on_progress(sent: int) -> None:
            if sent > 0:
                raise Stop("the transfer is stopping")

        with pytest.raises(Stop):
            send_part(
                client, upload_id, body=os.urandom(PART), on_progress=on_progress, part_number=3
            )
    start, end = recorder.events
    assert isinstance(start, RequestStarted)
    assert isinstance(end, RequestFinished)
    assert isinstance(end.error, Stop)
    assert end.status_code is None
    assert (end.upload_id, end.part_number) == (upload_id, 3)
    assert end.body_size > PART


async def test_a_cancelled_task_still_ends_its_attempt(server: EmulatorServer) -> None:
    recorder = Recorder()
    started = asyncio.Event()

    class Gate:
        @hookimpl
        def on_request_start(self, event: RequestStarted) -> None:
            if event.operation == "add_part":
                started.set()

    async with AsyncOpenAI(
        base_url=server.base_url, api_key=API_KEY, plugins=[recorder, Gate()], load_plugins=False
    ) as client:
        upload = await client.uploads.create(
            bytes=PART, filename="a.bin", mime_type="application/jsonl", purpose="batch"
        )
        recorder.events.clear()

        def slow(sent: int) -> None:
            # Hold the body stream so the task is cancelled mid-request.
            import time

            time.sleep(0.05)

        task = asyncio.create_task(
            send_part(client, upload.id, body=os.urandom(PART), on_progress=slow)
        )
        await started.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert recorder.kinds() == ["RequestStarted", "RequestFinished"]
    end = recorder.events[1]
    assert isinstance(end, RequestFinished)
    assert isinstance(end.error, asyncio.CancelledError)


def test_prepare_request_adds_a_header_that_reaches_the_server(
    header_server: tuple[EmulatorServer, HeaderLog],
) -> None:
    server, log = header_server
    seen: list[str | None] = []

    class Audit:
        @hookimpl
        def prepare_request(self, event: OutgoingRequest) -> None:
            seen.append(event.headers.get("authorization"))
            event.headers["x-audit"] = f"{event.operation}/{event.attempt}"

    with OpenAI(
        base_url=server.base_url, api_key=HEADERS_API_KEY, plugins=[Audit()], load_plugins=False
    ) as client:
        client.uploads.create(
            bytes=1, filename="a.bin", mime_type="application/jsonl", purpose="batch"
        )
    [(method, path, headers)] = log.requests
    assert (method, path) == ("POST", "/v1/uploads")
    assert headers["x-audit"] == "create_upload/0"
    # the key itself reached the server (which requires it); its log masks it
    assert headers["authorization"] == "Bearer ***"
    assert seen == ["<hidden>"]  # plugins never see the key


def test_prepare_request_may_not_change_the_body_headers(server: EmulatorServer) -> None:
    recorder = Recorder()

    class Meddler:
        @hookimpl
        def prepare_request(self, event: OutgoingRequest) -> None:
            event.headers["content-length"] = "1"

    with (
        OpenAI(
            base_url=server.base_url,
            api_key=API_KEY,
            plugins=[recorder, Meddler()],
            load_plugins=False,
        ) as client,
        pytest.raises(PluginError, match=r"'Meddler'.*content-length") as info,
    ):
        client.uploads.create(
            bytes=1, filename="a.bin", mime_type="application/jsonl", purpose="batch"
        )
    assert info.value.plugin == "Meddler"
    assert info.value.hook == "prepare_request"
    assert recorder.kinds() == ["RequestStarted", "RequestFinished"]
    assert recorder.events[1].error is info.value  # type: ignore[union-attr]


def test_prepare_request_may_not_touch_the_credentials(server: EmulatorServer) -> None:
    class Thief:
        @hookimpl
        def prepare_request(self, event: OutgoingRequest) -> None:
            event.headers["authorization"] = "Bearer sk-other"

    with (
        OpenAI(
            base_url=server.base_url, api_key=API_KEY, plugins=[Thief()], load_plugins=False
        ) as client,
        pytest.raises(PluginError, match=r"'Thief'.*credentials"),
    ):
        client.uploads.create(
            bytes=1, filename="a.bin", mime_type="application/jsonl", purpose="batch"
        )
