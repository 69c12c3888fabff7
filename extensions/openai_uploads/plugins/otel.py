"""OpenTelemetry tracing: a span per upload and per HTTP attempt, and trace context headers.

Off unless installed and enabled::

    pip install 'openai-uploads[otel]'
    OPENAI_UPLOADS_PLUGINS='*,otel' python app.py     # every client, the global provider

or per client, with a tracer provider of your own::

    from openai_uploads.plugins.otel import OpenTelemetryPlugin

    client = OpenAI(plugins=[OpenTelemetryPlugin(tracer_provider=provider)])

Spans (it only uses the public hooks: it is also an example of a complete plugin):

* ``openai_uploads.upload`` (internal), one per ``upload_file_chunked`` call, from its
  start to its end: ``openai_uploads.upload_id``, ``.filename``, ``.total_bytes``,
  ``.part_size``, ``.part_count``, ``.resumed_bytes``, and at the end ``.file_id``,
  ``.parts_completed`` and ``.retries`` (requests re-sent); status ERROR with the
  exception recorded when it fails.
* one client span per HTTP attempt, named after the operation (``create_upload``,
  ``add_part``, ``complete_upload``, ...): ``http.request.method``, ``url.full``,
  ``http.response.status_code``, ``http.request.body.size``, ``http.request.resend_count``
  (retries), ``openai_uploads.upload_id`` and ``openai_uploads.part_number``; status ERROR
  with ``error.type`` when no response came or the status is 4xx/5xx. The attempts of a
  transfer are children of its upload span, others of the caller's current span.

Every attempt carries the W3C trace context of its span (``traceparent``, through the
globally configured propagator) via the ``prepare_request`` hook, so a server that
traces sees the client's spans as parents.
"""

from __future__ import annotations

import threading
from contextvars import ContextVar
from typing import Any

try:
    from opentelemetry import context as otel_context
    from opentelemetry import propagate, trace
    from opentelemetry.trace import Span, SpanKind, Status, StatusCode
except ModuleNotFoundError as _exc:  # pragma: no cover - depends on the installed extras
    _missing = (_exc.name or "opentelemetry").split(".")[0]
    raise ModuleNotFoundError(
        f"the otel plugin needs {_missing}: pip install 'openai-uploads[otel]'", name=_missing
    ) from None

from .._version import __version__
from ..hookspecs import (
    OutgoingRequest,
    PartCompleted,
    RequestFinished,
    RequestStarted,
    TransferStarted,
    UploadCancelled,
    UploadCompleted,
    UploadFailed,
    UploadStarted,
    hookimpl,
)

UPLOAD_SPAN = "openai_uploads.upload"


class OpenTelemetryPlugin:
    """Traces transfers and requests with OpenTelemetry.

    Args:
        tracer_provider: where spans go (default: the global provider).
    """

    def __init__(self, tracer_provider: trace.TracerProvider | None = None) -> None:
        self.tracer = trace.get_tracer(
            "openai_uploads", __version__, tracer_provider=tracer_provider
        )
        # The transfer of this thread / task, until its Upload id is known.
        self._transfer: ContextVar[Span | None] = ContextVar(
            "openai_uploads_transfer", default=None
        )
        # The attempt in flight in this thread / task: start, prepare and end of one
        # attempt always run in the same one, and one attempt at a time.
        self._attempt: ContextVar[Span | None] = ContextVar("openai_uploads_attempt", default=None)
        self._lock = threading.Lock()
        self._uploads: dict[str, Span] = {}
        self._retries: dict[str, int] = {}
        self._parts: dict[str, int] = {}

    # ------------------------------------------------------------------ uploads

    @hookimpl
    def on_transfer_started(self, event: TransferStarted) -> None:
        span = self.tracer.start_span(
            UPLOAD_SPAN,
            kind=SpanKind.INTERNAL,
            attributes={
                "openai_uploads.filename": event.filename,
                "openai_uploads.total_bytes": event.total_bytes,
                "openai_uploads.part_size": event.part_size,
                "openai_uploads.part_count": event.part_count,
            },
        )
        self._transfer.set(span)

    @hookimpl
    def on_upload_started(self, event: UploadStarted) -> None:
        span = self._transfer.get()
        if span is None:  # pragma: no cover - every transfer announces itself first
            span = self.tracer.start_span(UPLOAD_SPAN, kind=SpanKind.INTERNAL)
            self._transfer.set(span)
        span.set_attribute("openai_uploads.upload_id", event.upload_id)
        span.set_attribute("openai_uploads.part_size", event.part_size)
        span.set_attribute("openai_uploads.part_count", event.part_count)
        span.set_attribute("openai_uploads.resumed_bytes", event.resumed_bytes)
        with self._lock:
            self._uploads[event.upload_id] = span
            self._retries.setdefault(event.upload_id, 0)
            self._parts.setdefault(event.upload_id, 0)

    @hookimpl
    def on_part_completed(self, event: PartCompleted) -> None:
        with self._lock:
            self._parts[event.upload_id] = self._parts.get(event.upload_id, 0) + 1

    @hookimpl
    def on_upload_cancelled(self, event: UploadCancelled) -> None:
        span = self._upload_span(event.upload_id)
        if span is not None:
            span.add_event("cancelled", {"reason": event.reason})

    @hookimpl
    def on_upload_completed(self, event: UploadCompleted) -> None:
        span = self._finish_upload(event.upload_id)
        if span is not None:
            span.set_attribute("openai_uploads.file_id", event.file_id)
            span.set_status(Status(StatusCode.OK))
            span.end()

    @hookimpl
    def on_upload_failed(self, event: UploadFailed) -> None:
        span = self._finish_upload(event.upload_id)
        if span is not None:
            span.set_attribute("openai_uploads.kept_for_resume", event.kept_for_resume)
            span.record_exception(event.error)
            span.set_status(Status(StatusCode.ERROR, type(event.error).__name__))
            span.end()

    def _upload_span(self, upload_id: str | None) -> Span | None:
        if upload_id is not None:
            with self._lock:
                span = self._uploads.get(upload_id)
            if span is not None:
                return span
        return self._transfer.get()

    def _finish_upload(self, upload_id: str | None) -> Span | None:
        span = self._upload_span(upload_id)
        self._transfer.set(None)
        if upload_id is not None:
            with self._lock:
                self._uploads.pop(upload_id, None)
                retries = self._retries.pop(upload_id, 0)
                parts = self._parts.pop(upload_id, 0)
            if span is not None:
                span.set_attribute("openai_uploads.retries", retries)
                span.set_attribute("openai_uploads.parts_completed", parts)
        return span

    # ------------------------------------------------------------------ requests

    @hookimpl
    def on_request_start(self, event: RequestStarted) -> None:
        parent = self._upload_span(event.upload_id)
        ctx = trace.set_span_in_context(parent) if parent is not None else None
        attributes: dict[str, Any] = {
            "http.request.method": event.method,
            "url.full": event.url,
            "http.request.body.size": event.body_size,
            "openai_uploads.operation": event.operation,
        }
        if event.attempt:
            attributes["http.request.resend_count"] = event.attempt
        if event.upload_id is not None:
            attributes["openai_uploads.upload_id"] = event.upload_id
        if event.part_number is not None:
            attributes["openai_uploads.part_number"] = event.part_number
        span = self.tracer.start_span(
            event.operation, context=ctx, kind=SpanKind.CLIENT, attributes=attributes
        )
        self._attempt.set(span)
        if event.attempt and event.upload_id is not None:
            with self._lock:
                self._retries[event.upload_id] = self._retries.get(event.upload_id, 0) + 1

    @hookimpl
    def prepare_request(self, event: OutgoingRequest) -> None:
        span = self._attempt.get()
        ctx = trace.set_span_in_context(span) if span is not None else otel_context.get_current()
        propagate.inject(event.headers, context=ctx)

    @hookimpl
    def on_request_end(self, event: RequestFinished) -> None:
        span = self._attempt.get()
        if span is None:
            return
        self._attempt.set(None)
        if event.status_code is not None:
            span.set_attribute("http.response.status_code", event.status_code)
        if event.error is not None:
            span.set_attribute("error.type", type(event.error).__name__)
            span.set_status(Status(StatusCode.ERROR, type(event.error).__name__))
        elif event.status_code is not None and event.status_code >= 400:
            span.set_attribute("error.type", str(event.status_code))
            span.set_status(Status(StatusCode.ERROR))
        span.end()
