# Generated from openai_uploads/_async/many.py by `python scripts/unasync.py`: do not edit.
"""The ``upload_many`` driver: carries out the actions of :func:`.many_flow`.

Written once, as async code; ``scripts/unasync.py`` makes the sync twin. Each file runs
``upload_file_chunked``'s own engine (:func:`.run_transfer`) as one job of an
:class:`Workers` (a task of one task group; in the sync twin a thread of a pool),
and every file's requests share one :class:`Slots` budget and one bandwidth
bucket.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from .._concurrency import Slots, Workers, shield
from .._transfer._bandwidth import TokenBucket
from .._transfer._flow import Blocking, CancelParts, WaitParts
from .._transfer._many import Batch, FileItem, ManyAction, StartFile, UploadResult, many_flow
from .._transfer._options import TransferOptions
from .._transfer._plan import RequestBudget
from .._types import Upload
from .transfer import Shared, carry_out_blocking, drive_flow, run_transfer

if TYPE_CHECKING:
    from .._client import OpenAI

__all__ = ["run_many"]


def run_many(client: OpenAI, batch: Batch, *, adaptive: bool = False) -> list[UploadResult]:
    """Upload every file of ``batch``; the results in input order. ``adaptive``: the
    budget of requests in flight (``batch.max_concurrency``) shrinks while the server
    pushes back (:class:`.RequestBudget`)."""
    max_bandwidth = batch.max_bandwidth
    budget = RequestBudget(batch.max_concurrency, adaptive=adaptive)
    shared = Shared(
        slots=Slots(budget, batch.stopped),
        bucket=None if max_bandwidth is None else TokenBucket(max_bandwidth),
        stopped=batch.stopped,
    )
    with Workers(batch.window) as workers:
        carry_out = partial(_carry_out, client, batch, shared, workers)
        results, error = drive_flow(many_flow(batch), carry_out)
    if error is not None:
        raise error
    assert results is not None
    return results


def _upload_file(
    client: OpenAI, batch: Batch, shared: Shared, item: FileItem, options: TransferOptions
) -> Upload:
    plugins = client.plugins.for_file(item.index, batch.count)
    mine = Shared(slots=shared.slots, bucket=shared.bucket, stopped=shared.stopped, plugins=plugins)
    return run_transfer(client, item.file, options, mine)


def _carry_out(
    client: OpenAI, batch: Batch, shared: Shared, workers: Workers, action: ManyAction
) -> Any:
    if isinstance(action, StartFile):
        upload = partial(_upload_file, client, batch, shared, action.item, action.options)
        workers.start(action.item.index, upload)
        return None
    if isinstance(action, WaitParts):
        return workers.wait(action.timeout)
    if isinstance(action, CancelParts):
        with shield(True):
            return workers.cancel(action.landing, action.grace, action.stop_grace)
    if isinstance(action, Blocking):
        return carry_out_blocking(action)
    raise TypeError(f"not an upload_many action: {action!r}")
