"""The built-in OpenTelemetry plugin, against the emulator, with the SDK's in-memory exporter."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from openai_uploads import InternalServerError, OpenAI, RetryDecision, hookimpl
from openai_uploads._plugins import PLUGINS_ENV, PluginHost
from openai_uploads.emulator import EmulatorServer, FaultConfig
from openai_uploads.hookspecs import RetryContext
from openai_uploads.plugins.otel import UPLOAD_SPAN, OpenTelemetryPlugin

from .conftest import HEADERS_API_KEY, HeaderLog

PART = 256 * 1024


@pytest.fixture
def exporter() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture
def client(
    header_server: tuple[EmulatorServer, HeaderLog], exporter: InMemorySpanExporter
) -> Iterator[OpenAI]:
    server, _ = header_server
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    plugin = OpenTelemetryPlugin(tracer_provider=provider)
    with OpenAI(
        base_url=server.base_url, api_key=HEADERS_API_KEY, plugins=[plugin], load_plugins=False
    ) as c:
        yield c


def four_parts(tmp_path: Path) -> Path:
    path = tmp_path / "four.bin"
    path.write_bytes(bytes(range(256)) * (4 * PART // 256 - 3))  # the last part is short
    return path


def upload(client: OpenAI, path: Path) -> Any:
    return client.uploads.upload_file_chunked(
        file=path, mime_type="application/jsonl", purpose="batch", part_size=PART
    )


def test_one_upload_of_four_parts_makes_the_expected_span_tree(
    client: OpenAI, exporter: InMemorySpanExporter, tmp_path: Path
) -> None:
    path = four_parts(tmp_path)
    result = upload(client, path)
    spans = exporter.get_finished_spans()
    [root] = [s for s in spans if s.name == UPLOAD_SPAN]
    children = [s for s in spans if s is not root]
    assert root.parent is None
    assert root.kind is SpanKind.INTERNAL
    assert root.status.status_code is StatusCode.OK
    assert (
        attrs(root).items()
        >= {
            "openai_uploads.upload_id": result.id,
            "openai_uploads.file_id": result.file.id,
            "openai_uploads.total_bytes": path.stat().st_size,
            "openai_uploads.part_count": 4,
            "openai_uploads.parts_completed": 4,
            "openai_uploads.retries": 0,
        }.items()
    )
    assert sorted(s.name for s in children) == sorted(
        ["create_upload", "add_part", "add_part", "add_part", "add_part", "complete_upload"]
    )
    for span in children:
        assert span.kind is SpanKind.CLIENT
        assert span.parent is not None
        assert span.parent.span_id == context(root).span_id
        assert context(span).trace_id == context(root).trace_id
        assert attrs(span)["http.response.status_code"] == 200
        assert "http.request.resend_count" not in attrs(span)
    parts = sorted((s for s in children if s.name == "add_part"), key=part_number)
    assert [part_number(s) for s in parts] == [1, 2, 3, 4]
    assert all(attrs(s)["openai_uploads.upload_id"] == result.id for s in parts)
    assert all(attrs(s)["http.request.body.size"] > PART for s in parts[:3])


def test_every_attempt_sends_its_span_as_traceparent_to_the_emulator(
    client: OpenAI,
    header_server: tuple[EmulatorServer, HeaderLog],
    exporter: InMemorySpanExporter,
    tmp_path: Path,
) -> None:
    _, log = header_server
    upload(client, four_parts(tmp_path))
    attempts = {
        f"00-{context(s).trace_id:032x}-{context(s).span_id:016x}-{context(s).trace_flags:02x}"
        for s in exporter.get_finished_spans()
        if s.name != UPLOAD_SPAN
    }
    received = [headers.get("traceparent") for _, _, headers in log.requests]
    assert len(received) == 6
    assert set(received) == attempts


def test_retries_are_counted_on_the_upload_and_marked_on_the_attempts(
    client: OpenAI,
    header_server: tuple[EmulatorServer, HeaderLog],
    exporter: InMemorySpanExporter,
    tmp_path: Path,
) -> None:
    server, _ = header_server

    class Quick:
        @hookimpl
        def decide_retry(self, event: RetryContext) -> RetryDecision:
            return RetryDecision.after(0)

    client.plugins.register(Quick())
    server.faults = FaultConfig(p_500=0.5, endpoints=frozenset({"parts"}), seed=7)
    upload(client, four_parts(tmp_path))
    spans = exporter.get_finished_spans()
    [root] = [s for s in spans if s.name == UPLOAD_SPAN]
    resent = [s for s in spans if attrs(s).get("http.request.resend_count")]
    failed = [s for s in spans if s.status.status_code is StatusCode.ERROR]
    assert resent
    assert attrs(root)["openai_uploads.retries"] == len(resent) == len(failed)
    assert all(attrs(s)["error.type"] == "500" for s in failed)


def test_a_failed_upload_ends_its_span_with_the_error(
    client: OpenAI,
    header_server: tuple[EmulatorServer, HeaderLog],
    exporter: InMemorySpanExporter,
    tmp_path: Path,
) -> None:
    server, _ = header_server
    server.faults = FaultConfig(p_500=1.0, endpoints=frozenset({"complete"}), seed=1)
    with pytest.raises(InternalServerError):
        client.with_options(max_retries=0).uploads.upload_file_chunked(
            file=four_parts(tmp_path),
            mime_type="application/jsonl",
            purpose="batch",
            part_size=PART,
        )
    [root] = [s for s in exporter.get_finished_spans() if s.name == UPLOAD_SPAN]
    assert root.status.status_code is StatusCode.ERROR
    assert [e.name for e in root.events] == ["cancelled", "exception"]


def test_the_otel_plugin_is_off_unless_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PLUGINS_ENV, raising=False)
    assert "otel" not in PluginHost(load_entrypoints=True).list_plugin_names()
    monkeypatch.setenv(PLUGINS_ENV, "*,otel")
    assert "otel" in PluginHost(load_entrypoints=True).list_plugin_names()


def attrs(span: ReadableSpan) -> dict[str, Any]:
    return dict(span.attributes or {})


def context(span: ReadableSpan) -> Any:
    assert span.context is not None
    return span.context


def part_number(span: ReadableSpan) -> int:
    return int(attrs(span)["openai_uploads.part_number"])
