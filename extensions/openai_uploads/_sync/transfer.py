# Generated from openai_uploads/_async/transfer.py by `python scripts/unasync.py`: do not edit.
"""The transfer driver: carries out the actions of :func:`.upload_flow`, and only that.

Written once, as async code; ``scripts/unasync.py`` makes the sync twin. What differs
by more than ``await`` is in :mod:`openai_uploads._concurrency`: the async driver runs
parts as tasks of one anyio task group (so ``upload_file_chunked`` runs under asyncio
and trio alike) and blocking file work in worker threads; the sync one runs parts in a
thread pool while the calling thread carries out the rest, waking every
``POLL_INTERVAL`` so that Ctrl-C lands where it can stop everything.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from .._concurrency import Workers, interrupted, run_blocking, run_stoppable, shield
from .._transfer._flow import (
    HASHING,
    Action,
    Blocking,
    Call,
    CancelParts,
    Flow,
    StartHashing,
    StartPart,
    WaitParts,
    upload_flow,
)
from .._transfer._job import Job, open_input
from .._transfer._options import TransferOptions
from .._transfer._source import Source
from .._types import Upload

if TYPE_CHECKING:
    from .._client import OpenAI

__all__ = ["run_transfer"]


def run_transfer(client: OpenAI, file: object, options: TransferOptions) -> Upload:
    """Upload ``file`` with ``client``; returns the completed Upload.

    Raises ``TypeError`` / ``ValueError`` for what the :class:`.Job` refuses, before any
    request. A stream of unknown size is spooled first (stopped by a cancellation or
    Ctrl-C)."""
    source = run_stoppable(partial(open_input, file, options), Source.close)
    job = Job(client.plugins, source, options)
    flow = upload_flow(job)
    # The flow's exception leaves after the workers are closed, so that it is not
    # wrapped in an exception group.
    with Workers(job.max_in_flight + 1) as workers:
        upload, error = _drive(client, workers, flow)
    if error is not None:
        raise error
    assert upload is not None
    return upload


def _drive(
    client: OpenAI, workers: Workers, flow: Flow
) -> tuple[Upload | None, BaseException | None]:
    outcome: Any = None
    error: BaseException | None = None
    while True:
        try:
            action = flow.send(outcome) if error is None else flow.throw(error)
        except StopIteration as stop:
            return stop.value, None
        except BaseException as exc:
            return None, exc
        try:  # whatever stops an action (Ctrl-C included) is thrown into the flow
            outcome = error = None
            outcome = _carry_out(client, workers, action)
        except BaseException as exc:
            outcome, error = None, interrupted(exc)


def _send_part(client: OpenAI, action: StartPart, began: Callable[[], None]) -> Any:
    if action.began is not None:
        action.began.then = began  # the next part begins once this one has
    else:
        began()
    return client._execute(action.call)


def _carry_out(client: OpenAI, workers: Workers, action: Action) -> Any:
    if isinstance(action, Call):
        with shield(action.shielded):
            return client._execute(action.call)
    if isinstance(action, StartPart):
        workers.start_in_turn(action.number, partial(_send_part, client, action))
        return None
    if isinstance(action, WaitParts):
        return workers.wait(action.timeout)
    if isinstance(action, Blocking):
        if not action.offload:
            return action.run()
        with shield(action.shielded):
            return run_blocking(action.run)
    if isinstance(action, CancelParts):
        with shield(True):
            return workers.cancel(action.landing, action.grace, action.stop_grace)
    if isinstance(action, StartHashing):
        workers.start_thread(HASHING, action.read)
        return None
    raise TypeError(f"not an upload action: {action!r}")
