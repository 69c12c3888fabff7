"""The call flow without a socket: ``BaseClient._flow`` fed ``httpx.Response`` outcomes.

``_flow`` is the one retry loop of both clients: it yields what to do (``Send``,
``Sleep``, ``Authorize``) and is resumed with what happened. Here a script answers each
``Send`` with a response or an httpx error, as h11's tests feed bytes, and the tests read
back what was sent, how long the flow asked to sleep, what the hooks saw and what it raised.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from openai_uploads import (
    APIConnectionError,
    APITimeoutError,
    BadRequestError,
    InternalServerError,
    OpenAI,
    hookimpl,
)
from openai_uploads._base_client import BaseClient
from openai_uploads._calls import APICall, Authorize, RequestOptions, Send, Sleep
from openai_uploads.hookspecs import RequestFinished, RequestStarted, RetryContext

KEY = "sk-flow-test-key"

Answer = Callable[[httpx.Request], httpx.Response] | BaseException
"""A response made for the request sent, an httpx error the send raised, or an exception
the driver throws into the flow (``KeyboardInterrupt``, cancellation)."""


def reply(status: int = 200, body: object = None, **headers: str) -> Answer:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json=body or {"ok": True}, headers=headers, request=request)

    return answer


@dataclass
class Recorder:
    """A plugin seeing the request hooks' events."""

    started: list[RequestStarted] = field(default_factory=list)
    finished: list[RequestFinished] = field(default_factory=list)
    retries: list[RetryContext] = field(default_factory=list)

    @hookimpl
    def on_request_start(self, event: RequestStarted) -> None:
        self.started.append(event)

    @hookimpl
    def on_request_end(self, event: RequestFinished) -> None:
        self.finished.append(event)

    @hookimpl(tryfirst=True)
    def decide_retry(self, event: RetryContext) -> None:
        self.retries.append(event)  # observes only: the default policy decides


@dataclass
class Run:
    """What the flow asked for while a script answered it."""

    sent: list[httpx.Request] = field(default_factory=list)
    slept: list[float] = field(default_factory=list)
    authorized: int = 0
    result: Any = None


def drive(client: BaseClient, call: APICall[Any], answers: list[Answer]) -> Run:
    """Carry out the flow's actions from ``answers``, as a client's driver does."""
    run = Run()
    flow = client._flow(call)
    pending = list(answers)
    outcome: Any = None
    while True:
        try:
            action = flow.send(outcome)
        except StopIteration as stop:
            run.result = stop.value
            assert not pending, "the flow stopped before every answer was used"
            return run
        if isinstance(action, Sleep):
            run.slept.append(action.seconds)
            outcome = None
        elif isinstance(action, Authorize):
            run.authorized += 1
            outcome = {"Authorization": f"Bearer token-{run.authorized}"}
        else:
            assert isinstance(action, Send)
            run.sent.append(action.request)
            answer = pending.pop(0)
            if isinstance(answer, Exception):
                outcome = answer
            elif isinstance(answer, BaseException):
                flow.throw(answer)
                raise AssertionError("the flow swallowed an exception thrown into it")
            else:
                outcome = answer(action.request)


def cancel_call(**options: Any) -> APICall[Any]:
    return APICall(
        operation="cancel_upload",
        make_kwargs=lambda: {"method": "post", "url": "/uploads/upload_1/cancel"},
        parse=lambda response: response.json(),
        options=RequestOptions(**options),
        upload_id="upload_1",
    )


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def client(recorder: Recorder) -> Any:
    with OpenAI(
        api_key=KEY, base_url="http://flow.invalid/v1", plugins=[recorder], load_plugins=False
    ) as c:
        yield c


def test_a_success_is_parsed_after_one_send(client: OpenAI, recorder: Recorder) -> None:
    run = drive(client, cancel_call(), [reply(body={"id": "upload_1"})])

    assert run.result == {"id": "upload_1"}
    assert [r.url for r in run.sent] == ["http://flow.invalid/v1/uploads/upload_1/cancel"]
    assert run.sent[0].headers["Authorization"] == f"Bearer {KEY}"
    assert run.slept == []
    assert [(e.attempt, e.status_code) for e in recorder.finished] == [(0, 200)]


def test_a_server_error_is_retried_after_the_wait_it_asks_for(
    client: OpenAI, recorder: Recorder
) -> None:
    run = drive(client, cancel_call(), [reply(503, **{"retry-after-ms": "250"}), reply()])

    assert run.slept == [0.25]
    assert [r.headers["x-retry-count"] for r in run.sent] == ["0", "1"]
    assert [e.attempt for e in recorder.started] == [0, 1]
    assert [(e.attempt, e.status_code) for e in recorder.finished] == [(0, 503), (1, 200)]


def test_the_retry_budget_ends_in_the_status_error(client: OpenAI, recorder: Recorder) -> None:
    answers = [reply(500, **{"retry-after": "0"}) for _ in range(3)]

    with pytest.raises(InternalServerError):
        drive(client, cancel_call(), answers)

    assert [(c.attempt, c.max_retries) for c in recorder.retries] == [(0, 2), (1, 2), (2, 2)]
    assert len(recorder.finished) == 3


def test_a_call_s_max_retries_overrides_the_client_s(client: OpenAI) -> None:
    with pytest.raises(InternalServerError):
        drive(client, cancel_call(max_retries=0), [reply(500)])


def test_a_client_error_is_not_retried(client: OpenAI, recorder: Recorder) -> None:
    with pytest.raises(BadRequestError, match="bad part"):
        drive(client, cancel_call(), [reply(400, {"error": {"message": "bad part"}})])

    assert len(recorder.retries) == 1  # asked, and the policy said no


def test_a_connection_error_is_retried_with_backoff(client: OpenAI) -> None:
    run = drive(client, cancel_call(), [httpx.ConnectError("refused"), reply()])

    assert run.result == {"ok": True}
    assert len(run.slept) == 1
    assert 0.375 <= run.slept[0] <= 0.5  # 0.5 s less up to 25% jitter


def test_connection_errors_past_the_budget_raise_api_connection_error(client: OpenAI) -> None:
    answers: list[Answer] = [httpx.ConnectError("refused") for _ in range(3)]

    with pytest.raises(APIConnectionError) as raised:
        drive(client, cancel_call(), answers)

    assert isinstance(raised.value.__cause__, httpx.ConnectError)


def test_a_timeout_raises_api_timeout_error(client: OpenAI) -> None:
    with pytest.raises(APITimeoutError):
        drive(client, cancel_call(max_retries=0), [httpx.ReadTimeout("slow")])


def test_an_undecodable_body_is_not_retried(client: OpenAI, recorder: Recorder) -> None:
    with pytest.raises(APIConnectionError, match="could not be decoded"):
        drive(client, cancel_call(), [httpx.DecodingError("bad gzip")])

    assert recorder.retries == []  # another attempt would fail the same way


def test_an_exception_thrown_in_ends_the_attempt_in_the_hooks(
    client: OpenAI, recorder: Recorder
) -> None:
    with pytest.raises(KeyboardInterrupt):
        drive(client, cancel_call(), [KeyboardInterrupt()])

    assert len(recorder.started) == 1
    [finished] = recorder.finished
    assert isinstance(finished.error, KeyboardInterrupt)
    assert finished.status_code is None


def test_the_retry_hook_sees_the_request_without_its_credentials(
    client: OpenAI, recorder: Recorder
) -> None:
    run = drive(client, cancel_call(), [reply(503, **{"retry-after": "0"}), reply()])

    [context] = recorder.retries
    assert context.request is not None
    assert context.request.headers["Authorization"] == "<hidden>"
    assert run.sent[0].headers["Authorization"] == f"Bearer {KEY}"  # the real one was sent


def test_a_key_provider_is_asked_before_every_attempt(recorder: Recorder) -> None:
    with OpenAI(
        api_key=lambda: "unused",
        base_url="http://flow.invalid/v1",
        plugins=[recorder],
        load_plugins=False,
    ) as client:
        run = drive(client, cancel_call(), [reply(502, **{"retry-after": "0"}), reply()])

    assert run.authorized == 2
    assert [r.headers["Authorization"] for r in run.sent] == ["Bearer token-1", "Bearer token-2"]


def test_a_static_key_needs_no_authorize_step(client: OpenAI) -> None:
    run = drive(client, cancel_call(), [reply()])

    assert run.authorized == 0
