"""``files.retrieve_content`` and ``files.wait_for_processing`` behave as openai-python's.

Both clients over one mock handler (see ``conftest``): the same script of answers, and
what each returns, warns, raises and sends compared.
"""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import FILE, Reply, Sent, Side, Wire, outcome, run

TEXT = '{"prompt": "a"}\n'
DEPRECATED = r"The `\.content\(\)` method should be used instead"


def content_replies(sent: Sent) -> Reply:
    if sent.url.endswith("/content"):
        return Reply(text=TEXT, headers={"content-type": "application/octet-stream"})
    return Reply(json=FILE)


def test_retrieve_content_warns_and_returns_the_text(side: Side) -> None:
    theirs, ours, their_wire, our_wire = side.pair(Wire(content_replies))
    results = []
    for client in (theirs, ours):
        with pytest.warns(DeprecationWarning, match=DEPRECATED):
            results.append(run(client.files.retrieve_content("file-abc")))
    assert results == [TEXT, TEXT]
    assert [s.url.rsplit("/v1", 1)[1] for s in our_wire.sent][-1] == "/files/file-abc/content"
    assert their_wire.sent[-1].method == our_wire.sent[-1].method == "GET"


def test_retrieve_content_with_raw_response_parses_to_the_text(side: Side) -> None:
    theirs, ours, _, _ = side.pair(Wire(content_replies))
    parsed = []
    for client in (theirs, ours):
        with pytest.warns(DeprecationWarning, match=DEPRECATED):
            response = run(client.files.with_raw_response.retrieve_content("file-abc"))
        parsed.append((response.is_closed, response.http_request.headers["X-Stainless-Lang"]))
        assert response.parse() == TEXT
    assert parsed[0] == parsed[1] == (True, "python")


def test_retrieve_content_with_streaming_response_parses_to_the_text(side: Side) -> None:
    theirs, ours, _, _ = side.pair(Wire(content_replies))

    async def stream_async(client: Any) -> str:
        async with client.files.with_streaming_response.retrieve_content("file-abc") as r:
            return str(await r.parse())

    def stream_sync(client: Any) -> str:
        with client.files.with_streaming_response.retrieve_content("file-abc") as r:
            return str(r.parse())

    stream = stream_async if side.name == "async" else stream_sync
    for client in (theirs, ours):
        with pytest.warns(DeprecationWarning, match=DEPRECATED):
            assert run(stream(client)) == TEXT


def test_retrieve_content_refuses_an_empty_id_before_any_request(side: Side) -> None:
    theirs, ours, their_wire, our_wire = side.pair()
    with pytest.warns(DeprecationWarning, match=DEPRECATED):
        their_error = outcome(lambda: theirs.files.retrieve_content(""))
    with pytest.warns(DeprecationWarning, match=DEPRECATED):
        our_error = outcome(lambda: ours.files.retrieve_content(""))
    assert our_error == their_error
    assert their_error[0] == "ValueError"
    assert our_wire.sent == their_wire.sent == []


def processing_then_processed(wire: Wire) -> Any:
    def replies(sent: Sent) -> Reply:
        status = "processed" if len(wire.sent) >= 3 else "uploaded"
        return Reply(json={**FILE, "status": status})

    return replies


def test_wait_for_processing_polls_until_the_file_is_processed(side: Side) -> None:
    seen = []
    for which in ("theirs", "ours"):
        wire = Wire()
        wire.replies = processing_then_processed(wire)
        file = run(side.client(which, wire).files.wait_for_processing("file-abc", poll_interval=0))
        seen.append((file.status, file.id, [s.url.rsplit("/v1", 1)[1] for s in wire.sent]))
    assert seen[0] == seen[1] == ("processed", "file-abc", ["/files/file-abc"] * 3)


def test_wait_for_processing_gives_up_after_max_wait_seconds(side: Side) -> None:
    errors = []
    for which in ("theirs", "ours"):
        wire = Wire(lambda sent: Reply(json={**FILE, "status": "uploaded"}))
        files = side.client(which, wire).files
        errors.append(
            outcome(
                lambda files=files: files.wait_for_processing(
                    "file-abc", poll_interval=0.01, max_wait_seconds=0.05
                )
            )
        )
    assert errors[0] == errors[1]
    assert errors[0][0] == "RuntimeError"
    assert "after 0.05 seconds" in errors[0][1]


def test_content_asks_for_binary_and_retrieve_content_for_json_as_openai_python(
    side: Side,
) -> None:
    theirs, ours, their_wire, our_wire = side.pair(Wire(content_replies))
    for client in (theirs, ours):
        run(client.files.content("file-abc"))
        with pytest.warns(DeprecationWarning, match=DEPRECATED):
            run(client.files.retrieve_content("file-abc"))
    accepts = [
        [s.headers["accept"] for s in w.sent if s.url.endswith("/content")]
        for w in (their_wire, our_wire)
    ]
    assert accepts[0] == accepts[1] == ["application/binary", "application/json"]
