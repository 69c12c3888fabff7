"""The base class of typed plugins: every hook as a do-nothing method.

Re-exported by :mod:`openai_uploads.hookspecs` (and ``openai_uploads``) as
``UploadsPlugin``; it lives apart so the hook specifications stay one screenful each.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from . import hookspecs

__all__ = ["UploadsPlugin"]


class UploadsPlugin:
    """Every hook with its exact signature, for plugin authors' type checkers.

    Subclass it and override the hooks you implement (marked ``@hookimpl``); mypy or
    pyright then checks each one against the hook's signature. The hooks you do not
    override are the do-nothing methods below, without the marker, which pluggy ignores
    (so a subclass is instantiated like any class)::

        class Metrics(UploadsPlugin):
            @hookimpl
            def on_part_completed(self, event: hookspecs.PartCompleted) -> None:
                histogram.record(event.elapsed)

    (pluggy also accepts an impl that takes no ``event``; a type checker would flag such
    an override, so leave those classes unchecked.)
    """

    def on_transfer_started(self, event: hookspecs.TransferStarted) -> None:
        return None

    def on_upload_started(self, event: hookspecs.UploadStarted) -> None:
        return None

    def on_bytes_sent(self, event: hookspecs.BytesSent) -> None:
        return None

    def on_part_completed(self, event: hookspecs.PartCompleted) -> None:
        return None

    def on_upload_completed(self, event: hookspecs.UploadCompleted) -> None:
        return None

    def on_upload_failed(self, event: hookspecs.UploadFailed) -> None:
        return None

    def on_upload_cancelled(self, event: hookspecs.UploadCancelled) -> None:
        return None

    def on_batch_started(self, event: hookspecs.BatchStarted) -> None:
        return None

    def on_batch_finished(self, event: hookspecs.BatchFinished) -> None:
        return None

    def on_request_start(self, event: hookspecs.RequestStarted) -> None:
        return None

    def prepare_request(self, event: hookspecs.OutgoingRequest) -> None:
        return None

    def on_request_end(self, event: hookspecs.RequestFinished) -> None:
        return None

    def decide_retry(self, event: hookspecs.RetryContext) -> hookspecs.RetryDecision | None:
        return None

    def digest_algorithms(
        self, event: hookspecs.DigestSetup
    ) -> Mapping[str, hookspecs.HasherFactory] | None:
        return None

    def check_digests(self, event: hookspecs.DigestsComputed) -> hookspecs.Veto | None:
        return None
