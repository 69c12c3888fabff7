"""Every request carries the platform headers openai-python sends, with its values.

Both clients send over one mock handler (see ``conftest``); the headers each sent are
compared by name and value. The package version is each package's own, so it is checked
to be this package's, not openai-python's.
"""

from __future__ import annotations

import httpx

from openai_uploads import __version__

from .conftest import FILE, Reply, Side, Wire, run

PLATFORM = (
    "x-stainless-lang",
    "x-stainless-os",
    "x-stainless-arch",
    "x-stainless-runtime",
    "x-stainless-runtime-version",
    "x-stainless-async",
    "x-stainless-retry-count",
    "x-stainless-read-timeout",
)


def platform_of(headers: dict[str, str]) -> dict[str, str | None]:
    return {name: headers.get(name) for name in PLATFORM}


def test_each_request_carries_openai_pythons_platform_headers(side: Side) -> None:
    theirs, ours, their_wire, our_wire = side.pair()
    run(theirs.files.retrieve("file-abc"))
    run(ours.files.retrieve("file-abc"))
    ours_sent = our_wire.sent[0].headers
    assert platform_of(ours_sent) == platform_of(their_wire.sent[0].headers)
    assert ours_sent["x-stainless-lang"] == "python"
    assert ours_sent["x-stainless-package-version"] == __version__


def test_the_async_header_names_the_event_loop_library(side: Side) -> None:
    _, ours, _, our_wire = side.pair()
    run(ours.files.retrieve("file-abc"))
    expected = "async:asyncio" if side.name == "async" else "false"
    assert our_wire.sent[0].headers["x-stainless-async"] == expected


def test_the_retry_count_header_counts_each_attempt_as_openai_python(side: Side) -> None:
    counts = []
    for which in ("theirs", "ours"):
        wire = Wire()
        wire.replies = lambda sent, wire=wire: (  # type: ignore[misc]
            Reply(500, json={"error": {"message": "x"}})
            if len(wire.sent) == 1
            else Reply(json=FILE)
        )
        run(side.client(which, wire, max_retries=1).files.retrieve("file-abc"))
        counts.append([s.headers["x-stainless-retry-count"] for s in wire.sent])
    assert counts[0] == counts[1] == ["0", "1"]


def test_the_read_timeout_header_is_the_calls_read_timeout(side: Side) -> None:
    theirs, ours, their_wire, our_wire = side.pair(timeout=httpx.Timeout(30, read=12.5))
    for client in (theirs, ours):
        run(client.files.retrieve("file-abc"))
        run(client.files.retrieve("file-abc", timeout=4))
    their_values = [s.headers["x-stainless-read-timeout"] for s in their_wire.sent]
    our_values = [s.headers["x-stainless-read-timeout"] for s in our_wire.sent]
    assert our_values == their_values == ["12.5", "4"]


def test_a_callers_header_overrides_a_platform_header(side: Side) -> None:
    theirs, ours, their_wire, our_wire = side.pair(default_headers={"X-Stainless-Lang": "other"})
    run(theirs.files.retrieve("file-abc", extra_headers={"X-Stainless-Retry-Count": "9"}))
    run(ours.files.retrieve("file-abc", extra_headers={"X-Stainless-Retry-Count": "9"}))
    for wire in (their_wire, our_wire):
        sent = wire.sent[0].headers
        assert (sent["x-stainless-lang"], sent["x-stainless-retry-count"]) == ("other", "9")
